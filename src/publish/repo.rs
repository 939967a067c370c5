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

/// The largest file of the clone that is read (a manifest, a decoder, a logo, `map-ids.json`).
pub const CLONE_FILE_LIMIT: u64 = 8 * 1024 * 1024;

/// The clone, with its schemas and id map read once.
pub struct Repo {
    root: PathBuf,
    /// `root` with links resolved: every file read must be under it.
    canonical: PathBuf,
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
        // Every write goes under `decoders/`: a link there would carry them elsewhere.
        if fs::symlink_metadata(root.join("decoders")).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(RepoError::Write {
                path: root.join("decoders"),
                reason: "it is a link; publish writes only into a real decoders/ folder of the \
                         clone"
                    .into(),
            });
        }
        let canonical = fs::canonicalize(root).map_err(|e| RepoError::Read {
            path: root.to_owned(),
            reason: e.to_string(),
        })?;
        let mut repo = Repo {
            root: root.to_owned(),
            canonical,
            map_ids: BTreeMap::new(),
            schemas: BTreeMap::new(),
        };
        for name in SCHEMAS {
            let path = Path::new("schema").join(name);
            let bytes = repo.read_file(&path)?.ok_or_else(|| RepoError::Read {
                path: root.join(&path),
                reason: "it is missing".into(),
            })?;
            let schema = serde_json::from_slice(&bytes).map_err(|e| RepoError::Read {
                path: root.join(&path),
                reason: e.to_string(),
            })?;
            repo.schemas.insert(name, schema);
        }
        if let Some(bytes) = repo.read_file(Path::new("map-ids.json"))? {
            repo.map_ids = serde_json::from_slice(&bytes).map_err(|e| RepoError::Read {
                path: root.join("map-ids.json"),
                reason: e.to_string(),
            })?;
        }
        Ok(repo)
    }

    /// The bytes of `relative` (a path in the clone), `None` when it does not exist. Read
    /// only when it is a regular file of at most [`CLONE_FILE_LIMIT`] bytes that stays
    /// inside the clone, links resolved: the clone is someone else's repository, and a link
    /// to `/dev/zero` or a FIFO in it must not hang or exhaust the command.
    pub fn read_file(&self, relative: &Path) -> Result<Option<Vec<u8>>, RepoError> {
        let path = self.root.join(relative);
        let refused = |reason: String| RepoError::Read {
            path: path.clone(),
            reason,
        };
        match fs::symlink_metadata(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(refused(error.to_string())),
            Ok(_) => {}
        }
        let resolved = fs::canonicalize(&path).map_err(|e| refused(e.to_string()))?;
        if !resolved.starts_with(&self.canonical) {
            return Err(refused(
                "it links out of the clone: refused without reading".into(),
            ));
        }
        crate::bounded::read(&resolved, CLONE_FILE_LIMIT, "a file of the decoders clone")
            .map(Some)
            .map_err(|e| refused(e.to_string()))
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

    /// The bytes of `folder/path`, `None` when it does not exist (see [`Repo::read_file`]).
    pub fn read(&self, folder: &str, path: &str) -> Result<Option<Vec<u8>>, RepoError> {
        self.read_file(&Path::new(folder).join(path))
    }

    /// The path a connector's `payload-config.jsonc` names a public network by, found by its
    /// catalog id among the repository's networks (the id of each from its `network.jsonc`
    /// name and version, `map-ids.json` applied).
    pub fn public_network_path(&self, catalog_id: &str) -> Result<Option<String>, RepoError> {
        let Ok(networks) = fs::read_dir(self.root.join("decoders/network")) else {
            return Ok(None);
        };
        let mut folders: Vec<String> = networks
            .flatten()
            .filter_map(|entry| entry.file_name().into_string().ok())
            .collect();
        folders.sort();
        for folder in folders {
            let manifest = Path::new("decoders/network")
                .join(&folder)
                .join("network.jsonc");
            let Some(bytes) = self.read_file(&manifest)? else {
                continue;
            };
            let Ok(manifest) = serde_json::from_slice::<Value>(&bytes) else {
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
                let Some(file) = Path::new(src).file_name().and_then(|f| f.to_str()) else {
                    continue;
                };
                return Ok(Some(format!(
                    "../../../../network/{folder}/{version}/{file}"
                )));
            }
        }
        Ok(None)
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
                    other_entry: self.other_entry(kind, &folder, publish),
                }
            })
            .collect()
    }

    /// The name of the entry in `folder` when its description is not the one `publish`
    /// writes and `update_existing` is not set. A cheaper reading of `publish`'s rule (which
    /// also compares the manifest and images), enough for a plan's note; an unreadable folder
    /// says nothing here and is reported by `publish`.
    fn other_entry(
        &self,
        kind: ObjectKind,
        folder: &str,
        publish: &crate::config::Publish,
    ) -> Option<String> {
        if publish.update_existing {
            return None;
        }
        let manifest = self.read(folder, &format!("{kind}.jsonc")).ok()??;
        let described = self.read(folder, "description.md").ok().flatten();
        let ours = publish.description.clone().unwrap_or_default().into_bytes();
        if described.as_deref() == Some(ours.as_slice()) {
            return None;
        }
        let manifest: Value = serde_json::from_slice(&manifest).unwrap_or_default();
        let name = manifest["name"].as_str().unwrap_or(folder);
        Some(crate::text::visible(name).into_owned())
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

    /// Refuses, before anything is written, a folder or any of `files` (paths relative to
    /// it) whose existing part leads out of the clone's `decoders/` (a link in the clone), or
    /// a file that exists as anything but a regular file: every contribution is checked
    /// before the first one is written.
    pub fn check_writable(&self, folder: &str, files: &[&File]) -> Result<(), RepoError> {
        let base = self.root.join(folder);
        for path in std::iter::once(base.clone()).chain(files.iter().map(|f| base.join(&f.path))) {
            let mut existing = path.clone();
            while !existing.exists() {
                if !existing.pop() {
                    break;
                }
            }
            self.inside_decoders(&existing, &path)?;
            if existing != path && !existing.is_dir() {
                return Err(RepoError::Write {
                    path: existing,
                    reason: "it is in the way of a folder tagoform writes into".into(),
                });
            }
            if let Ok(metadata) = fs::symlink_metadata(&path) {
                if path != base && !metadata.file_type().is_file() {
                    return Err(RepoError::Write {
                        path,
                        reason: "it is a link or not a regular file; tagoform writes only plain \
                                 files"
                            .into(),
                    });
                }
            }
        }
        Ok(())
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
            if fs::symlink_metadata(&path).is_ok_and(|m| !m.file_type().is_file()) {
                return Err(RepoError::Write {
                    path,
                    reason: "it is a link or not a regular file; tagoform writes only plain \
                             files"
                        .into(),
                });
            }
            write_replacing(&path, &file.bytes).map_err(|e| RepoError::Write {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }

    /// The commands the repository's README asks to run before a pull request, with the
    /// package manager the clone uses (`packageManager` of its `package.json`).
    pub fn checks(&self, folders: &[String]) -> Vec<String> {
        let package = self
            .read_file(Path::new("package.json"))
            .ok()
            .flatten()
            .unwrap_or_default();
        let pnpm = serde_json::from_slice::<Value>(&package)
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

/// Writes a new file beside `path` and renames it over: the old file's inode is replaced,
/// never written through, so a hard link in the clone to a file elsewhere is not changed.
fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".tagoform-{}.tmp", std::process::id()));
    let aside = PathBuf::from(aside);
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&aside)
        .and_then(|mut file| file.write_all(bytes))
        .and_then(|()| fs::rename(&aside, path));
    if written.is_err() {
        let _ = fs::remove_file(&aside);
    }
    written
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
