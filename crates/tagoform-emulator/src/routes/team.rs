//! A profile's team: members and invitations (sdk-js `Profile.ts`; help article "Team
//! Management - Sharing your profile"). Only the owner invites or removes; only existing
//! accounts can be invited; an invitation reaches the invitee as a notification with an
//! accept and a refuse button, is pending until accepted and lapses seven days after it was
//! sent, after which it no longer counts and may be sent again.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};

use super::profiles::{openable, owned};
use super::{check_id, ok, shorten, Auth, Body};
use crate::error::{ErrorReply, ReplyResult};
use crate::limits::Resource;
use crate::model::{Membership, Notification, NotificationButton};
use crate::store::AppState;
use tagoform_wire::types::{ApiSuccess, TeamInviteRequest, TeamMember};

const OWNER_ONLY: &str = "Only the profile's owner can invite or remove team members";

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ReplyResult<Json<ApiSuccess<Vec<TeamMember>>>> {
    let members = state.read(|data, _| {
        let profile = openable(data, &auth.account, &id)?;
        let mut members: Vec<TeamMember> = profile
            .team
            .iter()
            .filter_map(|(account_id, membership)| {
                let account = data.accounts.get(account_id)?;
                Some(TeamMember {
                    id: account.id.clone(),
                    email: account.email.clone(),
                    name: account.name.clone(),
                    active: membership.active,
                    created_at: membership.created_at,
                })
            })
            .collect();
        members.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(members)
    })?;
    Ok(ok(members))
}

pub async fn invite(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Body(request): Body<TeamInviteRequest>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    let email = request.email.trim().to_string();
    state
        .write(|context| {
            let profile = owned(context.state, &auth.account, &id, OWNER_ONLY)?;
            let invitee = context.state.account_by_email(&email).ok_or_else(|| {
                ErrorReply::bad_request(format!(
                    "No TagoIO account uses the email `{}`: invitations can only be sent to existing accounts",
                    shorten(&email)
                ))
            })?;
            if invitee.id == profile.account {
                return Err(ErrorReply::bad_request("The profile's owner cannot be invited to its own team"));
            }
            let invitee = invitee.id.clone();
            if let Some(membership) = profile.team.get(&invitee) {
                if membership.active {
                    return Err(ErrorReply::conflict(format!("`{email}` is already a member of this profile's team")));
                }
                if membership.is_live(context.now) {
                    return Err(ErrorReply::conflict(format!("`{email}` already has a pending invitation to this profile")));
                }
            }
            let live = profile.team.iter().filter(|(account, m)| **account != invitee && m.is_live(context.now)).count();
            if let Some(message) = context.plan.check_resource(Resource::TeamMember, live) {
                return Err(ErrorReply::bad_request(message));
            }
            let membership = Membership {
                active: false,
                created_at: context.now,
            };
            let profile_name = profile.name.clone();
            let owner = context
                .state
                .accounts
                .get(&profile.account)
                .map(|owner| owner.name.clone())
                .unwrap_or_default();
            if let Some(profile) = context.state.profiles.get_mut(&id) {
                profile.team.insert(invitee.clone(), membership);
            }
            let notification = context.state.new_id(context.rng, context.now);
            context.state.notifications.insert(
                notification.clone(),
                invitation_notification(notification, invitee, &id, &profile_name, &owner, context.now),
            );
            Ok(())
        })
        .await?;
    Ok(ok("User invited".to_string()))
}

pub async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, account_id)): Path<(String, String)>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    check_id(&account_id, "account")?;
    state
        .write(|context| {
            let profile = owned(context.state, &auth.account, &id, OWNER_ONLY)?;
            if !profile.team.contains_key(&account_id) {
                return Err(ErrorReply::not_found(format!(
                    "No team member or invitation for account `{account_id}`"
                )));
            }
            if let Some(profile) = context.state.profiles.get_mut(&id) {
                profile.team.remove(&account_id);
            }
            Ok(())
        })
        .await?;
    Ok(ok("Account Successfully Removed".to_string()))
}

/// The notification an invitee gets: TagoIO's push notification with the `share_profile`
/// buttons (sdk-js `NotificationTriggerProfile`). Title and message wording *unverified*.
fn invitation_notification(
    id: String,
    invitee: String,
    profile: &str,
    profile_name: &str,
    owner: &str,
    now: DateTime<Utc>,
) -> Notification {
    let button = |id: &str, label: &str, trigger: &str| NotificationButton {
        id: id.to_string(),
        label: label.to_string(),
        share_profile: trigger.to_string(),
    };
    Notification {
        id,
        account: invitee,
        title: "Profile invitation".to_string(),
        message: format!("{owner} invited you to the team of the profile {profile_name}"),
        read: false,
        created_at: now,
        buttons: vec![
            button("accept", "Accept", "accept"),
            button("refuse", "Refuse", "refuse"),
        ],
        buttons_enabled: true,
        invitation: Some((profile.to_string(), now)),
    }
}
