//! Drift: changes made by hand on TagoIO behind tagoform's back. The plan shows exactly the
//! repair, field by field; apply makes exactly those requests; then nothing is left to do.

use base64::Engine;
use serde_json::json;

use super::support::snapshots::assert_snapshot;
use super::support::world::*;

const ALICE: &str = "6500a1b2c3d4e5f6012345a0";

#[tokio::test]
async fn a_removed_member_a_removed_share_an_edited_decoder_are_repaired_exactly() {
    let world = World::start().await;
    let Quickstart {
        path,
        acme,
        token,
        network,
        connector,
    } = world.quickstart_applied().await;

    // By hand: alice joins, then is removed; the connector's share goes; its decoder is
    // edited; the network's description changes and it gains a share nobody asked for.
    world.accept("alice@acme.example").await;
    let api = &world.api;
    api.delete(&format!("/profile/{acme}/team/{ALICE}"), DEMO)
        .await
        .result();
    api.delete(
        &format!("/integration/connector/{connector}/share/{GLOBEX}"),
        &token,
    )
    .await
    .result();
    let decoder: String =
        yaml_serde::from_str::<serde_json::Value>(&world.read("quickstart/tagoform.yaml")).unwrap()
            ["connectors"]["acme-th-sensor"]["payload_decoder"]
            .as_str()
            .unwrap()
            .to_owned();
    let edited = decoder.replace("readInt16BE(0) / 10,", "readInt16BE(0) / 100,");
    assert_ne!(edited, decoder);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&edited);
    api.put(
        &format!("/integration/connector/{connector}"),
        &token,
        json!({"payload_decoder": encoded}),
    )
    .await
    .result();
    api.put(
        &format!("/integration/network/{network}"),
        &token,
        json!({"description": "Changed by hand"}),
    )
    .await
    .result();
    api.post(
        &format!("/integration/network/{network}/share"),
        &token,
        json!({"profile_id": GLOBEX_LABS}),
    )
    .await
    .result();

    let plan = world.run(&["plan", &path, "--detailed-exitcode"]).await;
    plan.code(2);
    assert_snapshot(
        &plan.stdout,
        "reconcile_drift/repair",
        &[("[NETWORK]", &network), ("[CONNECTOR]", &connector)],
    );

    let (apply, requests) = world.measured(&["apply", &path, "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&plan.stdout, 5));
    let changes = [
        ("DELETE /integration/network/{id}/share/{profile_id}", 1),
        ("POST /integration/connector/{id}/share", 1),
        ("POST /profile/{id}/team", 1),
        ("PUT /integration/connector/{id}", 1),
        ("PUT /integration/network/{id}", 1),
    ];
    assert_eq!(writes(&requests), apply_writes(1, &changes));

    // Repaired, and nothing else moved.
    assert_eq!(
        world.team(&acme).await,
        [("alice@acme.example".to_owned(), false)]
    );
    assert_eq!(
        world
            .objects(
                &token,
                "network",
                &["name", "description", "middleware_endpoint", "shared_with"]
            )
            .await,
        json!([{"name": "ACME LoRaWAN", "description": "Private LoRaWAN network server of ACME",
            "middleware_endpoint": "lns.acme.example", "shared_with": [GLOBEX]}])
    );
    assert_eq!(
        world
            .objects(
                &token,
                "connector",
                &[
                    "name",
                    "description",
                    "networks",
                    "payload_decoder",
                    "shared_with"
                ]
            )
            .await,
        json!([{"name": "ACME TH Sensor", "description": "Temperature and humidity sensor",
            "networks": [network],
            "payload_decoder": base64::engine::general_purpose::STANDARD.encode(&decoder),
            "shared_with": [GLOBEX]}])
    );
    world.assert_no_changes_in(&path).await;
}

/// A field the YAML leaves out is left as it is on TagoIO, whatever it was changed to.
#[tokio::test]
async fn fields_the_configuration_leaves_out_are_not_drift() {
    let world = World::start().await;
    let Quickstart {
        path,
        token,
        network,
        connector,
        ..
    } = world.quickstart_applied().await;
    world
        .api
        .put(
            &format!("/integration/network/{network}"),
            &token,
            json!({"documentation_url": "https://example.com/doc", "logo_url": "https://example.com/l.png"}),
        )
        .await
        .result();
    world
        .api
        .put(
            &format!("/integration/connector/{connector}"),
            &token,
            json!({"install_text": "By hand", "networks": [network, TTN]}),
        )
        .await
        .result();
    let (plan, requests) = world
        .measured(&["plan", &path, "--detailed-exitcode"])
        .await;
    // The connector's networks are configured, so the extra public network is drift; the
    // other fields are not configured and stay.
    plan.code(2);
    assert_snapshot(
        &plan.stdout,
        "reconcile_drift/unconfigured_fields_left",
        &[("[NETWORK]", &network), ("[CONNECTOR]", &connector)],
    );
    assert_eq!(writes(&requests), sign_ins(1));
    world.applied(&path, &[]).await;
    assert_eq!(
        world
            .objects(&token, "connector", &["install_text", "networks"])
            .await,
        json!([{"install_text": "By hand", "networks": [network]}])
    );
    assert_eq!(
        world
            .objects(&token, "network", &["documentation_url", "logo_url"])
            .await,
        json!([{"documentation_url": "https://example.com/doc", "logo_url": "https://example.com/l.png"}])
    );
}

/// An update sends only the fields that differ: the request bodies, exactly.
#[tokio::test]
async fn an_update_sends_only_the_fields_that_differ() {
    let mut world = World::start().await;
    let Quickstart {
        path,
        token,
        network,
        connector,
        ..
    } = world.quickstart_applied().await;
    world
        .api
        .put(
            &format!("/integration/network/{network}"),
            &token,
            json!({"middleware_endpoint": "elsewhere.example"}),
        )
        .await
        .result();
    world.edit(
        "quickstart/tagoform.yaml",
        "description: Temperature and humidity sensor",
        "description: Temperature and humidity sensor, v2",
    );
    let door = world.faulty(vec![]).await;
    world.applied(&path, &[]).await;
    let mut writes: Vec<(String, String, serde_json::Value)> = door
        .writes()
        .into_iter()
        .filter(|(method, _, _)| method == "PUT")
        .collect();
    // Independent operations run concurrently: compare in path order.
    writes.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        writes,
        [
            (
                "PUT".to_owned(),
                format!("/integration/connector/{connector}"),
                json!({"description": "Temperature and humidity sensor, v2"})
            ),
            (
                "PUT".to_owned(),
                format!("/integration/network/{network}"),
                json!({"middleware_endpoint": "lns.acme.example"})
            ),
        ]
    );
}

