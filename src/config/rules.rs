//! Checks across entries of the merged model: references, ownership, access of share
//! recipients, duplicate identities, and publication requests that could not be used.
//!
//! Entries that failed to convert are listed in `broken`; references to them are not reported
//! again, so one mistake gives one diagnostic. The identity checks (duplicate names, ids
//! pinned twice) are in `identity`.

mod identity;
mod model_only;
mod publication;

pub use publication::MAX_DECODER_BYTES;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::diagnostic::Diagnostic;
use super::locate::{closest, error_at, error_at_origin};
use super::model::{Connector, Desired, NetworkTarget, Origin, ShareTarget, TagoId};
use super::yaml::Node;

/// A value that should be a TagoIO id and is not.
pub fn bad_id(file: &Path, node: &Node, what: &str) -> Diagnostic {
    error_at(file, node, format!("{what} is not a TagoIO id"))
        .with_help("ids are 24 lowercase hexadecimal characters, e.g. 64f1c2a9e3b1d40012ab34cd")
}

struct Checker<'a> {
    desired: &'a Desired,
    broken: &'a BTreeSet<(String, String)>,
    diagnostics: Vec<Diagnostic>,
    /// Keys each network is shared with, looked up once per share of each connector.
    shares: BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// "did you mean" suggestions left: each one compares against every key, so a flood of
    /// bad references must not make validation quadratic.
    suggestions: usize,
}

/// What the ownership and identity checks need of a network or connector.
struct OwnedObject<'a> {
    kind: &'static str,
    section: &'static str,
    key: &'a str,
    profile: &'a str,
    name: &'a str,
    id: Option<&'a TagoId>,
    delete: bool,
    origins: &'a BTreeMap<String, Origin>,
    origin: &'a Origin,
}

/// Most "did you mean" suggestions computed by the cross-entry checks.
const MAX_SUGGESTIONS: usize = 100;

/// Every cross-entry check; `broken` holds the (section, key) of entries that did not convert.
/// Every check of a model that did not come from YAML (a saved plan's configuration): what
/// the loader checks while it builds one, then the cross-entry rules.
pub fn check_model(desired: &Desired) -> Vec<Diagnostic> {
    let mut diagnostics = model_only::check(desired);
    diagnostics.extend(check(desired, &BTreeSet::new()));
    diagnostics
}

pub fn check(desired: &Desired, broken: &BTreeSet<(String, String)>) -> Vec<Diagnostic> {
    let shares = desired
        .networks
        .values()
        .map(|n| {
            let keys = n.shared_with.iter().flatten().map(|t| t.key.as_str());
            (n.key.as_str(), keys.collect())
        })
        .collect();
    let mut checker = Checker {
        desired,
        broken,
        diagnostics: Vec::new(),
        shares,
        suggestions: MAX_SUGGESTIONS,
    };
    checker.empty_names();
    checker.profiles();
    checker.owners();
    checker.connector_networks();
    checker.shares();
    checker.publications();
    checker.diagnostics
}

/// The origin of a field's value, else of the object.
fn field<'a>(origins: &'a BTreeMap<String, Origin>, name: &str, object: &'a Origin) -> &'a Origin {
    origins.get(name).unwrap_or(object)
}

/// An error at an origin; the caret covers the word there (width 0 = measure it).
fn error(origin: &Origin, message: String) -> Diagnostic {
    let mut diagnostic = error_at_origin(origin, message);
    diagnostic.width = 0;
    diagnostic
}

impl<'a> Checker<'a> {
    /// "did you mean" the closest known key, or where to define it.
    fn suggest(
        &mut self,
        unknown: &str,
        known: impl IntoIterator<Item = &'a String>,
        otherwise: String,
    ) -> String {
        if self.suggestions == 0 {
            return otherwise;
        }
        self.suggestions -= 1;
        match closest(unknown, known.into_iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => otherwise,
        }
    }

    fn is_broken(&self, section: &str, key: &str) -> bool {
        self.broken.contains(&(section.to_owned(), key.to_owned()))
    }

    /// Networks and connectors belong to a defined profile that is not being deleted, and
    /// their names are unique within it.
    fn owners(&mut self) {
        let desired = self.desired;
        let networks = desired.networks.values().map(|n| OwnedObject {
            kind: "network",
            section: "networks",
            key: &n.key,
            profile: &n.profile,
            name: &n.name,
            id: n.id.as_ref(),
            delete: n.delete,
            origins: &n.field_origins,
            origin: &n.origin,
        });
        let connectors = desired.connectors.values().map(|c| OwnedObject {
            kind: "connector",
            section: "connectors",
            key: &c.key,
            profile: &c.profile,
            name: &c.name,
            id: c.id.as_ref(),
            delete: c.delete,
            origins: &c.field_origins,
            origin: &c.origin,
        });
        let objects: Vec<OwnedObject<'a>> = networks.chain(connectors).collect();
        for object in &objects {
            let OwnedObject {
                kind,
                key,
                profile,
                delete,
                origins,
                origin,
                ..
            } = *object;
            let at = field(origins, "profile", origin);
            match self.desired.profiles.get(profile) {
                None if self.is_broken("profiles", profile) => {}
                None if self.desired.external_profiles.contains_key(profile) => self.diagnostics.push(
                    error(at, format!("{kind} `{key}` cannot belong to external profile `{profile}`"))
                        .with_help("networks and connectors belong to profiles under `profiles`; share them with external profiles"),
                ),
                None => {
                    let help = self.suggest(profile, desired.profiles.keys(), format!("define `{profile}` under `profiles`"));
                    self.diagnostics.push(
                        error(at, format!("{kind} `{key}` belongs to profile `{profile}`, which is not defined"))
                            .with_help(help),
                    );
                }
                Some(owner) if owner.delete && !delete => self.diagnostics.push(
                    error(at, format!("{kind} `{key}` is kept but its profile `{profile}` is marked `delete: true`"))
                        .with_help(format!("mark {kind} `{key}` `delete: true` too, or keep the profile")),
                ),
                Some(_) => {}
            }
        }
        self.object_identities(&objects);
    }

