//! TagoIO's public catalog of networks and connectors. TagoIO generates it from the public
//! repository `tago-io/decoders`, and gives each entry an id by that repository's rule
//! ([`tagoform_wire::catalog_id`]). The emulator builds its catalog the same way, so ids look like
//! TagoIO's and tests can compute them independently.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::error::{ErrorReply, ReplyResult};
use super::model::{Integration, ObjectKind, State};
use super::seed::TAGOIO_PROFILE_ID;
use tagoform_wire::catalog_id::{catalog_id, normalize};
use tagoform_wire::types::{script, Id};

/// The lines of `tago-io/decoders`' `map-ids.json` for the seeded entries: the id the
/// repository's rule gives, then the older id TagoIO's catalog kept (the repository's
/// generator answers the older one). Copied from the repository at commit `dbdd65e2`.
pub const MAP_IDS: [(&str, &str); 4] = [
    ("872b18c89d95baef54cc90fc", "5f46679034e73f002833025b"), // LoRaWAN TTI/TTN v3
    ("7a7d291b0a99e446da12f92d", "5bbd10774051a50034cd1a00"), // Sigfox
    ("0a90e7c8214f7371e7a65dd1", "602275f9fc48a40018510a8a"), // LoRaWAN Helium
    ("d776e33b69268720b46b2c68", "60243c95d3122d0013920f61"), // Milesight EM300-TH
];

/// The id TagoIO's catalog gives `name` at `version`: the repository's rule, then
/// [`MAP_IDS`].
pub fn tagoio_id(name: &str, version: &str, connector: bool) -> String {
    let id = catalog_id(name, version, connector);
    MAP_IDS
        .iter()
        .find(|(new, _)| *new == id)
        .map_or(id, |(_, old)| (*old).to_owned())
}

/// One entry of the emulator's public catalog.
#[derive(Debug, Clone, Copy)]
pub struct CatalogEntry {
    /// The repository folder under `decoders/network/` or `decoders/connector/` (a
    /// connector's is `<manufacturer>/<model>`).
    pub folder: &'static str,
    pub version: &'static str,
    /// The name TagoIO shows.
    pub name: &'static str,
    pub description: &'static str,
}

impl CatalogEntry {
    /// Its id in TagoIO's catalog: the repository's rule, from its name (the repository's
    /// `create-*.ts` hash the display name, not the folder), then `map-ids.json`.
    pub fn id(&self, connector: bool) -> String {
        tagoio_id(self.name, self.version, connector)
    }
}

/// Networks of the catalog every emulator has. The first three are TagoIO's (folder and name
/// as in `tago-io/decoders`); `ACME LoRaWAN` is the emulator's own, with the name of a network
/// in `examples/`: a name match in a list must never make tagoform adopt a catalog entry.
pub const CATALOG_NETWORKS: [CatalogEntry; 4] = [
    CatalogEntry {
        folder: "lorawan-ttittn-v3",
        version: "v1.0.0",
        name: "LoRaWAN TTI/TTN v3",
        description: "The Things Industries / The Things Network v3 (LoRaWAN)",
    },
    CatalogEntry {
        folder: "sigfox",
        version: "v1.0.0",
        name: "Sigfox",
        description: "Sigfox 0G network",
    },
    CatalogEntry {
        folder: "lorawan-helium",
        version: "v1.0.0",
        name: "LoRaWAN Helium",
        description: "Helium (LoRaWAN)",
    },
    CatalogEntry {
        folder: "acme-lorawan",
        version: "v1.0.0",
        name: "ACME LoRaWAN",
        description: "A public network that shares its name with the quickstart's",
    },
];

/// Connectors of the catalog, each on the first catalog network. `Milesight EM300-TH` is
/// TagoIO's (folder `milesight/em300-th`); the two others are the emulator's own, with the
/// names of connectors in `examples/`.
pub const CATALOG_CONNECTORS: [CatalogEntry; 3] = [
    CatalogEntry {
        folder: "acme/th-sensor",
        version: "v1.0.0",
        name: "ACME TH Sensor",
        description: "A public connector that shares its name with the quickstart's",
    },
    CatalogEntry {
        folder: "northwind/th-sensor",
        version: "v1.0.0",
        name: "Northwind TH Sensor",
        description: "A public connector that shares its name with multi-customer's",
    },
    CatalogEntry {
        folder: "milesight/em300-th",
        version: "v1.0.0",
        name: "Milesight EM300-TH",
        description: "Temperature and humidity sensor",
    },
];