/// A connector moved onto a network this plan creates, off one it deletes: create, move,
/// then delete, whatever the parallelism.
#[tokio::test]
async fn a_connector_moves_to_a_new_network_before_the_old_one_is_deleted() {
    let world = World::start().await;
    let yaml = |old: &str, connector_network: &str| {
        format!(
            acme_config!(
                "networks:
  old:
    profile: acme
    name: Old LoRaWAN
{old}  new:
    profile: acme
    name: New LoRaWAN
connectors:
  sensor:
    profile: acme
    name: Sensor
    networks: [{connector_network}]
"
            ),
            old = old,
            connector_network = connector_network
        )
    };
    world.write("tagoform.yaml", &yaml("", "old"));
    world.applied(".", &[]).await;
    let old = world.object_id(DEMO, "network", "Old LoRaWAN").await;
    let new = world.object_id(DEMO, "network", "New LoRaWAN").await;
    let sensor = world.object_id(DEMO, "connector", "Sensor").await;
    // Delete `new` by hand, so that the plan creates it again.
    world
        .api
        .delete(&format!("/integration/network/{new}"), DEMO)
        .await
        .result();

    world.write("tagoform.yaml", &yaml("    delete: true\n", "new"));
    let plan = world
        .assert_plan_snapshot(
            "reconcile_drift/connector_moves_to_new_network",
            &[("[OLD_NETWORK]", &old), ("[SENSOR]", &sensor)],
        )
        .await;
    let apply = world
        .run(&[
            "apply",
            "--auto-approve",
            "--allow-delete",
            "--parallelism",
            "8",
        ])
        .await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&plan, 3));
    let new = world.object_id(DEMO, "network", "New LoRaWAN").await;
    assert_eq!(
        world.objects(DEMO, "network", &["name"]).await,
        json!([{"name": "New LoRaWAN"}])
    );
    assert_eq!(
        world.objects(DEMO, "connector", &["id", "networks"]).await,
        json!([{"id": sensor, "networks": [new]}])
    );
    let run = world.run(&["plan", "--detailed-exitcode"]).await;
    run.code(0);
}
