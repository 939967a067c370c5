//! The configuration a `plan --baseline` reads: the change's, widened with the baseline's
//! profiles and objects. A baseline profile that is the same live profile as one of the
//! change's (same pin, or the same name where one profile has it) is merged into it, so no
//! live profile is read twice with different needs. Pure: the account's profile list is given.

use std::collections::BTreeMap;

use crate::config::{Desired, Profile, TagoId};
use crate::live::{Id, LiveProfile};

/// What to read so that both configurations can be planned: `desired` widened with
/// `baseline`. `live` (the account's profile list) tells which profiles are the same. Long
/// because each section (profiles, external profiles, networks, connectors) is widened in
/// turn with the keys the profiles' merge renamed.
pub fn union(desired: &Desired, baseline: &Desired, live: &[LiveProfile]) -> Desired {
    let mut union = desired.clone();
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    for (key, profile) in &baseline.profiles {
        let same = resolve(profile, live).and_then(|id| {
            union
                .profiles
                .values_mut()
                .find(|p| resolve(p, live).as_ref() == Some(&id))
        });
        match same {
            Some(merged) => {
                if merged.team.is_none() {
                    merged.team.clone_from(&profile.team);
                }
                if merged.tokens.is_none() {
                    merged.tokens.clone_from(&profile.tokens);
                }
                // What either manages is read: banner, allocation, add-ons.
                if merged.banner_url.is_none() {
                    merged.banner_url.clone_from(&profile.banner_url);
                }
                if merged.allocation.is_none() {
                    merged.allocation.clone_from(&profile.allocation);
                }
                if merged.addons.is_none() {
                    merged.addons.clone_from(&profile.addons);
                }
                // A profile read for either is read (a deleted one is not read at all).
                merged.delete = merged.delete && profile.delete;
                keys.insert(key.clone(), merged.key.clone());
            }
            None => {
                let renamed = format!("baseline:{key}");
                let mut added = profile.clone();
                added.key.clone_from(&renamed);
                union.profiles.insert(renamed.clone(), added);
                keys.insert(key.clone(), renamed);
            }
        }
    }
    for network in baseline.networks.values() {
        let profile = keys.get(&network.profile).unwrap_or(&network.profile);
        let same = union.networks.values_mut().find(|n| {
            &n.profile == profile
                && same_object(
                    (n.id.as_ref(), &n.name),
                    (network.id.as_ref(), &network.name),
                )
        });
        match same {
            Some(merged) => {
                if merged.shared_with.is_none() {
                    merged.shared_with.clone_from(&network.shared_with);
                }
                if merged.publish.is_none() {
                    merged.publish.clone_from(&network.publish);
                }
            }
            None => {
                let mut added = network.clone();
                added.key = format!("baseline:{}", network.key);
                added.profile.clone_from(profile);
                union.networks.insert(added.key.clone(), added);
            }
        }
    }
    for connector in baseline.connectors.values() {
        let profile = keys.get(&connector.profile).unwrap_or(&connector.profile);
        let same = union.connectors.values_mut().find(|c| {
            &c.profile == profile
                && same_object(
                    (c.id.as_ref(), &c.name),
                    (connector.id.as_ref(), &connector.name),
                )
        });
        match same {
            Some(merged) => {
                if merged.shared_with.is_none() {
                    merged.shared_with.clone_from(&connector.shared_with);
                }
                if merged.publish.is_none() {
                    merged.publish.clone_from(&connector.publish);
                }
            }
            None => {
                let mut added = connector.clone();
                added.key = format!("baseline:{}", connector.key);
                added.profile.clone_from(profile);
                union.connectors.insert(added.key.clone(), added);
            }
        }
    }
    union
}

/// Whether two configured objects of one profile, as (pin, name), stand for the same live
/// object as the plan matches them: the same pin, or no pin and the same name.
fn same_object(one: (Option<&TagoId>, &str), other: (Option<&TagoId>, &str)) -> bool {
    match (one.0, other.0) {
        (Some(one), Some(other)) => one == other,
        (None, None) => one.1 == other.1,
        _ => false,
    }
}

/// The live profile a configured one matches, as the plan matches it (pin, or a name only
/// one live profile has).
fn resolve(profile: &Profile, live: &[LiveProfile]) -> Option<Id> {
    let mut matches = live.iter().filter(|p| match &profile.id {
        Some(pin) => p.id == pin.as_str(),
        None => p.name == profile.name,
    });
    let first = matches.next()?;
    matches.next().is_none().then(|| first.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml: &str) -> Desired {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("tagoform.yaml"), yaml).unwrap();
        crate::config::load(folder.path()).unwrap().desired.unwrap()
    }

    fn meters(first_shares: &str, second_shares: &str) -> Desired {
        load(&format!(
            "version: 1
profiles:
  acme:
    name: ACME
connectors:
  meter-a:
    profile: acme
    name: Meter
    id: ccccccccccccccccccccccc1
    networks: [{{id: 5f46679034e73f002833025b}}]{first_shares}
  meter-b:
    profile: acme
    name: Meter
    id: ccccccccccccccccccccccc2
    networks: [{{id: 5f46679034e73f002833025b}}]{second_shares}
"
        ))
    }

    #[test]
    fn pinned_objects_of_one_name_are_merged_by_pin() {
        let change = meters("", "");
        let baseline = meters("", "\n    shared_with: []");
        let live = [LiveProfile {
            id: "aaaaaaaaaaaaaaaaaaaaaaa1".into(),
            name: "ACME".into(),
            logo_url: None,
        }];
        let read = union(&change, &baseline, &live);
        let shares: Vec<(&str, bool)> = read
            .connectors
            .values()
            .map(|c| (c.key.as_str(), c.shared_with.is_some()))
            .collect();
        assert_eq!(shares, [("meter-a", false), ("meter-b", true)]);
    }

    #[test]
    fn what_the_baseline_manages_of_a_merged_profile_is_read_too() {
        let change = load("version: 1\nprofiles:\n  acme:\n    name: ACME\n");
        let baseline = load(
            "version: 1\nprofiles:\n  acme:\n    name: ACME\n    banner_url: https://b\n    \
             allocation: {input: 5}\n    addons: []\n",
        );
        let live = [LiveProfile {
            id: "aaaaaaaaaaaaaaaaaaaaaaa1".into(),
            name: "ACME".into(),
            logo_url: None,
        }];
        let read = union(&change, &baseline, &live);
        let acme = &read.profiles["acme"];
        assert_eq!(read.profiles.len(), 1);
        assert_eq!(acme.banner_url.as_deref(), Some("https://b"));
        assert!(acme.allocation.is_some() && acme.addons.is_some());
    }
}
