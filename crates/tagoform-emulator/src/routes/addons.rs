//! Removing a profile's add-on (`DELETE /profile/{id}/{addon}`), which TagoIO does at the end
//! of the current billing cycle, and the schedule that shows such removals until then
//! (`GET /account/subscription/schedule`). Sources: sdk-js `Profile.ts` (`removeAddOn`),
//! `Billing.ts` (`getSubscriptionSchedule`), `billing.types.ts` (`BillingSchedule`).

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::Json;
use serde_json::{json, Value};

use super::billing::{addons_json, services_json, unknown_addon};
use super::profiles::owned;
use super::{ok, Auth};
use crate::billing::{current_cycle, ScheduledRemoval};
use crate::error::{ErrorReply, ReplyResult};
use crate::model::timestamp;
use crate::store::AppState;
use tagoform_wire::billing::AddOn;
use tagoform_wire::types::ApiSuccess;

/// `DELETE /profile/{id}/{addon}`'s answer (*unverified*).
pub const ADDON_REMOVED: &str = "Add-on Successfully Removed";

/// `DELETE /profile/{id}/{addon}` (sdk-js `Profile.removeAddOn`, deprecated there): the
/// removal is scheduled for the end of the current cycle (`current_cycle.end` of
/// `GET /account/subscription`); until then the profile keeps the add-on. Asking again, or
/// for an add-on the profile does not have, changes nothing and succeeds (*unverified*).
pub async fn remove_addon(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, addon)): Path<(String, String)>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    let addon = AddOn::from_key(&addon).ok_or_else(|| unknown_addon(&addon))?;
    state
        .write(|context| {
            owned(
                context.state,
                &auth.account,
                &id,
                "Only the profile's owner can remove its add-ons",
            )?;
            let now = context.now;
            let Some(subscription) = context
                .state
                .accounts
                .get_mut(&auth.account)
                .and_then(|account| account.subscription.as_mut())
            else {
                return Err(ErrorReply::internal("the account has no subscription"));
            };
            subscription.settle(now);
            let has = subscription.has_addon(addon, &id, now);
            if has && subscription.pending_removal(addon, &id, now).is_none() {
                subscription.removals.push(ScheduledRemoval {
                    addon,
                    profile: id.clone(),
                    at: current_cycle(now).1,
                });
            }
            Ok(())
        })
        .await?;
    Ok(ok(ADDON_REMOVED.to_string()))
}

/// `DELETE /profile/{id}/team` and `DELETE /profile/{id}/token`: those words are routes of
/// their own (without DELETE), so they are answered as the add-on route answers any word that
/// is not an add-on.
pub async fn not_an_addon(_auth: Auth, uri: Uri) -> ErrorReply {
    let word = uri
        .path()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    unknown_addon(&word)
}

/// `GET /account/subscription/schedule` (sdk-js `BillingSchedule`): with a removal pending,
/// `release_at` is when it happens and `subscription` the whole subscription as it will be
/// then ("everything is returned and not only the changes"); with none, `release_at: null`
/// and no `subscription` (*unverified*: the answer with nothing scheduled).
pub async fn schedule(
    State(state): State<AppState>,
    auth: Auth,
) -> ReplyResult<Json<ApiSuccess<Value>>> {
    let answer = state.read(|data, now| {
        let subscription = data
            .subscription(&auth.account)
            .ok_or_else(|| ErrorReply::internal("the account has no subscription"))?;
        let release_at = subscription
            .removals
            .iter()
            .filter(|r| r.at > now)
            .map(|r| r.at)
            .min();
        let Some(release_at) = release_at else {
            return Ok(json!({"account": auth.account, "release_at": null}));
        };
        let after = |addon| {
            let mut ids = subscription.holders(addon, now);
            ids.retain(|id| subscription.pending_removal(addon, id, now).is_none());
            ids
        };
        Ok(json!({
            "account": auth.account,
            "release_at": timestamp(release_at),
            "subscription": {
                "plan": subscription.plan,
                "services": services_json(subscription),
                "addons": addons_json(after),
            },
        }))
    })?;
    Ok(ok(answer))
}
