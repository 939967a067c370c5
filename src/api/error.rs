//! `ApiError`: what can go wrong with one API call, in a shape callers can branch on.
//!
//! The variants separate "the server never answered" (and whether it may still have
//! acted: [`ApiError::answer_lost`]), "the server said no" (status + message), "the
//! server said something we do not understand" and "we refused to send it at all".
//! Messages and excerpts are redacted of every secret the request carried.

use super::route::{Method, Route};

/// How a request failed before an answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportFailure {
    /// No connection could be made: the request never left.
    Connect,
    /// The timeout expired while waiting for or reading the answer.
    Timeout,
    /// The connection broke after the request was sent.
    Dropped,
}

impl std::fmt::Display for TransportFailure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            TransportFailure::Connect => "could not connect",
            TransportFailure::Timeout => "timed out",
            TransportFailure::Dropped => "connection dropped",
        })
    }
}

/// An error of one API call.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// An id argument is not a TagoIO id (24 lowercase hexadecimal digits); nothing was sent.
    #[error("`{value}` is not a TagoIO id (24 lowercase hexadecimal digits); nothing was sent")]
    InvalidId { value: String },
    /// Another argument cannot be sent (e.g. an empty token); nothing was sent.
    #[error("invalid {what}: {reason}; nothing was sent")]
    InvalidArgument { what: &'static str, reason: String },
    /// No answer arrived. `reached_server` says whether the server may have acted.
    #[error("{route}: {failure} after {attempts} attempt(s){}: {detail}", if *reached_server { " (the server may have acted)" } else { "" })]
    Transport {
        route: Box<Route>,
        failure: TransportFailure,
        reached_server: bool,
        attempts: u32,
        detail: String,
    },
    /// The server answered with TagoIO's error envelope.
    #[error("{route}: {status} {message}")]
    Api {
        route: Box<Route>,
        status: u16,
        message: String,
        attempts: u32,
    },
    /// The server answered an error status without TagoIO's envelope.
    #[error("{route}: unexpected HTTP status {status}: {excerpt}")]
    UnexpectedStatus {
        route: Box<Route>,
        status: u16,
        excerpt: String,
        attempts: u32,
    },
    /// A 3xx answer. TagoIO's API does not redirect; tagoform follows none, so no token or
    /// password went to `target` (its scheme, host and port only).
    #[error(
        "{route}: the API answered {status}, a redirect to {target}; TagoIO's API does not \
         redirect, so tagoform followed nothing and sent no credential there: check --api or \
         TAGOIO_API"
    )]
    Redirected {
        route: Box<Route>,
        status: u16,
        target: String,
    },
    /// A success status whose body is not what the route returns (or is too large).
    #[error("{route}: could not read the answer (HTTP {status}): {detail}{}", excerpt.as_ref().map(|e| format!("; body starts with: {e}")).unwrap_or_default())]
    Decode {
        route: Box<Route>,
        status: u16,
        detail: String,
        excerpt: Option<String>,
    },
}

impl ApiError {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Api { status, .. }
            | ApiError::UnexpectedStatus { status, .. }
            | ApiError::Decode { status, .. }
            | ApiError::Redirected { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The route of the request, when one was built.
    pub fn route(&self) -> Option<&Route> {
        match self {
            ApiError::Transport { route, .. }
            | ApiError::Api { route, .. }
            | ApiError::UnexpectedStatus { route, .. }
            | ApiError::Decode { route, .. }
            | ApiError::Redirected { route, .. } => Some(route.as_ref()),
            _ => None,
        }
    }

    /// The server's own message, for [`ApiError::Api`].
    pub fn server_message(&self) -> Option<&str> {
        match self {
            ApiError::Api { message, .. } => Some(message),
            _ => None,
        }
    }

    /// How many requests were sent for this call (0 when refused before sending).
    pub fn attempts(&self) -> u32 {
        match self {
            ApiError::Transport { attempts, .. }
            | ApiError::Api { attempts, .. }
            | ApiError::UnexpectedStatus { attempts, .. } => *attempts,
            ApiError::Decode { .. } | ApiError::Redirected { .. } => 1,
            _ => 0,
        }
    }

    /// 409: the object already exists in that state (shared twice, request pending).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// 404: the id is unknown.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// 401: no token, an unknown one or an expired one.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// 403: the token may not do this.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    /// 400 about the two-factor code: the account has two-factor authentication on, and
    /// the pin was missing or not a current one. The caller names `TAGOIO_PIN`.
    pub fn is_pin_refused(&self) -> bool {
        matches!(self.status(), Some(400 | 401))
            && self.server_message().is_some_and(|message| {
                let message = message.to_ascii_lowercase();
                ["pin_code", "otp_enabled", "otp_type"]
                    .iter()
                    .any(|word| message.contains(word))
            })
    }

    /// A failure the same request may not meet again: no answer, 429, or a 5xx. Anything
    /// else (a 4xx, an answer of another shape, an argument refused before sending) repeats
    /// until something changes.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Transport { .. } => true,
            ApiError::Api { status, .. } | ApiError::UnexpectedStatus { status, .. } => {
                *status == 429 || *status >= 500
            }
            _ => false,
        }
    }

    /// 429: still rate limited after the retries allowed.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// The outcome is unknown: the request may have been carried out but its answer was
    /// lost (timeout, dropped connection, or a 5xx to a POST). A caller must read the
    /// state again before repeating a POST, or it may create a duplicate.
    pub fn answer_lost(&self) -> bool {
        match self {
            ApiError::Transport { reached_server, .. } => *reached_server,
            ApiError::Api { status, .. } | ApiError::UnexpectedStatus { status, .. } => {
                *status >= 500
            }
            _ => false,
        }
    }

    /// True when this call may be repeated blindly: nothing was done, or the method is
    /// idempotent.
    pub fn safe_to_repeat(&self) -> bool {
        match self.route() {
            Some(route) if route.method() == Method::Post => !self.answer_lost(),
            _ => true,
        }
    }
}
