//! A profile's account tokens: the list item, the create request and the one answer that
//! carries a full token value. Every type here holds a secret, so each `Debug` is by hand.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::scalars::{redacted_option, Expiry, OtpType, Permission, REDACTED};

/// The `type` TagoIO gives a token created through the token routes.
pub const TOKEN_TYPE_ACCOUNT: &str = "account";
/// The `type` of a token TagoIO creates by itself when someone signs in to a profile
/// (`POST /account/profile/token`); a reconciler must leave these alone.
pub const TOKEN_TYPE_LOGIN: &str = "login";

/// One item of `GET /profile/{id}/token`.
#[serde_with::skip_serializing_none]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenListItem {
    pub name: String,
    pub token: String,
    pub permission: Permission,
    pub expire_time: Expiry,
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub last_authorization: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
}

impl fmt::Debug for TokenListItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenListItem")
            .field("name", &self.name)
            .field("token", &REDACTED)
            .field("permission", &self.permission)
            .field("expire_time", &self.expire_time)
            .field("kind", &self.kind)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// `POST /profile/{id}/token` body. `expire_time`: `never`, an ISO-8601 date, or a
/// relative period such as `3 hours` or `90 days`.
#[serde_with::skip_serializing_none]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCreateRequest {
    pub name: String,
    pub permission: Permission,
    pub expire_time: Option<String>,
    pub email: String,
    pub password: String,
    pub otp_type: Option<OtpType>,
    pub pin_code: Option<String>,
}

impl fmt::Debug for TokenCreateRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCreateRequest")
            .field("name", &self.name)
            .field("permission", &self.permission)
            .field("expire_time", &self.expire_time)
            .field("email", &self.email)
            .field("password", &REDACTED)
            .field("otp_type", &self.otp_type)
            .field("pin_code", &redacted_option(&self.pin_code))
            .finish()
    }
}

/// `POST /profile/{id}/token` result: the only time the full value is handed out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCreateResponse {
    pub token: String,
    pub expire_date: Expiry,
    pub permission: Permission,
}

impl fmt::Debug for TokenCreateResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCreateResponse")
            .field("token", &REDACTED)
            .field("expire_date", &self.expire_date)
            .field("permission", &self.permission)
            .finish()
    }
}
