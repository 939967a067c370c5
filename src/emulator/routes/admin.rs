//! Test-only routes under `/_emulator/` (no TagoIO client calls them): reset to the seed,
//! review a publication request, accept an invitation, move the clock, read request counts.
//! They need no token, are not counted, and never get injected faults.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Duration, Utc};

use super::sharing::publication_info;
use super::{check_id, ok, Body};
use crate::api::types::{
    AcceptInvitationRequest, AdvanceClockRequest, ApiSuccess, ClockInfo, FreezeClockRequest,
    PublicationInfo, PublicationStatus, RequestStats, ReviewRequest,
};
use crate::emulator::error::{ApiError, ApiResult};
use crate::emulator::model::{Clock, Publication};
use crate::emulator::store::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/clock", get(clock))
        .route("/_emulator/clock/advance", post(advance_clock))
        .route("/_emulator/clock/freeze", post(freeze_clock))
        .route("/_emulator/clock/unfreeze", post(unfreeze_clock))
        .route("/_emulator/invitation/accept", post(accept_invitation))
        .route("/_emulator/publications", get(publications))
        .route("/_emulator/publication/{id}/review", post(review))
}

async fn reset(State(state): State<AppState>) -> ApiResult<Json<ApiSuccess<String>>> {
    state.reset().await?;
    Ok(ok("Emulator reset to its seed".to_string()))
}

async fn stats(State(state): State<AppState>) -> ApiResult<Json<ApiSuccess<RequestStats>>> {
    Ok(ok(state.stats()?))
}

fn clock_info(clock: &Clock) -> ClockInfo {
    ClockInfo {
        now: clock.now(),
        offset_seconds: clock.offset_seconds,
    }
}

async fn clock(State(state): State<AppState>) -> ApiResult<Json<ApiSuccess<ClockInfo>>> {
    Ok(ok(state.read(|data, _| Ok(clock_info(&data.clock)))?))
}

async fn change_clock(
    state: &AppState,
    change: impl FnOnce(&mut Clock),
) -> ApiResult<Json<ApiSuccess<ClockInfo>>> {
    let info = state
        .write(|context| {
            change(&mut context.state.clock);
            Ok(clock_info(&context.state.clock))
        })
        .await?;
    Ok(ok(info))
}

async fn advance_clock(
    State(state): State<AppState>,
    Body(request): Body<AdvanceClockRequest>,
) -> ApiResult<Json<ApiSuccess<ClockInfo>>> {
    if request.seconds.unsigned_abs() > 100 * 365 * 24 * 3600 {
        return Err(ApiError::bad_request(
            "seconds must be within a hundred years",
        ));
    }
    change_clock(&state, |clock| {
        clock.offset_seconds += request.seconds;
        if let Some(at) = clock.frozen_at.as_mut() {
            *at += Duration::seconds(request.seconds);
        }
    })
    .await
}

async fn freeze_clock(
    State(state): State<AppState>,
    Body(request): Body<FreezeClockRequest>,
) -> ApiResult<Json<ApiSuccess<ClockInfo>>> {
    change_clock(&state, |clock| {
        let at = request.at.unwrap_or_else(|| clock.now());
        clock.offset_seconds = (at - Utc::now()).num_seconds();
        clock.frozen_at = Some(at);
    })
    .await
}

async fn unfreeze_clock(State(state): State<AppState>) -> ApiResult<Json<ApiSuccess<ClockInfo>>> {
    change_clock(&state, |clock| {
        if let Some(at) = clock.frozen_at.take() {
            clock.offset_seconds = (at - Utc::now()).num_seconds();
        }
    })
    .await
}

async fn accept_invitation(
    State(state): State<AppState>,
    Body(request): Body<AcceptInvitationRequest>,
) -> ApiResult<Json<ApiSuccess<String>>> {
    check_id(&request.profile_id, "profile")?;
    state
        .write(|context| {
            let account = context
                .state
                .account_by_email(&request.email)
                .ok_or_else(|| {
                    ApiError::not_found(format!("No account uses the email `{}`", request.email))
                })?
                .id
                .clone();
            let profile = context
                .state
                .profiles
                .get_mut(&request.profile_id)
                .ok_or_else(|| ApiError::not_found("Profile not found"))?;
            let membership = profile.team.get_mut(&account).ok_or_else(|| {
                ApiError::not_found(format!(
                    "No invitation for `{}` to this profile",
                    request.email
                ))
            })?;
            if membership.active {
                return Err(ApiError::conflict(format!(
                    "`{}` is already a member of this profile's team",
                    request.email
                )));
            }
            if !membership.is_live(context.now) {
                return Err(ApiError::conflict(format!(
                    "The invitation for `{}` expired; it must be sent again",
                    request.email
                )));
            }
            membership.active = true;
            membership.expire_at = None;
            Ok(())
        })
        .await?;
    Ok(ok("Invitation accepted".to_string()))
}

async fn publications(
    State(state): State<AppState>,
) -> ApiResult<Json<ApiSuccess<Vec<Publication>>>> {
    Ok(ok(state.read(|data, _| {
        Ok(data.publications.values().cloned().collect())
    })?))
}

async fn review(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(request): Body<ReviewRequest>,
) -> ApiResult<Json<ApiSuccess<PublicationInfo>>> {
    check_id(&id, "publication request")?;
    if !matches!(
        request.decision,
        PublicationStatus::Approved | PublicationStatus::Rejected
    ) {
        return Err(ApiError::bad_request(
            "decision must be `approved` or `rejected`",
        ));
    }
    let info = state
        .write(|context| {
            let publication = context
                .state
                .publications
                .get_mut(&id)
                .ok_or_else(|| ApiError::not_found("Publication request not found"))?;
            if publication.status != PublicationStatus::Pending {
                return Err(ApiError::conflict(
                    "Publication request was already reviewed",
                ));
            }
            publication.status = request.decision;
            publication.reason = request.reason.clone();
            publication.reviewed_at = Some(context.now);
            let info = publication_info(Some(publication));
            let object = publication.object.clone();
            if request.decision == PublicationStatus::Approved {
                if let Some(object) = context.state.integrations.get_mut(&object) {
                    object.public = true;
                    object.updated_at = context.now;
                }
            }
            Ok(info)
        })
        .await?;
    Ok(ok(info))
}
