//! The HTTP surface: [`app`] builds the axum `Router`; this module also holds what every
//! route shares (the route table, request counting and faults, the `token` check with
//! permissions and rate limits, and the JSON body reader that answers in TagoIO's shape).

mod account;
mod addons;
mod admin;
mod billing;
mod integration;
mod notification;
mod profiles;
mod sharing;
mod team;
mod tokens;

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Json, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{ErrorReply, ReplyResult};
use super::faults::{self, Fault};
use super::model::ObjectKind;
use super::store::AppState;
use tagoform_wire::types::{is_valid_id, ApiSuccess, Id, Permission};

/// Every path template the emulator serves, for request counts and rate limits.
pub const ROUTE_TEMPLATES: &[&str] = &[
    "/account/login",
    "/account/login/otp",
    "/account/profile/token",
    "/account/allocation",
    "/account/subscription",
    "/account/subscription/schedule",
    "/pricing",
    "/notification",
    "/notification/{id}/{button_id}",
    "/profile",
    "/profile/{id}",
    "/profile/{id}/team",
    "/profile/{id}/team/{account_id}",
    "/profile/{id}/token",
    "/profile/{id}/token/{token}",
    "/profile/{id}/{addon}",
    "/integration/network",
    "/integration/network/{id}",
    "/integration/network/{id}/share",
    "/integration/network/{id}/share/{profile_id}",
    "/integration/connector",
    "/integration/connector/{id}",
    "/integration/connector/{id}/share",
    "/integration/connector/{id}/share/{profile_id}",
];

/// The emulator's router over `state`. TagoIO routes answer with or without a trailing
/// slash (the SDK sends `/profile/` and `/integration/connector/`).
pub fn app(state: AppState) -> Router {
    let mut router = Router::new();
    router = route(router, "/account/login", post(account::login));
    router = route(router, "/account/login/otp", post(account::login_otp));
    router = route(router, "/notification", get(notification::list));
    router = route(
        router,
        "/notification/{id}/{button_id}",
        axum::routing::put(notification::press),
    );
    router = route(
        router,
        "/account/profile/token",
        post(account::profile_token),
    );
    router = route(
        router,
        "/account/allocation",
        get(billing::allocation).post(billing::edit_allocation),
    );
    router = route(
        router,
        "/account/subscription",
        get(billing::subscription).post(billing::edit_subscription),
    );
    router = route(
        router,
        "/account/subscription/schedule",
        get(addons::schedule),
    );
    router = route(router, "/pricing", get(billing::pricing));
    router = route(
        router,
        "/profile",
        get(profiles::list).post(profiles::create),
    );
    router = route(
        router,
        "/profile/{id}",
        get(profiles::info)
            .put(profiles::edit)
            .delete(profiles::remove),
    );
    router = route(
        router,
        "/profile/{id}/team",
        get(team::list)
            .post(team::invite)
            .delete(addons::not_an_addon),
    );
    router = route(
        router,
        "/profile/{id}/team/{account_id}",
        axum::routing::delete(team::remove),
    );
    router = route(
        router,
        "/profile/{id}/token",
        get(tokens::list)
            .post(tokens::create)
            .delete(addons::not_an_addon),
    );
    // `team` and `token` are routes of their own; any other word is an add-on (or a 400).
    router = route(
        router,
        "/profile/{id}/{addon}",
        axum::routing::delete(addons::remove_addon),
    );
    router = route(
        router,
        "/profile/{id}/token/{token}",
        axum::routing::delete(tokens::remove),
    );
    router = router
        .merge(integration_routes(ObjectKind::Network))
        .merge(integration_routes(ObjectKind::Connector));
    router
        .merge(admin::routes())
        .fallback(|| async { ErrorReply::not_found("Route not found") })
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

fn integration_routes(kind: ObjectKind) -> Router<AppState> {
    let base = format!("/integration/{}", kind.as_str());
    let mut router = Router::new();
    router = route(
        router,
        &base,
        get(integration::list).post(integration::create),
    );
    router = route(
        router,
        &format!("{base}/{{id}}"),
        get(integration::info)
            .put(integration::edit)
            .delete(integration::remove),
    );
    router = route(
        router,
        &format!("{base}/{{id}}/share"),
        get(sharing::list).post(sharing::share),
    );
    router = route(
        router,
        &format!("{base}/{{id}}/share/{{profile_id}}"),
        axum::routing::delete(sharing::unshare),
    );
    router.layer(Extension(kind))
}

fn route(
    router: Router<AppState>,
    path: &str,
    handler: MethodRouter<AppState>,
) -> Router<AppState> {
    router
        .route(path, handler.clone())
        .route(&format!("{path}/"), handler)
}

/// `METHOD /template` for a request, e.g. `GET /profile/{id}/team`.
pub fn route_key(method: &Method, path: &str) -> String {
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    let best = ROUTE_TEMPLATES
        .iter()
        .filter_map(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literals = 0;
            for (part, segment) in parts.iter().zip(&segments) {
                if part.starts_with('{') {
                    continue;
                }
                if part != segment {
                    return None;
                }
                literals += 1;
            }
            Some((literals, *template))
        })
        .max_by_key(|(literals, _)| *literals);
    match best {
        Some((_, template)) => format!("{method} {template}"),
        None => format!("{method} <unmatched>"),
    }
}

