//! `plan --baseline`: one read of TagoIO, planned against both configurations.
//!
//! The live read covers what either configuration manages: the change's configuration,
//! widened with the baseline's profiles and objects. A baseline profile that is the same live
//! profile as one of the change's (same pin, or the same name where one profile has it) is
//! merged into it, so no live profile is read twice with different needs.

use std::collections::BTreeMap;

use anyhow::{bail, Context};

use super::reconcile::Connected;
use crate::config::{Desired, Profile};
use crate::live::{self, Id, LiveProfile};
use crate::plan::{self, Plan};

/// The change's plan and the baseline's, from the same live snapshot, both restricted to
/// `targets`.
pub async fn plan_both(
    desired: &Desired,
    baseline: &Desired,
    read: &Desired,
    connected: &Connected,
    parallelism: u16,
    targets: &[String],
) -> anyhow::Result<(Plan, Plan)> {
    let live = live::fetch(read, &connected.access, usize::from(parallelism))
        .await
        .context("cannot read the live state from TagoIO")?;
    let now = connected
        .session
        .client
        .server_time()
        .unwrap_or_else(chrono::Utc::now);
    let plan = plan::plan(desired, &live, now)?;
    let base = plan::plan(baseline, &live, now)
        .context("cannot plan the baseline configuration (the target branch) against TagoIO")?;
    for target in targets {
        let known = desired.profiles.contains_key(target)
            || desired.networks.contains_key(target)
            || desired.connectors.contains_key(target)
            || desired.external_profiles.contains_key(target);
        if !known {
            bail!("--target {target}: no profile, network or connector has that key");
        }
    }
    Ok((plan::restrict(plan, targets), plan::restrict(base, targets)))
}

/// What to read so that both configurations can be planned: `desired` widened with
/// `baseline`. `live` (the account's profile list) tells which profiles are the same.
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
        let same = union
            .networks
            .values_mut()
            .find(|n| &n.profile == profile && n.name == network.name);
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
        let same = union
            .connectors
            .values_mut()
            .find(|c| &c.profile == profile && c.name == connector.name);
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
