//! Networks and connectors as the configuration writes them: their fields in the format's
//! order, their networks, and whom they are shared with.

use std::collections::BTreeMap;

use serde_json::Value;

use super::document::{Document, Fields, NetworkRef, Object};
use crate::config::wire;
use crate::live::{Id, LiveObject, ObjectKind};
use crate::plan::without_nulls;

/// What converting one object needs to know about the others.
pub struct Context<'a> {
    /// The key of the owning profile.
    pub profile: &'a str,
    /// The key of every share recipient, by profile id.
    pub recipients: &'a BTreeMap<Id, String>,
    /// The keys of the networks exported for the owning profile, by id.
    pub networks: &'a BTreeMap<Id, String>,
    /// Write decoders to files (`decoders/<key>.js`) rather than inline.
    pub decoder_files: bool,
}

/// An exported object and its decoder file, if it has one.
pub struct Converted {
    pub object: Object,
    /// (path relative to the YAML, text).
    pub decoder_file: Option<(String, String)>,
}

/// Converts one live network or connector; `None` (with a note) when the configuration
/// cannot describe it.
pub fn convert(
    kind: ObjectKind,
    key: &str,
    live: &LiveObject,
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> Option<Converted> {
    let networks = match kind {
        ObjectKind::Network => None,
        ObjectKind::Connector if live.networks.is_empty() => {
            notes.push(format!(
                "connector `{}` ({}): it uses no network, and the configuration needs at least one",
                live.name, live.id
            ));
            return None;
        }
        ObjectKind::Connector => Some(
            live.networks
                .iter()
                .map(|id| match cx.networks.get(id) {
                    Some(key) => NetworkRef::Key(key.clone()),
                    None => NetworkRef::Id { id: id.clone() },
                })
                .collect(),
        ),
    };
    let mut fields = Fields::default();
    let mut decoder_file = None;
    for &name in kind.managed_fields() {
        let Some(value) = live.fields.get(name).map(|v| without_nulls(v.clone())) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        if !describable(name, &value) {
            notes.push(format!(
                "{kind} `{}`: its `{name}` is not in a form the configuration can hold; it is left out and stays as it is",
                live.name
            ));
            continue;
        }
        match (name, &value) {
            ("payload_decoder", Value::String(text)) if cx.decoder_files => {
                let path = format!("decoders/{key}.js");
                fields.0.push((
                    "payload_decoder_file".to_owned(),
                    Value::String(path.clone()),
                ));
                decoder_file = Some((path, text.clone()));
            }
            _ => fields.0.push((name.to_owned(), value)),
        }
    }
    let shared_with = live.shares.as_ref().map(|ids| {
        let mut keys: Vec<String> = ids
            .iter()
            .filter_map(|id| cx.recipients.get(id).cloned())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    });
    Some(Converted {
        object: Object {
            profile: cx.profile.to_owned(),
            name: live.name.clone(),
            id: None,
            networks,
            fields,
            shared_with,
        },
        decoder_file,
    })
}

/// True when the configuration's own types accept the value, so `validate` will too.
fn describable(name: &str, value: &Value) -> bool {
    match name {
        "device_parameters" => {
            serde_json::from_value::<Vec<wire::DeviceParameter>>(value.clone()).is_ok()
        }
        "serial_number" => serde_json::from_value::<wire::SerialNumber>(value.clone()).is_ok(),
        "require_devices_access" => value.is_boolean(),
        _ => value.is_string(),
    }
}

/// The configuration refuses a connector shared with a profile that can use none of its
/// networks; TagoIO may hold one (a network unshared later). Said before `validate` does.
pub fn access_warnings(document: &Document) -> Vec<String> {
    let mut warnings = Vec::new();
    for (key, connector) in &document.connectors {
        for recipient in connector.shared_with.iter().flatten() {
            if !can_use_a_network(document, connector, recipient) {
                warnings.push(format!(
                    "connector `{key}` is shared with `{recipient}`, which can use none of its networks: `tagoform validate` refuses that until one of them is shared with `{recipient}` too"
                ));
            }
        }
    }
    warnings
}

fn can_use_a_network(document: &Document, connector: &Object, recipient: &str) -> bool {
    connector
        .networks
        .iter()
        .flatten()
        .any(|network| match network {
            NetworkRef::Id { .. } => true,
            NetworkRef::Key(key) => document.networks.get(key).is_none_or(|n| {
                n.profile == recipient
                    || n.shared_with
                        .as_ref()
                        .is_none_or(|keys| keys.iter().any(|k| k == recipient))
            }),
        })
}
