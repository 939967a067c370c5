//! The shipped examples applied to a fresh emulator: the exact plan, the exact writes, the
//! live state read back, then `No changes` and a second apply that changes nothing.

use base64::Engine;
use serde_json::{json, Value};

use super::support::snapshots::assert_snapshot;
use super::support::world::*;

fn base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A decoder as the example's YAML spells it (inline or from its file).
fn example_decoder(world: &World, file: &str, section: &str, key: &str) -> String {
    let yaml: Value = yaml_serde::from_str(&world.read(file)).unwrap();
    let object = &yaml[section][key];
    match object["payload_decoder"].as_str() {
        Some(text) => text.to_owned(),
        None => {
            let folder = std::path::Path::new(file).parent().unwrap();
            let relative = object["payload_decoder_file"].as_str().unwrap();
            world.read(folder.join(relative).to_str().unwrap())
        }
    }
}

const QUICKSTART_DONE: &str = "No changes. TagoIO matches the configuration.
Notes:
  • acme: the invitation of alice@acme.example is pending since 2027-03-01, expires 2027-03-08; not sent again

";

/// Every request of the quickstart's first apply. After the creates, one list per profile
/// and kind, so that two applies running at once keep one copy (docs/reliability.md): the
/// profiles, ACME's networks, ACME's connectors (one of each here, so each list is filtered
/// by that name). Each share is confirmed by reading the share list back (the share routes
/// are unverified: `api::share`). The live state is read once before the lock (nothing to
/// do would take no lock) and once under it; the apply lock is taken and given back.
pub fn quickstart_apply_requests() -> Counts {
    with_lock_reads(counts(&[
        ("DELETE /profile/{id}/token/{token}", 1),
        ("GET /integration/connector", 1),
        ("GET /integration/connector/{id}/share", 1),
        ("GET /integration/network", 1),
        ("GET /integration/network/{id}/share", 1),
        ("GET /profile", 3),
        ("POST /account/profile/token", 1),
        ("POST /integration/connector", 1),
        ("POST /integration/connector/{id}/share", 1),
        ("POST /integration/network", 1),
        ("POST /integration/network/{id}/share", 1),
        ("POST /profile", 1),
        ("POST /profile/{id}/team", 1),
    ]))
}

/// The plan of `path` and a second apply both find nothing to change and print exactly
/// `done`; the requests of that apply.
async fn converged(world: &World, path: &str, done: &str) -> Counts {
    let plan = world.run(&["plan", path, "--detailed-exitcode"]).await;
    plan.code(0);
    assert_eq!(plan.stdout, done);
    let (again, requests) = world.measured(&["apply", path, "--auto-approve"]).await;
    again.code(0);
    assert_eq!(again.stdout, done);
    requests
}

