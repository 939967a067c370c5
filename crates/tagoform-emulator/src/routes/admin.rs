//! Test-only routes under `/_emulator/` (no TagoIO client calls them): reset to the seed,
//! move the clock, read request counts, and merge an entry into the public catalog (what
//! TagoIO does when it merges a pull request to `tago-io/decoders`, which is no API call).
//! Nothing here stands in for a TagoIO route: an invitation, for one, is accepted through
//! the invitee's notification, as on TagoIO. They need no token, are not counted, and never
//! get injected faults.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Duration, Utc};
use serde::Serialize;
use tagoform_wire::Secret;

use super::{ok, Body};
use crate::catalog::{self, CatalogMerge};
use crate::error::{ErrorReply, ReplyResult};
use crate::model::Clock;
use crate::store::AppState;
use tagoform_wire::types::{
    AdvanceClockRequest, ApiSuccess, ClockInfo, FreezeClockRequest, Id, OtpType, RequestStats,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/clock", get(clock))
        .route("/_emulator/clock/advance", post(advance_clock))
        .route("/_emulator/clock/freeze", post(freeze_clock))
        .route("/_emulator/clock/unfreeze", post(unfreeze_clock))
        .route("/_emulator/catalog", post(merge_catalog))
        .route("/_emulator/outbox", get(outbox))
}

/// A code the emulator would have sent by SMS or e-mail.
#[derive(Debug, Serialize)]
struct SentMessage {
    email: String,
    otp_type: OtpType,
    code: Secret,
    expires_at: chrono::DateTime<Utc>,
}

/// The codes `POST /account/login/otp` "sent" and that are not used yet: what the person
/// would read on their phone or in their mailbox.
async fn outbox(State(state): State<AppState>) -> ReplyResult<Json<ApiSuccess<Vec<SentMessage>>>> {
    let messages = state.read(|data, _| {
        Ok(data
            .accounts
            .values()
            .flat_map(|account| {
                account.sent_codes.iter().map(|sent| SentMessage {
                    email: account.email.clone(),
                    otp_type: sent.otp_type,
                    code: sent.code.clone(),
                    expires_at: sent.expires_at,
                })
            })
            .collect())
    })?;
    Ok(ok(messages))
}

/// The new entry's id, as `{id}`.
#[derive(Debug, Serialize)]
struct MergedEntry {
    id: Id,
}

async fn merge_catalog(
    State(state): State<AppState>,
    Body(request): Body<CatalogMerge>,
) -> ReplyResult<Json<ApiSuccess<MergedEntry>>> {
    let id = state
        .write(|context| catalog::merge(context.state, &request, context.now))
        .await?;
    Ok(ok(MergedEntry { id }))
}

async fn reset(State(state): State<AppState>) -> ReplyResult<Json<ApiSuccess<String>>> {
    state.reset().await?;
    Ok(ok("Emulator reset to its seed".to_string()))
}

async fn stats(State(state): State<AppState>) -> ReplyResult<Json<ApiSuccess<RequestStats>>> {
    Ok(ok(state.stats()?))
}

fn clock_info(clock: &Clock) -> ClockInfo {
    ClockInfo {
        now: clock.now(),
        offset_seconds: clock.offset_seconds,
    }
}

async fn clock(State(state): State<AppState>) -> ReplyResult<Json<ApiSuccess<ClockInfo>>> {
    Ok(ok(state.read(|data, _| Ok(clock_info(&data.clock)))?))
}

async fn change_clock(
    state: &AppState,
    change: impl FnOnce(&mut Clock),
) -> ReplyResult<Json<ApiSuccess<ClockInfo>>> {
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
) -> ReplyResult<Json<ApiSuccess<ClockInfo>>> {
    if request.seconds.unsigned_abs() > 100 * 365 * 24 * 3600 {
        return Err(ErrorReply::bad_request(
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
) -> ReplyResult<Json<ApiSuccess<ClockInfo>>> {
    change_clock(&state, |clock| {
        let at = request.at.unwrap_or_else(|| clock.now());
        clock.offset_seconds = (at - Utc::now()).num_seconds();
        clock.frozen_at = Some(at);
    })
    .await
}

async fn unfreeze_clock(State(state): State<AppState>) -> ReplyResult<Json<ApiSuccess<ClockInfo>>> {
    change_clock(&state, |clock| {
        if let Some(at) = clock.frozen_at.take() {
            clock.offset_seconds = (at - Utc::now()).num_seconds();
        }
    })
    .await
}
