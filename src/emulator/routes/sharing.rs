//! Shares and publication requests of networks and connectors (not in TagoIO's public
//! SDK; modelled in TagoIO's style). Only the owning profile shares, unshares or asks for
//! publication; a share names the recipient profile, never the owner, and only once.

use axum::extract::{Path, State};
use axum::{Extension, Json};

use super::integration::owned;
use super::{check_id, ok, Auth, Body};
use crate::api::types::{
    ApiSuccess, PublicationInfo, PublicationStatus, PublishRequest, PublishResponse, ShareItem,
    ShareRequest,
};
use crate::emulator::error::{ApiError, ApiResult};
use crate::emulator::model::{Kind, Publication, State as Data};
use crate::emulator::store::AppState;

pub async fn list(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ApiSuccess<Vec<ShareItem>>>> {
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
    Extension(kind): Extension<Kind>,
    auth: Auth,
    Path(id): Path<String>,
    Body(request): Body<ShareRequest>,
) -> ApiResult<Json<ApiSuccess<String>>> {
    let recipient = request.profile_id.trim().to_string();
    check_id(&recipient, "profile")?;
    state
        .write(|context| {
            let object = owned(context.state, kind, &auth.profile, &id, "shared further")?;
            if recipient == object.profile {
                return Err(ApiError::bad_request(format!(
                    "A {} cannot be shared with the profile that owns it",
                    kind.as_str()
                )));
            }
            if !context.state.profiles.contains_key(&recipient) {
                return Err(ApiError::not_found(format!(
                    "Profile `{recipient}` not found"
                )));
            }
            if object.shares.contains_key(&recipient) {
                return Err(ApiError::conflict(format!(
                    "{} is already shared with profile `{recipient}`",
                    kind.title()
                )));
            }
            if let Some(object) = context.state.integrations.get_mut(&id) {
                object.shares.insert(recipient.clone(), context.now);
            }
            Ok(())
        })
        .await?;
    Ok(ok(format!("{} Successfully Shared", kind.title())))
}

pub async fn unshare(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    auth: Auth,
    Path((id, recipient)): Path<(String, String)>,
) -> ApiResult<Json<ApiSuccess<String>>> {
    check_id(&recipient, "profile")?;
    state
        .write(|context| {
            let object = owned(context.state, kind, &auth.profile, &id, "modified")?;
            if !object.shares.contains_key(&recipient) {
                return Err(ApiError::not_found(format!(
                    "{} is not shared with profile `{recipient}`",
                    kind.title()
                )));
            }
            if let Some(object) = context.state.integrations.get_mut(&id) {
                object.shares.remove(&recipient);
            }
            Ok(())
        })
        .await?;
    Ok(ok("Share Successfully Removed".to_string()))
}

/// The latest publication request of an object.
pub fn latest<'a>(data: &'a Data, object: &str) -> Option<&'a Publication> {
    data.publications
        .values()
        .filter(|publication| publication.object == object)
        .max_by(|a, b| {
            a.requested_at
                .cmp(&b.requested_at)
                .then_with(|| a.id.cmp(&b.id))
        })
}

/// A publication request as the API shows it.
pub fn publication_info(publication: Option<&Publication>) -> PublicationInfo {
    match publication {
        None => PublicationInfo {
            status: PublicationStatus::None,
            id: None,
            message: None,
            reason: None,
            requested_at: None,
            reviewed_at: None,
        },
        Some(publication) => PublicationInfo {
            status: publication.status,
            id: Some(publication.id.clone()),
            message: publication.message.clone(),
            reason: publication.reason.clone(),
            requested_at: Some(publication.requested_at),
            reviewed_at: publication.reviewed_at,
        },
    }
}

pub async fn publication(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ApiSuccess<PublicationInfo>>> {
    let info = state.read(|data, _| {
        owned(data, kind, &auth.profile, &id, "published")?;
        Ok(publication_info(latest(data, &id)))
    })?;
    Ok(ok(info))
}

pub async fn publish(
    State(state): State<AppState>,
    Extension(kind): Extension<Kind>,
    auth: Auth,
    Path(id): Path<String>,
    Body(request): Body<PublishRequest>,
) -> ApiResult<Json<ApiSuccess<PublishResponse>>> {
    let response = state
        .write(|context| {
            let object = owned(context.state, kind, &auth.profile, &id, "published")?;
            if object.public {
                return Err(ApiError::conflict(format!(
                    "{} is already public",
                    kind.title()
                )));
            }
            if latest(context.state, &id).is_some_and(|p| p.status == PublicationStatus::Pending) {
                return Err(ApiError::conflict(format!(
                    "A publication request for this {} is already pending",
                    kind.as_str()
                )));
            }
            let request_id = context.state.new_id(context.rng, context.now);
            let publication = Publication {
                id: request_id.clone(),
                kind,
                object: id.clone(),
                status: PublicationStatus::Pending,
                message: request.message.filter(|message| !message.trim().is_empty()),
                reason: None,
                requested_at: context.now,
                reviewed_at: None,
            };
            context
                .state
                .publications
                .insert(request_id.clone(), publication);
            Ok(PublishResponse {
                id: request_id,
                status: PublicationStatus::Pending,
            })
        })
        .await?;
    Ok(ok(response))
}
