//! TagoIO's billing vocabulary: the nine services an account shares out among its profiles
//! and the two add-ons a profile can have (sdk-js `billing.types.ts`: `BillingService`,
//! `BillingAddOn`).
//!
//! Data only, so that `config`, `api`, `live`, `plan` and the emulator all speak of the same
//! services without importing each other.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A metered service whose account limit is allocated among profiles.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Input,
    Output,
    Analysis,
    DataRecords,
    Sms,
    Email,
    RunUsers,
    PushNotification,
    FileStorage,
}

impl Service {
    /// Every service, in the order TagoIO's Billing page lists them.
    pub const ALL: [Service; 9] = [
        Service::Input,
        Service::Output,
        Service::Analysis,
        Service::DataRecords,
        Service::Sms,
        Service::Email,
        Service::RunUsers,
        Service::PushNotification,
        Service::FileStorage,
    ];

    /// The key TagoIO and the configuration use.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Input => "input",
            Service::Output => "output",
            Service::Analysis => "analysis",
            Service::DataRecords => "data_records",
            Service::Sms => "sms",
            Service::Email => "email",
            Service::RunUsers => "run_users",
            Service::PushNotification => "push_notification",
            Service::FileStorage => "file_storage",
        }
    }

    /// The service named `key`, as TagoIO spells it.
    pub fn from_key(key: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.as_str() == key)
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A paid, per-profile extra.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AddOn {
    /// Custom domain and white label.
    CustomDns,
    /// Custom mobile app.
    Mobile,
}

impl AddOn {
    /// Both add-ons.
    pub const ALL: [AddOn; 2] = [AddOn::CustomDns, AddOn::Mobile];

    /// The key TagoIO and the configuration use.
    pub fn as_str(self) -> &'static str {
        match self {
            AddOn::CustomDns => "custom_dns",
            AddOn::Mobile => "mobile",
        }
    }

    /// The add-on named `key`, as TagoIO spells it.
    pub fn from_key(key: &str) -> Option<AddOn> {
        AddOn::ALL.into_iter().find(|a| a.as_str() == key)
    }
}

impl fmt::Display for AddOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_tagoio_spelling_and_round_trip() {
        for service in Service::ALL {
            let json = serde_json::to_value(service).unwrap();
            assert_eq!(json, service.as_str());
            assert_eq!(Service::from_key(service.as_str()), Some(service));
        }
        for addon in AddOn::ALL {
            assert_eq!(serde_json::to_value(addon).unwrap(), addon.as_str());
            assert_eq!(AddOn::from_key(addon.as_str()), Some(addon));
        }
        assert_eq!(Service::from_key("inputs"), None);
    }
}