/// What TagoIO's merge of a pull request to `tago-io/decoders` adds to the catalog: one
/// network or connector at one version. The body of the emulator-only
/// `POST /_emulator/catalog`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogMerge {
    /// `network` or `connector`.
    pub kind: String,
    /// The name TagoIO shows (the manifest's `name`); the id is hashed from it.
    pub name: String,
    /// The version folder, `vX.Y.Z`.
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
    /// A connector's networks: ids of catalog networks.
    #[serde(default)]
    pub networks: Option<Vec<String>>,
    /// The decoder as plain JavaScript; stored base64-encoded, as the API carries it.
    #[serde(default)]
    pub payload_decoder: Option<String>,
}

/// `[major, minor, patch]` of a `vX.Y.Z` version, or `None` for anything else.
fn parse_version(version: &str) -> Option<[u64; 3]> {
    let mut parts = version.strip_prefix('v')?.split('.');
    let mut numbers = [0u64; 3];
    for number in &mut numbers {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *number = part.parse().ok()?;
    }
    parts.next().is_none().then_some(numbers)
}

/// Whether `object` is an entry of TagoIO's public catalog.
fn in_catalog(object: &Integration) -> bool {
    object.public && object.profile == TAGOIO_PROFILE_ID
}

/// Adds `merge` to the catalog, replacing the entry of the same kind and name (compared as
/// the id rule normalizes names) at an older version; connectors that named the replaced
/// network name the new one. Returns the new entry's id. Checks everything before changing
/// anything. Long for that reason: every check comes before the first change.
pub fn merge(state: &mut State, merge: &CatalogMerge, now: DateTime<Utc>) -> ReplyResult<Id> {
    let kind = match merge.kind.as_str() {
        "network" => ObjectKind::Network,
        "connector" => ObjectKind::Connector,
        other => {
            return Err(ErrorReply::bad_request(format!(
                "kind must be `network` or `connector`, not `{other}`"
            )))
        }
    };
    let name = merge.name.trim();
    if name.is_empty() {
        return Err(ErrorReply::bad_request("name is required"));
    }
    let normalized = normalize(name);
    if normalized.is_empty() {
        return Err(ErrorReply::bad_request(
            "name must hold at least one letter or digit",
        ));
    }
    let Some(version) = parse_version(&merge.version) else {
        return Err(ErrorReply::bad_request(format!(
            "version must be `v<major>.<minor>.<patch>` (e.g. v1.0.0), not `{}`",
            merge.version
        )));
    };
    let networks = match (kind, &merge.networks) {
        (ObjectKind::Network, Some(_)) => {
            return Err(ErrorReply::bad_request("Only a connector has networks"))
        }
        (ObjectKind::Network, None) => None,
        (ObjectKind::Connector, None) => {
            return Err(ErrorReply::bad_request(
                "A connector needs at least one network",
            ))
        }
        (ObjectKind::Connector, Some(ids)) if ids.is_empty() => {
            return Err(ErrorReply::bad_request(
                "A connector needs at least one network",
            ))
        }
        (ObjectKind::Connector, Some(ids)) => {
            for id in ids {
                let known = state
                    .integrations
                    .get(id)
                    .is_some_and(|o| o.kind == ObjectKind::Network && in_catalog(o));
                if !known {
                    return Err(ErrorReply::bad_request(format!(
                        "Network `{id}` is not a network of the public catalog"
                    )));
                }
            }
            Some(ids.clone())
        }
    };
    let id = tagoio_id(name, &merge.version, kind == ObjectKind::Connector);
    if let Some(existing) = state.integrations.get(&id) {
        let message = if in_catalog(existing) {
            format!(
                "The catalog already has {} `{name}` at {} (id `{id}`)",
                kind.as_str(),
                merge.version
            )
        } else {
            format!("Id `{id}` is already in use")
        };
        return Err(ErrorReply::conflict(message));
    }
    let older = state
        .integrations
        .values()
        .filter(|o| o.kind == kind && in_catalog(o))
        .find(|o| {
            o.fields
                .get("name")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|n| normalize(n) == normalized)
        });
    let older_id = older.map(|o| o.id.clone());
    if let Some(older) = older {
        let older_version = older.catalog_version.as_deref().and_then(parse_version);
        if let Some(older_version) = older_version.filter(|v| *v > version) {
            let [major, minor, patch] = older_version;
            return Err(ErrorReply::conflict(format!(
                "The catalog has {} `{name}` at v{major}.{minor}.{patch}, newer than {}",
                kind.as_str(),
                merge.version
            )));
        }
    }

    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), name.into());
    if let Some(description) = &merge.description {
        fields.insert("description".into(), description.clone().into());
    }
    if let Some(networks) = networks {
        fields.insert("networks".into(), networks.into());
    }
    if let Some(decoder) = &merge.payload_decoder {
        fields.insert("payload_decoder".into(), script::encode(decoder).into());
    }
    if let Some(older_id) = &older_id {
        state.remove_integration(older_id);
        if kind == ObjectKind::Network {
            renamed_network(state, older_id, &id);
        }
    }
    state.insert_integration(catalog_object(
        id.clone(),
        kind,
        fields,
        &merge.version,
        now,
    ));
    Ok(id)
}

