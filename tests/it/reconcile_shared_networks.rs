//! A connector on a network another profile shares with its profile, named `{id: ...}`
//! (TagoIO API changelog v8.12.2: "Fixed an issue related to creating a connector using a
//! shared network"): created, then planned as converged, exported and planned again; an id
//! the profile cannot use is refused by `plan` and `apply` before any write, located.

use serde_json::json;

use crate::support::emulator::{ACME, DEMO, TTN};
use crate::support::snapshots::assert_snapshot;
use crate::support::world::{writes, World, NO_CHANGES};

fn config(network: &str) -> String {
    format!(
        acme_config!(
            "connectors:
  sensor:
    profile: acme
    name: Field Sensor
    networks: [{{id: {network}}}, {{id: {TTN}}}]
"
        ),
        network = network,
        TTN = TTN
    )
}

#[tokio::test]
async fn a_connector_on_a_network_shared_by_another_account_is_created_and_converges() {
    let world = World::start().await;
    let (network, _) = world
        .api
        .partner_shares_with_acme("Globex LoRaWAN", "Globex Sensor")
        .await;
    world.write("tagoform.yaml", &config(&network));
    // Each id is read once with the profile's token: the shared one and the public one.
    let (plan, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    plan.code(2);
    assert_snapshot(
        &plan.stdout,
        "reconcile_shared_networks/connector_on_shared_network",
        &[("[NETWORK]", &network)],
    );
    assert_eq!(requests.get("GET /integration/network/{id}"), Some(&2));
    world.applied(".", &[]).await;
    let path =
        format!("/integration/connector?filter[profile]={ACME}&fields[0]=name&fields[1]=networks");
    assert_eq!(
        world.api.get(&path, DEMO).await.result(),
        &json!([{"name": "Field Sensor", "networks": [network, TTN]}])
    );
    world.assert_no_changes().await;
}

#[tokio::test]
async fn an_exported_connector_on_a_shared_network_plans_no_changes() {
    let world = World::start().await;
    let (network, _) = world
        .api
        .partner_shares_with_acme("Globex LoRaWAN", "Globex Sensor")
        .await;
    world.api.connector(DEMO, "Field Sensor", &[&network]).await;
    let export = world
        .run(&[
            "export",
            "--profile",
            "ACME Production",
            "--out",
            "exported",
        ])
        .await;
    export.code(0);
    let exported = world.read("exported/acme-production.yaml");
    assert!(
        exported.contains(&format!(
            "    name: Field Sensor\n    networks:\n    - id: {network}\n"
        )),
        "{exported}"
    );
    let plan = world
        .run(&["plan", "exported", "--detailed-exitcode"])
        .await;
    plan.code(0);
    assert_eq!(plan.stdout, NO_CHANGES);
}

/// An id nobody shares with the profile (a network of the partner's, not shared) and an id
/// of nothing: `plan` and `apply` name each, at its line, and nothing is written.
#[tokio::test]
async fn a_network_id_the_profile_cannot_use_is_refused_before_any_write() {
    let world = World::start().await;
    let theirs = world
        .api
        .network(crate::support::emulator::PARTNER, "Globex net")
        .await;
    let unknown = "aaaaaaaaaaaaaaaaaaaaaaaa";
    world.write(
        "tagoform.yaml",
        &format!(
            acme_config!(
                "connectors:
  sensor:
    profile: acme
    name: Field Sensor
    networks: [{{id: {theirs}}}, {{id: {TTN}}}]
  meter:
    profile: acme
    name: Meter
    networks:
      - id: {unknown}
"
            ),
            theirs = theirs,
            unknown = unknown,
            TTN = TTN
        ),
    );
    let refusal = |id: &str, connector: &str, at: &str| {
        format!(
            "tagoform.yaml:{at}: connector `{connector}` uses network {id}, which profile `acme` \
             cannot use: it is not a network of TagoIO's public catalog, nor one the profile owns \
             or that is shared with it; fix the id, or have the network's owner share it with \
             the profile"
        )
    };
    let expected = format!(
        "error: {}\n{}\n",
        refusal(unknown, "meter", "14:9"),
        refusal(&theirs, "sensor", "9:16")
    );
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        let (run, requests) = world.measured(args).await;
        run.code(1);
        assert_eq!(run.stdout, "");
        assert_eq!(run.stderr, expected);
        let written: Vec<_> = writes(&requests)
            .into_keys()
            .filter(|route| route.contains("/integration/"))
            .collect();
        assert!(written.is_empty(), "{written:?}");
    }
    let path = format!("/integration/connector?filter[profile]={ACME}");
    assert_eq!(world.api.get(&path, DEMO).await.result(), &json!([]));
}
