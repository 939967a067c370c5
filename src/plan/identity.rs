//! Matching configured objects to live ones: a profile by its `id` pin or by a name only one
//! live profile has; a network or connector by its `id` pin or by a name only one live object
//! of its kind has within its owning profile.
//!
//! When a match is ambiguous the plan stops: guessing would change the wrong customer's access.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::billing::{OverLimit, OverLimitTable};
use crate::config::{Desired, Origin, TagoId};
use crate::live::{Id, LiveObject, LiveProfile, LiveSnapshot, NetworkSeen, ObjectKind};

/// Why a configured object cannot be matched to exactly one live object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error(
        "{origin}: profile `{key}`: {} live profiles are named `{name}` ({}); \
         pin the right one with `id:` under profiles.{key}",
        ids.len(),
        ids.join(", ")
    )]
    AmbiguousProfile {
        key: String,
        name: String,
        ids: Vec<Id>,
        origin: Origin,
    },
    #[error(
        "{origin}: profile `{key}` is pinned to id {id}, which is not a profile of this account; \
         fix the `id:` or remove it to match by name"
    )]
    PinnedProfileMissing { key: String, id: Id, origin: Origin },
    #[error(
        "{origin}: profiles `{first}` and `{second}` both match the live profile {id}; \
         pin each to its own `id:`"
    )]
    SameLiveProfile {
        first: String,
        second: String,
        id: Id,
        origin: Origin,
    },
    #[error(
        "{origin}: {kind} `{key}`: {} live {kind}s of profile `{profile}` are named `{name}` ({}); \
         pin the right one with `id:` under {}.{key}, or rename all but one on TagoIO",
        ids.len(),
        ids.join(", "),
        kind.section()
    )]
    AmbiguousObject {
        kind: ObjectKind,
        key: String,
        profile: String,
        name: String,
        ids: Vec<Id>,
        origin: Origin,
    },
    #[error(
        "{origin}: {kind} `{key}` is pinned to id {id}, which is not a {kind} of profile `{profile}`; \
         fix the `id:` or remove it to match by name"
    )]
    PinnedObjectMissing {
        kind: ObjectKind,
        key: String,
        profile: String,
        id: Id,
        origin: Origin,
    },
    /// `{id: ...}` of a network the connector's profile cannot use: TagoIO answers 404 to
    /// that profile (or, for a profile to be created, it is not public).
    #[error(
        "{origin}: connector `{connector}` uses network {id}, which profile `{profile}`{} cannot \
         use: it is not a network of TagoIO's public catalog{}; fix the id{}",
        if *new_profile { " (to be created)" } else { "" },
        if *new_profile { "" } else { ", nor one the profile owns or that is shared with it" },
        if *new_profile {
            ", or create the profile first and have the network's owner share it with the profile"
        } else {
            ", or have the network's owner share it with the profile"
        }
    )]
    UnusableNetwork {
        connector: String,
        profile: String,
        id: Id,
        new_profile: bool,
        origin: Origin,
    },
}

/// Every identity problem of a plan, reported together so one run shows them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub errors: Vec<IdentityError>,
    /// Services whose allocation would exceed the account's limit.
    pub over_limits: Vec<OverLimit>,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, error) in self.errors.iter().enumerate() {
            if position > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        if !self.over_limits.is_empty() {
            if !self.errors.is_empty() {
                writeln!(f)?;
            }
            write!(f, "{}", OverLimitTable(&self.over_limits))?;
        }
        Ok(())
    }
}

impl std::error::Error for PlanError {}

/// The live id of each configured profile that exists (profiles to be created are absent).
pub type ProfileIds = BTreeMap<String, Id>;

