//! Profiles of the calling account: list, create (names may repeat), read, edit, delete.
//! A new profile holds nothing of the account's service limits unless it is the account's
//! only one; a deleted one leaves its add-ons.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use tagoform_wire::Secret;

use super::account::{profiles_of, verify_credentials, SecondFactor};
use super::{check_id, ok, require_name, Auth, Body};
use crate::billing::Allocation;
use crate::error::{ErrorReply, ReplyResult};
use crate::limits::Resource;
use crate::model::{State as Data, StoredProfile};
use crate::seed::new_profile;
use crate::store::AppState;
use tagoform_wire::billing::AddOn;
use tagoform_wire::types::{
    ApiSuccess, ProfileCreateRequest, ProfileCreateResponse, ProfileDeleteRequest, ProfileDetails,
    ProfileEditRequest, ProfileInfo, ProfileListItem,
};

/// The profile `id` if `account` can open it (owner or accepted member), else 404.
pub fn openable<'a>(data: &'a Data, account: &str, id: &str) -> ReplyResult<&'a StoredProfile> {
    check_id(id, "profile")?;
    data.profiles
        .get(id)
        .filter(|profile| data.can_open_profile(account, profile))
        .ok_or_else(|| ErrorReply::not_found("Profile not found"))
}

/// The profile `id` if `account` owns it: 404 when not visible, 403 `message` otherwise.
pub fn owned<'a>(
    data: &'a Data,
    account: &str,
    id: &str,
    message: &str,
) -> ReplyResult<&'a StoredProfile> {
    let profile = openable(data, account, id)?;
    if profile.account != account {
        return Err(ErrorReply::forbidden(message));
    }
    Ok(profile)
}

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
) -> ReplyResult<Json<ApiSuccess<Vec<ProfileListItem>>>> {
    Ok(ok(
        state.read(|data, _| Ok(profiles_of(data, &auth.account)))?
    ))
}

pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Body(request): Body<ProfileCreateRequest>,
) -> ReplyResult<Json<ApiSuccess<ProfileCreateResponse>>> {
    let name = require_name(&request.name, "Profile")?;
    let id = state
        .write(|context| {
            let existing = context
                .state
                .profiles
                .values()
                .filter(|p| p.account == auth.account)
                .count();
            if let Some(message) = context.plan.check_resource(Resource::Profile, existing) {
                return Err(ErrorReply::bad_request(message));
            }
            let id = context.state.new_id(context.rng, context.now);
            let mut profile = new_profile(&id, &auth.account, &name, context.now);
            profile.allocation = Some(
                context
                    .state
                    .new_profile_allocation(&auth.account, context.now),
            );
            context.state.profiles.insert(id.clone(), profile);
            Ok(id)
        })
        .await?;
    Ok(ok(ProfileCreateResponse { id }))
}

pub async fn info(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ReplyResult<Json<ApiSuccess<ProfileInfo>>> {
    // TagoIO accepts `current` for the token's own profile.
    let id = if id == "current" {
        auth.profile.clone()
    } else {
        id
    };
    let info = state.read(|data, now| {
        let profile = openable(data, &auth.account, &id)?;
        let subscription = data.subscription(&profile.account);
        let allocation = profile
            .allocation
            .clone()
            .unwrap_or_else(|| Allocation::zero(now));
        let addons: serde_json::Map<String, serde_json::Value> = AddOn::ALL
            .into_iter()
            .map(|addon| {
                let has = subscription.is_some_and(|s| s.has_addon(addon, &profile.id, now));
                (addon.as_str().to_string(), has.into())
            })
            .collect();
        Ok(ProfileInfo {
            info: ProfileDetails {
                id: profile.id.clone(),
                account: profile.account.clone(),
                name: profile.name.clone(),
                logo_url: profile.logo_url.clone(),
                banner_url: profile.banner_url.clone(),
                created_at: profile.created_at,
                updated_at: profile.updated_at,
            },
            // The SDK's shape (`ProfileInfo`): the owner's allocation, add-ons and plan.
            allocation: Some(serde_json::Value::Object(allocation.to_json())),
            addons: Some(serde_json::Value::Object(addons)),
            account_plan: subscription.map(|s| s.plan.as_str().to_string()),
        })
    })?;
    Ok(ok(info))
}

pub async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Body(request): Body<ProfileEditRequest>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    let name = request
        .name
        .as_deref()
        .map(|name| require_name(name, "Profile"))
        .transpose()?;
    state
        .write(|context| {
            owned(
                context.state,
                &auth.account,
                &id,
                "Only the profile's owner can change it",
            )?;
            if let Some(profile) = context.state.profiles.get_mut(&id) {
                if let Some(name) = name {
                    profile.name = name;
                }
                if let Some(logo_url) = request.logo_url {
                    profile.logo_url = Some(logo_url).filter(|url| !url.is_empty());
                }
                if let Some(banner_url) = request.banner_url {
                    profile.banner_url = Some(banner_url).filter(|url| !url.is_empty());
                }
                profile.updated_at = context.now;
            }
            Ok(())
        })
        .await?;
    Ok(ok("Profile Successfully Updated".to_string()))
}

pub async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Body(request): Body<ProfileDeleteRequest>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    state
        .write(|context| {
            owned(
                context.state,
                &auth.account,
                &id,
                "Only the profile's owner can delete it",
            )?;
            let email = context
                .state
                .accounts
                .get(&auth.account)
                .map(|a| a.email.clone())
                .unwrap_or_default();
            let when = context.code_check();
            let code = verify_credentials(
                context.state,
                &email,
                request.password.expose(),
                SecondFactor {
                    pin_code: request.pin_code.as_ref().map(Secret::expose),
                    otp_type: None,
                    needs_otp_type: false,
                },
                StatusCode::BAD_REQUEST,
                when,
            )?
            .code;
            let data = &mut *context.state;
            crate::two_factor::consume(data, &auth.account, code);
            data.remove_profile_addons(&auth.account, &id);
            data.profiles.remove(&id);
            data.tokens.retain(|_, token| token.profile != id);
            data.remove_profile_integrations(&id);
            Ok(())
        })
        .await?;
    Ok(ok("Profile Successfully Removed".to_string()))
}
