//! Deciding what to write: for each published object, the version and the files that differ
//! from the clone. A version folder already in the clone is never rewritten: when the
//! configuration's decoder or manifest differs from the newest one, the contribution is a new
//! version (the YAML's, when it is newer; otherwise the next patch), and a version the YAML
//! names that the clone lacks is written as it is. Networks come first, so
//! that connectors name the versions just decided.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use super::contribution::{self, Contribution, File, ImageBytes};
use super::repo::Repo;
use crate::config::{Connector, Desired, NetworkTarget, Publish, Version};

/// What one object needs written.
#[derive(Debug)]
pub struct Prepared {
    pub contribution: Contribution,
    /// The files that differ from the clone (all of them for a new version folder).
    pub changed: Vec<File>,
    /// True when the version folder is new.
    pub new_version: bool,
    /// The catalog id TagoIO will give it (`map-ids.json` applied).
    pub catalog_id: String,
    /// The configuration's `publish.version`, when the clone has another one.
    pub configured: Option<Version>,
}

/// Why nothing can be written.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("no network or connector has the key `{0}`")]
    UnknownKey(String),
    #[error("{kind} `{key}` has no `publish:`: add one to publish it")]
    NotPublished { kind: &'static str, key: String },
    #[error("connector `{connector}` uses the public network {id}, which is not among the networks of the clone (decoders/network): update the clone, or use a network it has")]
    UnknownPublicNetwork { connector: String, id: String },
    #[error("cannot read the image `{path}`: {reason}")]
    Image { path: String, reason: String },
    #[error("what would be written breaks the repository's schemas:\n  {}", .0.join("\n  "))]
    Schema(Vec<String>),
    #[error(transparent)]
    Clone(#[from] super::repo::RepoError),
    #[error("{kind} `{key}`: the clone's `{folder}` is the catalog entry `{entry}`, whose description or images are not this configuration's; publish never takes an entry over because it has the same name. To publish this {kind} as an entry of its own, give it another {rename}; if that entry is yours (published from this configuration before), set `publish.update_existing: true` to add a version to it")]
    TakesOver {
        kind: &'static str,
        key: String,
        folder: String,
        entry: String,
        rename: &'static str,
    },
    #[error("`{folder}` has the version {latest} in the clone, which has no next patch version: set `publish.version` of {key} to a newer minor or major version")]
    NoNextVersion {
        key: String,
        folder: String,
        latest: Version,
    },
}

/// The contributions for `keys` (every published object when empty), networks first. Long
/// because the networks' versions must be decided before the connectors that name them,
/// and everything checked against the clone's schemas before anything is written.
pub fn prepare(
    desired: &Desired,
    keys: &[String],
    repo: &Repo,
) -> Result<Vec<Prepared>, PrepareError> {
    for key in keys {
        let object = desired
            .networks
            .get(key)
            .map(|n| ("network", n.publish.is_some()))
            .or_else(|| {
                desired
                    .connectors
                    .get(key)
                    .map(|c| ("connector", c.publish.is_some()))
            });
        match object {
            None => return Err(PrepareError::UnknownKey(key.clone())),
            Some((kind, false)) => {
                return Err(PrepareError::NotPublished {
                    kind,
                    key: key.clone(),
                })
            }
            Some(_) => {}
        }
    }
    let wanted = |key: &str| keys.is_empty() || keys.iter().any(|k| k == key);
    // A wanted connector needs the version of each configured network it names to be in
    // the clone: those networks are written with it, whether targeted or not.
    let needed: BTreeSet<&str> = desired
        .connectors
        .values()
        .filter(|c| !c.delete && c.publish.is_some() && wanted(&c.key))
        .flat_map(|c| c.own.networks.iter())
        .filter_map(|n| match &n.target {
            NetworkTarget::Configured(key) => Some(key.as_str()),
            NetworkTarget::Public(_) => None,
        })
        .collect();
    let mut prepared = Vec::new();
    // Every published network is decided (connectors may name it), but only the wanted or
    // needed ones are written.
    let mut network_paths: BTreeMap<&str, String> = BTreeMap::new();
    for network in desired.networks.values().filter(|n| !n.delete) {
        let Some(publish) = &network.publish else {
            continue;
        };
        let images = images(publish)?;
        let build = |version| contribution::network(network, version, &images);
        let one = decide(
            repo,
            &network.key,
            publish,
            &contribution::network_folder(&network.name),
            build,
        )?;
        let folder = one
            .contribution
            .folder
            .trim_start_matches("decoders/")
            .to_owned();
        network_paths.insert(
            &network.key,
            format!(
                "../../../../{folder}/{}/payload.js",
                one.contribution.version
            ),
        );
        if wanted(&network.key) || needed.contains(network.key.as_str()) {
            prepared.push(one);
        }
    }
    for connector in desired
        .connectors
        .values()
        .filter(|c| !c.delete && wanted(&c.key))
    {
        let Some(publish) = &connector.publish else {
            continue;
        };
        let paths = connector_networks(connector, &network_paths, repo)?;
        let images = images(publish)?;
        let Some(folder) = contribution::connector_folder(publish) else {
            continue;
        };
        let build = |version| {
            contribution::connector(connector, publish, &folder, version, &images, &paths)
        };
        prepared.push(decide(repo, &connector.key, publish, &folder, build)?);
    }
    let violations: Vec<String> = prepared
        .iter()
        .flat_map(|p| repo.violations(&p.contribution))
        .collect();
    if !violations.is_empty() {
        return Err(PrepareError::Schema(violations));
    }
    Ok(prepared)
}

fn connector_networks(
    connector: &Connector,
    network_paths: &BTreeMap<&str, String>,
    repo: &Repo,
) -> Result<Vec<String>, PrepareError> {
    let mut paths = Vec::new();
    for network in &connector.own.networks {
        match &network.target {
            // A configured network is published too (the configuration's rules say so).
            NetworkTarget::Configured(key) => {
                paths.extend(network_paths.get(key.as_str()).cloned())
            }
            NetworkTarget::Public(id) => {
                let path = repo.public_network_path(id.as_str())?.ok_or_else(|| {
                    PrepareError::UnknownPublicNetwork {
                        connector: connector.key.clone(),
                        id: id.to_string(),
                    }
                })?;
                paths.push(path);
            }
        }
    }
    Ok(paths)
}

fn images(publish: &Publish) -> Result<ImageBytes, PrepareError> {
    publish
        .images
        .iter()
        .map(|image| {
            fs::read(&image.file)
                .map(|bytes| (image.role, bytes))
                .map_err(|e| PrepareError::Image {
                    path: image.file.display().to_string(),
                    reason: e.to_string(),
                })
        })
        .collect()
}

/// Refuses to write into a folder of the clone that holds another entry of the catalog: one
/// whose manifest (its versions aside), description or images differ from what this
/// configuration writes. Names are not identities: a private network called `LoRaWAN TTI/TTN v3`
/// must not rewrite the public one's folder.
fn refuse_takeover(
    repo: &Repo,
    key: &str,
    folder: &str,
    ours: &Contribution,
) -> Result<(), PrepareError> {
    let manifest_name = format!("{}.jsonc", ours.kind);
    let Some(existing) = repo.read(folder, &manifest_name)? else {
        return Ok(());
    };
    let without_versions = |bytes: &[u8]| {
        let mut value: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.remove("versions");
        }
        value
    };
    let mut same = true;
    for file in &ours.top {
        let there = repo.read(folder, &file.path)?;
        same &= match (file.path == manifest_name, there) {
            (true, Some(there)) => without_versions(&there) == without_versions(&file.bytes),
            (false, Some(there)) => there == file.bytes,
            (_, None) => false,
        };
    }
    if same {
        return Ok(());
    }
    let entry = without_versions(&existing)["name"]
        .as_str()
        .map(|name| crate::text::visible(name).into_owned())
        .unwrap_or_else(|| folder.to_owned());
    let connector = ours.kind == "connector";
    Err(PrepareError::TakesOver {
        kind: if connector { "connector" } else { "network" },
        key: key.to_owned(),
        folder: folder.to_owned(),
        entry,
        rename: if connector {
            "manufacturer or model"
        } else {
            "name (a network's folder is its name)"
        },
    })
}

