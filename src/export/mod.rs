//! `export`: turn the live state of an account into tagoform YAML that plans to `No changes`.
//!
//! [`read`] fetches a [`LiveSnapshot`] of every selected profile, with everything the
//! configuration can manage (team, tokens, networks, connectors, shares). [`export`] is PURE:
//! it turns that snapshot into the text of the files, so the whole conversion is tested with
//! plain values. Writing the files is the command's job.
//!
//! What the export contains, and why:
//! - Keys are slugs of the live names, made unique (see [`keys`]); profiles whose names repeat
//!   are pinned with `id:`, since the plan finds profiles by name otherwise.
//! - Share recipients in other accounts go under `external_profiles` as `external-<id end>`:
//!   TagoIO shows a profile's name only to its owner. Profiles of this account that are not
//!   exported (`--profile`) but receive shares go there too, under their usual key.
//! - Teams are complete lists (active members and invitations that can still be accepted).
//!   Tokens are written by name, permission and expiry date, never by value; login tokens,
//!   tagoform's short-lived tokens, expired tokens and tokens sharing a name are left out.
//! - Networks and connectors are found by name within their profile; those whose name
//!   another of the same kind in the profile also has are pinned with `id:`. Profiles are
//!   never `exclusive`, so a plan leaves what was not exported alone.
//! - Publication requests are not exported: a public object stays public without one.

mod document;
pub mod keys;
mod naming;
mod objects;
mod profiles;
mod read;
mod scalar;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::{DateTime, Utc};

pub use document::{RenderError, SCHEMA_FILE};
pub use read::{read, ReadError};

use crate::live::{Id, LiveBilling, LiveProfile, LiveProfileState, LiveSnapshot, ObjectKind};
use document::Document;
use objects::Context;

/// One document on stdout, or one file per profile in a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Everything in one document, decoders inline.
    Single,
    /// `<profile>.yaml` per profile, `external_profiles.yaml`, decoders under `decoders/`.
    Folder,
}

/// How to export.
#[derive(Debug, Clone)]
pub struct Options {
    pub layout: Layout,
    /// The server's time: which invitations and tokens have expired.
    pub now: DateTime<Utc>,
    /// `--token-env-prefix`: every profile gets `token_env: <prefix><KEY>`, so that a plan
    /// job with read tokens only (no password) can read what was exported.
    pub token_env_prefix: Option<String>,
}

/// A file to write, relative to the output folder (`-` for stdout in [`Layout::Single`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: PathBuf,
    pub text: String,
}

/// The files, and what was left out (also written in the files' headers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub files: Vec<File>,
    pub notes: Vec<String>,
    /// With a token-env prefix: each profile's variable, by profile key, to create in CI.
    pub token_envs: Vec<TokenEnv>,
}

/// A variable that a profile's `token_env` names, which the pipeline must provide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenEnv {
    pub profile: String,
    pub name: String,
    pub variable: String,
}

/// Turns a snapshot into configuration text. Every profile in `snapshot.details` is exported;
/// `snapshot.profiles` (all profiles of the account) names share recipients.
pub fn export(snapshot: &LiveSnapshot, options: &Options) -> Result<Exported, RenderError> {
    let owned: BTreeMap<&str, &LiveProfile> = snapshot
        .profiles
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let exported: Vec<&Id> = snapshot
        .details
        .keys()
        .filter(|id| owned.contains_key(id.as_str()))
        .collect();
    let profile_keys = naming::profile_keys(snapshot, &owned);
    let names = Names {
        object_keys: naming::object_keys(snapshot, &exported, &profile_keys),
        profile_keys,
        name_count: owned.values().fold(BTreeMap::new(), |mut count, p| {
            *count.entry(p.name.clone()).or_insert(0) += 1;
            count
        }),
    };
    let mut order: Vec<(&String, &Id)> = exported
        .iter()
        .filter_map(|id| Some((names.profile_keys.get(*id)?, *id)))
        .collect();
    order.sort();
    let mut parts = Vec::new();
    for (key, id) in order {
        if let (Some(live), Some(state)) = (owned.get(id.as_str()), snapshot.details.get(id)) {
            let billing = snapshot.billing.as_ref();
            parts.push(export_profile(key, live, state, billing, &names, options));
        }
    }
    let token_envs = match &options.token_env_prefix {
        Some(prefix) => assign_token_envs(prefix, &mut parts),
        None => Vec::new(),
    };
    let used: BTreeSet<&Id> = parts.iter().flat_map(|p| &p.recipients).collect();
    let externals: BTreeMap<String, String> = used
        .into_iter()
        .filter(|id| !snapshot.details.contains_key(*id))
        .filter_map(|id| Some((names.profile_keys.get(id)?.clone(), id.clone())))
        .collect();
    let external_notes: Vec<String> = externals
        .iter()
        .filter_map(|(key, id)| {
            let profile = owned.get(id.as_str())?;
            Some(format!(
                "`{key}` is the profile `{}` of this account, not exported here",
                profile.name
            ))
        })
        .collect();
    let mut files = match options.layout {
        Layout::Folder => folder_files(&mut parts, externals, &external_notes)?,
        Layout::Single => vec![single_file(&mut parts, externals, &external_notes)?],
    };
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Exported {
        files,
        notes: parts.into_iter().flat_map(|p| p.notes).collect(),
        token_envs,
    })
}

