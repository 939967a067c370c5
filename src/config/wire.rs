//! The configuration file exactly as written: strict serde structs (`deny_unknown_fields`)
//! that also generate the JSON schema editors use. Doc comments here are the hover text in an
//! editor, so they speak to the person writing the YAML.
//!
//! These types say nothing about references between objects or about files on disk; the
//! loader turns them into the validated [`super::model`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The first and only version of the format.
pub const VERSION: u64 = 1;

/// A tagoform configuration file: profiles, their teams and tokens, custom networks and
/// connectors, and who they are shared with. A folder of such files is merged.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "tagoform configuration")]
pub struct ConfigFile {
    /// Version of the format. Always 1.
    #[schemars(range(min = 1, max = 1))]
    pub version: u64,
    /// Profiles of other accounts, known only by their id, to share networks and connectors
    /// with. Key: the name this configuration uses; value: the profile id (24 hex characters).
    #[serde(default)]
    pub external_profiles: BTreeMap<String, ProfileId>,
    /// Profiles of this account. Key: the name this configuration uses for the profile.
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileEntry>,
    /// Custom networks. Key: the name this configuration uses for the network.
    #[serde(default)]
    pub networks: BTreeMap<String, Network>,
    /// Custom connectors. Key: the name this configuration uses for the connector.
    #[serde(default)]
    pub connectors: BTreeMap<String, Connector>,
}

/// A TagoIO profile id: 24 lowercase hexadecimal characters.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct ProfileId(#[schemars(regex(pattern = r"^[0-9a-f]{24}$"))] pub String);

/// A profile of this account.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a profile (a mapping with at least `name`)"
)]
#[schemars(rename = "Profile")]
pub struct ProfileEntry {
    /// The live name of the profile. Names may repeat on TagoIO: pin `id` when they do.
    pub name: String,
    /// Pins the live profile by id (24 hex characters) when its name is not unique.
    #[schemars(regex(pattern = r"^[0-9a-f]{24}$"))]
    pub id: Option<String>,
    /// URL of the profile's logo.
    pub logo_url: Option<String>,
    /// URL of the profile's banner.
    pub banner_url: Option<String>,
    /// This profile's share of the account's services. A service left out is not managed;
    /// the sum over all profiles must stay within the account's limit for each service.
    pub allocation: Option<Allocation>,
    /// The complete list of paid add-ons of this profile (`custom_dns`, `mobile`). Adding
    /// or removing one changes the subscription and needs `apply --allow-billing`. Leave it
    /// out to not manage add-ons; `[]` means none.
    #[schemars(extend("uniqueItems" = true))]
    pub addons: Option<Vec<crate::billing::AddOn>>,
    /// Name of the environment variable that holds a token of this profile (never the
    /// token itself). Used for the profile's networks, connectors and shares.
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub token_env: Option<String>,
    /// true: networks and connectors of this profile that this configuration does not name are
    /// deleted (with `apply --allow-delete`). false (default): they are left alone.
    #[serde(default)]
    pub exclusive: bool,
    /// The complete team, by email: members not listed are removed, missing ones invited.
    /// Leave it out to not manage the team; `[]` means no members.
    #[schemars(inner(email))]
    pub team: Option<Vec<String>>,
    /// Account tokens, managed by name: tokens not listed here are left alone.
    pub tokens: Option<Vec<TokenEntry>>,
    /// true: delete this profile from TagoIO (needs `apply --allow-delete`).
    #[serde(default)]
    pub delete: bool,
}

/// A profile's share of the account's services (TagoIO's Billing page, "Resource
/// Allocation"). Each amount is in the service's own unit, as TagoIO's Billing page shows it.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping from service (`input`, `output`, ...) to a whole number"
)]
pub struct Allocation {
    /// Data input (data registers a month).
    pub input: Option<Amount>,
    /// Data output (data requests a month).
    pub output: Option<Amount>,
    /// Analysis (minutes of run time a month).
    pub analysis: Option<Amount>,
    /// Data records kept.
    pub data_records: Option<Amount>,
    /// SMS a month.
    pub sms: Option<Amount>,
    /// E-mails a month.
    pub email: Option<Amount>,
    /// Run users.
    pub run_users: Option<Amount>,
    /// Push notifications a month.
    pub push_notification: Option<Amount>,
    /// File storage.
    pub file_storage: Option<Amount>,
}

