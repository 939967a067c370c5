//! The part of a configuration that a plan's operations are about. `apply` reads and plans
//! the whole configuration first; under its lock it reads again only this part, so that an
//! apply of a small change costs its plan's reads plus those of the profiles it touches, not
//! two full reads.

use std::collections::BTreeSet;

use super::operation::Plan;
use super::saved::keys;
use crate::config::{Desired, Recipient};

/// The profiles the operations touch (owners, share recipients, allocation entries), each
/// with all its networks and connectors, the configured profiles those objects are shared
/// with, and theirs in turn (their ids resolve the shares the plan leaves as they are), and
/// every external profile. Planning it gives the operations of the whole configuration's plan that touch
/// these profiles, read afresh.
pub fn touched(desired: &Desired, plan: &Plan) -> Desired {
    let mut profiles: BTreeSet<&str> = BTreeSet::new();
    for operation in &plan.operations {
        for key in keys(operation) {
            if desired.profiles.contains_key(key) {
                profiles.insert(key);
            } else if let Some(network) = desired.networks.get(key) {
                profiles.insert(&network.profile);
            } else if let Some(connector) = desired.connectors.get(key) {
                profiles.insert(&connector.profile);
            }
        }
    }
    let objects_of = |owners: &BTreeSet<&str>| -> Vec<&str> {
        let networks = desired
            .networks
            .values()
            .filter(|n| owners.contains(n.profile.as_str()))
            .flat_map(|n| n.shared_with.iter().flatten());
        let connectors = desired
            .connectors
            .values()
            .filter(|c| owners.contains(c.profile.as_str()))
            .flat_map(|c| c.shared_with.iter().flatten());
        networks
            .chain(connectors)
            .filter(|share| matches!(share.recipient, Recipient::Profile))
            .map(|share| share.key.as_str())
            .collect()
    };
    // A recipient profile comes with its own objects (an exclusive profile would otherwise
    // plan their deletion), whose shares may name further profiles: until nothing is added.
    loop {
        let before = profiles.len();
        let recipients = objects_of(&profiles);
        profiles.extend(recipients);
        if profiles.len() == before {
            break;
        }
    }
    Desired {
        external_profiles: desired.external_profiles.clone(),
        profiles: desired
            .profiles
            .iter()
            .filter(|(key, _)| profiles.contains(key.as_str()))
            .map(|(key, profile)| (key.clone(), profile.clone()))
            .collect(),
        networks: desired
            .networks
            .iter()
            .filter(|(_, n)| profiles.contains(n.profile.as_str()))
            .map(|(key, n)| (key.clone(), n.clone()))
            .collect(),
        connectors: desired
            .connectors
            .iter()
            .filter(|(_, c)| profiles.contains(c.profile.as_str()))
            .map(|(key, c)| (key.clone(), c.clone()))
            .collect(),
    }
}
