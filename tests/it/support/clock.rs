//! The one moment every end-to-end test freezes the emulator's clock at, so the dates in
//! plans, exports, invitations and expiries are exact.

use chrono::{DateTime, Utc};

/// The frozen moment, as the emulator's admin route takes it.
pub const NOW: &str = "2027-03-01T10:00:00Z";

/// [`NOW`] as an instant, for plans made in this process.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .expect("NOW is an RFC 3339 instant")
        .to_utc()
}
