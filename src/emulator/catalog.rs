//! TagoIO's public catalog of networks and connectors. TagoIO generates it from the public
//! repository `tago-io/decoders`, and gives each entry an id by that repository's rule
//! (`src/helpers/generate-id.ts`): the first 24 hex digits of the MD5 of
//! `<normalized name>-<version>`, where a connector's name becomes
//! `connector:<manufacturer><model>`. The emulator builds its catalog the same way, so ids
//! look like TagoIO's and tests can compute them independently.

use md5::{Digest, Md5};

/// The catalog id of a network (`name`: its folder, e.g. `lorawan-ttn`) or a connector
/// (`name`: `<manufacturer>-<model>`) at `version` (its folder, e.g. `v1.0.0`). Old entries
/// that the repository maps to earlier ids (`map-ids.json`) are not modelled.
pub fn catalog_id(name: &str, version: &str, connector: bool) -> String {
    let mut normalized = normalize(name);
    if connector {
        let (manufacturer, model) = match normalized.split_once('-') {
            Some((manufacturer, model)) if !model.is_empty() => (manufacturer, model),
            _ => (normalized.as_str(), normalized.as_str()),
        };
        normalized = format!("connector:{manufacturer}{model}");
    }
    let digest = Md5::digest(format!("{normalized}-{version}").as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    hex[..24].to_string()
}

/// Drops every character but ASCII letters, digits, white space, `+` and `-` (underscores
/// too), turns `-` into a space, runs of white space into one `-`, and lowercases.
fn normalize(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || *c == '+' || *c == '-')
        .map(|c| if c == '-' { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(kept.len());
    let mut in_space = false;
    for c in kept.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push('-');
            }
            in_space = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_space = false;
        }
    }
    out
}

/// One entry of the emulator's public catalog.
#[derive(Debug, Clone, Copy)]
pub struct CatalogEntry {
    /// The repository folder: a network's name, or a connector's `<manufacturer>-<model>`.
    pub folder: &'static str,
    pub version: &'static str,
    /// The name TagoIO shows.
    pub name: &'static str,
    pub description: &'static str,
}

impl CatalogEntry {
    /// Its id by the repository's rule.
    pub fn id(&self, connector: bool) -> String {
        catalog_id(self.folder, self.version, connector)
    }
}

/// Networks of the catalog every emulator has. `ACME LoRaWAN` has the name of a network in
/// `examples/`: a name match in a list must never make tagoform adopt a catalog entry.
pub const CATALOG_NETWORKS: [CatalogEntry; 4] = [
    CatalogEntry {
        folder: "lorawan-ttn",
        version: "v1.0.0",
        name: "LoRaWAN TTN",
        description: "The Things Network (LoRaWAN)",
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

/// Connectors of the catalog, each on the first catalog network. Two have the names of
/// connectors in `examples/`.
pub const CATALOG_CONNECTORS: [CatalogEntry; 3] = [
    CatalogEntry {
        folder: "acme-th-sensor",
        version: "v1.0.0",
        name: "ACME TH Sensor",
        description: "A public connector that shares its name with the quickstart's",
    },
    CatalogEntry {
        folder: "northwind-th-sensor",
        version: "v1.0.0",
        name: "Northwind TH Sensor",
        description: "A public connector that shares its name with multi-customer's",
    },
    CatalogEntry {
        folder: "milesight-em300-th",
        version: "v1.0.0",
        name: "Milesight EM300-TH",
        description: "Temperature and humidity sensor",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed outside Rust: `printf %s 'lorawan-ttn-v1.0.0' | md5sum`.
    #[test]
    fn ids_follow_the_repository_rule() {
        assert_eq!(normalize("LoRaWAN  TTN_x (beta)"), "lorawan-ttnx-beta");
        assert_eq!(normalize("a - b+c"), "a-b+c");
        assert_eq!(catalog_id("lorawan-ttn", "v1.0.0", false), LORAWAN_TTN);
        assert_eq!(
            catalog_id("milesight-em300-th", "v1.0.0", true),
            MILESIGHT_EM300_TH
        );
        assert_eq!(catalog_id("sigfox", "v1.0.0", true), SIGFOX_AS_CONNECTOR);
    }

    const LORAWAN_TTN: &str = "455395f58cb0abde67cf7f4a";
    const MILESIGHT_EM300_TH: &str = "d776e33b69268720b46b2c68";
    const SIGFOX_AS_CONNECTOR: &str = "a28db6e8d724ef438ae34783";
}
