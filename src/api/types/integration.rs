//! Integrations: networks and connectors, their shares with other profiles, and their
//! publication requests. Kept together because the owning profile reads all three at once
//! (see [`OwnedIntegration`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::scalars::Id;

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
