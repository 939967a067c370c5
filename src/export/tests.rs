use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::live::{LiveObject, LiveProfile, LiveProfileState, LiveToken};

const ACME_1: &str = "6500a1b2c3d4e5f601234501";
const ACME_2: &str = "6500a1b2c3d4e5f601234502";
const NORTH: &str = "6500a1b2c3d4e5f601234503";
const FOREIGN: &str = "64f1c2a9e3b1d40012ab34cd";
const TTN: &str = "5f46679034e73f002833025b";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn profile(id: &str, name: &str) -> LiveProfile {
    LiveProfile {
        id: id.into(),
        name: name.into(),
        logo_url: None,
    }
}

fn object(
    id: &str,
    name: &str,
    fields: serde_json::Value,
    networks: &[&str],
    shares: &[&str],
) -> LiveObject {
    let fields: BTreeMap<String, serde_json::Value> = serde_json::from_value(fields).unwrap();
    LiveObject {
        id: id.into(),
        name: name.into(),
        fields,
        networks: networks.iter().map(|n| n.to_string()).collect(),
        public: false,
        shares: Some(shares.iter().map(|s| s.to_string()).collect()),
    }
}

/// Two profiles named `ACME` (pinned), Northwind with a network and a connector shared with
/// one ACME and a profile of another account.
fn account() -> LiveSnapshot {
    let northwind = LiveProfileState {
        banner_url: None,
        team: Some(vec![]),
        tokens: Some(vec![LiveToken {
            name: "ci".into(),
            permission: "write".into(),
            expires_at: None,
            unreadable_expiry: None,
            created_at: Some(now()),
            kind: Some("account".into()),
        }]),
        networks: vec![object(
            "6600000000000000000000n1",
            "LoRaWAN",
            json!({"description": "Private LNS", "payload_decoder": "// decode\n"}),
            &[],
            &[ACME_1, FOREIGN],
        )],
        connectors: vec![object(
            "6600000000000000000000c1",
            "TH Sensor",
            json!({"payload_decoder": "// th\n", "device_annotation": "Label up"}),
            &["6600000000000000000000n1", TTN],
            &[ACME_1],
        )],
    };
    let mut details = BTreeMap::new();
    details.insert(NORTH.to_owned(), northwind);
    details.insert(ACME_1.to_owned(), LiveProfileState::default());
    details.insert(ACME_2.to_owned(), LiveProfileState::default());
    LiveSnapshot {
        profiles: vec![
            profile(ACME_1, "ACME"),
            profile(ACME_2, "ACME"),
            profile(NORTH, "Northwind"),
        ],
        details,
        billing: None,
        catalog: Vec::new(),
        prepared: None,
        networks_seen: Default::default(),
    }
}

fn single(snapshot: &LiveSnapshot) -> Exported {
    export(
        snapshot,
        &Options {
            layout: Layout::Single,
            now: now(),
            token_env_prefix: None,
        },
    )
    .unwrap()
}

#[test]
fn one_document_pins_repeated_names_and_keys_foreign_profiles_by_id() {
    let exported = single(&account());
    assert_eq!(exported.notes, Vec::<String>::new());
    assert_eq!(exported.files.len(), 1);
    assert_eq!(exported.files[0].path, PathBuf::from("-"));
    assert_eq!(
        exported.files[0].text,
        r#"# yaml-language-server: $schema=tagoform.schema.json
# Exported from TagoIO by `tagoform export`. For completion in an editor, write the
# schema beside this file: tagoform schema > tagoform.schema.json
version: 1

external_profiles:
  external-ab34cd: 64f1c2a9e3b1d40012ab34cd

profiles:
  acme-234501:
    name: ACME
    id: 6500a1b2c3d4e5f601234501
  acme-234502:
    name: ACME
    id: 6500a1b2c3d4e5f601234502
  northwind:
    name: Northwind
    team: []
    tokens:
    - name: ci
      permission: write
      expires: never

networks:
  lorawan:
    profile: northwind
    name: LoRaWAN
    description: Private LNS
    payload_decoder: |
      // decode
    shared_with:
    - acme-234501
    - external-ab34cd

connectors:
  th-sensor:
    profile: northwind
    name: TH Sensor
    networks:
    - lorawan
    - id: 5f46679034e73f002833025b
    payload_decoder: |
      // th
    device_annotation: Label up
    shared_with:
    - acme-234501
"#
    );
}

#[test]
fn a_folder_gets_a_file_per_profile_and_decoder_files_beside_them() {
    let exported = export(
        &account(),
        &Options {
            layout: Layout::Folder,
            now: now(),
            token_env_prefix: None,
        },
    )
    .unwrap();
    let paths: Vec<String> = exported
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "acme-234501.yaml",
            "acme-234502.yaml",
            "decoders/lorawan.js",
            "decoders/th-sensor.js",
            "external_profiles.yaml",
            "northwind.yaml",
        ]
    );
    let file = |path: &str| {
        &exported
            .files
            .iter()
            .find(|f| f.path == std::path::Path::new(path))
            .unwrap()
            .text
    };
    assert_eq!(file("decoders/lorawan.js"), "// decode\n");
    assert_eq!(file("decoders/th-sensor.js"), "// th\n");
    let northwind = file("northwind.yaml");
    assert!(northwind.starts_with(
        "# yaml-language-server: $schema=tagoform.schema.json\n# The profile `Northwind` (6500a1b2c3d4e5f601234503), exported from TagoIO by `tagoform export`.\nversion: 1\n\nprofiles:\n  northwind:\n"
    ), "{northwind}");
    assert!(northwind.contains("    payload_decoder_file: decoders/lorawan.js\n"));
    assert!(northwind.contains("    payload_decoder_file: decoders/th-sensor.js\n"));
    assert!(!northwind.contains("payload_decoder:"));
    assert_eq!(
        file("acme-234502.yaml"),
        "# yaml-language-server: $schema=tagoform.schema.json\n# The profile `ACME` (6500a1b2c3d4e5f601234502), exported from TagoIO by `tagoform export`.\nversion: 1\n\nprofiles:\n  acme-234502:\n    name: ACME\n    id: 6500a1b2c3d4e5f601234502\n"
    );
}

