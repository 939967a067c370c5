//! A profile's account tokens: the list item, the create request and the one answer that
//! carries a full token value. Every type here holds a secret, so each `Debug` is by hand.

use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::scalars::{Expiry, ListedExpiry, OtpType, Permission};

/// The `type` TagoIO gives a token created through the token routes.
pub const TOKEN_TYPE_ACCOUNT: &str = "account";
/// The `type` of a token TagoIO creates by itself when someone signs in to a profile
/// (`POST /account/profile/token`); a reconciler must leave these alone.
pub const TOKEN_TYPE_LOGIN: &str = "login";

/// One item of `GET /profile/{id}/token`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenListItem {
    pub name: String,
    pub token: Secret,
    pub permission: Permission,
    pub expire_time: ListedExpiry,
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub last_authorization: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
}

/// `POST /profile/{id}/token` body. `expire_time`: `never`, an ISO-8601 date, or a
/// relative period such as `3 hours` or `90 days`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCreateRequest {
    pub name: String,
    pub permission: Permission,
    pub expire_time: Option<String>,
    pub email: String,
    pub password: Secret,
    pub otp_type: Option<OtpType>,
    pub pin_code: Option<Secret>,
}

/// `POST /profile/{id}/token` result: the only time the full value is handed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCreateResponse {
    pub token: Secret,
    pub expire_date: Expiry,
    pub permission: Permission,
}
