//! What a publication needs beyond its own `publish:` entry: the repository's limits on the
//! object's fields (`src/validator/*.ts` of `tago-io/decoders`), a decoder, networks that are
//! public or published too, and folders and catalog ids no two publications share.

use std::collections::BTreeMap;

use super::{error, field};
use crate::catalog_id as id;
use crate::config::diagnostic::Diagnostic;
use crate::config::model::{Desired, NetworkTarget, Origin, Publish, Script};

/// The repository's limit on a decoder: `zBufferPayloadSize(64)`, 64,000 bytes.
pub const MAX_DECODER_BYTES: usize = 64_000;
const MAX_NAME_CHARS: usize = 255;

/// The texts of a published connector and the repository's limits on them.
const TEXT_LIMITS: [(&str, usize); 3] = [
    ("install_text", 2400),
    ("install_end_text", 1850),
    ("device_annotation", 1750),
];

/// What the checks need of a published network or connector.
struct Published<'a> {
    kind: &'static str,
    key: &'a str,
    name: &'a str,
    publish: &'a Publish,
    decoder: Option<&'a Script>,
    origins: &'a BTreeMap<String, Origin>,
    origin: &'a Origin,
}

/// Every rule of this module, over every publication the configuration keeps.
pub fn check(desired: &Desired, diagnostics: &mut Vec<Diagnostic>) {
    let networks = desired.networks.values().filter(|n| !n.delete);
    let connectors = desired.connectors.values().filter(|c| !c.delete);
    let mut published = Vec::new();
    for network in networks {
        if let Some(publish) = &network.publish {
            published.push(Published {
                kind: "network",
                key: &network.key,
                name: &network.name,
                publish,
                decoder: network.payload_decoder.as_ref(),
                origins: &network.field_origins,
                origin: &network.origin,
            });
        }
    }
    for connector in connectors {
        let Some(publish) = &connector.publish else {
            continue;
        };
        published.push(Published {
            kind: "connector",
            key: &connector.key,
            name: &connector.name,
            publish,
            decoder: connector.payload_decoder.as_ref(),
            origins: &connector.field_origins,
            origin: &connector.origin,
        });
        let texts = [
            &connector.own.install_text,
            &connector.own.install_end_text,
            &connector.own.device_annotation,
        ];
        for ((name, limit), text) in TEXT_LIMITS.into_iter().zip(texts) {
            let length = text.as_deref().map_or(0, |t| t.chars().count());
            if length > limit {
                diagnostics.push(
                    error(
                        field(&connector.field_origins, name, &connector.origin),
                        format!("`{name}` of connector `{}` has {length} characters; the public catalog takes at most {limit}", connector.key),
                    )
                    .with_help("shorten it before publishing"),
                );
            }
        }
        for network in &connector.own.networks {
            let NetworkTarget::Configured(key) = &network.target else {
                continue;
            };
            let unpublished = desired
                .networks
                .get(key)
                .is_some_and(|n| n.publish.is_none());
            if unpublished {
                diagnostics.push(
                    error(
                        &network.origin,
                        format!("connector `{}` is to be published, but its network `{key}` is not: whoever uses a public connector needs its networks", connector.key),
                    )
                    .with_help(format!("publish network `{key}` first (add `publish:` to networks.{key}), or use a public network (`{{id: <network id>}}`)")),
                );
            }
        }
    }
    for object in &published {
        limits(object, diagnostics);
    }
    shared_places(&published, diagnostics);
}

fn limits(object: &Published<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let length = object.name.chars().count();
    if length > MAX_NAME_CHARS {
        diagnostics.push(error(
            field(object.origins, "name", object.origin),
            format!("the name of {} `{}` has {length} characters; the public catalog takes at most {MAX_NAME_CHARS}", object.kind, object.key),
        ));
    }
    if id::normalize(object.name).trim_matches('-').is_empty() {
        diagnostics.push(
            error(field(object.origins, "name", object.origin), format!("the name of {} `{}` has no letter or digit, so the repository cannot make a catalog id or a folder of it", object.kind, object.key))
                .with_help("publish it under a name with letters or digits"),
        );
    }
    let decoder_field = if object.origins.contains_key("payload_decoder_file") {
        "payload_decoder_file"
    } else {
        "payload_decoder"
    };
    match object.decoder {
        None => diagnostics.push(
            error(&object.publish.origin, format!("{} `{}` is to be published without a `payload_decoder`: the repository needs one", object.kind, object.key))
                .with_help("add `payload_decoder_file:` with the decoder"),
        ),
        Some(decoder) if decoder.text.len() > MAX_DECODER_BYTES => diagnostics.push(
            error(
                field(object.origins, decoder_field, object.origin),
                format!(
                    "the decoder of {} `{}` has {} bytes; the public catalog takes at most {MAX_DECODER_BYTES}",
                    object.kind,
                    object.key,
                    decoder.text.len()
                ),
            )
            .with_help("the repository refuses larger decoders (`zBufferPayloadSize(64)`): make it smaller"),
        ),
        Some(_) => {}
    }
}

/// Two publications may not share a folder, nor a catalog id (the repository's database
/// refuses the second).
fn shared_places(published: &[Published<'_>], diagnostics: &mut Vec<Diagnostic>) {
    let mut folders: BTreeMap<String, &Published<'_>> = BTreeMap::new();
    let mut ids: BTreeMap<String, &Published<'_>> = BTreeMap::new();
    for object in published {
        let connector = object.kind == "connector";
        let folder = match &object.publish.folders {
            Some((manufacturer, model)) => format!("decoders/connector/{manufacturer}/{model}"),
            None => format!("decoders/network/{}", id::normalize(object.name)),
        };
        let version = object.publish.version.to_string();
        let catalog_id = id::catalog_id(object.name, &version, connector);
        for (seen, place, what) in [
            (&mut folders, folder, "repository folder"),
            (
                &mut ids,
                format!("{}:{catalog_id}", object.kind),
                "catalog id",
            ),
        ] {
            if let Some(first) = seen.get(&place) {
                diagnostics.push(
                    error(
                        &object.publish.origin,
                        format!(
                            "{} `{}` would have the same {what} as {} `{}` ({})",
                            object.kind,
                            object.key,
                            first.kind,
                            first.key,
                            place.split_once(':').map_or(place.as_str(), |(_, id)| id)
                        ),
                    )
                    .with_help("give one of them another name (or, for a connector, other `manufacturer`/`model` folders)"),
                );
            } else {
                seen.insert(place, object);
            }
        }
    }
}