/// The version to write and the files that differ, by the rule in the module's doc.
fn decide(
    repo: &Repo,
    key: &str,
    publish: &Publish,
    folder: &str,
    build: impl Fn(Version) -> Contribution,
) -> Result<Prepared, PrepareError> {
    let wanted = publish.version;
    let latest = repo.versions(folder).last().copied();
    if !publish.update_existing {
        refuse_takeover(repo, key, folder, &build(latest.unwrap_or(wanted)))?;
    }
    // Whether every file of `files` is in the clone exactly so.
    let all_in_clone = |files: &mut dyn Iterator<Item = &File>| -> Result<bool, PrepareError> {
        for file in files {
            if repo.read(folder, &file.path)?.as_deref() != Some(file.bytes.as_slice()) {
                return Ok(false);
            }
        }
        Ok(true)
    };
    let (contribution, new_version) = match latest {
        // A version the YAML names and the clone lacks is written, changed or not.
        Some(latest) if wanted > latest => (build(wanted), true),
        Some(latest) => {
            let same = build(latest);
            // The test is the repository's once written: only the decoder and manifest count.
            let mut compared = same
                .versioned
                .iter()
                .filter(|f| !f.path.ends_with(".test.ts"));
            if all_in_clone(&mut compared)? {
                (same, false)
            } else {
                let next = latest
                    .next_patch()
                    .ok_or_else(|| PrepareError::NoNextVersion {
                        key: key.to_owned(),
                        folder: folder.to_owned(),
                        latest,
                    })?;
                (build(next), true)
            }
        }
        None => (build(wanted), true),
    };
    let mut changed = Vec::new();
    for file in &contribution.top {
        if !all_in_clone(&mut std::iter::once(file))? {
            changed.push(file.clone());
        }
    }
    if new_version {
        changed.extend(contribution.versioned.iter().cloned());
    }
    let catalog_id = repo.mapped(contribution.catalog_id());
    let configured = (contribution.version != wanted).then_some(wanted);
    Ok(Prepared {
        contribution,
        changed,
        new_version,
        catalog_id,
        configured,
    })
}
