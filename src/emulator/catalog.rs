//! TagoIO's public catalog of networks and connectors. TagoIO generates it from the public
//! repository `tago-io/decoders`, and gives each entry an id by that repository's rule
//! ([`crate::publish::id`]). The emulator builds its catalog the same way, so ids look like
//! TagoIO's and tests can compute them independently.

use crate::publish::id::catalog_id;

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
    /// Its id by the repository's rule: from its name (the repository's `create-*.ts` hash
    /// the display name, not the folder).
    pub fn id(&self, connector: bool) -> String {
        catalog_id(self.name, self.version, connector)
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
