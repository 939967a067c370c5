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
//! - Networks and connectors are found by name within their profile and cannot be pinned:
//!   when several in one profile share a name, none of them is exported and the file says so
//!   (rename all but one on TagoIO, then export again). Profiles are never `exclusive`, so a
//!   plan leaves what was not exported alone.
//! - Publication requests are not exported: a public object stays public without one.

mod document;
pub mod keys;
mod objects;
mod profiles;
mod read;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::{DateTime, Utc};

pub use document::{RenderError, SCHEMA_FILE};
pub use read::{read, ReadError};

use crate::live::{Id, LiveObject, LiveSnapshot, ObjectKind};
use document::{Document, Object};
use keys::{assign, id_suffix, slug, Wanted};
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
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub layout: Layout,
    /// The server's time: which invitations and tokens have expired.
    pub now: DateTime<Utc>,
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
}

/// Turns a snapshot into configuration text. Every profile in `snapshot.details` is exported;
/// `snapshot.profiles` (all profiles of the account) names share recipients.
pub fn export(snapshot: &LiveSnapshot, options: &Options) -> Result<Exported, RenderError> {
    let owned: BTreeMap<&str, &crate::live::LiveProfile> = snapshot
        .profiles
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let exported: Vec<&Id> = snapshot
        .details
        .keys()
        .filter(|id| owned.contains_key(id.as_str()))
        .collect();
    let profile_keys = profile_keys(snapshot, &owned);
    let duplicates = duplicates(snapshot, &exported);
    let object_keys = object_keys(snapshot, &exported, &profile_keys, &duplicates);
    let mut name_count: BTreeMap<&str, usize> = BTreeMap::new();
    for profile in owned.values() {
        *name_count.entry(profile.name.as_str()).or_default() += 1;
    }
    let mut single = Document::default();
    let mut files = Vec::new();
    let mut all_notes = Vec::new();
    let mut used_recipients: BTreeSet<Id> = BTreeSet::new();
    let mut order: Vec<(&String, &Id)> = exported
        .iter()
        .filter_map(|id| Some((profile_keys.get(*id)?, *id)))
        .collect();
    order.sort();
    for (key, id) in order {
        let (Some(live), Some(state)) = (owned.get(id.as_str()), snapshot.details.get(id)) else {
            continue;
        };
        let mut notes = duplicates.get(id).cloned().unwrap_or_default();
        let pin = name_count.get(live.name.as_str()).copied().unwrap_or(0) > 1;
        let mut document = Document::default();
        document.profiles.insert(
            key.clone(),
            profiles::profile(live, state, pin, options.now, &mut notes),
        );
        let network_keys: BTreeMap<Id, String> = state
            .networks
            .iter()
            .filter_map(|n| Some((n.id.clone(), object_keys.get(&n.id)?.clone())))
            .collect();
        let cx = Context {
            profile: key,
            recipients: &profile_keys,
            networks: &network_keys,
            decoder_files: options.layout == Layout::Folder,
        };
        for (kind, list) in [
            (ObjectKind::Network, &state.networks),
            (ObjectKind::Connector, &state.connectors),
        ] {
            for live_object in list {
                let Some(object_key) = object_keys.get(&live_object.id) else {
                    continue;
                };
                let Some(converted) =
                    objects::convert(kind, object_key, live_object, &cx, &mut notes)
                else {
                    continue;
                };
                used_recipients.extend(live_object.shares.iter().flatten().cloned());
                if let Some((path, text)) = converted.decoder_file {
                    files.push(File {
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
        notes.extend(access_warnings(&document));
        all_notes.extend(notes.iter().map(|note| format!("profile `{key}`: {note}")));
        match options.layout {
            Layout::Folder => {
                let header = profile_header(&live.name, id, &notes);
                files.push(File {
                    path: PathBuf::from(format!("{key}.yaml")),
                    text: document::render(&document, &header)?,
                });
            }
            Layout::Single => merge(&mut single, document),
        }
    }
    let externals: BTreeMap<String, String> = used_recipients
        .iter()
        .filter(|id| !snapshot.details.contains_key(*id))
        .filter_map(|id| Some((profile_keys.get(id)?.clone(), id.clone())))
        .collect();
    let mut external_notes = Vec::new();
    for (key, id) in &externals {
        if let Some(profile) = owned.get(id.as_str()) {
            external_notes.push(format!(
                "`{key}` is the profile `{}` of this account, not exported here",
                profile.name
            ));
        }
    }
    match options.layout {
        Layout::Folder => {
            if !externals.is_empty() {
                let document = Document {
                    external_profiles: externals,
                    ..Document::default()
                };
                files.push(File {
                    path: PathBuf::from("external_profiles.yaml"),
                    text: document::render(&document, &external_header(&external_notes))?,
                });
            }
        }
        Layout::Single => {
            single.external_profiles = externals;
            let mut header = vec![
                "Exported from TagoIO by `tagoform export`. For completion in an editor, write the"
                    .to_owned(),
                format!("schema beside this file: tagoform schema > {SCHEMA_FILE}"),
            ];
            if !all_notes.is_empty() || !external_notes.is_empty() {
                header.push(String::new());
                header.push("Not exported (left as it is on TagoIO):".to_owned());
                header.extend(all_notes.iter().map(|n| format!("- {n}")));
                header.extend(external_notes.iter().map(|n| format!("- {n}")));
            }
            files.push(File {
                path: PathBuf::from("-"),
                text: document::render(&single, &header)?,
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Exported {
        files,
        notes: all_notes,
    })
}

/// Keys of every profile of the account and of every share recipient in other accounts.
fn profile_keys(
    snapshot: &LiveSnapshot,
    owned: &BTreeMap<&str, &crate::live::LiveProfile>,
) -> BTreeMap<Id, String> {
    let mut wanted: Vec<Wanted> = owned
        .values()
        .map(|profile| {
            let base = slug(&profile.name, "profile");
            Wanted {
                id: profile.id.clone(),
                candidates: vec![
                    base.clone(),
                    format!("{base}-{}", id_suffix(&profile.id)),
                    format!("{base}-{}", profile.id),
                ],
            }
        })
        .collect();
    let foreign: BTreeSet<&Id> = snapshot
        .details
        .values()
        .flat_map(|state| state.networks.iter().chain(&state.connectors))
        .flat_map(|object| object.shares.iter().flatten())
        .filter(|id| !owned.contains_key(id.as_str()))
        .collect();
    wanted.extend(foreign.into_iter().map(|id| Wanted {
        id: id.clone(),
        candidates: vec![
            format!("external-{}", id_suffix(id)),
            format!("external-{id}"),
        ],
    }));
    assign(&wanted, &BTreeSet::new())
}

/// Objects that share their name with another of the same kind in their profile: by profile
/// id, the notes saying so. Their ids are left out of [`object_keys`].
fn duplicates(snapshot: &LiveSnapshot, exported: &[&Id]) -> BTreeMap<Id, Vec<String>> {
    let mut notes: BTreeMap<Id, Vec<String>> = BTreeMap::new();
    for id in exported {
        let Some(state) = snapshot.details.get(*id) else {
            continue;
        };
        for (kind, list) in [
            (ObjectKind::Network, &state.networks),
            (ObjectKind::Connector, &state.connectors),
        ] {
            let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for object in list {
                by_name.entry(&object.name).or_default().push(&object.id);
            }
            for (name, mut ids) in by_name.into_iter().filter(|(_, ids)| ids.len() > 1) {
                ids.sort_unstable();
                notes.entry((*id).clone()).or_default().push(format!(
                    "{} {kind}s are named `{name}` ({}): tagoform finds a {kind} by its name within its profile, so none of them is exported; rename all but one on TagoIO and export again",
                    ids.len(),
                    ids.join(", ")
                ));
            }
        }
    }
    notes
}

fn is_duplicate(list: &[LiveObject], object: &LiveObject) -> bool {
    list.iter().filter(|o| o.name == object.name).count() > 1
}

/// Keys of the exported networks and connectors, by id, unique across both kinds and apart
/// from every profile key.
fn object_keys(
    snapshot: &LiveSnapshot,
    exported: &[&Id],
    profile_keys: &BTreeMap<Id, String>,
    duplicates: &BTreeMap<Id, Vec<String>>,
) -> BTreeMap<Id, String> {
    let mut wanted = Vec::new();
    for id in exported {
        let (Some(state), Some(profile)) = (snapshot.details.get(*id), profile_keys.get(*id))
        else {
            continue;
        };
        let check_duplicates = duplicates.contains_key(*id);
        for (kind, list) in [
            (ObjectKind::Network, &state.networks),
            (ObjectKind::Connector, &state.connectors),
        ] {
            for object in list {
                if check_duplicates && is_duplicate(list, object) {
                    continue;
                }
                let base = slug(&object.name, kind.as_str());
                wanted.push(Wanted {
                    id: object.id.clone(),
                    candidates: vec![
                        base.clone(),
                        format!("{profile}-{base}"),
                        format!("{profile}-{base}-{kind}"),
                        format!("{profile}-{base}-{}", id_suffix(&object.id)),
                        format!("{profile}-{base}-{}", object.id),
                    ],
                });
            }
        }
    }
    let taken: BTreeSet<String> = profile_keys.values().cloned().collect();
    assign(&wanted, &taken)
}

/// The configuration refuses a connector shared with a profile that can use none of its
/// networks; TagoIO may hold one (a network unshared later). Said before `validate` does.
fn access_warnings(document: &Document) -> Vec<String> {
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
            document::NetworkRef::Id { .. } => true,
            document::NetworkRef::Key(key) => document.networks.get(key).is_none_or(|n| {
                n.profile == recipient
                    || n.shared_with
                        .as_ref()
                        .is_none_or(|keys| keys.iter().any(|k| k == recipient))
            }),
        })
}

fn merge(into: &mut Document, from: Document) {
    into.profiles.extend(from.profiles);
    into.networks.extend(from.networks);
    into.connectors.extend(from.connectors);
}

fn profile_header(name: &str, id: &str, notes: &[String]) -> Vec<String> {
    let mut header = vec![format!(
        "The profile `{name}` ({id}), exported from TagoIO by `tagoform export`."
    )];
    if !notes.is_empty() {
        header.push(String::new());
        header.push("Not exported (left as it is on TagoIO):".to_owned());
        header.extend(notes.iter().map(|n| format!("- {n}")));
    }
    header
}

fn external_header(notes: &[String]) -> Vec<String> {
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

#[cfg(test)]
mod tests;
