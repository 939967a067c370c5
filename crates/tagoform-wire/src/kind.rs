//! Network or connector: TagoIO's two integration objects, which profiles own, share and
//! publish alike. One enum for every layer (the client's routes, the live snapshot, the plan,
//! the executor and the emulator), data only.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Network or connector.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Network,
    Connector,
}

impl ObjectKind {
    /// The word used in messages and API paths (`network`).
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Network => "network",
            ObjectKind::Connector => "connector",
        }
    }

    /// Capitalised, as TagoIO starts its messages (`Network`).
    pub fn title(self) -> &'static str {
        match self {
            ObjectKind::Network => "Network",
            ObjectKind::Connector => "Connector",
        }
    }

    /// Every field of this kind the configuration manages, by TagoIO's name, in the order the
    /// configuration (and so `export`) writes them. The one declared list: the plan compares
    /// these, export writes these, and the client asks TagoIO for these. Identity and state
    /// (`id`, `name`, `public`, a connector's `networks`) are not fields the plan edits.
    pub fn managed_fields(self) -> &'static [&'static str] {
        match self {
            ObjectKind::Network => &[
                "description",
                "logo_url",
                "icon_url",
                "banner_url",
                "device_parameters",
                "middleware_endpoint",
                "payload_encoder",
                "payload_decoder",
                "documentation_url",
                "serial_number",
                "require_devices_access",
            ],
            ObjectKind::Connector => &[
                "description",
                "logo_url",
                "device_parameters",
                "payload_encoder",
                "payload_decoder",
                "install_text",
                "install_end_text",
                "device_annotation",
            ],
        }
    }

    /// What TagoIO says of an object besides its managed fields, by TagoIO's name: how the
    /// live snapshot knows it (`id`, `name`), whether it is in the public catalog, when it
    /// changed, and a connector's networks.
    pub fn identity_fields(self) -> &'static [&'static str] {
        match self {
            ObjectKind::Network => &["id", "name", "public", "created_at", "updated_at"],
            ObjectKind::Connector => &[
                "id",
                "name",
                "public",
                "created_at",
                "updated_at",
                "networks",
            ],
        }
    }

    /// The section of the configuration that holds objects of this kind.
    pub fn section(self) -> &'static str {
        match self {
            ObjectKind::Network => "networks",
            ObjectKind::Connector => "connectors",
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