#[tokio::test]
async fn quickstart_applies_exactly_then_has_nothing_left_to_do() {
    let mut world = World::start().await;
    let path = world.example("quickstart");

    let (plan, reads) = world
        .measured(&["plan", &path, "--detailed-exitcode"])
        .await;
    plan.code(2);
    assert_snapshot(&plan.stdout, "reconcile_examples/quickstart", &[]);
    // Only the profile list: the profile `ACME` does not exist yet, so nothing else to read.
    assert_eq!(reads, counts(&[("GET /profile", 1)]));

    let (apply, requests) = world.measured(&["apply", &path, "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&plan.stdout, 6));
    assert_eq!(requests, quickstart_apply_requests());

    // The live state, read back.
    let acme = world.profile_id("ACME").await;
    assert_eq!(
        world.team(&acme).await,
        [("alice@acme.example".to_owned(), false)]
    );
    let token = world.token_of(&acme).await;
    let networks = world
        .objects(
            &token,
            "network",
            &["id", "name", "description", "middleware_endpoint"],
        )
        .await;
    let network_id = networks[0]["id"].clone();
    assert_eq!(
        networks,
        json!([{"id": network_id, "name": "ACME LoRaWAN",
            "description": "Private LoRaWAN network server of ACME",
            "middleware_endpoint": "lns.acme.example"}])
    );
    let network_id_text = network_id.as_str().unwrap();
    assert_eq!(
        world.shares(&token, "network", network_id_text).await,
        [GLOBEX]
    );
    let decoder = example_decoder(
        &world,
        "quickstart/tagoform.yaml",
        "connectors",
        "acme-th-sensor",
    );
    let connectors = world
        .objects(
            &token,
            "connector",
            &["id", "name", "description", "networks", "payload_decoder"],
        )
        .await;
    let connector_id = connectors[0]["id"].clone();
    assert_eq!(
        connectors,
        json!([{"id": connector_id, "name": "ACME TH Sensor",
            "description": "Temperature and humidity sensor",
            "networks": [network_id], "payload_decoder": base64(&decoder)}])
    );
    assert_eq!(
        world
            .shares(&token, "connector", connector_id.as_str().unwrap())
            .await,
        [GLOBEX]
    );

    // A second apply reads, and changes nothing: its only writes are the short-lived
    // profile token it signs in with and removes. Each object whose `shared_with` is managed
    // costs one read of its share list: no TagoIO list carries shares.
    let requests = converged(&world, &path, QUICKSTART_DONE).await;
    // Nothing to do: no apply lock either.
    assert_eq!(writes(&requests), sign_ins(1));
    assert_eq!(
        requests,
        counts(&[
            ("DELETE /profile/{id}/token/{token}", 1),
            ("GET /integration/connector", 1),
            ("GET /integration/connector/{id}/share", 1),
            ("GET /integration/network", 1),
            ("GET /integration/network/{id}/share", 1),
            ("GET /profile", 1),
            ("GET /profile/{id}/team", 1),
            ("POST /account/profile/token", 1),
        ])
    );

    // With the profile's own token (`token_env`), not a single write.
    world.edit(
        "quickstart/tagoform.yaml",
        "    name: ACME\n",
        "    name: ACME\n    token_env: ACME_TOKEN\n",
    );
    world.env.insert("ACME_TOKEN".into(), token);
    // `GET /profile/current` (counted as `GET /profile/{id}`) first confirms the token is of
    // ACME.
    let reads = counts(&[
        ("GET /integration/connector", 1),
        ("GET /integration/connector/{id}/share", 1),
        ("GET /integration/network", 1),
        ("GET /integration/network/{id}/share", 1),
        ("GET /profile", 1),
        ("GET /profile/{id}", 1),
        ("GET /profile/{id}/team", 1),
    ]);
    // Not a single write: with nothing to do, no lock is taken; nor with the lock off.
    let (again, requests) = world.measured(&["apply", &path, "--auto-approve"]).await;
    again.code(0);
    assert_eq!(again.stdout, QUICKSTART_DONE);
    assert_eq!(requests, reads);
    let (again, requests) = world
        .measured(&["apply", &path, "--auto-approve", "--lock=false"])
        .await;
    again.code(0);
    assert_eq!(again.stdout, QUICKSTART_DONE);
    assert_eq!(requests, reads);
}

#[tokio::test]
async fn multi_customer_applies_exactly_then_has_nothing_left_to_do() {
    let world = World::start().await;
    let path = world.example("multi-customer");

    let (plan, reads) = world
        .measured(&["plan", &path, "--detailed-exitcode"])
        .await;
    plan.code(2);
    plan.stdout_ends_with("Plan: 22 to add, 1 to change, 0 to remove.\n");
    // ACME Production and ACME Staging exist: their teams (acme only), tokens (acme only),
    // networks and connectors, through a short-lived token each; the account's allocation
    // and subscription, once each.
    assert_eq!(
        reads,
        counts(&[
            ("DELETE /profile/{id}/token/{token}", 2),
            ("GET /account/allocation", 1),
            ("GET /account/subscription", 1),
            // Own objects of both profiles, and the catalog under each published name.
            ("GET /integration/connector", 3),
            ("GET /integration/network", 3),
            ("GET /profile", 1),
            ("GET /profile/{id}/team", 1),
            ("GET /profile/{id}/token", 1),
            ("POST /account/profile/token", 2),
        ])
    );

    let (apply, requests) = world
        .measured(&[
            "apply",
            &path,
            "--auto-approve",
            "--tokens-out",
            "tokens.json",
        ])
        .await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&plan.stdout, 23));
    assert_eq!(
        writes(&requests),
        with_lock(counts(&[
            // Reading ACME Production and ACME Staging, then acting in Northwind IoT.
            ("DELETE /profile/{id}/token/{token}", 3),
            ("POST /account/profile/token", 3),
            // All three profiles' allocation, in one request.
            ("POST /account/allocation", 1),
            // `publish:` is not an API operation: nothing is sent for it.
            ("POST /integration/connector", 2),
            ("POST /integration/connector/{id}/share", 6),
            ("POST /integration/network", 1),
            ("POST /integration/network/{id}/share", 5),
            ("POST /profile", 2),
            ("POST /profile/{id}/team", 3),
            ("POST /profile/{id}/token", 3),
            ("PUT /profile/{id}", 1),
        ]))
    );

    // The live state, read back.
    let northwind = world.profile_id("Northwind IoT").await;
    let initech = world.profile_id("Initech").await;
    assert_eq!(
        world.team(&northwind).await,
        [("carol@globex.example".to_owned(), false)]
    );
    assert_eq!(
        world.team(ACME).await,
        [
            ("alice@acme.example".to_owned(), false),
            ("bob@acme.example".to_owned(), false)
        ]
    );
    assert_eq!(world.team(&initech).await, []);
    let account_tokens = |names: &[(&str, &str)]| -> Vec<(String, String, String)> {
        names
            .iter()
            .map(|(n, p)| (n.to_string(), p.to_string(), "account".to_owned()))
            .collect()
    };
    let mut northwind_tokens = world.tokens(&northwind).await;
    northwind_tokens.sort();
    assert_eq!(
        northwind_tokens,
        account_tokens(&[("ci-deploy", "write"), ("grafana-readonly", "read")])
    );
    assert_eq!(
        world.tokens(ACME).await,
        account_tokens(&[("tagoform demo", "full"), ("acme-dashboard", "read")])
    );
    let token = world.token_of(&northwind).await;
    let mut recipients = vec![ACME, STAGING, &initech, GLOBEX, GLOBEX_LABS];
    recipients.sort();
    let networks = world
        .objects(&token, "network", &["id", "name", "payload_decoder"])
        .await;
    let network_id = networks[0]["id"].clone();
    let decoder = |key| example_decoder(&world, "multi-customer/northwind.yaml", "connectors", key);
    let network_decoder = example_decoder(
        &world,
        "multi-customer/northwind.yaml",
        "networks",
        "northwind-lorawan",
    );
    assert_eq!(
        (
            networks.as_array().unwrap().len(),
            &networks[0]["name"],
            &networks[0]["payload_decoder"],
        ),
        (
            1,
            &json!("Northwind LoRaWAN"),
            &json!(base64(&network_decoder)),
        )
    );
    assert_eq!(
        world
            .shares(&token, "network", network_id.as_str().unwrap())
            .await,
        recipients
    );
    let mut th_recipients = vec![ACME, STAGING, GLOBEX, GLOBEX_LABS];
    th_recipients.sort();
    let mut tracker_recipients = vec![GLOBEX, initech.as_str()];
    tracker_recipients.sort();
    let connectors = world
        .objects(
            &token,
            "connector",
            &["id", "name", "networks", "payload_decoder"],
        )
        .await;
    let ids: Vec<&str> = connectors
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        connectors,
        json!([
            {"id": ids[0], "name": "Northwind TH Sensor", "networks": [network_id],
             "payload_decoder": base64(&decoder("acme-th-sensor"))},
            {"id": ids[1], "name": "Northwind Tracker", "networks": [network_id],
             "payload_decoder": base64(&decoder("northwind-tracker"))},
        ])
    );
    assert_eq!(
        world.shares(&token, "connector", ids[0]).await,
        th_recipients
    );
    assert_eq!(
        world.shares(&token, "connector", ids[1]).await,
        tracker_recipients
    );

    // Planned again: nothing to do, pending things shown as pending.
    let done = "No changes. TagoIO matches the configuration.
