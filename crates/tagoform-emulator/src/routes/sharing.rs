//! Shares of networks and connectors. *Unverified*: the feature exists (TagoIO API changelog
//! v8.5.1, help article "Sharing Connectors & Networks"), but no public TagoIO source names
//! its routes or bodies, so these are tagoform's model (docs/api.md, "Shares"). What is
//! established: only the owner shares, by profile id, also with other accounts' profiles,
//! and recipients use a shared object but never change it.

use axum::extract::{Path, State};
use axum::{Extension, Json};

use super::integration::owned;
use super::{check_id, ok, Auth, Body};
use crate::error::{ErrorReply, ReplyResult};
use crate::model::ObjectKind;
use crate::store::AppState;
use tagoform_wire::types::{ApiSuccess, ShareItem, ShareRequest};

pub async fn list(
    State(state): State<AppState>,
    Extension(kind): Extension<ObjectKind>,
    auth: Auth,
    Path(id): Path<String>,
) -> ReplyResult<Json<ApiSuccess<Vec<ShareItem>>>> {
    let items = state.read(|data, _| {
        let object = owned(data, kind, &auth.profile, &id, "shared further")?;
        let mut items: Vec<ShareItem> = object
            .shares
            .iter()
            .map(|(profile_id, created_at)| ShareItem {
                profile_id: profile_id.clone(),
                name: data
                    .profiles
                    .get(profile_id)
                    .map(|profile| profile.name.clone()),
                created_at: *created_at,
            })
            .collect();
        items.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.profile_id.cmp(&b.profile_id))
        });
        Ok(items)
    })?;
    Ok(ok(items))
}

pub async fn share(
    State(state): State<AppState>,
    Extension(kind): Extension<ObjectKind>,
    auth: Auth,
    Path(id): Path<String>,
    Body(request): Body<ShareRequest>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    let recipient = request.profile_id.trim().to_string();
    check_id(&recipient, "profile")?;
    state
        .write(|context| {
            let object = owned(context.state, kind, &auth.profile, &id, "shared further")?;
            if recipient == object.profile {
                return Err(ErrorReply::bad_request(format!(
                    "A {} cannot be shared with the profile that owns it",
                    kind.as_str()
                )));
            }
            if !context.state.profiles.contains_key(&recipient) {
                return Err(ErrorReply::not_found(format!(
                    "Profile `{recipient}` not found"
                )));
            }
            if object.shares.contains_key(&recipient) {
                return Err(ErrorReply::conflict(format!(
                    "{} is already shared with profile `{recipient}`",
                    kind.title()
                )));
            }
            context.state.set_share(&id, &recipient, Some(context.now));
            Ok(())
        })
        .await?;
    Ok(ok(format!("{} Successfully Shared", kind.title())))
}

pub async fn unshare(
    State(state): State<AppState>,
    Extension(kind): Extension<ObjectKind>,
    auth: Auth,
    Path((id, recipient)): Path<(String, String)>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    check_id(&recipient, "profile")?;
    state
        .write(|context| {
            let object = owned(context.state, kind, &auth.profile, &id, "modified")?;
            if !object.shares.contains_key(&recipient) {
                return Err(ErrorReply::not_found(format!(
                    "{} is not shared with profile `{recipient}`",
                    kind.title()
                )));
            }
            context.state.set_share(&id, &recipient, None);
            Ok(())
        })
        .await?;
    Ok(ok("Share Successfully Removed".to_string()))
}
