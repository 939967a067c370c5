//! The exported YAML: serializable mirrors of the configuration format, and the text of
//! each file (modeline, a comment header, one blank line between sections).
//!
//! These mirror [`crate::config::wire`] field for field; the round-trip tests (export, then
//! load and plan) are what keep the two in step.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::config::wire::VERSION;

/// The modeline that gives editors the schema; `tagoform export --out` writes the schema
/// file beside the YAML under this name.
pub const SCHEMA_FILE: &str = "tagoform.schema.json";

/// The sections of one file.
#[derive(Debug, Default, Serialize)]
pub struct Document {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub external_profiles: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub profiles: BTreeMap<String, ExportedProfile>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub networks: BTreeMap<String, Object>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub connectors: BTreeMap<String, Object>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
pub struct ExportedProfile {
    pub name: String,
    pub id: Option<String>,
    /// With `export --token-env-prefix`: the variable a pipeline puts this profile's token in.
    pub token_env: Option<String>,
    pub logo_url: Option<String>,
    pub banner_url: Option<String>,
    /// Every service TagoIO lists for the profile, in TagoIO's order; `None` when not read.
    pub allocation: Option<Fields>,
    /// The add-ons the profile has; `None` when not read.
    pub addons: Option<Vec<String>>,
    /// `None` when the team was not read.
    pub team: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<ExportedToken>,
}

#[derive(Debug, Serialize)]
pub struct ExportedToken {
    pub name: String,
    pub permission: String,
    pub expires: String,
}

/// A network or a connector: `profile`, `name`, `id` (when pinned), connector `networks`, then the fields in the
/// configuration's order, then `shared_with`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
pub struct Object {
    pub profile: String,
    pub name: String,
    /// The live id, written only when another object of the same kind in the profile has the
    /// same name.
    pub id: Option<String>,
    pub networks: Option<Vec<NetworkRef>>,
    #[serde(flatten)]
    pub fields: Fields,
    /// `None` when the shares were not read (then they are not managed).
    pub shared_with: Option<Vec<String>>,
}

/// The fields of a network or connector in the order of the configuration format (a
/// `BTreeMap` would sort them alphabetically, which reads worse).
#[derive(Debug, Default)]
pub struct Fields(pub Vec<(String, Value)>);

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A connector's network: the key of a network exported beside it, or `{id: ...}`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum NetworkRef {
    Key(String),
    Id { id: String },
}

/// Why a section could not be written as YAML (never expected: the values are plain).
#[derive(Debug, thiserror::Error)]
#[error("cannot write the exported YAML")]
pub struct RenderError(#[from] yaml_serde::Error);

/// The text of one file: the modeline, `header` as comment lines, `version: 1`, then each
/// section after a blank line.
pub fn render(document: &Document, header: &[String]) -> Result<String, RenderError> {
    let mut text = format!("# yaml-language-server: $schema={SCHEMA_FILE}\n");
    for line in header {
        if line.is_empty() {
            text.push_str("#\n");
        } else {
            // A live name can hold a newline or a NUL: one comment line stays one line.
            text.push_str(&format!("# {}\n", crate::text::visible(line)));
        }
    }
    text.push_str(&format!("version: {VERSION}\n"));
    section(&mut text, "external_profiles", &document.external_profiles)?;
    section(&mut text, "profiles", &document.profiles)?;
    section(&mut text, "networks", &document.networks)?;
    section(&mut text, "connectors", &document.connectors)?;
    Ok(text)
}

fn section<T: Serialize>(
    text: &mut String,
    name: &str,
    entries: &BTreeMap<String, T>,
) -> Result<(), RenderError> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut wrapper = BTreeMap::new();
    wrapper.insert(name, entries);
    text.push('\n');
    text.push_str(&super::scalar::to_yaml(yaml_serde::to_value(&wrapper)?)?);
    Ok(())
}

pub fn profile_header(name: &str, id: &str, notes: &[String]) -> Vec<String> {
    let mut header = vec![format!(
        "The profile `{name}` ({id}), exported from TagoIO by `tagoform export`."
    )];
    if !notes.is_empty() {
        header.push(String::new());
        header.push("Notes: what is left out stays as it is on TagoIO, unmanaged.".to_owned());
        header.extend(notes.iter().map(|n| format!("- {n}")));
    }
    header
}

pub fn external_header(notes: &[String]) -> Vec<String> {
    let mut header = vec![
        "Profiles that networks and connectors are shared with, outside this export. TagoIO"
            .to_owned(),
        "shows a profile's name only to its owner, so profiles of other accounts get keys made"
            .to_owned(),
        "from their ids: rename them as you like, in every `shared_with` too.".to_owned(),
    ];
    header.extend(notes.iter().map(|n| format!("- {n}")));
    header
}
