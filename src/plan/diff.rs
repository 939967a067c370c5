//! [`plan`]: the whole diff, profile by profile, then networks, then connectors.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::billing;
use super::identity::{
    match_object, match_profiles, IdentityError, ObjectQuery, PlanError, ProfileIds,
};
use super::objects::{
    connector_fields, field_changes, network_fields, note_publication, Fields, ResolvedRecipient,
    ShareDiff,
};
use super::operation::{
    FieldChange, NetworkRef, Notice, ObjectRef, OperationKind, Plan, ProfileRef,
};
use super::order::{Draft, Drafts};
use super::team::diff_team;
use super::tokens::diff_tokens;
use crate::config::{Desired, NetworkTarget, Origin, Profile, Recipient, ShareTarget, TagoId};
use crate::live::{Id, LiveObject, LiveProfile, LiveProfileState, LiveSnapshot, ObjectKind};

/// Computes the operations that make `live` match `desired`.
///
/// Pure: no I/O, and `now` is the only clock (invitation and token expiry). The same inputs give
/// the same plan, byte for byte. Fails, with every problem found, when a configured object
/// cannot be matched to exactly one live object.
pub fn plan(desired: &Desired, live: &LiveSnapshot, now: DateTime<Utc>) -> Result<Plan, PlanError> {
    let mut errors = Vec::new();
    let profile_ids = match_profiles(desired, live, &mut errors);
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
                let index = self.drafts.push(Draft {
                    profile: profile.key.clone(),
                    kind: OperationKind::DeleteProfile {
                        target,
                        name: live.name.clone(),
                    },
                    changes: Vec::new(),
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

    /// Diffs every configured object of a kind, one at a time: each one's fields (decoders
    /// included) are built only while it is compared, not all of them at once.
    fn objects(&mut self, kind: ObjectKind) {
        let desired = self.desired;
        match kind {
            ObjectKind::Network => {
                for network in desired.networks.values() {
                    if !self.is_deleted(&network.profile) {
                        self.object(kind, ConfiguredObject::network(network));
                    }
                }
            }
            ObjectKind::Connector => {
                for connector in desired.connectors.values() {
                    if !self.is_deleted(&connector.profile) {
                        self.object(kind, ConfiguredObject::connector(connector));
                    }
                }
            }
        }
    }

    fn object(&mut self, kind: ObjectKind, object: ConfiguredObject<'a>) {
        let target = self.profile_ref(object.profile);
        let live_objects = match self.state_of(object.profile) {
            Some(state) => Some(match kind {
                ObjectKind::Network => state.networks.as_slice(),
                ObjectKind::Connector => state.connectors.as_slice(),
            }),
            // A profile this plan creates has no objects yet: a pin there cannot be right.
            None if self.created_profiles.contains_key(object.profile) => Some(&[][..]),
            None => None,
        };
        let query = ObjectQuery {
            kind,
            key: object.key,
            profile: object.profile,
            name: object.name,
            pin: object.pin,
            delete: object.delete,
            origin: object.origin,
        };
        let live = live_objects.and_then(|objects| match_object(&query, objects, &mut self.errors));
        let object_ref = ObjectRef {
            kind,
            key: object.key.to_owned(),
            name: object.name.to_owned(),
            id: live.map(|o| o.id.clone()),
        };
        let profile_dependency = self.profile_dependency(object.profile);
        if object.delete {
            if let Some(live) = live {
                let index = self.drafts.push(Draft {
                    profile: object.profile.to_owned(),
                    kind: OperationKind::DeleteObject {
                        target,
                        object: object_ref,
                    },
                    changes: Vec::new(),
                    origin: Some(object.origin.clone()),
                    depends_on: Vec::new(),
                });
                self.record_delete(kind, index, live);
            }
            return;
        }
        let (networks, network_dependencies) = self.connector_networks(&object);
        let mut changes = field_changes(&object.fields, live);
        // A pinned object is found by id, so its name is a field like any other: a rename.
        if let Some(live) = live.filter(|l| object.pin.is_some() && l.name != object.name) {
            let rename = FieldChange::new("name", Some(json!(live.name)), json!(object.name));
            changes.insert(0, rename);
        }
        let networks_changed = kind == ObjectKind::Connector
            && live.is_none_or(|live| !same_networks(&networks, &live.networks));
        if networks_changed {
            let old = live.map(|l| json!(l.networks));
            changes.push(FieldChange::new("networks", old, networks_json(&networks)));
        }
        let mut depends_on = profile_dependency.clone();
        depends_on.extend(network_dependencies);
        let own_index = match live {
            None => Some(self.drafts.push(Draft {
                profile: object.profile.to_owned(),
                kind: OperationKind::CreateObject {
                    target: target.clone(),
                    object: object_ref.clone(),
                    networks: networks.clone(),
                },
                changes,
                origin: Some(object.origin.clone()),
                depends_on,
            })),
            Some(_) if changes.is_empty() => None,
            Some(live) => {
                let index = self.drafts.push(Draft {
                    profile: object.profile.to_owned(),
                    kind: OperationKind::UpdateObject {
                        target: target.clone(),
                        object: object_ref.clone(),
                        networks: networks_changed.then(|| networks.clone()),
                    },
                    changes,
                    origin: Some(object.origin.clone()),
                    depends_on,
                });
                if networks_changed {
                    self.connector_network_changes
                        .push((index, live.networks.clone()));
                }
                Some(index)
            }
        };
        let created_by = own_index.filter(|_| live.is_none());
        if kind == ObjectKind::Network {
            self.networks.insert(
                object.key.to_owned(),
                NetworkState {
                    id: live.map(|l| l.id.clone()),
                    created_by,
                },
            );
        }
        let mut after_create = profile_dependency;
        after_create.extend(created_by);
        if let Some(shared_with) = object.shared_with {
            self.shares(
                kind,
                &object,
                &target,
                &object_ref,
                shared_with,
                live,
                &after_create,
            );
        }
        if let Some(publish) = object.publish {
            note_publication(&mut self.drafts, &target, &object_ref, publish, self.live);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn shares(
        &mut self,
        kind: ObjectKind,
        object: &ConfiguredObject<'_>,
        target: &ProfileRef,
        object_ref: &ObjectRef,
        shared_with: &[ShareTarget],
        live: Option<&LiveObject>,
        depends_on: &[usize],
    ) {
        let live_shares = live.and_then(|l| l.shares.as_deref()).unwrap_or_default();
        let diff = ShareDiff {
            target,
            object: object_ref,
            desired: shared_with,
            live: live_shares,
            depends_on,
        };
        let resolved: BTreeMap<String, ResolvedRecipient> = shared_with
            .iter()
            .map(|share| (share.key.clone(), self.resolve_recipient(share)))
            .collect();
        let keys: BTreeMap<Id, String> = live_shares
            .iter()
            .filter_map(|id| Some((id.clone(), self.recipient_key(id)?)))
            .collect();
        let shares = diff.draft(
            &mut self.drafts,
            |share| resolved.get(&share.key).cloned(),
            |id| keys.get(id).cloned(),
        );
        match kind {
            ObjectKind::Network => {
                for (recipient, index) in shares {
                    self.network_shares
                        .insert((object.key.to_owned(), recipient), index);
                }
            }
            ObjectKind::Connector => {
                for (recipient, index) in shares {
                    for network in &object.networks {
                        if let Some(&share) = self
                            .network_shares
                            .get(&(network.clone(), recipient.clone()))
                        {
                            self.drafts.add_dependency(index, share);
                        }
                    }
                }
            }
        }
    }

    fn resolve_recipient(&self, share: &ShareTarget) -> ResolvedRecipient {
        match &share.recipient {
            Recipient::External(id) => ResolvedRecipient {
                recipient: ProfileRef {
                    key: share.key.clone(),
                    id: Some(id.to_string()),
                },
                created_by: None,
            },
            Recipient::Profile => ResolvedRecipient {
                recipient: self.profile_ref(&share.key),
                created_by: self.created_profiles.get(&share.key).copied(),
            },
        }
    }

    /// The configuration key of a profile id: a managed profile or an external one.
    fn recipient_key(&self, id: &str) -> Option<String> {
        self.keys_by_id.get(id).cloned()
    }

    /// A connector's networks as ids or created keys, and the drafts creating them.
    fn connector_networks(&self, object: &ConfiguredObject<'_>) -> (Vec<NetworkRef>, Vec<usize>) {
        let mut networks = Vec::new();
        let mut depends_on = Vec::new();
        for target in &object.network_targets {
            match target {
                NetworkTarget::Public(id) => networks.push(NetworkRef::Id(id.to_string())),
                NetworkTarget::Configured(key) => match self.networks.get(key) {
                    Some(NetworkState { id: Some(id), .. }) => {
                        networks.push(NetworkRef::Id(id.clone()))
                    }
                    Some(NetworkState {
                        id: None,
                        created_by,
                    }) => {
                        networks.push(NetworkRef::Created(key.clone()));
                        depends_on.extend(*created_by);
                    }
                    None => networks.push(NetworkRef::Created(key.clone())),
                },
            }
        }
        (networks, depends_on)
    }

    /// A network is deleted only after every connector that used it is deleted or moved off it.
    fn order_network_deletes(&mut self) {
        if self.network_deletes.is_empty() {
            return;
        }
        let mut changes_using: HashMap<&str, Vec<usize>> = HashMap::new();
        for (change, used) in &self.connector_network_changes {
            for network_id in used {
                let changes = changes_using.entry(network_id.as_str()).or_default();
                if changes.last() != Some(change) {
                    changes.push(*change);
                }
            }
        }
        for (delete, network_id) in &self.network_deletes {
            for change in changes_using.get(network_id.as_str()).into_iter().flatten() {
                self.drafts.add_dependency(*delete, *change);
            }
        }
    }
}

fn same_networks(desired: &[NetworkRef], live: &[Id]) -> bool {
    let mut wanted: Vec<&str> = Vec::new();
    for network in desired {
        match network {
            NetworkRef::Id(id) => wanted.push(id),
            NetworkRef::Created(_) => return false,
        }
    }
    let mut have: Vec<&str> = live.iter().map(String::as_str).collect();
    wanted.sort_unstable();
    have.sort_unstable();
    wanted == have
}

fn networks_json(networks: &[NetworkRef]) -> Value {
    Value::Array(
        networks
            .iter()
            .map(|n| match n {
                NetworkRef::Id(id) => json!(id),
                NetworkRef::Created(key) => json!(format!("(new network `{key}`)")),
            })
            .collect(),
    )
}

/// What the diff needs of a configured network or connector, whichever it is.
struct ConfiguredObject<'a> {
    key: &'a str,
    profile: &'a str,
    name: &'a str,
    pin: Option<&'a TagoId>,
    delete: bool,
    origin: &'a Origin,
    fields: Fields<'a>,
    network_targets: Vec<&'a NetworkTarget>,
    /// Keys of the configured networks a connector uses.
    networks: Vec<String>,
    shared_with: Option<&'a [ShareTarget]>,
    publish: Option<&'a crate::config::Publish>,
}

impl<'a> ConfiguredObject<'a> {
    fn network(network: &'a crate::config::Network) -> Self {
        ConfiguredObject {
            key: &network.key,
            profile: &network.profile,
            name: &network.name,
            pin: network.id.as_ref(),
            delete: network.delete,
            origin: &network.origin,
            fields: network_fields(network),
            network_targets: Vec::new(),
            networks: Vec::new(),
            shared_with: network.shared_with.as_deref(),
            publish: network.publish.as_ref(),
        }
    }

    fn connector(connector: &'a crate::config::Connector) -> Self {
        let network_targets: Vec<&NetworkTarget> =
            connector.networks.iter().map(|n| &n.target).collect();
        let networks = network_targets
            .iter()
            .filter_map(|t| match t {
                NetworkTarget::Configured(key) => Some(key.clone()),
                NetworkTarget::Public(_) => None,
            })
            .collect();
        ConfiguredObject {
            key: &connector.key,
            profile: &connector.profile,
            name: &connector.name,
            pin: connector.id.as_ref(),
            delete: connector.delete,
            origin: &connector.origin,
            fields: connector_fields(connector),
            network_targets,
            networks,
            shared_with: connector.shared_with.as_deref(),
            publish: connector.publish.as_ref(),
        }
    }
}
