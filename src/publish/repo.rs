//! A local clone of `tago-io/decoders`: what it holds (version folders, files, the ids of its
//! public networks), its JSON schemas and `map-ids.json`, and writing a contribution into it.
//!
//! Only the object's own folder is ever written: its path is built from folder names the
//! configuration checked (letters, digits, `-`), and checked again here to stay under
//! `decoders/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::contribution::{Contribution, File};
use crate::catalog_id as id;
use crate::config::Version;
use crate::live::{ObjectKind, PreparedIn};

/// Why the clone cannot be used or written.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("`{0}` is not a clone of tago-io/decoders (no `decoders/` and `schema/` folders); pass the folder of your clone to --decoders-repo")]
    NotAClone(PathBuf),
    #[error("cannot read `{path}`: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("cannot write `{path}`: {reason}")]
    Write { path: PathBuf, reason: String },
}

/// The clone, with its schemas and id map read once.
pub struct Repo {
    root: PathBuf,
    map_ids: BTreeMap<String, String>,
    schemas: BTreeMap<&'static str, Value>,
}

/// The repository's schemas, by file name.
pub const SCHEMAS: [&str; 4] = [
    "connector.json",
    "connector_details.json",
    "network.json",
    "network_details.json",
];

impl Repo {
    /// Opens the clone at `root`: its `decoders/` and `schema/` must be there; its schemas
    /// and `map-ids.json` (optional) are read once.
    pub fn open(root: &Path) -> Result<Repo, RepoError> {
        if !root.join("decoders").is_dir() || !root.join("schema").is_dir() {
            return Err(RepoError::NotAClone(root.to_owned()));
        }
        let mut schemas = BTreeMap::new();
        for name in SCHEMAS {
            let path = root.join("schema").join(name);
            let text = read_text(&path)?;
            let schema = serde_json::from_str(&text).map_err(|e| RepoError::Read {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            schemas.insert(name, schema);
        }
        let map_path = root.join("map-ids.json");
        let map_ids = match fs::read_to_string(&map_path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| RepoError::Read {
                path: map_path,
                reason: e.to_string(),
            })?,
            Err(_) => BTreeMap::new(),
        };
        Ok(Repo {
            root: root.to_owned(),
            map_ids,
            schemas,
        })
    }

    /// The clone's folder, as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The id TagoIO's catalog gives: `map-ids.json` applied.
    pub fn mapped(&self, id: String) -> String {
        id::mapped(id, &self.map_ids)
    }

    /// The version folders (`v1.0.0`, ...) of an object's folder, oldest first.
    pub fn versions(&self, folder: &str) -> Vec<Version> {
        let mut versions: Vec<Version> = fs::read_dir(self.root.join(folder))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| entry.path().is_dir())
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                name.starts_with('v')
                    .then(|| Version::parse(&name))
                    .flatten()
            })
            .collect();
        versions.sort();
        versions
    }

    /// The bytes of `folder/path`, when it is a file.
    pub fn read(&self, folder: &str, path: &str) -> Option<Vec<u8>> {
        fs::read(self.root.join(folder).join(path)).ok()
    }

    /// The path a connector's `payload-config.jsonc` names a public network by, found by its
    /// catalog id among the repository's networks (the id of each from its `network.jsonc`
    /// name and version, `map-ids.json` applied).
    pub fn public_network_path(&self, catalog_id: &str) -> Option<String> {
        let networks = fs::read_dir(self.root.join("decoders/network")).ok()?;
        for entry in networks.flatten() {
            let Ok(text) = fs::read_to_string(entry.path().join("network.jsonc")) else {
                continue;
            };
            let Ok(manifest) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            let name = manifest["name"].as_str().unwrap_or_default();
            let Some(versions) = manifest["versions"].as_object() else {
                continue;
            };
            for (version, files) in versions {
                let id = self.mapped(id::catalog_id(name, version, false));
                if id != catalog_id {
                    continue;
                }
                let src = files["src"].as_str().unwrap_or("./payload.js");
                let file = Path::new(src).file_name()?.to_str()?;
                let folder = entry.file_name().into_string().ok()?;
                return Some(format!("../../../../network/{folder}/{version}/{file}"));
            }
        }
        None
    }

    /// What the clone holds of each publication of `desired`: its newest version folder and
    /// the catalog id of that version (or of the configured one, when none).
    pub fn prepared(&self, desired: &crate::config::Desired) -> Vec<PreparedIn> {
        let networks = desired.networks.values().filter_map(|n| {
            let publish = n.publish.as_ref()?;
            let folder = super::contribution::network_folder(&n.name);
            Some((ObjectKind::Network, &n.key, &n.name, publish, folder))
        });
        let connectors = desired.connectors.values().filter_map(|c| {
            let publish = c.publish.as_ref()?;
            let folder = super::contribution::connector_folder(publish)?;
            Some((ObjectKind::Connector, &c.key, &c.name, publish, folder))
        });
        networks
            .chain(connectors)
            .map(|(kind, key, name, publish, folder)| {
                let version = self.versions(&folder).last().copied();
                let id_version = version.unwrap_or(publish.version).to_string();
                let connector = kind == ObjectKind::Connector;
                PreparedIn {
                    kind,
                    key: key.clone(),
                    version: version.map(|v| v.to_string()),
                    catalog_id: self.mapped(id::catalog_id(name, &id_version, connector)),
                }
            })
            .collect()
    }

    /// Every violation of the repository's schemas by the contribution's two manifests,
    /// validated as the repository does (without their `$schema` key).
    pub fn violations(&self, contribution: &Contribution) -> Vec<String> {
        let v = contribution.version.to_string();
        let manifest = format!("{}.jsonc", contribution.kind);
        let details = format!("{v}/payload-config.jsonc");
        let checks = [
            (manifest.as_str(), format!("{}.json", contribution.kind)),
            (
                details.as_str(),
                format!("{}_details.json", contribution.kind),
            ),
        ];
        let files = contribution.top.iter().chain(&contribution.versioned);
        let mut violations = Vec::new();
        for (path, schema) in checks {
            let Some(file) = files.clone().find(|f| f.path == path) else {
                continue;
            };
            let Some(schema) = self.schemas.get(schema.as_str()) else {
                continue;
            };
            violations.extend(violations_of(schema, file, &contribution.folder));
        }
        violations
    }

    /// Refuses, before anything is written, a folder whose existing part leads out of the
    /// clone's `decoders/` (a link in the clone).
    pub fn check_writable(&self, folder: &str) -> Result<(), RepoError> {
        let mut existing = self.root.join(folder);
        while !existing.exists() {
            if !existing.pop() {
                break;
            }
        }
        self.inside_decoders(&existing, &self.root.join(folder))
    }

    /// `Ok` when `existing`, links resolved, is under the clone's `decoders/`; otherwise an
    /// error about writing `shown`.
    fn inside_decoders(&self, existing: &Path, shown: &Path) -> Result<(), RepoError> {
        let decoders =
            fs::canonicalize(self.root.join("decoders")).map_err(|e| RepoError::Write {
                path: self.root.join("decoders"),
                reason: e.to_string(),
            })?;
        if fs::canonicalize(existing).is_ok_and(|p| p.starts_with(&decoders)) {
            Ok(())
        } else {
            Err(RepoError::Write {
                path: shown.to_owned(),
                reason: "it leads out of the clone's decoders/ folder (a link?)".into(),
            })
        }
    }

    /// Writes `files` (paths relative to `folder`), creating folders as needed.
    pub fn write(&self, folder: &str, files: &[&File]) -> Result<(), RepoError> {
        let base = self.root.join(folder);
        if !folder.starts_with("decoders/")
            || folder
                .split('/')
                .any(|part| part.is_empty() || part == "..")
        {
            return Err(RepoError::Write {
                path: base,
                reason: "not a folder of decoders/".into(),
            });
        }
        for file in files {
            let path = base.join(&file.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| RepoError::Write {
                    path: parent.to_owned(),
                    reason: e.to_string(),
                })?;
                // A link in the clone must not carry a write out of `decoders/`.
                self.inside_decoders(parent, parent)?;
            }
            if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(RepoError::Write {
                    path,
                    reason: "it is a link; tagoform writes only plain files".into(),
                });
            }
            fs::write(&path, &file.bytes).map_err(|e| RepoError::Write {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }

    /// The commands the repository's README asks to run before a pull request, with the
    /// package manager the clone uses (`packageManager` of its `package.json`).
    pub fn checks(&self, folders: &[String]) -> Vec<String> {
        let package = fs::read_to_string(self.root.join("package.json")).unwrap_or_default();
        let pnpm = serde_json::from_str::<Value>(&package)
            .ok()
            .and_then(|p| p["packageManager"].as_str().map(|m| m.starts_with("pnpm")))
            .unwrap_or(false);
        let tests = folders.join(" ");
        if pnpm {
            vec![
                "pnpm install".into(),
                "pnpm run linter".into(),
                format!("pnpm exec vitest run {tests}"),
                "pnpm start validator".into(),
            ]
        } else {
            vec![
                "npm ci".into(),
                "npm run linter".into(),
                format!("npx vitest run {tests}"),
                "npm start validator".into(),
                "npm start generate".into(),
            ]
        }
    }
}

fn read_text(path: &Path) -> Result<String, RepoError> {
    fs::read_to_string(path).map_err(|e| RepoError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

fn violations_of(schema: &Value, file: &File, folder: &str) -> Vec<String> {
    let shown = format!("{folder}/{}", file.path);
    let mut value: Value = match serde_json::from_slice(&file.bytes) {
        Ok(value) => value,
        Err(error) => return vec![format!("{shown}: not JSON: {error}")],
    };
    if let Some(object) = value.as_object_mut() {
        object.remove("$schema");
    }
    let validator = match jsonschema::validator_for(schema) {
        Ok(validator) => validator,
        Err(error) => {
            return vec![format!(
                "{shown}: the repository's schema cannot be used: {error}"
            )]
        }
    };
    validator
        .iter_errors(&value)
        .map(|error| format!("{shown}: {} at `{}`", error, error.instance_path))
        .collect()
}
