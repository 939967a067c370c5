//! Notifications of an account's Admin panel: how an invitee learns of an invitation to a
//! team, and answers it with a button (sdk-js `Notifications.ts`, `notifications.types.ts`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::scalars::Id;

/// One item of `GET /notification` (sdk-js `NotificationInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationInfo {
    pub id: Id,
    pub title: String,
    pub message: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub buttons: Vec<NotificationButton>,
    #[serde(default)]
    pub buttons_enabled: bool,
    #[serde(default)]
    pub buttons_autodisable: bool,
}

/// A button of a notification; `PUT /notification/{id}/{button_id}` presses it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationButton {
    pub id: String,
    pub label: String,
    pub color: Option<String>,
    #[serde(default)]
    pub triggers: Vec<NotificationTrigger>,
}

/// What pressing a button does. Only the profile-sharing trigger matters to tagoform; other
/// triggers (analysis, HTTP) are kept as they come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NotificationTrigger {
    /// `{share_profile: "accept" | "refuse"}`: answers an invitation to a profile's team.
    ShareProfile {
        share_profile: String,
    },
    Other(serde_json::Value),
}
