//! [`plan`]: the whole diff, profile by profile, then networks, then connectors.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::json;

use super::billing;

mod objects;
use super::identity::{match_profiles, IdentityError, PlanError, ProfileIds};
use super::operation::{FieldChange, Notice, ObjectRef, OperationKind, Plan, ProfileRef};
use super::order::{Draft, Drafts};
use super::team::diff_team;
use super::tokens::diff_tokens;
use crate::config::{Desired, Profile};
use crate::live::{Id, LiveObject, LiveProfile, LiveProfileState, LiveSnapshot, ObjectKind};

/// Computes the operations that make `live` match `desired`.
///
/// Pure: no I/O, and `now` is the only clock (invitation and token expiry). The same inputs give
/// the same plan, byte for byte. Fails, with every problem found, when a configured object
/// cannot be matched to exactly one live object. Long because it runs the passes in order
/// (match the profiles, index the recipients, check names and pins, diff each profile, then
/// the allocation and its limits), each reading what the earlier ones decided.
pub fn plan(desired: &Desired, live: &LiveSnapshot, now: DateTime<Utc>) -> Result<Plan, PlanError> {
    let mut errors = Vec::new();
    let profile_ids = match_profiles(desired, live, &mut errors);
    super::identity::unusable_networks(desired, live, &profile_ids, &mut errors);
    let mut keys_by_id: HashMap<Id, String> = HashMap::new();
    for (key, id) in &profile_ids {
        keys_by_id.entry(id.clone()).or_insert_with(|| key.clone());
    }
    for external in desired.external_profiles.values() {
        keys_by_id
            .entry(external.id.to_string())
            .or_insert_with(|| external.key.clone());
    }
    let configured = desired
        .networks
        .values()
        .map(|n| {
            (
                ObjectKind::Network,
                n.profile.as_str(),
                n.name.as_str(),
                &n.id,
            )
        })
        .chain(desired.connectors.values().map(|c| {
            let profile = c.profile.as_str();
            (ObjectKind::Connector, profile, c.name.as_str(), &c.id)
        }));
    let mut named = HashSet::new();
    let mut pinned = HashSet::new();
    for (kind, profile, name, pin) in configured {
        match pin {
            Some(id) => pinned.insert(id.as_str()),
            None => named.insert((kind, profile, name)),
        };
    }
    let mut live_profiles: HashMap<&str, &LiveProfile> = HashMap::new();
    for live_profile in &live.profiles {
        live_profiles
            .entry(&live_profile.id)
            .or_insert(live_profile);
    }
    let mut differ = Differ {
        desired,
        live,
        live_profiles,
        now,
        profile_ids,
        keys_by_id,
        named,
        pinned,
        drafts: Drafts::default(),
        created_profiles: BTreeMap::new(),
        deleted_profiles: BTreeMap::new(),
        networks: BTreeMap::new(),
        network_shares: BTreeMap::new(),
        connector_network_changes: Vec::new(),
        network_deletes: Vec::new(),
        errors,
    };
    for profile in desired.profiles.values() {
        differ.profile(profile);
    }
    differ.objects(ObjectKind::Network);
    differ.objects(ObjectKind::Connector);
    differ.order_network_deletes();
    let billing = billing::Context {
        desired,
        billing: live.billing.as_ref(),
        profile_ids: &differ.profile_ids,
        created: &differ.created_profiles,
        deleted: &differ.deleted_profiles,
    };
    billing::diff(&billing, &mut differ.drafts);
    let plan = differ.drafts.finish();
    let over_limits = billing::over_limits(&plan, live);
    if !differ.errors.is_empty() || !over_limits.is_empty() {
        return Err(PlanError {
            errors: differ.errors,
            over_limits,
        });
    }
    Ok(plan)
}

/// A configured network as connectors see it: its live id, or the draft creating it.
struct NetworkState {
    id: Option<Id>,
    created_by: Option<usize>,
}