    /// A connector's networks exist, are owned by its profile, and are not being deleted.
    fn connector_networks(&mut self) {
        let desired = self.desired;
        for connector in desired.connectors.values() {
            for reference in &connector.own.networks {
                let NetworkTarget::Configured(key) = &reference.target else {
                    continue;
                };
                match self.desired.networks.get(key) {
                    None if self.is_broken("networks", key) => {}
                    None => {
                        let help = self.suggest(key, desired.networks.keys(), format!("define `{key}` under `networks`"));
                        self.diagnostics.push(
                            error(&reference.origin, format!("connector `{}` uses network `{key}`, which is not defined", connector.key))
                                .with_help(help),
                        );
                    }
                    Some(network) if network.profile != connector.profile => self.diagnostics.push(
                        error(
                            &reference.origin,
                            format!(
                                "connector `{}` of profile `{}` uses network `{key}` of profile `{}`: a network under `networks` can only be used by connectors of the profile that owns it",
                                connector.key, connector.profile, network.profile
                            ),
                        )
                        .with_help(format!("move connector `{}` or network `{key}` so that both belong to the same profile; a network another profile shares with `{}` is named by its id: `{{id: <network id>}}`", connector.key, connector.profile)),
                    ),
                    Some(network) if network.delete && !connector.delete => self.diagnostics.push(
                        error(&reference.origin, format!("connector `{}` uses network `{key}`, which is marked `delete: true`", connector.key))
                            .with_help(format!("remove `{key}` from the connector's networks, or keep the network")),
                    ),
                    Some(_) => {}
                }
            }
        }
    }

    /// Share recipients exist and are kept; a connector's recipients can use one of its networks.
    fn shares(&mut self) {
        let networks = self.desired.networks.values().filter_map(|n| {
            let what = format!("network `{}`", n.key);
            n.shared_with.as_ref().map(|s| (what, s, n.delete))
        });
        let connectors = self.desired.connectors.values().filter_map(|c| {
            let what = format!("connector `{}`", c.key);
            c.shared_with.as_ref().map(|s| (what, s, c.delete))
        });
        for (what, targets, delete) in networks.chain(connectors).collect::<Vec<_>>() {
            for target in targets {
                self.share_target(&what, target, delete);
            }
        }
        for connector in self.desired.connectors.values().filter(|c| !c.delete) {
            for target in connector.shared_with.iter().flatten() {
                let deleted = self
                    .desired
                    .profiles
                    .get(&target.key)
                    .is_some_and(|p| p.delete);
                if self.is_known_recipient(&target.key) && !deleted {
                    self.recipient_access(connector, target);
                }
            }
        }
    }

    fn is_known_recipient(&self, key: &str) -> bool {
        self.desired.profiles.contains_key(key) || self.desired.external_profiles.contains_key(key)
    }

    fn share_target(&mut self, what: &str, target: &ShareTarget, delete: bool) {
        let key = &target.key;
        if self.is_known_recipient(key)
            || self.is_broken("profiles", key)
            || self.is_broken("external_profiles", key)
        {
            if !delete && self.desired.profiles.get(key).is_some_and(|p| p.delete) {
                self.diagnostics.push(
                    error(
                        &target.origin,
                        format!(
                            "{what} is shared with profile `{key}`, which is marked `delete: true`"
                        ),
                    )
                    .with_help(format!("remove `{key}` from shared_with")),
                );
            }
            return;
        }
        let desired = self.desired;
        let known = desired
            .profiles
            .keys()
            .chain(desired.external_profiles.keys());
        let otherwise =
            format!("define `{key}` under `profiles`, or under `external_profiles` with its id");
        let help = self.suggest(key, known, otherwise);
        self.diagnostics.push(
            error(
                &target.origin,
                format!(
                    "{what} is shared with `{key}`, which is not a profile or an external profile"
                ),
            )
            .with_help(help),
        );
    }

    /// The seed rule: a recipient of a connector needs access to at least one of its
    /// networks (public, owned by the recipient, or shared with it).
    fn recipient_access(&mut self, connector: &Connector, target: &ShareTarget) {
        let mut first_custom = None;
        for reference in &connector.own.networks {
            let key = match &reference.target {
                NetworkTarget::Public(_) => return,
                NetworkTarget::Configured(key) => key,
            };
            let Some(network) = self.desired.networks.get(key) else {
                return; // undefined or broken: reported elsewhere
            };
            if self.is_broken("networks", key) {
                return; // its shares may be incomplete: reported elsewhere
            }
            let shared = self
                .shares
                .get(key.as_str())
                .is_some_and(|keys| keys.contains(target.key.as_str()));
            if network.profile == target.key || shared {
                return;
            }
            first_custom.get_or_insert(key);
        }
        let Some(network) = first_custom else {
            return; // no network at all: reported elsewhere
        };
        self.diagnostics.push(
            error(
                &target.origin,
                format!(
                    "connector `{}` is shared with `{}`, which has access to none of its networks",
                    connector.key, target.key
                ),
            )
            .with_help(format!(
                "add `{}` to networks.{network}.shared_with",
                target.key
            )),
        );
    }

    /// What publishing needs: limits, a decoder, published networks, distinct places.
    fn publications(&mut self) {
        publication::check(self.desired, &mut self.diagnostics);
    }
}
