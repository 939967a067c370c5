//! Account sign-in: the login route and the route that hands out a profile token from the
//! account's credentials. Kept together because both carry a password and an optional PIN.

use crate::secret::Secret;
use serde::{Deserialize, Serialize};

use super::profile::ProfileListItem;
use super::scalars::{Id, OtpType, Permission};

/// `POST /account/login` body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: Secret,
    pub otp_type: Option<OtpType>,
    pub pin_code: Option<Secret>,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileTokenRequest {
    pub email: String,
    pub password: Secret,
    pub profile_id: Id,
    pub name: String,
    pub expire_time: Option<String>,
    pub otp_type: Option<OtpType>,
    pub pin_code: Option<Secret>,
}

/// `POST /account/profile/token` result as tagoform reads it: the token, the one key both
/// the SDK (`{token}`) and the spec (`{created_by, name, permission, profile, token}`) name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileTokenResponse {
    pub token: Secret,
}

/// `POST /account/profile/token` result as the spec gives it (`specs/tagoio-api.yaml`
/// `/account/profile/token`): what the emulator answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileTokenCreated {
    /// The account that made the token.
    pub created_by: Id,
    pub name: String,
    pub permission: Permission,
    pub profile: Id,
    pub token: Secret,
}

/// `POST /account/login/otp` body: asks TagoIO to send a two-factor code by SMS or e-mail
/// (sdk-js `Account.requestLoginPINCode`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginOtpRequest {
    pub email: String,
    pub password: Secret,
    pub otp_type: OtpType,
}
