//! The files of one contribution to `tago-io/decoders`, built from the configuration alone
//! (pure: the caller reads the images and knows the network paths).
//!
//! The layout is the repository's (its README and existing folders): a connector in
//! `decoders/connector/<manufacturer>/<model>/`, a network in `decoders/network/<folder>/`,
//! each with its manifest (`connector.jsonc`/`network.jsonc`, one version key), the
//! description (`description.md`), the images under `assets/`, and a version folder
//! `v<x.y.z>/` with `payload-config.jsonc`, the decoder (`payload.js`) and a unit test with
//! the README's "Shall not be parsed" case. Manifests are strict JSON: the repository reads
//! its `.jsonc` files with `JSON.parse`.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog_id as id;
use crate::config::{Connector, DeviceParameter, ImageRole, Network, Publish, Version};

/// One file, by its path relative to the object's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What `tagoform publish` writes for one network or connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// `network` or `connector`.
    pub kind: &'static str,
    /// The configuration key.
    pub key: String,
    pub name: String,
    /// The object's folder, relative to the repository's root.
    pub folder: String,
    pub version: Version,
    /// Files of the object as a whole: manifest, description, images.
    pub top: Vec<File>,
    /// Files of the version folder (paths start with `v<x.y.z>/`).
    pub versioned: Vec<File>,
}

impl Contribution {
    /// The id the catalog will give it by the repository's rule, before `map-ids.json`.
    pub fn catalog_id(&self) -> String {
        id::catalog_id(
            &self.name,
            &self.version.to_string(),
            self.kind == "connector",
        )
    }
}

/// The image files of a publication, read by the caller, by role.
pub type ImageBytes = Vec<(ImageRole, Vec<u8>)>;

/// A network's folder in the repository: its normalized name, so that connectors, which
/// name networks by folder, reach the id the network's own name gives.
pub fn network_folder(name: &str) -> String {
    format!("decoders/network/{}", id::normalize(name).trim_matches('-'))
}

/// A connector's folder.
pub fn connector_folder(publish: &Publish) -> Option<String> {
    let (manufacturer, model) = publish.folders.as_ref()?;
    Some(format!("decoders/connector/{manufacturer}/{model}"))
}

#[derive(Serialize)]
struct Manifest<'a> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    name: &'a str,
    images: Map<String, Value>,
    versions: Map<String, Value>,
}

#[derive(Serialize)]
struct ConnectorDetails<'a> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    description: &'a str,
    install_text: &'a str,
    install_end_text: &'a str,
    device_annotation: &'a str,
    device_parameters: Vec<Value>,
    networks: &'a [String],
}

/// A network's contribution at `version`.
pub fn network(network: &Network, version: Version, images: &ImageBytes) -> Contribution {
    let folder = network_folder(&network.name);
    let mut details = Map::new();
    details.insert(
        "$schema".into(),
        "../../../../schema/network_details.json".into(),
    );
    details.insert("description".into(), "../description.md".into());
    if let Some(serial) = &network.own.serial_number {
        let mut config = Map::new();
        for (key, value) in [
            ("case", &serial.case),
            ("label", &serial.label),
            ("mask", &serial.mask),
        ] {
            if let Some(value) = value {
                config.insert(key.into(), value.clone().into());
            }
        }
        if let Some(required) = serial.required {
            config.insert("required".into(), required.into());
        }
        details.insert("serial_number_config".into(), Value::Object(config));
    }
    details.insert(
        "device_parameters".into(),
        Value::Array(parameters(network.device_parameters.as_deref())),
    );
    if let Some(endpoint) = &network.own.middleware_endpoint {
        details.insert("middleware_endpoint".into(), endpoint.clone().into());
    }
    if let Some(url) = &network.own.documentation_url {
        details.insert("documentation_url".into(), url.clone().into());
    }
    let mut image_paths = Map::new();
    for role in [ImageRole::Logo, ImageRole::Icon, ImageRole::Banner] {
        // The repository's schema requires all three keys; an image not given is "".
        let path = if images.iter().any(|(r, _)| *r == role) {
            format!("./assets/{}.png", role.as_str())
        } else {
            String::new()
        };
        image_paths.insert(role.as_str().into(), path.into());
    }
    build(
        "network",
        &network.key,
        &network.name,
        folder,
        version,
        "../../../schema/network.json",
        image_paths,
        network.publish.as_ref(),
        network.payload_decoder.as_ref().map(|s| s.text.as_str()),
        json_text(&Value::Object(details)),
        images,
    )
}

/// A connector's contribution at `version`, naming its networks by `network_paths`
/// (`../../../../network/<folder>/<version>/<decoder file>`, one per network).
pub fn connector(
    connector: &Connector,
    publish: &Publish,
    folder: &str,
    version: Version,
    images: &ImageBytes,
    network_paths: &[String],
) -> Contribution {
    let details = ConnectorDetails {
        schema: "../../../../../schema/connector_details.json",
        description: "../description.md",
        install_text: connector.own.install_text.as_deref().unwrap_or(""),
        install_end_text: connector.own.install_end_text.as_deref().unwrap_or(""),
        device_annotation: connector.own.device_annotation.as_deref().unwrap_or(""),
        device_parameters: parameters(connector.device_parameters.as_deref()),
        networks: network_paths,
    };
    let mut image_paths = Map::new();
    image_paths.insert("logo".into(), "./assets/logo.png".into());
    build(
        "connector",
        &connector.key,
        &connector.name,
        folder.to_owned(),
        version,
        "../../../../schema/connector.json",
        image_paths,
        Some(publish),
        connector.payload_decoder.as_ref().map(|s| s.text.as_str()),
        json_text(&details),
        images,
    )
}

