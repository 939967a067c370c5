//! Naming what is exported: keys for profiles, recipients, networks and connectors, and the
//! objects whose names repeat within a profile (pinned by id).

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

/// The names that more than one object of `list` has: those objects are pinned by `id:`,
/// since the plan finds an unpinned object by a name only it has in its profile.
pub fn repeated_names(list: &[LiveObject]) -> BTreeSet<&str> {
    let mut seen = BTreeSet::new();
    list.iter()
        .filter(|object| !seen.insert(object.name.as_str()))
        .map(|object| object.name.as_str())
        .collect()
}

/// Keys of the exported networks and connectors, by id, unique across both kinds and apart
/// from every profile key.
pub fn object_keys(
    snapshot: &LiveSnapshot,
    exported: &[&Id],
    profile_keys: &BTreeMap<Id, String>,
) -> BTreeMap<Id, String> {
    let mut wanted = Vec::new();
    for id in exported {
        let (Some(state), Some(profile)) = (snapshot.details.get(*id), profile_keys.get(*id))
        else {
            continue;
        };
        for (kind, list) in [
            (ObjectKind::Network, &state.networks),
            (ObjectKind::Connector, &state.connectors),
        ] {
            for object in list {
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