impl Allocation {
    /// The services this allocation sets, in TagoIO's order.
    pub fn entries(&self) -> Vec<(crate::billing::Service, u64)> {
        use crate::billing::Service;
        [
            (Service::Input, self.input),
            (Service::Output, self.output),
            (Service::Analysis, self.analysis),
            (Service::DataRecords, self.data_records),
            (Service::Sms, self.sms),
            (Service::Email, self.email),
            (Service::RunUsers, self.run_users),
            (Service::PushNotification, self.push_notification),
            (Service::FileStorage, self.file_storage),
        ]
        .into_iter()
        .filter_map(|(service, amount)| amount.map(|a| (service, a.0)))
        .collect()
    }
}

/// A whole number of 0 or more: TagoIO allocates services in whole units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[schemars(transparent)]
pub struct Amount(#[schemars(range(min = 0))] pub u64);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Amount;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number of 0 or more")
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Amount, E> {
                Ok(Amount(value))
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Amount, E> {
                u64::try_from(value)
                    .map(Amount)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(value), &self))
            }
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Amount, E> {
                Err(E::invalid_value(serde::de::Unexpected::Float(value), &self))
            }
        }
        deserializer.deserialize_u64(Visitor)
    }
}

/// An account token of a profile. Its value is written only to `apply --tokens-out`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a token (a mapping with `name`, `permission` and `expires`)"
)]
#[schemars(rename = "Token")]
pub struct TokenEntry {
    /// The token's name, unique within the profile: it is how tagoform finds the token.
    pub name: String,
    /// What the token may do.
    pub permission: Permission,
    /// `never`, a date (`2027-01-31`) or a period after creation (`90 days`; units: minutes,
    /// hours, days, weeks, months, years). A change replaces the token.
    #[schemars(regex(
        pattern = r"^(never|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]+ (minute|hour|day|week|month|year)s?)$"
    ))]
    pub expires: String,
}

/// The permission of an account token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    /// Everything the profile can do.
    Full,
    /// Read and write.
    Write,
    /// Read only.
    Read,
}

impl Permission {
    /// The value as TagoIO spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Full => "full",
            Permission::Write => "write",
            Permission::Read => "read",
        }
    }
}

/// A custom network, owned by one profile of this account.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a network (a mapping with at least `profile` and `name`)"
)]
pub struct Network {
    /// Key of the profile (under `profiles`) that owns the network.
    pub profile: String,
    /// The live name. Names may repeat among the networks of a profile: pin `id` when they do.
    pub name: String,
    /// Pins the live network by id (24 hex characters) when its name is not unique in its
    /// profile.
    #[schemars(regex(pattern = r"^[0-9a-f]{24}$"))]
    pub id: Option<String>,
    /// Shown to users choosing a network.
    pub description: Option<String>,
    /// URL of the network's logo.
    pub logo_url: Option<String>,
    /// URL of the network's icon.
    pub icon_url: Option<String>,
    /// URL of the network's banner.
    pub banner_url: Option<String>,
    /// Fields asked for when a device is created with this network.
    pub device_parameters: Option<Vec<DeviceParameter>>,
    /// The endpoint of the network's middleware (for example `lns.example.com`).
    pub middleware_endpoint: Option<String>,
    /// Payload encoder script, inline. Use `payload_encoder_file` for a file.
    pub payload_encoder: Option<String>,
    /// Path of the payload encoder script, relative to this YAML file.
    pub payload_encoder_file: Option<String>,
    /// Payload decoder script, inline (`payload_decoder: |`). Use `payload_decoder_file` for a file.
    pub payload_decoder: Option<String>,
    /// Path of the payload decoder script, relative to this YAML file.
    pub payload_decoder_file: Option<String>,
    /// URL of the network's documentation.
    pub documentation_url: Option<String>,
    /// How a device's serial number is asked for when it is created with this network.
    pub serial_number: Option<SerialNumber>,
    /// true: devices of this network need access to be granted.
    pub require_devices_access: Option<bool>,
    /// The complete list of profiles (keys under `profiles` or `external_profiles`) this
    /// network is shared with. Leave it out to not manage its shares; `[]` means none.
    pub shared_with: Option<Vec<String>>,
    /// Wanted in TagoIO's public catalog: a pull request to `tago-io/decoders`, reviewed by
    /// TagoIO, not an API call. `tagoform publish` prepares it; `plan` shows its status.
    pub publish: Option<NetworkPublish>,
    /// true: delete this network from TagoIO (needs `apply --allow-delete`).
    #[serde(default)]
    pub delete: bool,
}