/// Matches every configured profile to at most one live profile.
pub fn match_profiles(
    desired: &Desired,
    live: &LiveSnapshot,
    errors: &mut Vec<IdentityError>,
) -> ProfileIds {
    let mut ids = ProfileIds::new();
    let mut claimed: BTreeMap<Id, String> = BTreeMap::new();
    // Indexed once, so that matching stays linear in the number of profiles.
    let mut by_id: HashMap<&str, &LiveProfile> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<&LiveProfile>> = HashMap::new();
    for live_profile in &live.profiles {
        by_id.entry(&live_profile.id).or_insert(live_profile);
        by_name
            .entry(&live_profile.name)
            .or_default()
            .push(live_profile);
    }
    for (key, profile) in &desired.profiles {
        let found = match &profile.id {
            Some(pin) => match by_id.get(pin.as_str()) {
                Some(live_profile) => Some(live_profile.id.clone()),
                None if profile.delete => None,
                None => {
                    errors.push(IdentityError::PinnedProfileMissing {
                        key: key.clone(),
                        id: pin.to_string(),
                        origin: profile.origin.clone(),
                    });
                    None
                }
            },
            None => {
                let ids: Vec<Id> = by_name
                    .get(profile.name.as_str())
                    .into_iter()
                    .flatten()
                    .map(|p| p.id.clone())
                    .collect();
                match ids.as_slice() {
                    [] => None,
                    [one] => Some(one.clone()),
                    _ => {
                        errors.push(IdentityError::AmbiguousProfile {
                            key: key.clone(),
                            name: profile.name.clone(),
                            ids,
                            origin: profile.origin.clone(),
                        });
                        None
                    }
                }
            }
        };
        let Some(id) = found else { continue };
        if let Some(first) = claimed.get(&id) {
            errors.push(IdentityError::SameLiveProfile {
                first: first.clone(),
                second: key.clone(),
                id,
                origin: profile.origin.clone(),
            });
            continue;
        }
        claimed.insert(id.clone(), key.clone());
        ids.insert(key.clone(), id);
    }
    ids
}

/// Every `{id: ...}` network of a kept connector that its profile was seen not to be able
/// to use ([`crate::live::NetworkSeen`]). Profiles whose match failed are left to that
/// error; ids not read (no live read) are left to TagoIO.
pub fn unusable_networks(
    desired: &Desired,
    live: &LiveSnapshot,
    profile_ids: &ProfileIds,
    errors: &mut Vec<IdentityError>,
) {
    let unmatched: Vec<String> = errors
        .iter()
        .filter_map(|error| match error {
            IdentityError::AmbiguousProfile { key, .. }
            | IdentityError::PinnedProfileMissing { key, .. } => Some(key.clone()),
            IdentityError::SameLiveProfile { second, .. } => Some(second.clone()),
            _ => None,
        })
        .collect();
    for connector in desired.connectors.values().filter(|c| !c.delete) {
        if unmatched.contains(&connector.profile) {
            continue;
        }
        let Some(seen) = live.networks_seen.get(&connector.profile) else {
            continue;
        };
        for reference in &connector.own.networks {
            let crate::config::NetworkTarget::Public(id) = &reference.target else {
                continue;
            };
            let usable = match seen.get(id.as_str()) {
                Some(NetworkSeen::Unseen) => false,
                Some(NetworkSeen::Private) => profile_ids.contains_key(&connector.profile),
                Some(NetworkSeen::Public) | None => true,
            };
            if !usable {
                errors.push(IdentityError::UnusableNetwork {
                    connector: connector.key.clone(),
                    profile: connector.profile.clone(),
                    id: id.to_string(),
                    new_profile: !profile_ids.contains_key(&connector.profile),
                    origin: reference.origin.clone(),
                });
            }
        }
    }
}

/// A configured network or connector, as far as matching needs to know it.
pub struct ObjectQuery<'a> {
    pub kind: ObjectKind,
    pub key: &'a str,
    pub profile: &'a str,
    pub name: &'a str,
    /// The `id:` pin, which wins over the name.
    pub pin: Option<&'a TagoId>,
    /// A tombstone: a pinned object already gone is what it asks for, not an error.
    pub delete: bool,
    pub origin: &'a Origin,
}

/// Finds the live object a configured one stands for among its profile's objects: the pinned
/// one, else the only one with the configured name. `None` means it does not exist yet (or an
/// error was recorded).
pub fn match_object<'a>(
    query: &ObjectQuery<'_>,
    live_objects: &'a [LiveObject],
    errors: &mut Vec<IdentityError>,
) -> Option<&'a LiveObject> {
    if let Some(pin) = query.pin {
        let found = live_objects.iter().find(|o| o.id == pin.as_str());
        if found.is_none() && !query.delete {
            errors.push(IdentityError::PinnedObjectMissing {
                kind: query.kind,
                key: query.key.to_owned(),
                profile: query.profile.to_owned(),
                id: pin.to_string(),
                origin: query.origin.clone(),
            });
        }
        return found;
    }
    let matches: Vec<&LiveObject> = live_objects
        .iter()
        .filter(|object| object.name == query.name)
        .collect();
    match matches.as_slice() {
        [] => None,
        [one] => Some(one),
        many => {
            errors.push(IdentityError::AmbiguousObject {
                kind: query.kind,
                key: query.key.to_owned(),
                profile: query.profile.to_owned(),
                name: query.name.to_owned(),
                ids: many.iter().map(|object| object.id.clone()).collect(),
                origin: query.origin.clone(),
            });
            None
        }
    }
}
