//! Integrations: networks and connectors (sdk-js `integration.networks.types.ts`,
//! `integration.connectors.types.ts`), and their shares with other profiles (no public
//! source: *unverified*, see `api::share`).

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

/// A network as read back (`GET`); reduced to the requested `fields` in lists. No owner
/// field: TagoIO defines none, so ownership comes from asking with `filter[profile]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInfo {
    pub id: Id,
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
// Shares (*unverified*: no public TagoIO source names these routes or bodies)
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