/// Counts the request, then applies the fault settings ([`super::faults`]): 429 and 503
/// before the work, a dropped connection or a slow answer after it. `/_emulator` routes are
/// exempt.
async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/_emulator") {
        return next.run(request).await;
    }
    state.record_request(route_key(request.method(), request.uri().path()));
    let latency = state.latency();
    let fault = state.roll_fault();
    if state.roll_failure() || fault == Fault::Unavailable {
        tokio::time::sleep(latency).await;
        return ErrorReply::unavailable().into_response();
    }
    if fault == Fault::Throttle {
        tokio::time::sleep(latency).await;
        return faults::throttled();
    }
    let mut response = next.run(request).await;
    match fault {
        Fault::Drop => return faults::dropped(),
        Fault::Slow(delay) => tokio::time::sleep(delay).await,
        _ => {}
    }
    // The `Date` header tells clients the emulator's clock (which tests move forward), so
    // expiry is judged by the server's time, as against TagoIO.
    if let Ok(now) = state.read(|_, now| Ok(now)) {
        let date = now.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        if let Ok(value) = axum::http::HeaderValue::from_str(&date) {
            response
                .headers_mut()
                .insert(axum::http::header::DATE, value);
        }
    }
    tokio::time::sleep(latency).await;
    response
}

/// The caller, from the `token` header: checked for expiry, permission and rate limit.
#[derive(Debug, Clone)]
pub struct Auth {
    pub account: Id,
    pub profile: Id,
    pub permission: Permission,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ErrorReply;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ReplyResult<Self> {
        let value = parts
            .headers
            .get("token")
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| {
                ErrorReply::unauthorized("Authorization denied: no token in the `token` header")
            })?;
        let (auth, now) = state.read(|data, now| {
            let token = data
                .tokens
                .get(value)
                .ok_or_else(|| ErrorReply::unauthorized("Authorization denied: invalid token"))?;
            if token.is_expired(now) {
                return Err(ErrorReply::unauthorized(
                    "Authorization denied: token expired",
                ));
            }
            let auth = Auth {
                account: token.account.clone(),
                profile: token.profile.clone(),
                permission: token.permission,
            };
            Ok((auth, now))
        })?;
        check_permission(auth.permission, &parts.method)?;
        state.check_rate_limit(
            &auth.profile,
            &route_key(&parts.method, parts.uri.path()),
            now,
        )?;
        Ok(auth)
    }
}

/// `read` only reads; `write` creates and updates, and neither reads nor deletes ("Write
/// only – create and update", docs `profiles/account-token.md`); `deny` does nothing.
fn check_permission(permission: Permission, method: &Method) -> ReplyResult<()> {
    let allowed = match permission {
        Permission::Full => true,
        Permission::Write => *method != Method::DELETE && *method != Method::GET,
        Permission::Read => *method == Method::GET,
        Permission::Deny => false,
    };
    if allowed {
        return Ok(());
    }
    if permission == Permission::Deny {
        return Err(ErrorReply::forbidden(
            "Authorization denied: a deny token cannot be used",
        ));
    }
    let action = match *method {
        Method::DELETE => "delete",
        Method::GET => "read",
        _ => "write",
    };
    Err(ErrorReply::forbidden(format!(
        "Authorization denied: a {permission} token cannot {action}"
    )))
}

/// A JSON body; a missing or malformed body is a TagoIO-style 400.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ErrorReply;

    async fn from_request(request: Request, state: &S) -> ReplyResult<Self> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|error| ErrorReply::bad_request(format!("Invalid request body: {error}")))?;
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(bytes)
            .map(Body)
            .map_err(|error| invalid_body(&error))
    }
}

/// A 400 for a body that does not decode, without serde's line and column.
pub fn invalid_body(error: &serde_json::Error) -> ErrorReply {
    let text = error.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    ErrorReply::bad_request(format!("Invalid request body: {text}"))
}

/// `{"status": true, "result": value}`.
pub fn ok<T: Serialize>(value: T) -> Json<ApiSuccess<T>> {
    Json(ApiSuccess::new(value))
}

/// Refuses a path segment that is not a TagoIO id before anything looks it up.
pub fn check_id(value: &str, what: &str) -> ReplyResult<()> {
    if is_valid_id(value) {
        Ok(())
    } else {
        Err(ErrorReply::bad_request(format!(
            "Invalid {what} id `{}`",
            shorten(value)
        )))
    }
}

/// Echoes at most 40 characters of user input in messages.
pub fn shorten(value: &str) -> String {
    value.chars().take(40).collect()
}

/// A name that must not be blank.
pub fn require_name(name: &str, what: &str) -> ReplyResult<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(ErrorReply::bad_request(format!("{what} name is required")));
    }
    Ok(trimmed.to_string())
}
