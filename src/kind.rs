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