struct Differ<'a> {
    desired: &'a Desired,
    live: &'a LiveSnapshot,
    /// Live profiles by id (the first, should an id repeat).
    live_profiles: HashMap<&'a str, &'a LiveProfile>,
    now: DateTime<Utc>,
    profile_ids: ProfileIds,
    /// The configuration key of each known profile id (managed first, then external), so
    /// that each live share finds its recipient without a scan over every profile.
    keys_by_id: HashMap<Id, String>,
    /// (kind, profile key, name) of every configured object without a pin, so that each live
    /// object is checked against the configuration without a scan over every object.
    named: HashSet<(ObjectKind, &'a str, &'a str)>,
    /// The ids configured objects are pinned to.
    pinned: HashSet<&'a str>,
    drafts: Drafts,
    /// Draft index of each profile this plan creates.
    created_profiles: BTreeMap<String, usize>,
    /// Draft index of each live profile this plan deletes, by id.
    deleted_profiles: BTreeMap<Id, usize>,
    networks: BTreeMap<String, NetworkState>,
    /// Share drafts of networks, by (network key, recipient key).
    network_shares: BTreeMap<(String, String), usize>,
    /// Connector deletes or network changes, with the live networks the connector used.
    connector_network_changes: Vec<(usize, Vec<Id>)>,
    /// Network deletes, with the network's live id.
    network_deletes: Vec<(usize, Id)>,
    errors: Vec<IdentityError>,
}

impl<'a> Differ<'a> {
    fn profile_ref(&self, key: &str) -> ProfileRef {
        ProfileRef {
            key: key.to_owned(),
            id: self.profile_ids.get(key).cloned(),
        }
    }

    /// The add-ons the subscription lists for the live profile `id` (none when billing was
    /// not read).
    fn held_addons(&self, id: &str) -> Vec<crate::billing::AddOn> {
        let Some(billing) = &self.live.billing else {
            return Vec::new();
        };
        billing
            .addons
            .iter()
            .filter(|(_, holders)| holders.contains(id))
            .map(|(addon, _)| *addon)
            .collect()
    }

