//! The notifications of the token's account (sdk-js `Notifications.ts`): `GET /notification`
//! lists them; `PUT /notification/{id}/{button_id}` presses a button. The only buttons the
//! emulator makes are an invitation's accept and refuse (`share_profile` trigger), which is
//! how an invitee joins a team or declines (help article "Team Management").

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde_json::Value;

use super::{ok, Auth};
use crate::error::{ErrorReply, ReplyResult};
use crate::model::{timestamp, Notification};
use crate::query::ListParams;
use crate::store::AppState;
use tagoform_wire::types::{ApiSuccess, NotificationButton, NotificationInfo, NotificationTrigger};

/// The SDK defines no default fields for this list: every field is answered.
const ALL_FIELDS: &[&str] = &[];

fn info(notification: &Notification) -> NotificationInfo {
    NotificationInfo {
        id: notification.id.clone(),
        title: notification.title.clone(),
        message: notification.message.clone(),
        read: notification.read,
        created_at: notification.created_at,
        buttons: notification
            .buttons
            .iter()
            .map(|button| NotificationButton {
                id: button.id.clone(),
                label: button.label.clone(),
                color: None,
                triggers: vec![NotificationTrigger::ShareProfile {
                    share_profile: button.share_profile.clone(),
                }],
            })
            .collect(),
        buttons_enabled: notification.buttons_enabled,
        buttons_autodisable: true,
    }
}

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(raw): RawQuery,
) -> ReplyResult<Json<ApiSuccess<Vec<Value>>>> {
    let query = ListParams::parse(raw.as_deref(), ("created_at", false))?;
    let items = state.read(|data, _| {
        let mine = data
            .notifications
            .values()
            .filter(|n| n.account == auth.account)
            .filter_map(|n| match serde_json::to_value(info(n)) {
                Ok(Value::Object(mut map)) => {
                    map.insert("created_at".into(), timestamp(n.created_at).into());
                    Some(map)
                }
                _ => None,
            })
            .collect();
        Ok(query.apply(mine, ALL_FIELDS))
    })?;
    Ok(ok(items))
}

/// Presses a button. For an invitation: `accept` makes the invitee a member, `refuse`
/// withdraws the invitation; either disables the buttons (`buttons_autodisable`). Refusals
/// (wording *unverified*): an invitation that lapsed, was revoked or was sent again.
pub async fn press(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, button_id)): Path<(String, String)>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    super::check_id(&id, "notification")?;
    state
        .write(|context| {
            let notification = context
                .state
                .notifications
                .get(&id)
                .filter(|n| n.account == auth.account)
                .ok_or_else(|| ErrorReply::not_found("Notification not found"))?;
            let button = notification
                .buttons
                .iter()
                .find(|b| b.id == button_id)
                .ok_or_else(|| ErrorReply::not_found("Notification button not found"))?;
            if !notification.buttons_enabled {
                return Err(ErrorReply::bad_request(
                    "This notification's buttons were already used",
                ));
            }
            let accept = button.share_profile == "accept";
            let Some((profile_id, sent_at)) = notification.invitation.clone() else {
                return Err(ErrorReply::bad_request("This button does nothing"));
            };
            let now = context.now;
            let profile = context.state.profiles.get_mut(&profile_id);
            let membership = profile
                .and_then(|profile| {
                    let live = profile
                        .team
                        .get(&auth.account)
                        .is_some_and(|m| !m.active && m.created_at == sent_at && m.is_live(now));
                    live.then_some(profile)
                })
                .ok_or_else(|| {
                    ErrorReply::bad_request(
                        "This invitation is no longer valid: it expired, was revoked or was sent again",
                    )
                })?;
            if accept {
                if let Some(member) = membership.team.get_mut(&auth.account) {
                    member.active = true;
                }
            } else {
                membership.team.remove(&auth.account);
            }
            if let Some(notification) = context.state.notifications.get_mut(&id) {
                notification.buttons_enabled = false;
                notification.read = true;
            }
            Ok(())
        })
        .await?;
    Ok(ok("Notification button pressed".to_string()))
}
