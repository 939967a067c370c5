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
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceParameter {
    pub name: Option<String>,
    pub label: Option<String>,
    /// `text`, `dropdown`, `switch` or `number`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub default: Option<serde_json::Value>,
    /// `default`, `main`, `advanced` or `hide`.
    pub group: Option<String>,
    /// Only for `dropdown`.
    pub options: Option<Vec<serde_json::Value>>,
}

/// How a network asks for a device's serial number.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialNumber {
    pub mask: Option<String>,
    pub label: Option<String>,
    pub image: Option<String>,
    pub case: Option<String>,
    pub help: Option<String>,
    pub required: Option<bool>,
}

/// The writable fields of a network (`POST` body, and `PUT` body with only what changes).
/// `payload_decoder` travels base64-encoded, as TagoIO expects it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkCreateInfo {
    pub name: Option<String>,
    pub description: Option<String>,
    pub logo_url: Option<String>,
    pub icon_url: Option<String>,
    pub banner_url: Option<String>,
    pub device_parameters: Option<Vec<DeviceParameter>>,
    pub middleware_endpoint: Option<String>,
    pub payload_encoder: Option<String>,
    pub payload_decoder: Option<String>,
    pub public: Option<bool>,
    pub documentation_url: Option<String>,
    pub serial_number: Option<SerialNumber>,
    pub require_devices_access: Option<bool>,
}

/// A network as read back (`GET`); reduced to the requested `fields` in lists. No owner
/// field: TagoIO defines none, so ownership comes from asking with `filter[profile]`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInfo {
    pub id: Id,
    pub created_at: Option<DateTime<Utc>>,
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
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectorCreateInfo {
    pub name: Option<String>,
    pub description: Option<String>,
    pub logo_url: Option<String>,
    pub device_parameters: Option<Vec<DeviceParameter>>,
    pub networks: Option<Vec<Id>>,
    pub payload_encoder: Option<String>,
    pub payload_decoder: Option<String>,
    /// The description in the connector's documentation settings.
    pub install_text: Option<String>,
    /// The completion text in the connector's documentation settings.
    pub install_end_text: Option<String>,
    pub device_annotation: Option<String>,
}

/// A connector as read back (`GET`); reduced to the requested `fields` in lists.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorInfo {
    pub id: Id,
    pub public: Option<bool>,
    pub created_at: Option<DateTime<Utc>>,
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
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareItem {
    /// The recipient profile.
    pub profile_id: Id,
    /// The recipient profile's name, when it still exists.
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
}
