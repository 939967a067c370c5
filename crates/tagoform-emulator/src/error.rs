//! The emulator's error answer: TagoIO's `{"status": false, "message": ...}` with a fitting
//! HTTP status. Every rule refusal goes through [`ErrorReply`], so no handler can answer an
//! error in a shape the client does not understand.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use tagoform_wire::types::ApiFailure;

/// A refused request, by kind; each kind has one HTTP status. Messages are TagoIO-style
/// and never contain a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorReply {
    /// 400: the request itself is wrong (including a reached resource limit).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no token, an unknown or expired token, or wrong credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the caller is known but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such object (or not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// 409: the request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// 429: over the plan's rate limit until the next minute, `retry_after` seconds away.
    #[error("Too many requests (Retry-After: {retry_after})")]
    TooManyRequests { retry_after: u64 },
    /// 500: the emulator itself failed (e.g. the state file could not be written).
    #[error("{0}")]
    Internal(String),
    /// 503: an injected fault (`--fail-rate`).
    #[error("Service unavailable, try again")]
    Unavailable,
}

impl ErrorReply {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Unauthorized(message.into())
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }

    pub fn too_many_requests(retry_after: u64) -> Self {
        Self::TooManyRequests { retry_after }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::Internal(message.into())
    }

    pub fn unavailable() -> Self {
        Self::Unavailable
    }

    /// A credential failure answered with `status` (401 on the sign-in routes, 400 where a
    /// valid token already authenticated the caller).
    pub fn credentials(status: StatusCode, message: impl Into<String>) -> Self {
        if status == StatusCode::UNAUTHORIZED {
            Self::unauthorized(message)
        } else {
            Self::bad_request(message)
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The message of the answer's body.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl IntoResponse for ErrorReply {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(ApiFailure::new(self.message()))).into_response();
        if let Self::TooManyRequests { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}

/// What every handler returns.
pub type ReplyResult<T> = Result<T, ErrorReply>;