/// `token_env: <prefix><KEY>` on every exported profile, in key order; a variable two keys
/// would share (`acme-prod`, `acme_prod`) gets `_2`, `_3`, ... on the later key.
fn assign_token_envs(prefix: &str, parts: &mut [Part]) -> Vec<TokenEnv> {
    let mut taken = BTreeSet::new();
    let mut token_envs = Vec::new();
    for part in parts.iter_mut() {
        let base = format!("{prefix}{}", keys::variable_suffix(&part.key));
        let variable = (1..)
            .map(|n| match n {
                1 => base.clone(),
                n => format!("{base}_{n}"),
            })
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or(base);
        taken.insert(variable.clone());
        if let Some(profile) = part.document.profiles.get_mut(&part.key) {
            profile.token_env = Some(variable.clone());
        }
        token_envs.push(TokenEnv {
            profile: part.key.clone(),
            name: part.name.clone(),
            variable,
        });
    }
    token_envs
}

/// How everything exported is named.
struct Names {
    profile_keys: BTreeMap<Id, String>,
    object_keys: BTreeMap<Id, String>,
    /// How many profiles of the account have each name (more than one: pin by id).
    name_count: BTreeMap<String, usize>,
}

/// One exported profile: its document, decoder files, notes, and whom it shares with.
struct Part {
    key: String,
    name: String,
    id: Id,
    document: Document,
    decoders: Vec<File>,
    /// What was left out, qualified by the profile's key.
    notes: Vec<String>,
    /// The same notes, as the profile's own file says them.
    own_notes: Vec<String>,
    recipients: BTreeSet<Id>,
}

fn export_profile(
    key: &str,
    live: &LiveProfile,
    state: &LiveProfileState,
    billing: Option<&LiveBilling>,
    names: &Names,
    options: &Options,
) -> Part {
    let mut notes = Vec::new();
    let pin = names.name_count.get(&live.name).copied().unwrap_or(0) > 1;
    let mut document = Document::default();
    let profile = profiles::profile(live, state, billing, pin, options.now, &mut notes);
    document.profiles.insert(key.to_owned(), profile);
    let network_keys: BTreeMap<Id, String> = state
        .networks
        .iter()
        .filter_map(|n| Some((n.id.clone(), names.object_keys.get(&n.id)?.clone())))
        .collect();
    let cx = Context {
        profile: key,
        recipients: &names.profile_keys,
        networks: &network_keys,
        decoder_files: options.layout == Layout::Folder,
    };
    let mut decoders = Vec::new();
    let mut recipients = BTreeSet::new();
    for (kind, list) in [
        (ObjectKind::Network, &state.networks),
        (ObjectKind::Connector, &state.connectors),
    ] {
        let repeated = naming::repeated_names(list);
        for object in list {
            let Some(object_key) = names.object_keys.get(&object.id) else {
                continue;
            };
            let Some(mut converted) = objects::convert(kind, object_key, object, &cx, &mut notes)
            else {
                continue;
            };
            if repeated.contains(object.name.as_str()) {
                converted.object.id = Some(object.id.clone());
            }
            recipients.extend(object.shares.iter().flatten().cloned());
            if let Some((path, text)) = converted.decoder_file {
                decoders.push(File {
                    path: PathBuf::from(path),
                    text,
                });
            }
            let section = match kind {
                ObjectKind::Network => &mut document.networks,
                ObjectKind::Connector => &mut document.connectors,
            };
            section.insert(object_key.clone(), converted.object);
        }
    }
    notes.extend(objects::access_warnings(&document));
    Part {
        key: key.to_owned(),
        name: live.name.clone(),
        id: live.id.clone(),
        document,
        decoders,
        notes: notes
            .iter()
            .map(|n| format!("profile `{key}`: {n}"))
            .collect(),
        own_notes: notes,
        recipients,
    }
}

/// A file per profile, the external profiles, and the decoder files.
fn folder_files(
    parts: &mut [Part],
    externals: BTreeMap<String, String>,
    external_notes: &[String],
) -> Result<Vec<File>, RenderError> {
    let mut files = Vec::new();
    for part in parts {
        let header = document::profile_header(&part.name, &part.id, &part.own_notes);
        files.push(File {
            path: PathBuf::from(format!("{}.yaml", part.key)),
            text: document::render(&part.document, &header)?,
        });
        files.append(&mut part.decoders);
    }
    if !externals.is_empty() {
        let document = Document {
            external_profiles: externals,
            ..Document::default()
        };
        files.push(File {
            path: PathBuf::from("external_profiles.yaml"),
            text: document::render(&document, &document::external_header(external_notes))?,
        });
    }
    Ok(files)
}

/// Everything in one document, what was left out in its header.
fn single_file(
    parts: &mut [Part],
    externals: BTreeMap<String, String>,
    external_notes: &[String],
) -> Result<File, RenderError> {
    let mut single = Document {
        external_profiles: externals,
        ..Document::default()
    };
    let mut notes = Vec::new();
    for part in parts {
        merge(&mut single, std::mem::take(&mut part.document));
        notes.extend(part.notes.iter().cloned());
    }
    notes.extend(external_notes.iter().cloned());
    let mut header = vec![
        "Exported from TagoIO by `tagoform export`. For completion in an editor, write the"
            .to_owned(),
        format!("schema beside this file: tagoform schema > {SCHEMA_FILE}"),
    ];
    if !notes.is_empty() {
        header.push(String::new());
        header.push("Notes: what is left out stays as it is on TagoIO, unmanaged.".to_owned());
        header.extend(notes.iter().map(|n| format!("- {n}")));
    }
    Ok(File {
        path: PathBuf::from("-"),
        text: document::render(&single, &header)?,
    })
}

fn merge(into: &mut Document, from: Document) {
    into.profiles.extend(from.profiles);
    into.networks.extend(from.networks);
    into.connectors.extend(from.connectors);
}

#[cfg(test)]
mod tests;
