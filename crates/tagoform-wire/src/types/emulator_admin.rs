//! The emulator's administration routes (`/_emulator/...`; never called against TagoIO):
//! the clock and request counts. Apart from the
//! TagoIO types so it is plain which bodies exist only in the emulator.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /_emulator/clock/advance` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvanceClockRequest {
    pub seconds: i64,
}

/// `GET /_emulator/clock` and `POST /_emulator/clock/advance` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockInfo {
    pub now: DateTime<Utc>,
    pub offset_seconds: i64,
}

/// `GET /_emulator/stats` result: requests since the last reset, `/_emulator` excluded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStats {
    pub total: u64,
    /// Keyed by `METHOD /route/{template}`, e.g. `GET /profile/{id}/team`.
    pub requests: BTreeMap<String, u64>,
}

/// `POST /_emulator/clock/freeze` body: stop the clock at `at` (default: now).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreezeClockRequest {
    pub at: Option<DateTime<Utc>>,
}