/// An entry of the public catalog as the state holds it: public, owned by TagoIO's profile,
/// with the version it was generated from.
pub fn catalog_object(
    id: Id,
    kind: ObjectKind,
    fields: serde_json::Map<String, serde_json::Value>,
    version: &str,
    now: DateTime<Utc>,
) -> Integration {
    Integration {
        id,
        kind,
        profile: TAGOIO_PROFILE_ID.into(),
        public: true,
        created_at: now,
        updated_at: now,
        fields,
        shares: BTreeMap::new(),
        catalog_version: Some(version.to_owned()),
    }
}

/// Every connector that named the network `old` names `new` instead: the catalog's, as the
/// pull request would update their manifests (they name networks by `<folder>/<version>`
/// path), and the profiles' own, so that no connector names a network that is gone.
fn renamed_network(state: &mut State, old: &str, new: &str) {
    for object in state.integrations.values_mut() {
        if object.kind != ObjectKind::Connector {
            continue;
        }
        if let Some(serde_json::Value::Array(ids)) = object.fields.get_mut("networks") {
            for id in ids.iter_mut() {
                if id.as_str() == Some(old) {
                    *id = new.into();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;
    use crate::seed::{Seed, LORAWAN_TTN_ID};

    fn catalog() -> State {
        let mut rng = StdRng::seed_from_u64(1);
        Seed::demo().build(Utc::now(), &mut rng).unwrap()
    }

    fn request(kind: &str, name: &str, version: &str, networks: Option<&[&str]>) -> CatalogMerge {
        CatalogMerge {
            kind: kind.into(),
            name: name.into(),
            version: version.into(),
            description: None,
            networks: networks.map(|ids| ids.iter().map(|id| id.to_string()).collect()),
            payload_decoder: None,
        }
    }

    #[test]
    fn versions_are_v_and_three_numbers() {
        assert_eq!(parse_version("v1.2.3"), Some([1, 2, 3]));
        assert_eq!(parse_version("v10.0.42"), Some([10, 0, 42]));
        for bad in [
            "1.2.3",
            "v1.2",
            "v1.2.3.4",
            "v1..3",
            "v1.2.x",
            "v1.2.3-beta",
            "V1.2.3",
        ] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
    }

    // `printf %s 'lorawan-ttittn-v3-v1.1.0' | md5sum` (not in `map-ids.json`).
    #[test]
    fn a_new_network_version_replaces_the_old_and_keeps_its_connectors() {
        let mut state = catalog();
        let id = merge(
            &mut state,
            &request("network", "LoRaWAN TTI/TTN v3", "v1.1.0", None),
            Utc::now(),
        )
        .unwrap();
        assert_eq!(id, "3cdfff34ec0c8051c405cad4");
        assert!(!state.integrations.contains_key(LORAWAN_TTN_ID));
        let object = &state.integrations[&id];
        assert!(object.public && object.profile == TAGOIO_PROFILE_ID);
        assert_eq!(object.catalog_version.as_deref(), Some("v1.1.0"));
        for connector in state
            .integrations
            .values()
            .filter(|o| o.kind == ObjectKind::Connector)
        {
            let networks = connector.fields["networks"].as_array().unwrap();
            assert!(!networks.contains(&LORAWAN_TTN_ID.into()), "{networks:?}");
        }
        let older = merge(
            &mut state,
            &request("network", "lorawan ttittn v3", "v1.0.9", None),
            Utc::now(),
        )
        .unwrap_err();
        assert_eq!(older.status().as_u16(), 409);
        assert_eq!(
            older.message(),
            "The catalog has network `lorawan ttittn v3` at v1.1.0, newer than v1.0.9"
        );
    }

    #[test]
    fn a_refused_merge_changes_nothing() {
        let mut state = catalog();
        let before = serde_json::to_string(&state.integrations).unwrap();
        let unknown = "aaaaaaaaaaaaaaaaaaaaaaaa";
        let error = merge(
            &mut state,
            &request("connector", "ACME TH Sensor", "v2.0.0", Some(&[unknown])),
            Utc::now(),
        )
        .unwrap_err();
        assert_eq!(error.status().as_u16(), 400);
        assert_eq!(serde_json::to_string(&state.integrations).unwrap(), before);
    }
}
