//! TagoIO wire types (DTOs) shared by the client and the emulator.
//!
//! Field names are snake_case exactly as TagoIO puts them on the wire; optional fields are
//! `Option` and skipped when absent, so a type can carry a partial object (an edit, or a list
//! item reduced by `fields`). Types that hold a token value or a password print `<redacted>`
//! in their `Debug` output: secrets must never reach a log line or an error message.
//! Recorded samples of TagoIO's answers live in `tests/fixtures/emulator/samples/`, and a
//! test parses them with these types so the client and the emulator cannot drift together.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A TagoIO object id: 24 lowercase hexadecimal characters.
pub type Id = String;

/// What `Debug` prints in place of a secret.
pub const REDACTED: &str = "<redacted>";

/// Whether `value` has the shape of a TagoIO id (24 lowercase hex characters).
pub fn is_valid_id(value: &str) -> bool {
    value.len() == 24
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

// ---------------------------------------------------------------------------------------
// Envelope
// ---------------------------------------------------------------------------------------

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawEnvelope {
    pub status: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Shared scalars
// ---------------------------------------------------------------------------------------

/// A token's permission. `read` cannot write; `write` cannot delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    Full,
    Write,
    Read,
    Deny,
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Full => "full",
            Self::Write => "write",
            Self::Read => "read",
            Self::Deny => "deny",
        })
    }
}

/// When a token expires: `"never"` or an ISO-8601 instant on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Expiry {
    Never,
    At(DateTime<Utc>),
}

impl Serialize for Expiry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Never => serializer.serialize_str("never"),
            Self::At(at) => {
                serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Millis, true))
            }
        }
    }
}

impl<'de> Deserialize<'de> for Expiry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        match text.as_deref() {
            None | Some("never") => Ok(Self::Never),
            Some(text) => DateTime::parse_from_rfc3339(text)
                .map(|at| Self::At(at.with_timezone(&Utc)))
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "expected \"never\" or an ISO-8601 date, got {text:?}"
                    ))
                }),
        }
    }
}

/// The second factor a login or token request names when the account has 2FA on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OtpType {
    Sms,
    Email,
    Authenticator,
}

/// Prints a secret field as `<redacted>` (or `None`) in hand-written `Debug` impls.
fn redacted_option(value: &Option<String>) -> Option<&'static str> {
    value.as_ref().map(|_| REDACTED)
}

// ---------------------------------------------------------------------------------------
// Account
// ---------------------------------------------------------------------------------------

/// `POST /account/login` body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp_type: Option<OtpType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileTokenRequest {
    pub email: String,
    pub password: String,
    pub profile_id: Id,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp_type: Option<OtpType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileTokenResponse {
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

// ---------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------

/// One item of `GET /profile` (and of the login answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileListItem {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub logo_url: Option<String>,
    /// True when another account owns the profile and this account is on its team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_share: Option<bool>,
    /// The owning account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Id>,
}

/// `POST /profile` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileCreateRequest {
    pub name: String,
}

/// `POST /profile` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileCreateResponse {
    pub id: Id,
}

/// `PUT /profile/{id}` body: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileEditRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner_url: Option<String>,
}

/// `DELETE /profile/{id}` body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDeleteRequest {
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_code: Option<String>,
}

impl fmt::Debug for ProfileDeleteRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileDeleteRequest")
            .field("password", &REDACTED)
            .field("pin_code", &redacted_option(&self.pin_code))
            .finish()
    }
}

/// `GET /profile/{id}` result. Billing details TagoIO adds are kept raw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileInfo {
    pub info: ProfileDetails,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addons: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_plan: Option<String>,
}

/// The `info` object of [`ProfileInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDetails {
    pub id: Id,
    pub account: Id,
    pub name: String,
    #[serde(default)]
    pub logo_url: Option<String>,
    #[serde(default)]
    pub banner_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------
// Team
// ---------------------------------------------------------------------------------------

/// One item of `GET /profile/{id}/team`. `active: false` is a pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// The member's account id.
    pub id: Id,
    pub email: String,
    pub name: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// When a pending invitation lapses; absent once accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_at: Option<DateTime<Utc>>,
}

/// `POST /profile/{id}/team` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamInviteRequest {
    pub email: String,
}

// ---------------------------------------------------------------------------------------
// Account tokens
// ---------------------------------------------------------------------------------------