    fn state_of(&self, key: &str) -> Option<&'a LiveProfileState> {
        let id = self.profile_ids.get(key)?;
        self.live.details.get(id)
    }

    /// The drafts that must happen before anything inside profile `key`.
    fn profile_dependency(&self, key: &str) -> Vec<usize> {
        self.created_profiles
            .get(key)
            .copied()
            .into_iter()
            .collect()
    }

    fn is_deleted(&self, key: &str) -> bool {
        self.desired.profiles.get(key).is_some_and(|p| p.delete)
    }

    /// One configured profile: deleted, created or updated, then its team, tokens and the
    /// objects it has that the configuration does not name. Long because each part needs the
    /// target and dependencies the first part decides.
    fn profile(&mut self, profile: &Profile) {
        let target = self.profile_ref(&profile.key);
        let origin = Some(profile.origin.clone());
        let live = target
            .id
            .as_ref()
            .and_then(|id| self.live_profiles.get(id.as_str()).copied());
        match (live, profile.delete) {
            (None, true) => return,
            (Some(live), true) => {
                let addons = self.held_addons(&live.id);
                let changes = if addons.is_empty() {
                    Vec::new()
                } else {
                    let held: Vec<&str> = addons.iter().map(|a| a.as_str()).collect();
                    vec![FieldChange::new("addons", Some(json!(held)), json!([]))]
                };
                let index = self.drafts.push(Draft {
                    profile: profile.key.clone(),
                    kind: OperationKind::DeleteProfile {
                        target,
                        name: live.name.clone(),
                        addons,
                    },
                    changes,
                    origin,
                    depends_on: Vec::new(),
                });
                self.deleted_profiles.insert(live.id.clone(), index);
                return;
            }
            (None, false) => {
                let mut changes = vec![FieldChange::new("name", None, json!(profile.name))];
                for (field, url) in [
                    ("logo_url", &profile.logo_url),
                    ("banner_url", &profile.banner_url),
                ] {
                    if let Some(url) = url.as_deref().filter(|u| !u.is_empty()) {
                        changes.push(FieldChange::new(field, None, json!(url)));
                    }
                }
                let index = self.drafts.push(Draft {
                    profile: profile.key.clone(),
                    kind: OperationKind::CreateProfile {
                        target: target.clone(),
                        name: profile.name.clone(),
                        logo_url: profile.logo_url.clone().filter(|u| !u.is_empty()),
                        banner_url: profile.banner_url.clone().filter(|u| !u.is_empty()),
                    },
                    changes,
                    origin,
                    depends_on: Vec::new(),
                });
                self.created_profiles.insert(profile.key.clone(), index);
            }
            (Some(live), false) => {
                let changes = self.profile_changes(profile, live);
                if !changes.is_empty() {
                    self.drafts.push(Draft {
                        profile: profile.key.clone(),
                        kind: OperationKind::UpdateProfile {
                            target: target.clone(),
                        },
                        changes,
                        origin,
                        depends_on: Vec::new(),
                    });
                }
            }
        }
        let depends_on = self.profile_dependency(&profile.key);
        let state = self.state_of(&profile.key);
        if let Some(team) = &profile.team {
            let live_team = state.and_then(|s| s.team.as_deref()).unwrap_or_default();
            diff_team(
                &mut self.drafts,
                &target,
                team,
                live_team,
                self.now,
                &depends_on,
            );
        }
        if let Some(tokens) = &profile.tokens {
            let live_tokens = state.and_then(|s| s.tokens.as_deref()).unwrap_or_default();
            diff_tokens(
                &mut self.drafts,
                &target,
                tokens,
                live_tokens,
                self.now,
                &depends_on,
            );
        }
        if let Some(state) = state {
            self.unmanaged(profile, &target, state);
        }
    }

    /// The profile's own fields that differ: the name, and the logo and banner when managed
    /// (the banner only when it was read: the profile list has none).
    fn profile_changes(&self, profile: &Profile, live: &LiveProfile) -> Vec<FieldChange> {
        let mut changes = Vec::new();
        if live.name != profile.name {
            changes.push(FieldChange::new(
                "name",
                Some(json!(live.name)),
                json!(profile.name),
            ));
        }
        let live_banner = self
            .state_of(&profile.key)
            .and_then(|state| state.banner_url.as_ref());
        let urls = [
            ("logo_url", &profile.logo_url, Some(&live.logo_url)),
            ("banner_url", &profile.banner_url, live_banner),
        ];
        for (field, wanted, live_url) in urls {
            // Not managed, or not read (then a plan cannot tell: it changes nothing).
            let (Some(wanted), Some(live_url)) = (wanted, live_url) else {
                continue;
            };
            // An empty URL clears the image, and TagoIO then has none: the same thing.
            let live_url = live_url.as_deref().filter(|l| !l.is_empty());
            if live_url != Some(wanted.as_str()).filter(|l| !l.is_empty()) {
                let old = live_url.map(|l| json!(l));
                changes.push(FieldChange::new(field, old, json!(wanted)));
            }
        }
        changes
    }

    /// Live objects the configuration does not name: deleted in an exclusive profile, listed
    /// otherwise.
    fn unmanaged(&mut self, profile: &Profile, target: &ProfileRef, state: &LiveProfileState) {
        for (kind, live_objects) in [
            (ObjectKind::Network, &state.networks),
            (ObjectKind::Connector, &state.connectors),
        ] {
            for object in live_objects {
                if self.names_object(kind, &profile.key, object) {
                    continue;
                }
                let object_ref = ObjectRef {
                    kind,
                    key: object.name.clone(),
                    name: object.name.clone(),
                    id: Some(object.id.clone()),
                };
                if profile.exclusive {
                    let index = self.drafts.push(Draft {
                        profile: profile.key.clone(),
                        kind: OperationKind::DeleteObject {
                            target: target.clone(),
                            object: object_ref,
                        },
                        changes: Vec::new(),
                        origin: Some(profile.origin.clone()),
                        depends_on: Vec::new(),
                    });
                    self.record_delete(kind, index, object);
                } else {
                    self.drafts.notice(Notice::Unmanaged {
                        profile: profile.key.clone(),
                        object: object_ref,
                    });
                }
            }
        }
    }

    /// Whether a configured object stands for this live one: pinned to its id, or unpinned
    /// with its name.
    fn names_object(&self, kind: ObjectKind, profile: &str, object: &LiveObject) -> bool {
        self.pinned.contains(object.id.as_str())
            || self.named.contains(&(kind, profile, object.name.as_str()))
    }

    fn record_delete(&mut self, kind: ObjectKind, index: usize, object: &LiveObject) {
        match kind {
            ObjectKind::Network => self.network_deletes.push((index, object.id.clone())),
            ObjectKind::Connector => self
                .connector_network_changes
                .push((index, object.networks.clone())),
        }
    }
}
