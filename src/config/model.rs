//! The validated desired state: what the YAML asks TagoIO to look like.
//!
//! This is the contract between the loader and the plan. Everything here has already passed
//! validation: references resolve, ids are well formed, decoders are read into text. Every
//! object and every list item carries the [`Origin`] of the YAML that asks for it, so a plan
//! can point a reviewer at the exact line.
//!
//! Two conventions carry meaning and must not be flattened:
//! - `Option<Vec<_>>` on lists: `None` (left out) = not managed here, left as it is on TagoIO;
//!   `Some(vec![])` = managed, and the answer is "none".
//! - `Option<_>` on object fields: `None` = left as it is on TagoIO.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use super::publication::{Image, ImageRole, Publish, Version};
pub use crate::billing::{AddOn, Service};

pub use super::wire::{
    DeviceParameter, DeviceParameterGroup, DeviceParameterType, Permission, SerialNumber,
};
use crate::kind::ObjectKind;

/// Where in the YAML something is asked for: file, 1-based line and 1-based column (in chars).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A TagoIO object id: 24 lowercase hexadecimal characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TagoId(String);

impl TryFrom<String> for TagoId {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        TagoId::parse(&text).ok_or_else(|| "not a TagoIO id (24 lowercase hex characters)".into())
    }
}

impl From<TagoId> for String {
    fn from(id: TagoId) -> String {
        id.0
    }
}

impl TagoId {
    /// Accepts exactly 24 lowercase hex characters; anything else is not an id TagoIO issues.
    pub fn parse(text: &str) -> Option<TagoId> {
        let valid = text.len() == 24
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| TagoId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TagoId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The whole desired state, merged from every file. Maps are keyed by the user's key (the
/// name the YAML uses), so iteration order is stable and plans are deterministic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Desired {
    pub external_profiles: BTreeMap<String, ExternalProfile>,
    pub profiles: BTreeMap<String, Profile>,
    pub networks: BTreeMap<String, Network>,
    pub connectors: BTreeMap<String, Connector>,
}

impl Desired {
    /// Networks owned by the profile with this key, in key order.
    pub fn networks_of<'a>(&'a self, profile: &'a str) -> impl Iterator<Item = &'a Network> + 'a {
        self.networks.values().filter(move |n| n.profile == profile)
    }

    /// Connectors owned by the profile with this key, in key order.
    pub fn connectors_of<'a>(
        &'a self,
        profile: &'a str,
    ) -> impl Iterator<Item = &'a Connector> + 'a {
        self.connectors
            .values()
            .filter(move |c| c.profile == profile)
    }
}

/// A profile of another account, known only by its id (a share recipient).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalProfile {
    pub key: String,
    pub id: TagoId,
    pub origin: Origin,
}

/// A profile of the account that this configuration manages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub key: String,
    /// The live name. Names may repeat on TagoIO; `id` pins the profile when they do.
    pub name: String,
    pub id: Option<TagoId>,
    pub logo_url: Option<String>,
    pub banner_url: Option<String>,
    /// The managed services and their amounts (`None`: allocation not managed; a service
    /// missing from the map is not managed either).
    pub allocation: Option<BTreeMap<Service, u64>>,
    /// The complete set of add-ons (`None`: add-ons not managed).
    pub addons: Option<BTreeSet<AddOn>>,
    /// Name of the environment variable holding a token of this profile (never the token).
    pub token_env: Option<String>,
    /// When true, networks and connectors of this profile that the YAML does not name are
    /// planned for deletion instead of being left alone.
    pub exclusive: bool,
    /// A tombstone: remove this profile from TagoIO.
    pub delete: bool,
    /// The complete list of members (`None`: team not managed).
    pub team: Option<Vec<Member>>,
    /// Tokens managed by name (`None`: tokens not managed). Unlisted tokens are left alone.
    pub tokens: Option<Vec<Token>>,
    pub origin: Origin,
    /// Origin of each field the YAML sets, by field name (`name`, `logo_url`, ...).
    pub field_origins: BTreeMap<String, Origin>,
}

/// A team member, by email. TagoIO compares emails case-insensitively; so does the loader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The email as written in the YAML.
    pub email: String,
    pub origin: Origin,
}

impl Member {
    /// The email lowercased: the identity of a member.
    pub fn identity(&self) -> String {
        self.email.to_lowercase()
    }
}

/// An account token of a profile, managed by name. The value never appears in the YAML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub name: String,
    pub permission: Permission,
    pub expires: Expiry,
    pub origin: Origin,
}

/// When a token expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expiry {
    Never,
    /// At the start of this day.
    Date(NaiveDate),
    /// This long after creation.
    Period(Period),
}

impl Expiry {
    /// The value as TagoIO's `expire_time` takes it: `never`, `2027-01-31` or `90 days`.
    pub fn api_value(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expiry::Never => f.write_str("never"),
            Expiry::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            Expiry::Period(period) => write!(f, "{period}"),
        }
    }
}

/// A relative expiry, such as `90 days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub amount: u32,
    pub unit: PeriodUnit,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = self.unit.plural();
        let unit = if self.amount == 1 {
            unit.trim_end_matches('s')
        } else {
            unit
        };
        write!(f, "{} {unit}", self.amount)
    }
}

/// The units TagoIO accepts in a relative `expire_time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