/// The `type` TagoIO gives a token created through the token routes.
pub const TOKEN_TYPE_ACCOUNT: &str = "account";
/// The `type` of a token TagoIO creates by itself when someone signs in to a profile
/// (`POST /account/profile/token`); a reconciler must leave these alone.
pub const TOKEN_TYPE_LOGIN: &str = "login";

/// One item of `GET /profile/{id}/token`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenListItem {
    pub name: String,
    pub token: String,
    pub permission: Permission,
    pub expire_time: Expiry,
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_authorization: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCreateRequest {
    pub name: String,
    pub permission: Permission,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    pub email: String,
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp_type: Option<OtpType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

// ---------------------------------------------------------------------------------------
// Networks and connectors
// ---------------------------------------------------------------------------------------

/// A configuration parameter a device of this network or connector asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceParameter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `text`, `dropdown`, `switch` or `number`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// `default`, `main`, `advanced` or `hide`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Only for `dropdown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<serde_json::Value>>,
}

/// How a network asks for a device's serial number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialNumber {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// The writable fields of a network (`POST` body, and `PUT` body with only what changes).
/// `payload_decoder` travels base64-encoded, as TagoIO expects it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkCreateInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_parameters: Option<Vec<DeviceParameter>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middleware_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_encoder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_decoder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<SerialNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_devices_access: Option<bool>,
}

/// A network as read back (`GET`); reduced to the requested `fields` in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInfo {
    pub id: Id,
    /// The owning profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub fields: NetworkCreateInfo,
}

/// `POST /integration/network` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkCreateResponse {
    pub network: Id,
}

/// The writable fields of a connector (`POST` body, and `PUT` body with only what changes).
/// `payload_decoder` travels base64-encoded, as TagoIO expects it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectorCreateInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_parameters: Option<Vec<DeviceParameter>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub networks: Option<Vec<Id>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_encoder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_decoder: Option<String>,
    /// The description in the connector's documentation settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_text: Option<String>,
    /// The completion text in the connector's documentation settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_end_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_annotation: Option<String>,
}

/// A connector as read back (`GET`); reduced to the requested `fields` in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorInfo {
    pub id: Id,
    /// The owning profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub fields: ConnectorCreateInfo,
}

/// `POST /integration/connector` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorCreateResponse {
    pub connector: Id,
}

// ---------------------------------------------------------------------------------------
// Shares and publication requests
// ---------------------------------------------------------------------------------------

/// `POST /integration/{kind}/{id}/share` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRequest {
    pub profile_id: Id,
}

/// One item of `GET /integration/{kind}/{id}/share`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareItem {
    /// The recipient profile.
    pub profile_id: Id,
    /// The recipient profile's name, when it still exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// `POST /integration/{kind}/{id}/publish` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Where a publication request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PublicationStatus {
    None,
    Pending,
    Approved,
    Rejected,
}

/// `POST /integration/{kind}/{id}/publish` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishResponse {
    pub id: Id,
    pub status: PublicationStatus,
}

/// `GET /integration/{kind}/{id}/publish` result: the latest request, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationInfo {
    pub status: PublicationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The reviewer's reason, on rejection (and optionally approval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_at: Option<DateTime<Utc>>,
}

// ---------------------------------------------------------------------------------------
// Emulator administration (`/_emulator/...`; never called against TagoIO)
// ---------------------------------------------------------------------------------------

/// `POST /_emulator/publication/{request_id}/review` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRequest {
    /// `approved` or `rejected`.
    pub decision: PublicationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /_emulator/invitation/accept` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInvitationRequest {
    pub profile_id: Id,
    pub email: String,
}

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

/// The largest `amount` (page size) the list routes accept; larger values are refused (400).
pub const MAX_PAGE_AMOUNT: u32 = 1000;

/// `POST /_emulator/clock/freeze` body: stop the clock at `at` (default: now).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreezeClockRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

/// A network or connector as its owning profile reads it: TagoIO's object plus, in
/// tagoform's model, whom it is shared with and its latest publication request, so a
/// reconciler reads shares and publication state from the list, not once per object.
/// (Both keys are absent for other profiles' objects, and when `fields` leaves them out.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnedIntegration<T> {
    #[serde(flatten)]
    pub object: T,
    /// Recipient profile ids, sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_with: Option<Vec<Id>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<PublicationInfo>,
}