#[allow(clippy::too_many_arguments)]
fn build(
    kind: &'static str,
    key: &str,
    name: &str,
    folder: String,
    version: Version,
    schema: &str,
    image_paths: Map<String, Value>,
    publish: Option<&Publish>,
    decoder: Option<&str>,
    details: String,
    images: &ImageBytes,
) -> Contribution {
    let v = version.to_string();
    let mut versions = Map::new();
    versions.insert(
        v.clone(),
        serde_json::json!({"src": format!("./{v}/payload.js"), "manifest": format!("./{v}/payload-config.jsonc")}),
    );
    let manifest = Manifest {
        schema,
        name,
        images: image_paths,
        versions,
    };
    let manifest_name = format!("{kind}.jsonc");
    let description = publish
        .and_then(|p| p.description.clone())
        .unwrap_or_default();
    let mut top = vec![
        file(&manifest_name, json_text(&manifest).into_bytes()),
        file("description.md", description.into_bytes()),
    ];
    for (role, bytes) in images {
        top.push(file(
            &format!("assets/{}.png", role.as_str()),
            bytes.clone(),
        ));
    }
    let decoder_path = format!("{folder}/{v}/payload.js");
    let versioned = vec![
        file(&format!("{v}/payload-config.jsonc"), details.into_bytes()),
        file(
            &format!("{v}/payload.js"),
            decoder.unwrap_or("").as_bytes().to_vec(),
        ),
        file(
            &format!("{v}/payload.test.ts"),
            unit_test(&decoder_path, folder.matches('/').count() + 2).into_bytes(),
        ),
    ];
    Contribution {
        kind,
        key: key.to_owned(),
        name: name.to_owned(),
        folder,
        version,
        top,
        versioned,
    }
}

fn file(path: &str, bytes: Vec<u8>) -> File {
    File {
        path: path.to_owned(),
        bytes,
    }
}

/// Strict JSON, two spaces, a final newline (the repository's `.editorconfig`).
fn json_text(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Device parameters as the repository's model takes them (`integration-parameters.ts`):
/// defaults as strings (a switch's as a boolean), dropdown options as `{label, value,
/// is_default}`.
fn parameters(parameters: Option<&[DeviceParameter]>) -> Vec<Value> {
    parameters
        .unwrap_or_default()
        .iter()
        .map(|parameter| {
            let kind = parameter
                .kind
                .and_then(|k| serde_json::to_value(k).ok())
                .unwrap_or_else(|| "text".into());
            let mut out = Map::new();
            out.insert("name".into(), parameter.name.clone().into());
            out.insert("type".into(), kind.clone());
            if let Some(label) = &parameter.label {
                out.insert("label".into(), label.clone().into());
            }
            let group = parameter
                .group
                .and_then(|g| serde_json::to_value(g).ok())
                .filter(|g| g != "default")
                .unwrap_or_else(|| "main".into());
            out.insert("group".into(), group);
            let default = parameter.default.as_ref().map(|d| match (d, kind.as_str()) {
                (Value::Bool(b), Some("switch")) => Value::Bool(*b),
                (Value::String(s), _) => Value::String(s.clone()),
                (other, _) => Value::String(other.to_string()),
            });
            if let Some(default) = &default {
                out.insert("default".into(), default.clone());
            }
            if let Some(options) = &parameter.options {
                let options = options
                    .iter()
                    .map(|option| match option {
                        Value::Object(_) => option.clone(),
                        other => {
                            let text = other.as_str().map_or_else(|| other.to_string(), str::to_owned);
                            serde_json::json!({
                                "label": text,
                                "value": text,
                                "is_default": default.as_ref().and_then(Value::as_str) == Some(text.as_str()),
                            })
                        }
                    })
                    .collect();
                out.insert("options".into(), Value::Array(options));
            }
            Value::Object(out)
        })
        .collect()
}

/// The README's "Shall not be parsed" test: data the decoder is not meant for passes
/// unchanged. `depth` is the number of `../` from the version folder to the repository's
/// root. The SDK type is imported with `import type`, erased at run time, so the test runs
/// whichever SDK version the clone has.
fn unit_test(decoder_path: &str, depth: usize) -> String {
    let up = "../".repeat(depth);
    format!(
        r#"import {{ describe, expect, test }} from "vitest";
import type {{ DataToSend }} from "@tago-io/sdk/lib/types";

import {{ decoderRun }} from "{up}src/functions/decoder-run";

const file_path = "{decoder_path}";

describe("Shall not be parsed", () => {{
  let payload: DataToSend[] = [
    {{ variable: "shallnotpass", value: "04096113950292" }},
    {{ variable: "fport", value: 9 }},
  ];
  payload = decoderRun(file_path, {{ payload }});
  test("Output Result", () => {{
    expect(Array.isArray(payload)).toBe(true);
  }});

  test("Not parsed Result", () => {{
    expect(payload).toEqual([
      {{ variable: "shallnotpass", value: "04096113950292" }},
      {{ variable: "fport", value: 9 }},
    ]);
  }});
}});
"#
    )
}
