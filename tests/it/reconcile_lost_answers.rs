//! Lost answers: a request the server carried out whose answer never arrived. A create is
//! never simply repeated (the list tells whether it was made, and nothing is duplicated); a
//! removal is repeated, and "already gone" counts as done.

use reqwest::Method;
use serde_json::json;

use super::support::world::*;

#[tokio::test]
async fn creates_whose_answers_were_lost_are_found_not_repeated() {
    let mut world = World::start().await;
    let path = world.example("multi-customer");
    let lost = |path: &str| Fault::new(Method::POST, path, 1, FaultMode::LoseAnswer);
    let door = world
        .faulty(vec![
            lost("/profile"),
            lost("/profile/{id}/team"),
            lost("/profile/{id}/token"),
            lost("/integration/network"),
            lost("/integration/connector"),
            lost("/integration/network/{id}/share"),
            lost("/integration/connector/{id}/share"),
            // Setting amounts twice leaves the same amounts: sent again.
            lost("/account/allocation"),
        ])
        .await;
    let apply = world
        .run(&[
            "apply",
            &path,
            "--auto-approve",
            "--tokens-out",
            "tokens.json",
        ])
        .await;
    apply.code(0);
    assert_eq!(door.injected(), 8);
    apply.stdout_ends_with("Apply finished: 23 done, 0 failed, 0 skipped.\n");
    drop(door);
    world.url = world.api.emulator.url();

    // Exactly one of everything.
    let northwind = world.profile_id("Northwind IoT").await;
    let initech = world.profile_id("Initech").await;
    let allocation = world.api.get("/account/allocation", DEMO).await;
    let initech_input = allocation
        .result()
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["profile"] == json!(initech))
        .map(|item| item["input"].clone());
    assert_eq!(initech_input, Some(json!(100_000)));
    let mut team = world.team(ACME).await;
    team.extend(world.team(&northwind).await);
    assert_eq!(
        team,
        [
            ("alice@acme.example".to_owned(), false),
            ("bob@acme.example".to_owned(), false),
            ("carol@globex.example".to_owned(), false)
        ]
    );
    let tokens = world.account_token_names(&[ACME, &northwind]).await;
    assert_eq!(
        tokens,
        [
            "acme-dashboard",
            "ci-deploy",
            "grafana-readonly",
            "tagoform demo"
        ]
    );
    // Every created value reached --tokens-out, lost answers included.
    let written: serde_json::Value = serde_json::from_str(&world.read("tokens.json")).unwrap();
    assert_eq!(written.as_array().unwrap().len(), 3);
    for entry in written.as_array().unwrap() {
        let profile = if entry["profile"] == json!("acme") {
            ACME.to_owned()
        } else {
            northwind.clone()
        };
        let listed = world
            .api
            .get(
                &format!("/profile/{profile}/token?amount=1000&fields[0]=name&fields[1]=token"),
                DEMO,
            )
            .await;
        assert!(
            listed
                .result()
                .as_array()
                .unwrap()
                .contains(&json!({"name": entry["name"], "token": entry["token"]})),
            "{entry}"
        );
    }
    let token = world.token_of(&northwind).await;
    assert_eq!(
        world.objects(&token, "network", &["name"]).await,
        json!([{"name": "Northwind LoRaWAN"}])
    );
    assert_eq!(
        world.objects(&token, "connector", &["name"]).await,
        json!([{"name": "Northwind TH Sensor"}, {"name": "Northwind Tracker"}])
    );
    world.assert_no_changes_in(&path).await;
}

/// A removal whose answer was lost is repeated; "already gone" then counts as done.
#[tokio::test]
async fn removals_whose_answers_were_lost_are_done() {
    let mut world = World::start().await;
    let path = world.example("quickstart");
    world.applied(&path, &[]).await;
    let acme = world.profile_id("ACME").await;
    world.accept("alice@acme.example").await;
    world.edit(
        "quickstart/tagoform.yaml",
        "      - alice@acme.example\n",
        "      []\n",
    );
    // The connector's shares (the last line of the file), not the network's.
    let yaml = world.read("quickstart/tagoform.yaml");
    let (head, tail) = yaml.rsplit_once("shared_with: [partner]").unwrap();
    world.write(
        "quickstart/tagoform.yaml",
        &format!("{head}shared_with: []{tail}"),
    );
    let door = world
        .faulty(vec![
            Fault::new(
                Method::DELETE,
                "/profile/{id}/team/{account_id}",
                1,
                FaultMode::LoseAnswer,
            ),
            Fault::new(
                Method::DELETE,
                "/integration/connector/{id}/share/{profile_id}",
                1,
                FaultMode::LoseAnswer,
            ),
        ])
        .await;
    let (apply, requests) = world.measured(&["apply", &path, "--auto-approve"]).await;
    apply.code(0);
    apply.stdout_ends_with(
        "Plan: 0 to add, 0 to change, 2 to remove.\nApply finished: 2 done, 0 failed, 0 skipped.\n",
    );
    assert_eq!(door.injected(), 2);
    let changes = [
        ("DELETE /integration/connector/{id}/share/{profile_id}", 2),
        ("DELETE /profile/{id}/team/{account_id}", 2),
    ];
    assert_eq!(writes(&requests), apply_writes(1, &changes));
    assert_eq!(world.team(&acme).await, []);
    let token = world.token_of(&acme).await;
    assert_eq!(
        world.objects(&token, "connector", &["shared_with"]).await,
        json!([{"shared_with": []}])
    );
}
