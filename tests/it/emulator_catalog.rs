//! `POST /_emulator/catalog`: TagoIO merging a pull request to `tago-io/decoders` (not a
//! TagoIO route). A merged entry is public, owned by TagoIO, in every profile's lists, with
//! the repository's id; a newer version replaces the older.

use md5::{Digest, Md5};
use reqwest::Method;
use serde_json::{json, Value};
use tagoform::emulator::EmulatorConfig;

use super::support::emulator::*;

/// The repository's id for an already normalized `<name>-<version>` string: the first 24
/// hex digits of its MD5.
fn rule_id(input: &str) -> String {
    let hex: String = Md5::digest(input.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    hex[..24].to_string()
}

async fn merge(api: &Api, body: Value) -> Answer {
    api.admin(Method::POST, "/catalog", Some(body)).await
}

fn widget(version: &str) -> Value {
    json!({"kind": "connector", "name": "ACME Widget", "version": version, "networks": [TTN]})
}

/// `(id, public)` of the objects of `kind` named `name` in the list of `token`'s profile.
async fn listed(api: &Api, kind: &str, name: &str, token: &str) -> Value {
    let path = format!(
        "/integration/{kind}?filter[name]={}&fields[0]=id&fields[1]=public",
        name.replace(' ', "%20")
    );
    api.get(&path, token).await.result().clone()
}

#[tokio::test]
async fn a_merged_connector_is_public_in_every_profiles_list() {
    let api = Api::start().await;
    // `printf %s 'connector:acmewidget-v1.0.0' | md5sum`
    let expected = rule_id("connector:acmewidget-v1.0.0");
    assert_eq!(expected, "73ae18a6b946d08ed9c8429f");
    let mut body = widget("v1.0.0");
    body["description"] = json!("A widget");
    body["payload_decoder"] = json!("// decoder\n");
    assert_eq!(merge(&api, body).await.result(), &json!({"id": expected}));

    for token in [DEMO, PARTNER] {
        assert_eq!(
            listed(&api, "connector", "ACME Widget", token).await,
            json!([{"id": expected, "public": true}])
        );
    }
    let object = api
        .get(&format!("/integration/connector/{expected}"), DEMO)
        .await;
    let object = object.result();
    assert_eq!(object["name"], json!("ACME Widget"));
    assert_eq!(object["description"], json!("A widget"));
    assert_eq!(object["networks"], json!([TTN]));
    assert_eq!(object["payload_decoder"], json!("Ly8gZGVjb2Rlcgo="));
    // Not the profile's own, and dropped with the rest of the catalog.
    let own = api
        .get(
            &format!("/integration/connector?filter[profile]={ACME}"),
            DEMO,
        )
        .await;
    assert_eq!(own.result(), &json!([]));
    let without = api
        .get("/integration/connector?filter[public]=true", DEMO)
        .await;
    assert_eq!(without.result(), &json!([]));
}

#[tokio::test]
async fn a_newer_version_replaces_the_older() {
    let api = Api::start().await;
    let old = rule_id("connector:acmewidget-v1.0.0");
    let new = rule_id("connector:acmewidget-v1.1.0");
    merge(&api, widget("v1.0.0")).await.result();
    // The same name as the id rule reads it.
    let mut body = widget("v1.1.0");
    body["name"] = json!("acme  widget");
    assert_eq!(merge(&api, body).await.result(), &json!({"id": new}));
    api.get(&format!("/integration/connector/{old}"), DEMO)
        .await
        .assert_error(404, "Connector not found");
    assert_eq!(
        listed(&api, "connector", "acme  widget", DEMO).await,
        json!([{"id": new, "public": true}])
    );
    assert_eq!(
        listed(&api, "connector", "ACME Widget", DEMO).await,
        json!([])
    );
    // Going back is no merge TagoIO would make.
    merge(&api, widget("v1.0.9")).await.assert_error(
        409,
        "The catalog has connector `ACME Widget` at v1.1.0, newer than v1.0.9",
    );
    let all = api.get("/integration/connector", DEMO).await;
    assert_eq!(all.result().as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_new_network_version_keeps_the_connectors_that_use_it() {
    let api = Api::start().await;
    let mine = api
        .post(
            "/integration/connector",
            DEMO,
            json!({"name": "on TTN", "networks": [TTN]}),
        )
        .await
        .result()["connector"]
        .as_str()
        .unwrap()
        .to_string();
    // Not in `map-ids.json`: the rule's id.
    let new = rule_id("lorawan-ttittn-v3-v1.1.0");
    let body = json!({"kind": "network", "name": "LoRaWAN TTI/TTN v3", "version": "v1.1.0"});
    assert_eq!(merge(&api, body).await.result(), &json!({"id": new}));
    api.get(&format!("/integration/network/{TTN}"), DEMO)
        .await
        .assert_error(404, "Network not found");
    assert_eq!(
        listed(&api, "network", "LoRaWAN TTI/TTN v3", PARTNER).await,
        json!([{"id": new, "public": true}])
    );
    // The catalog's connectors and the profile's own now name the new id.
    for connector in [mine, "60243c95d3122d0013920f61".to_string()] {
        let object = api
            .get(&format!("/integration/connector/{connector}"), DEMO)
            .await;
        assert_eq!(object.result()["networks"], json!([new]), "{connector}");
    }
}

/// Every seeded entry has the id TagoIO's catalog has: the repository's rule on its name,
/// then the decoders clone fixture's `map-ids.json` (the repository's lines for these
/// entries). Computed here, apart from the emulator's code.
#[tokio::test]
async fn the_seeded_catalog_has_tagoios_ids() {
    let api = Api::start().await;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/decoders-clone/map-ids.json"
    );
    let map: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let tagoio = |input: &str| {
        let id = rule_id(input);
        map.get(&id).cloned().unwrap_or(id)
    };
    let cases = [
        ("network", "LoRaWAN TTI/TTN v3", "lorawan-ttittn-v3-v1.0.0"),
        ("network", "Sigfox", "sigfox-v1.0.0"),
        ("network", "LoRaWAN Helium", "lorawan-helium-v1.0.0"),
        ("network", "ACME LoRaWAN", "acme-lorawan-v1.0.0"),
        (
            "connector",
            "ACME TH Sensor",
            "connector:acmeth-sensor-v1.0.0",
        ),
        (
            "connector",
            "Northwind TH Sensor",
            "connector:northwindth-sensor-v1.0.0",
        ),
        (
            "connector",
            "Milesight EM300-TH",
            "connector:milesightem300-th-v1.0.0",
        ),
    ];
    let mut mapped = 0;
    for (kind, name, input) in cases {
        let id = tagoio(input);
        mapped += usize::from(id != rule_id(input));
        assert_eq!(
            listed(&api, kind, name, PARTNER).await,
            json!([{"id": id, "public": true}]),
            "{name}"
        );
    }
    assert_eq!(
        mapped, 4,
        "TTI/TTN v3, Sigfox, Helium and Milesight EM300-TH keep older ids"
    );
    assert_eq!(TTN, tagoio("lorawan-ttittn-v3-v1.0.0"));
}

#[tokio::test]
async fn merging_an_entry_twice_is_a_conflict() {
    let api = Api::start().await;
    let id = rule_id("connector:acmewidget-v1.0.0");
    merge(&api, widget("v1.0.0")).await.result();
    merge(&api, widget("v1.0.0")).await.assert_error(
        409,
        &format!("The catalog already has connector `ACME Widget` at v1.0.0 (id `{id}`)"),
    );
    // An entry of the seeded catalog alike, known by the older id `map-ids.json` keeps for
    // the rule's `7a7d291b0a99e446da12f92d`.
    let sigfox = json!({"kind": "network", "name": "Sigfox", "version": "v1.0.0"});
    merge(&api, sigfox).await.assert_error(
        409,
        "The catalog already has network `Sigfox` at v1.0.0 (id `5bbd10774051a50034cd1a00`)",
    );
}

#[tokio::test]
async fn malformed_merges_are_refused() {
    let api = Api::start().await;
    let private = api.network(DEMO, "private").await;
    let unknown = "aaaaaaaaaaaaaaaaaaaaaaaa";
    let cases = [
        (
            json!({"kind": "device", "name": "x", "version": "v1.0.0"}),
            "kind must be `network` or `connector`, not `device`".to_string(),
        ),
        (
            json!({"kind": "network", "name": "  ", "version": "v1.0.0"}),
            "name is required".to_string(),
        ),
        (
            json!({"kind": "network", "name": "(!)", "version": "v1.0.0"}),
            "name must hold at least one letter or digit".to_string(),
        ),
        (
            json!({"kind": "network", "name": "x", "version": "1.0.0"}),
            "version must be `v<major>.<minor>.<patch>` (e.g. v1.0.0), not `1.0.0`".to_string(),
        ),
        (
            json!({"kind": "network", "name": "x", "version": "v1.0"}),
            "version must be `v<major>.<minor>.<patch>` (e.g. v1.0.0), not `v1.0`".to_string(),
        ),
        (
            json!({"kind": "network", "name": "x", "version": "v1.0.0", "networks": [TTN]}),
            "Only a connector has networks".to_string(),
        ),
        (
            json!({"kind": "connector", "name": "x", "version": "v1.0.0"}),
            "A connector needs at least one network".to_string(),
        ),
        (
            json!({"kind": "connector", "name": "x", "version": "v1.0.0", "networks": []}),
            "A connector needs at least one network".to_string(),
        ),
        (
            json!({"kind": "connector", "name": "x", "version": "v1.0.0", "networks": [unknown]}),
            format!("Network `{unknown}` is not a network of the public catalog"),
        ),
        (
            json!({"kind": "connector", "name": "x", "version": "v1.0.0", "networks": [TTN, private]}),
            format!("Network `{private}` is not a network of the public catalog"),
        ),
        (
            json!({"kind": "connector", "name": "x", "version": "v1.0.0",
                   "networks": [rule_id("connector:acmeth-sensor-v1.0.0")]}),
            "Network `0cd7caf86bf2c15cfb52f87a` is not a network of the public catalog".to_string(),
        ),
    ];
    for (body, message) in cases {
        merge(&api, body.clone()).await.assert_error(400, &message);
    }
    let unknown_field =
        json!({"kind": "network", "name": "x", "version": "v1.0.0", "public": true});
    assert_eq!(merge(&api, unknown_field).await.status.as_u16(), 400);
    let all = api.get("/integration/network", DEMO).await;
    assert_eq!(all.result().as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn only_the_admin_route_merges_and_profiles_cannot_change_the_result() {
    // Like every `/_emulator` route: no token, never counted, never failed by a fault.
    let api = Api::with(EmulatorConfig {
        fail_rate: 1.0,
        ..EmulatorConfig::default()
    })
    .await;
    let id = rule_id("connector:acmewidget-v1.0.0");
    assert_eq!(
        merge(&api, widget("v1.0.0")).await.result(),
        &json!({"id": id})
    );
    assert!(api.emulator.state().request_counts().is_empty());

    let api = Api::start().await;
    merge(&api, widget("v1.0.0")).await.result();
    let path = format!("/integration/connector/{id}");
    api.put(&path, DEMO, json!({"name": "taken over"}))
        .await
        .assert_error(
            403,
            "Public connectors cannot be modified: this connector is public but owned by another profile",
        );
    api.delete(&path, PARTNER).await.assert_error(
        403,
        "Public connectors cannot be deleted: this connector is public but owned by another profile",
    );
    // Through TagoIO's routes an object never becomes public.
    api.post(
        "/integration/network",
        DEMO,
        json!({"name": "ACME Widget net", "public": true}),
    )
    .await
    .assert_error(
        400,
        "A network becomes public only through TagoIO's review of a pull request to tago-io/decoders",
    );
}

#[tokio::test]
async fn a_merged_entry_is_kept_in_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = || EmulatorConfig {
        state_file: Some(dir.path().join("state.json")),
        ..EmulatorConfig::default()
    };
    let id = rule_id("connector:acmewidget-v1.1.0");
    let api = Api::with(config()).await;
    merge(&api, widget("v1.0.0")).await.result();
    merge(&api, widget("v1.1.0")).await.result();
    api.emulator.stop().await;

    let api = Api::with(config()).await;
    assert_eq!(
        listed(&api, "connector", "ACME Widget", DEMO).await,
        json!([{"id": id, "public": true}])
    );
    // The version is kept too: going back is still refused.
    merge(&api, widget("v1.0.0")).await.assert_error(
        409,
        "The catalog has connector `ACME Widget` at v1.1.0, newer than v1.0.0",
    );
}