/// Long because the whole exported text of an account with every kind of name collision is
/// the assertion.
#[test]
fn objects_sharing_a_name_in_a_profile_are_pinned_by_id() {
    let mut snapshot = account();
    let north = snapshot.details.get_mut(NORTH).unwrap();
    north.connectors.push(object(
        "6600000000000000000000c2",
        "TH Sensor",
        json!({}),
        &[TTN],
        &[],
    ));
    north.networks.push(object(
        "6600000000000000000000n2",
        "Spare",
        json!({}),
        &[],
        &[],
    ));
    north.networks.push(object(
        "6600000000000000000000n3",
        "Spare",
        json!({}),
        &[],
        &[],
    ));
    north.connectors.push(object(
        "6600000000000000000000c3",
        "Tracker",
        json!({}),
        &["6600000000000000000000n2"],
        &[],
    ));
    let exported = single(&snapshot);
    assert_eq!(exported.notes, Vec::<String>::new());
    let text = &exported.files[0].text;
    // Pinned where names repeat, and only there; keys told apart by the end of the id.
    let objects = text.split_once("\nnetworks:\n").map(|(_, rest)| rest);
    assert_eq!(
        objects,
        Some(
            "  lorawan:
    profile: northwind
    name: LoRaWAN
    description: Private LNS
    payload_decoder: |
      // decode
    shared_with:
    - acme-234501
    - external-ab34cd
  northwind-spare-0000n2:
    profile: northwind
    name: Spare
    id: 6600000000000000000000n2
    shared_with: []
  northwind-spare-0000n3:
    profile: northwind
    name: Spare
    id: 6600000000000000000000n3
    shared_with: []

connectors:
  northwind-th-sensor-0000c1:
    profile: northwind
    name: TH Sensor
    id: 6600000000000000000000c1
    networks:
    - lorawan
    - id: 5f46679034e73f002833025b
    payload_decoder: |
      // th
    device_annotation: Label up
    shared_with:
    - acme-234501
  northwind-th-sensor-0000c2:
    profile: northwind
    name: TH Sensor
    id: 6600000000000000000000c2
    networks:
    - id: 5f46679034e73f002833025b
    shared_with: []
  tracker:
    profile: northwind
    name: Tracker
    networks:
    - northwind-spare-0000n2
    shared_with: []
"
        ),
        "{text}"
    );
}

#[test]
fn unexported_profiles_of_the_account_that_receive_shares_become_external_profiles() {
    let mut snapshot = account();
    snapshot.details.remove(ACME_1);
    snapshot.details.remove(ACME_2);
    let exported = single(&snapshot);
    let text = &exported.files[0].text;
    assert!(
        text.contains(
            "# - `acme-234501` is the profile `ACME` of this account, not exported here\n"
        ),
        "{text}"
    );
    assert!(text.contains(
        "external_profiles:\n  acme-234501: 6500a1b2c3d4e5f601234501\n  external-ab34cd: 64f1c2a9e3b1d40012ab34cd\n"
    ), "{text}");
    assert!(!text.contains("acme-234502"), "{text}");
}

#[test]
fn values_the_configuration_cannot_hold_are_left_out_with_a_note() {
    let mut snapshot = account();
    let north = snapshot.details.get_mut(NORTH).unwrap();
    north.networks[0].fields.insert(
        "device_parameters".into(),
        json!([{"name": "x", "type": "slider"}]),
    );
    north.connectors[0].networks.clear();
    let exported = single(&snapshot);
    assert_eq!(
        exported.notes,
        [
            "profile `northwind`: network `LoRaWAN`: its `device_parameters` is not in a form the configuration can hold; it is left out and stays as it is",
            "profile `northwind`: connector `TH Sensor` (6600000000000000000000c1): it uses no network, and the configuration needs at least one",
        ]
    );
    assert!(!exported.files[0].text.contains("    device_parameters:"));
    assert!(!exported.files[0].text.contains("connectors:"));
}

#[test]
fn the_same_account_gives_the_same_text() {
    let first = single(&account());
    let mut reordered = account();
    reordered.profiles.reverse();
    assert_eq!(first, single(&reordered));
}

#[test]
fn a_connector_shared_where_none_of_its_networks_is_gets_a_warning() {
    let mut snapshot = account();
    let north = snapshot.details.get_mut(NORTH).unwrap();
    north.connectors[0].networks = vec!["6600000000000000000000n1".into()];
    north.connectors[0].shares = Some(vec![ACME_2.into()]);
    let exported = single(&snapshot);
    assert_eq!(
        exported.notes,
        ["profile `northwind`: connector `th-sensor` is shared with `acme-234502`, which can use none of its networks: `tagoform validate` refuses that until one of them is shared with `acme-234502` too"]
    );
    // With a public network among them, every recipient can use it.
    let north = snapshot.details.get_mut(NORTH).unwrap();
    north.connectors[0].networks.push(TTN.into());
    assert_eq!(single(&snapshot).notes, Vec::<String>::new());
}
