//! Naming what is exported: keys for profiles, recipients, networks and connectors, and the
//! objects that cannot be named because their names repeat within a profile.

use std::collections::{BTreeMap, BTreeSet};

use super::keys::{assign, id_suffix, slug, Wanted};
use crate::live::{Id, LiveObject, LiveProfile, LiveSnapshot, ObjectKind};

/// Keys of every profile of the account and of every share recipient in other accounts.
pub fn profile_keys(
    snapshot: &LiveSnapshot,
    owned: &BTreeMap<&str, &LiveProfile>,
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
pub fn duplicates(snapshot: &LiveSnapshot, exported: &[&Id]) -> BTreeMap<Id, Vec<String>> {
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

pub fn is_duplicate(list: &[LiveObject], object: &LiveObject) -> bool {
    list.iter().filter(|o| o.name == object.name).count() > 1
}

/// Keys of the exported networks and connectors, by id, unique across both kinds and apart
/// from every profile key.
pub fn object_keys(
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
