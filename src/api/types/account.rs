//! Account sign-in: the login route and the route that hands out a profile token from the
//! account's credentials. Kept together because both carry a password and an optional PIN.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::profile::ProfileListItem;
use super::scalars::{redacted_option, Expiry, Id, OtpType, REDACTED};

/// `POST /account/login` body.
#[serde_with::skip_serializing_none]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    pub otp_type: Option<OtpType>,
    pub pin_code: Option<String>,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("password", &REDACTED)
            .field("otp_type", &self.otp_type)
            .field("pin_code", &redacted_option(&self.pin_code))
            .finish()
    }
}

/// `POST /account/login` result: the account and the profiles it can open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Id,
    pub email: String,
    #[serde(default)]
    pub company: Option<String>,
    pub name: String,
    pub profiles: Vec<ProfileListItem>,
}

/// `POST /account/profile/token` body: a token for one profile, from the account's credentials.
#[serde_with::skip_serializing_none]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileTokenRequest {
    pub email: String,
    pub password: String,
    pub profile_id: Id,
    pub name: String,
    pub expire_time: Option<String>,
    pub otp_type: Option<OtpType>,
    pub pin_code: Option<String>,
}

impl fmt::Debug for ProfileTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileTokenRequest")
            .field("email", &self.email)
            .field("password", &REDACTED)
            .field("profile_id", &self.profile_id)
            .field("name", &self.name)
            .field("expire_time", &self.expire_time)
            .field("otp_type", &self.otp_type)
            .field("pin_code", &redacted_option(&self.pin_code))
            .finish()
    }
}

/// `POST /account/profile/token` result.
#[serde_with::skip_serializing_none]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileTokenResponse {
    pub token: String,
    pub expire_date: Option<Expiry>,
}

impl fmt::Debug for ProfileTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileTokenResponse")
            .field("token", &REDACTED)
            .field("expire_date", &self.expire_date)
            .finish()
    }
}

/// `POST /account/login/otp` body: asks TagoIO to send a two-factor code by SMS or e-mail
/// (sdk-js `Account.requestLoginPINCode`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginOtpRequest {
    pub email: String,
    pub password: String,
    pub otp_type: OtpType,
}

impl fmt::Debug for LoginOtpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginOtpRequest")
            .field("email", &self.email)
            .field("password", &REDACTED)
            .field("otp_type", &self.otp_type)
            .finish()
    }
}