Notes:
  • acme: the invitation of alice@acme.example is pending since 2027-03-01, expires 2027-03-08; not sent again
  • acme: the invitation of bob@acme.example is pending since 2027-03-01, expires 2027-03-08; not sent again
  • northwind: the invitation of carol@globex.example is pending since 2027-03-01, expires 2027-03-08; not sent again
  • northwind: network `northwind-lorawan` is not in TagoIO's public catalog at v1.0.0 (catalog id f8e851ba7f30925e51c1c125); `tagoform publish` prepares its pull request
  • northwind: connector `northwind-tracker` is not in TagoIO's public catalog at v1.0.0 (catalog id aa0bb82bd69ff4496627c49f); `tagoform publish` prepares its pull request

";
    let requests = converged(&world, &path, done).await;
    // Nothing to do: no apply lock, only the short-lived tokens.
    assert_eq!(writes(&requests), sign_ins(4));
    assert_eq!(
        requests,
        counts(&[
            ("DELETE /profile/{id}/token/{token}", 4),
            // Allocation is managed: two reads for the whole account.
            ("GET /account/allocation", 1),
            ("GET /account/subscription", 1),
            ("GET /integration/connector", 5),
            ("GET /integration/connector/{id}/share", 2),
            ("GET /integration/network", 5),
            ("GET /integration/network/{id}/share", 1),
            ("GET /profile", 1),
            ("GET /profile/{id}/team", 3),
            ("GET /profile/{id}/token", 2),
            ("POST /account/profile/token", 4),
        ])
    );

    // With each profile's own token (`token_env`), not a single write.
    let mut world = world;
    for (name, variable) in [
        ("Northwind IoT", "T_NORTHWIND"),
        ("ACME Production", "T_ACME"),
        ("ACME Staging", "T_STAGING"),
        ("Initech", "T_INITECH"),
    ] {
        world.edit(
            "multi-customer/profiles.yaml",
            &format!("    name: {name}\n"),
            &format!("    name: {name}\n    token_env: {variable}\n"),
        );
        let token = world.token_of(&world.profile_id(name).await).await;
        world.env.insert(variable.into(), token);
    }
    let reads = counts(&[
        ("GET /account/allocation", 1),
        ("GET /account/subscription", 1),
        ("GET /integration/connector", 5),
        ("GET /integration/connector/{id}/share", 2),
        ("GET /integration/network", 5),
        ("GET /integration/network/{id}/share", 1),
        ("GET /profile", 1),
        ("GET /profile/{id}", 4),
        ("GET /profile/{id}/team", 3),
        ("GET /profile/{id}/token", 2),
    ]);
    // Not a single write: with nothing to do, no lock is taken; nor with the lock off.
    let (again, requests) = world.measured(&["apply", &path, "--auto-approve"]).await;
    again.code(0);
    assert_eq!(again.stdout, done);
    assert_eq!(requests, reads);
    let (again, requests) = world
        .measured(&["apply", &path, "--auto-approve", "--lock=false"])
        .await;
    again.code(0);
    assert_eq!(again.stdout, done);
    assert_eq!(requests, reads);
}
