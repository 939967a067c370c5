//! The identity rules: every profile, network and connector must be told apart from its
//! namesakes on TagoIO (by a unique name or an `id` pin), and no id may be pinned twice.
//! Apart from the reference checks in `rules` because they judge names and ids, not links.

use std::collections::BTreeMap;

use super::{error, field, Checker, OwnedObject};
use crate::config::model::{Profile, TagoId};

impl<'a> Checker<'a> {
    /// A name of nothing but white space: TagoIO refuses it, so apply would fail half way.
    pub(super) fn empty_names(&mut self) {
        let desired = self.desired;
        let profiles = desired.profiles.values().map(|p| {
            (
                "profile",
                "profiles",
                &p.key,
                &p.name,
                &p.field_origins,
                &p.origin,
            )
        });
        let networks = desired.networks.values().map(|n| {
            (
                "network",
                "networks",
                &n.key,
                &n.name,
                &n.field_origins,
                &n.origin,
            )
        });
        let connectors = desired.connectors.values().map(|c| {
            (
                "connector",
                "connectors",
                &c.key,
                &c.name,
                &c.field_origins,
                &c.origin,
            )
        });
        for (kind, section, key, name, origins, origin) in
            profiles.chain(networks).chain(connectors)
        {
            if crate::text::is_blank(name) {
                let at = field(origins, "name", origin);
                self.diagnostics.push(
                    error(at, format!("{kind} `{key}` has an empty name")).with_help(format!(
                        "give {section}.{key} the name it has, or should have, on TagoIO"
                    )),
                );
            }
        }
    }

    /// Profiles must be told apart on TagoIO: by id pin, or by a name no other profile has.
    pub(super) fn profiles(&mut self) {
        // Broken profiles may have lost their `id`: they are left out rather than misjudged.
        let desired = self.desired;
        let profiles: Vec<&Profile> = desired
            .profiles
            .values()
            .filter(|p| !self.is_broken("profiles", &p.key))
            .collect();
        let mut by_name: BTreeMap<&str, Vec<&Profile>> = BTreeMap::new();
        for &profile in &profiles {
            by_name.entry(&profile.name).or_default().push(profile);
        }
        for same in by_name.values().filter(|same| same.len() > 1) {
            let first = same[0];
            for other in same[1..]
                .iter()
                .filter(|p| first.id.is_none() || p.id.is_none())
            {
                let at = field(&other.field_origins, "name", &other.origin);
                self.diagnostics.push(
                    error(
                        at,
                        format!(
                            "profiles `{}` and `{}` are both named `{}` and not both pinned by `id`: they could not be told apart on TagoIO",
                            first.key, other.key, other.name
                        ),
                    )
                    .with_help("pin each to its live profile with `id: <profile id>`"),
                );
            }
        }
        let mut by_id: BTreeMap<&TagoId, &str> = BTreeMap::new();
        for profile in profiles {
            let Some(id) = &profile.id else { continue };
            if let Some(first) = by_id.insert(id, &profile.key) {
                let at = field(&profile.field_origins, "id", &profile.origin);
                self.diagnostics.push(
                    error(
                        at,
                        format!(
                            "profiles `{first}` and `{}` are pinned to the same id",
                            profile.key
                        ),
                    )
                    .with_help(
                        "each profile has its own id: check both in TagoIO's profile settings",
                    ),
                );
            }
        }
        for (key, external) in &self.desired.external_profiles {
            if self.desired.profiles.contains_key(key) || self.is_broken("profiles", key) {
                self.diagnostics.push(
                    error(
                        &external.origin,
                        format!("`{key}` is both a profile and an external profile"),
                    )
                    .with_help("give one of them another key"),
                );
            }
        }
    }

    /// Networks and connectors must be told apart within their profile: by id pin, or by a
    /// name no other object of the same kind has there; and no id is pinned twice.
    pub(super) fn object_identities(&mut self, objects: &[OwnedObject<'a>]) {
        // Broken objects may have lost their `id`: they are left out rather than misjudged.
        let broken = self.broken;
        let objects = objects
            .iter()
            .filter(|o| !broken.contains(&(o.section.to_owned(), o.key.to_owned())));
        let mut names: BTreeMap<(&str, &str, &str), &OwnedObject<'a>> = BTreeMap::new();
        let mut ids: BTreeMap<(&str, &TagoId), &OwnedObject<'a>> = BTreeMap::new();
        for object in objects {
            let OwnedObject {
                kind,
                key,
                profile,
                name,
                ..
            } = *object;
            match names.get(&(kind, profile, name)) {
                Some(first) if first.id.is_none() || object.id.is_none() => {
                    let at = field(object.origins, "name", object.origin);
                    let section = object.section;
                    self.diagnostics.push(
                        error(at, format!("{kind}s `{}` and `{key}` of profile `{profile}` are both named `{name}` and not both pinned by `id`: they could not be told apart on TagoIO", first.key))
                            .with_help(format!("give each a distinct name, or pin each to its live {kind} with `id: <{kind} id>` under {section}.<key>")),
                    );
                }
                Some(_) => {}
                None => {
                    names.insert((kind, profile, name), object);
                }
            }
            let Some(id) = object.id else { continue };
            if let Some(first) = ids.insert((kind, id), object) {
                let at = field(object.origins, "id", object.origin);
                self.diagnostics.push(
                    error(
                        at,
                        format!(
                            "{kind}s `{}` and `{key}` are pinned to the same id (first at {})",
                            first.key,
                            field(first.origins, "id", first.origin)
                        ),
                    )
                    .with_help(format!("each {kind} has its own id: check both on TagoIO")),
                );
            }
        }
    }
}
