//! Profiles and their team: listing, creating, editing and deleting a profile, and the
//! members (or pending invitations) of its team.

use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::scalars::Id;

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

impl ProfileListItem {
    /// True for the account's own profiles; false for those of other accounts that it sees
    /// as a team member, which tagoform never manages.
    pub fn is_own(&self) -> bool {
        self.from_share != Some(true)
    }
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
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileEditRequest {
    pub name: Option<String>,
    pub logo_url: Option<String>,
    pub banner_url: Option<String>,
}

/// `DELETE /profile/{id}` body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDeleteRequest {
    pub password: Secret,
    pub pin_code: Option<Secret>,
}

/// `GET /profile/{id}` result. Billing details TagoIO adds are kept raw.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileInfo {
    pub info: ProfileDetails,
    pub allocation: Option<serde_json::Value>,
    pub addons: Option<serde_json::Value>,
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

/// One item of `GET /profile/{id}/team`, exactly sdk-js `ProfileTeam`. `active: false` is
/// an invitation; TagoIO lists no expiry: it lapses 7 days after `created_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// The member's account id.
    pub id: Id,
    pub email: String,
    pub name: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// `POST /profile/{id}/team` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamInviteRequest {
    pub email: String,
}
