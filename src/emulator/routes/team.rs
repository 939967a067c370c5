//! A profile's team: members and invitations. Only the owner invites or removes; only
//! existing accounts can be invited; an invitation is pending until accepted and lapses
//! seven days after it was sent, after which it no longer counts and may be sent again.

use axum::extract::{Path, State};
use axum::Json;
use chrono::Duration;

use super::profiles::{openable, owned};
use super::{check_id, ok, shorten, Auth, Body};
use crate::api::types::{ApiSuccess, TeamInviteRequest, TeamMember};
use crate::emulator::error::{ApiError, ApiResult};
use crate::emulator::limits::Resource;
use crate::emulator::model::{Membership, INVITATION_LIFETIME_DAYS};
use crate::emulator::store::AppState;

const OWNER_ONLY: &str = "Only the profile's owner can invite or remove team members";

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ApiSuccess<Vec<TeamMember>>>> {
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
                    expire_at: if membership.active {
                        None
                    } else {
                        membership.expire_at
                    },
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
) -> ApiResult<Json<ApiSuccess<String>>> {
    let email = request.email.trim().to_string();
    state
        .write(|context| {
            let profile = owned(context.state, &auth.account, &id, OWNER_ONLY)?;
            let invitee = context.state.account_by_email(&email).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "No TagoIO account uses the email `{}`: invitations can only be sent to existing accounts",
                    shorten(&email)
                ))
            })?;
            if invitee.id == profile.account {
                return Err(ApiError::bad_request("The profile's owner cannot be invited to its own team"));
            }
            let invitee = invitee.id.clone();
            if let Some(membership) = profile.team.get(&invitee) {
                if membership.active {
                    return Err(ApiError::conflict(format!("`{email}` is already a member of this profile's team")));
                }
                if membership.is_live(context.now) {
                    return Err(ApiError::conflict(format!("`{email}` already has a pending invitation to this profile")));
                }
            }
            let live = profile.team.iter().filter(|(account, m)| **account != invitee && m.is_live(context.now)).count();
            if let Some(message) = context.plan.check_resource(Resource::TeamMember, live) {
                return Err(ApiError::bad_request(message));
            }
            let membership = Membership {
                active: false,
                created_at: context.now,
                expire_at: Some(context.now + Duration::days(INVITATION_LIFETIME_DAYS)),
            };
            if let Some(profile) = context.state.profiles.get_mut(&id) {
                profile.team.insert(invitee, membership);
            }
            Ok(())
        })
        .await?;
    Ok(ok("User invited".to_string()))
}

pub async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, account_id)): Path<(String, String)>,
) -> ApiResult<Json<ApiSuccess<String>>> {
    check_id(&account_id, "account")?;
    state
        .write(|context| {
            let profile = owned(context.state, &auth.account, &id, OWNER_ONLY)?;
            if !profile.team.contains_key(&account_id) {
                return Err(ApiError::not_found(format!(
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