impl PeriodUnit {
    pub const ALL: [PeriodUnit; 6] = [
        PeriodUnit::Minutes,
        PeriodUnit::Hours,
        PeriodUnit::Days,
        PeriodUnit::Weeks,
        PeriodUnit::Months,
        PeriodUnit::Years,
    ];

    /// The plural English word, as TagoIO spells it.
    pub fn plural(self) -> &'static str {
        match self {
            PeriodUnit::Minutes => "minutes",
            PeriodUnit::Hours => "hours",
            PeriodUnit::Days => "days",
            PeriodUnit::Weeks => "weeks",
            PeriodUnit::Months => "months",
            PeriodUnit::Years => "years",
        }
    }
}

/// A recipient of a share, by the key the YAML uses for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareTarget {
    /// The key under `profiles` or `external_profiles`.
    pub key: String,
    pub recipient: Recipient,
    pub origin: Origin,
}

/// Whether a share recipient is managed here or only known by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// A profile under `profiles` (its live id is found when reading TagoIO).
    Profile,
    /// A profile under `external_profiles`.
    External(TagoId),
}

/// A network a connector uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkRef {
    pub target: NetworkTarget,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkTarget {
    /// The key of a network under `networks`.
    Configured(String),
    /// A network known by its id: public (LoRaWAN TTI/TTN v3, Sigfox, ...) or shared with
    /// the connector's profile by another profile; `plan` reads which.
    Public(TagoId),
}

/// A payload decoder or encoder script, already read into text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Script {
    pub text: String,
    /// The file it was read from (as resolved from the YAML), or `None` when written inline.
    pub file: Option<PathBuf>,
}

/// A custom network or connector owned by a managed profile: the fields both kinds have,
/// once, and `own`, the fields of its kind ([`NetworkFields`], [`ConnectorFields`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integration<F> {
    pub key: String,
    /// Key of the owning profile under `profiles`.
    pub profile: String,
    /// The live name. Names may repeat within a profile; `id` pins the object when they do.
    pub name: String,
    /// Pins the live object by id; without it, the object is found by its name.
    pub id: Option<TagoId>,
    /// A tombstone: remove this object from TagoIO.
    pub delete: bool,
    pub description: Option<String>,
    pub logo_url: Option<String>,
    pub device_parameters: Option<Vec<DeviceParameter>>,
    pub payload_encoder: Option<Script>,
    pub payload_decoder: Option<Script>,
    /// The complete list of recipients (`None`: shares not managed).
    pub shared_with: Option<Vec<ShareTarget>>,
    pub publish: Option<Publish>,
    pub origin: Origin,
    /// Origin of each field the YAML sets, by field name.
    pub field_origins: BTreeMap<String, Origin>,
    /// The fields of this kind only.
    #[serde(flatten)]
    pub own: F,
}

/// What only a network has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkFields {
    pub icon_url: Option<String>,
    pub banner_url: Option<String>,
    pub middleware_endpoint: Option<String>,
    pub documentation_url: Option<String>,
    pub serial_number: Option<SerialNumber>,
    pub require_devices_access: Option<bool>,
}

/// What only a connector has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorFields {
    /// At least one for a connector that is kept (empty only on a tombstone).
    pub networks: Vec<NetworkRef>,
    pub install_text: Option<String>,
    pub install_end_text: Option<String>,
    pub device_annotation: Option<String>,
}

/// The fields of one kind, `own` in [`Integration`]: serialized by their API names, each one
/// of [`ObjectKind::managed_fields`] (a connector's `networks` aside, which the plan resolves
/// to ids). The plan reads them by serializing, so a new field is declared here and in that
/// list, not again in the plan.
pub trait OwnFields: Serialize {
    /// The kind these fields belong to.
    const KIND: ObjectKind;
}

impl OwnFields for NetworkFields {
    const KIND: ObjectKind = ObjectKind::Network;
}

impl OwnFields for ConnectorFields {
    const KIND: ObjectKind = ObjectKind::Connector;
}

/// A custom network owned by a managed profile.
pub type Network = Integration<NetworkFields>;

/// A custom connector owned by a managed profile.
pub type Connector = Integration<ConnectorFields>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_lowercase_hex_characters() {
        assert!(TagoId::parse("64f1c2a9e3b1d40012ab34cd").is_some());
        assert!(TagoId::parse("64F1C2A9E3B1D40012AB34CD").is_none());
        assert!(TagoId::parse("64f1c2a9e3b1d40012ab34c").is_none());
        assert!(TagoId::parse("64f1c2a9e3b1d40012ab34cdd").is_none());
        assert!(TagoId::parse("64f1c2a9e3b1d40012ab34cg").is_none());
        let json = serde_json::to_string(&TagoId::parse("64f1c2a9e3b1d40012ab34cd")).unwrap();
        assert_eq!(json, "\"64f1c2a9e3b1d40012ab34cd\"");
        assert!(serde_json::from_str::<TagoId>("\"6512aa\"").is_err());
    }

    #[test]
    fn expiry_reads_as_tagoio_writes_it() {
        let period = |amount, unit| Expiry::Period(Period { amount, unit });
        assert_eq!(period(1, PeriodUnit::Hours).api_value(), "1 hour");
        assert_eq!(period(3, PeriodUnit::Hours).api_value(), "3 hours");
        assert_eq!(Expiry::Never.api_value(), "never");
        let date = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        assert_eq!(Expiry::Date(date).api_value(), "2027-01-31");
    }
}
