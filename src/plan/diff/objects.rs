//! The networks and connectors part of the diff: each configured object matched to its live
//! one, its fields, its networks, its shares and its publication, and the order of network
//! deletions after the connectors that leave them.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use super::{Differ, NetworkState};
use crate::config::{NetworkTarget, Origin, Recipient, ShareTarget, TagoId};
use crate::live::{Id, LiveObject, ObjectKind};
use crate::plan::identity::{match_object, ObjectQuery};
use crate::plan::objects::{
    configured_fields, field_changes, note_publication, Fields, ResolvedRecipient, ShareDiff,
};
use crate::plan::operation::{FieldChange, NetworkRef, ObjectRef, OperationKind, ProfileRef};
use crate::plan::order::Draft;

impl<'a> Differ<'a> {
    /// Diffs every configured object of a kind, one at a time: each one's fields (decoders
    /// included) are built only while it is compared, not all of them at once.
    pub(super) fn objects(&mut self, kind: ObjectKind) {
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

    /// Diffs one configured object: its match, fields, networks, create or update, shares
    /// and publication. Long because every step reads the match and the drafts of the steps
    /// before it; split, each part would take a dozen of the same locals.
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
    pub(super) fn order_network_deletes(&mut self) {
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
    /// What every configured object has, with its fields and (for a connector) its networks.
    fn of<F>(
        object: &'a crate::config::Integration<F>,
        fields: Fields<'a>,
        network_targets: Vec<&'a NetworkTarget>,
    ) -> Self {
        let networks = network_targets
            .iter()
            .filter_map(|t| match t {
                NetworkTarget::Configured(key) => Some(key.clone()),
                NetworkTarget::Public(_) => None,
            })
            .collect();
        ConfiguredObject {
            key: &object.key,
            profile: &object.profile,
            name: &object.name,
            pin: object.id.as_ref(),
            delete: object.delete,
            origin: &object.origin,
            fields,
            network_targets,
            networks,
            shared_with: object.shared_with.as_deref(),
            publish: object.publish.as_ref(),
        }
    }

    fn network(network: &'a crate::config::Network) -> Self {
        Self::of(network, configured_fields(network), Vec::new())
    }

    fn connector(connector: &'a crate::config::Connector) -> Self {
        let targets = connector.own.networks.iter().map(|n| &n.target).collect();
        Self::of(connector, configured_fields(connector), targets)
    }
}