/// A custom connector, owned by one profile of this account.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a connector (a mapping with at least `profile`, `name` and `networks`)"
)]
pub struct Connector {
    /// Key of the profile (under `profiles`) that owns the connector.
    pub profile: String,
    /// The live name. Names may repeat among the connectors of a profile: pin `id` when they
    /// do.
    pub name: String,
    /// Pins the live connector by id (24 hex characters) when its name is not unique in its
    /// profile.
    #[schemars(regex(pattern = r"^[0-9a-f]{24}$"))]
    pub id: Option<String>,
    /// The networks devices of this connector can use: keys under `networks` (owned by the
    /// same profile), or `{id: ...}` for a public network or one shared with this connector's
    /// profile. At least one.
    pub networks: Option<Vec<NetworkRef>>,
    /// Shown to users choosing a connector.
    pub description: Option<String>,
    /// URL of the connector's logo.
    pub logo_url: Option<String>,
    /// Fields asked for when a device is created with this connector.
    pub device_parameters: Option<Vec<DeviceParameter>>,
    /// Payload encoder script, inline. Use `payload_encoder_file` for a file.
    pub payload_encoder: Option<String>,
    /// Path of the payload encoder script, relative to this YAML file.
    pub payload_encoder_file: Option<String>,
    /// Payload decoder script, inline (`payload_decoder: |`). Use `payload_decoder_file` for a file.
    pub payload_decoder: Option<String>,
    /// Path of the payload decoder script, relative to this YAML file.
    pub payload_decoder_file: Option<String>,
    /// The description in the connector's documentation settings.
    pub install_text: Option<String>,
    /// The completion text in the connector's documentation settings.
    pub install_end_text: Option<String>,
    /// Annotation shown on devices of this connector.
    pub device_annotation: Option<String>,
    /// The complete list of profiles (keys under `profiles` or `external_profiles`) this
    /// connector is shared with. Leave it out to not manage its shares; `[]` means none.
    pub shared_with: Option<Vec<String>>,
    /// Wanted in TagoIO's public catalog: a pull request to `tago-io/decoders`, reviewed by
    /// TagoIO, not an API call. `tagoform publish` prepares it; `plan` shows its status.
    pub publish: Option<ConnectorPublish>,
    /// true: delete this connector from TagoIO (needs `apply --allow-delete`).
    #[serde(default)]
    pub delete: bool,
}

/// A network used by a connector: the key of a network under `networks`, or `{id: ...}` for a
/// public network or one shared with the connector's profile.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum NetworkRef {
    /// Key of a network under `networks`.
    Key(String),
    /// A public network, or one shared with the connector's profile, by id.
    Id(PublicNetwork),
}

/// A network tagoform does not manage, known by its id: public, or shared with the
/// connector's profile (`plan` reads which, and refuses an id that is neither).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicNetwork {
    /// The network's id (24 hex characters).
    #[schemars(regex(pattern = r"^[0-9a-f]{24}$"))]
    pub id: String,
}

