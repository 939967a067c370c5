//! The envelope TagoIO wraps every answer in (`status` plus `result` or `message`), and the
//! page size its list routes accept: what the client and the emulator agree on before any
//! area's own types come into play.

use serde::{Deserialize, Serialize};

/// A successful answer: `{"status": true, "result": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiSuccess<T> {
    pub status: bool,
    pub result: T,
}

impl<T> ApiSuccess<T> {
    pub fn new(result: T) -> Self {
        Self {
            status: true,
            result,
        }
    }
}

/// A failed answer: `{"status": false, "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiFailure {
    pub status: bool,
    pub message: String,
}

impl ApiFailure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            status: false,
            message: message.into(),
        }
    }
}

/// Either answer, for decoding before the status is known. `result` is kept raw.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawEnvelope {
    pub status: bool,
    pub result: Option<serde_json::Value>,
    pub message: Option<String>,
}

/// The largest `amount` (page size) the emulator's list routes accept; larger values are
/// refused (400). TagoIO's own clients ask for up to 10,000 items a page (mcp-server
/// `src/utils/global-params.model.ts`), so TagoIO serves at least that many.
pub const MAX_PAGE_AMOUNT: u32 = 10_000;