impl<'de> Deserialize<'de> for NetworkRef {
    /// By hand rather than `untagged`, so that a mistake gets a message saying what is
    /// expected instead of "did not match any variant".
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RefVisitor;
        impl<'de> serde::de::Visitor<'de> for RefVisitor {
            type Value = NetworkRef;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the key of a network under `networks`, or `{id: <network id>}`")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<NetworkRef, E> {
                Ok(NetworkRef::Key(value.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<NetworkRef, A::Error> {
                let public =
                    PublicNetwork::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(NetworkRef::Id(public))
            }
        }
        deserializer.deserialize_any(RefVisitor)
    }
}

/// A connector wanted in TagoIO's public catalog: what the `tago-io/decoders` repository
/// needs that the connector's own fields do not say. `tagoform publish` writes the
/// contribution into a clone of that repository; TagoIO reviews the pull request.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a publication (a mapping with `manufacturer`, `model`, `version` and `logo_file`)"
)]
pub struct ConnectorPublish {
    /// The manufacturer's folder under `decoders/connector/` (lowercase letters, digits, `-`).
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub manufacturer: String,
    /// The model's folder under the manufacturer's (lowercase letters, digits, `-`).
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub model: String,
    /// SemVer, as the repository's version folders: `v1.0.0` (or `1.0.0`).
    #[schemars(regex(pattern = r"^v?[0-9]+\.[0-9]+\.[0-9]+$"))]
    pub version: String,
    /// The logo: a PNG of 443x443 or 443x625 pixels (relative to this YAML file).
    pub logo_file: String,
    /// The catalog's description, markdown, at most 500 characters. Without it, the
    /// connector's `description`.
    pub description_file: Option<String>,
    /// The pull request's text, for the reviewers.
    pub message: Option<String>,
    /// true: the folder this publication writes to already holds this object's own entry of
    /// the catalog (published from here before), and a new version is added to it although
    /// its description or images there differ. Without it, `tagoform publish` never writes
    /// into an entry whose description or images are not this configuration's: a catalog
    /// entry is never taken over because it has the same name.
    #[serde(default)]
    pub update_existing: bool,
}

/// A network wanted in TagoIO's public catalog. Its folder in the repository is its name,
/// normalized as the repository's id rule does (so that connectors can name it).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a publication (a mapping with `version` and `logo_file`)"
)]
pub struct NetworkPublish {
    /// SemVer, as the repository's version folders: `v1.0.0` (or `1.0.0`).
    #[schemars(regex(pattern = r"^v?[0-9]+\.[0-9]+\.[0-9]+$"))]
    pub version: String,
    /// The logo: a PNG of 443x160 pixels (relative to this YAML file).
    pub logo_file: String,
    /// The icon: a PNG of 64x64 pixels.
    pub icon_file: Option<String>,
    /// The banner: a PNG of 1500x375 pixels.
    pub banner_file: Option<String>,
    /// The catalog's description, markdown, at most 500 characters. Without it, the
    /// network's `description`.
    pub description_file: Option<String>,
    /// The pull request's text, for the reviewers.
    pub message: Option<String>,
    /// true: the folder this publication writes to already holds this object's own entry of
    /// the catalog (published from here before), and a new version is added to it although
    /// its description or images there differ. Without it, `tagoform publish` never writes
    /// into an entry whose description or images are not this configuration's: a catalog
    /// entry is never taken over because it has the same name.
    #[serde(default)]
    pub update_existing: bool,
}

// The model keeps this and `SerialNumber` as they are (saved plans serialize them), so each
// is declared once. Doc comments here are the schema's descriptions.
/// A field asked for when a device is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceParameter {
    /// Name of the parameter, as the decoder sees it.
    pub name: String,
    /// Label shown to the user.
    pub label: Option<String>,
    /// Kind of input.
    #[serde(rename = "type")]
    pub kind: Option<DeviceParameterType>,
    /// Default value.
    pub default: Option<serde_json::Value>,
    /// Where the field is shown.
    pub group: Option<DeviceParameterGroup>,
    /// The choices of a `dropdown`.
    pub options: Option<Vec<serde_json::Value>>,
}

/// Kind of input of a device parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeviceParameterType {
    Text,
    Dropdown,
    Switch,
    Number,
}

/// Where a device parameter is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeviceParameterGroup {
    Default,
    Main,
    Advanced,
    Hide,
}

/// How a device's serial number is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SerialNumber {
    /// Input mask of the serial number.
    pub mask: Option<String>,
    /// Label of the field.
    pub label: Option<String>,
    /// URL of an image showing where to find the serial number.
    pub image: Option<String>,
    /// Letter case of the serial number (`upper` or `lower`).
    pub case: Option<String>,
    /// Help text under the field.
    pub help: Option<String>,
    /// true: the serial number must be given.
    pub required: Option<bool>,
}

/// The JSON schema of a configuration file, as `tagoform schema` prints it.
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(ConfigFile)
}

/// The schema as pretty JSON with a trailing newline: the exact text of
/// `schemas/tagoform.schema.json`.
pub fn schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}
