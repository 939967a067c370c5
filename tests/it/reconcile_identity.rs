//! Which live object a configured one is: profiles by pin or by a unique name, objects by pin
//! or by a unique name in their profile; what others share with a managed profile is never touched;
//! `exclusive: true` removes what the configuration does not name.

use serde_json::json;

use super::support::snapshots::assert_snapshot;
use super::support::world::*;

#[tokio::test]
async fn two_live_profiles_with_the_configured_name_stop_the_plan_until_one_is_pinned() {
    let world = World::start().await;
    let twin = world.api.create_profile(DEMO, "ACME Production").await;
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    team: []\n",
    );
    for args in [
        vec!["plan", "--detailed-exitcode"],
        vec!["apply", "--auto-approve"],
    ] {
        let (run, requests) = world.measured(&args).await;
        run.code(1);
        assert_eq!(run.stdout, "");
        assert_eq!(
            run.stderr,
            format!(
                "error: tagoform.yaml:3:3: profile `acme`: 2 live profiles are named `ACME Production` \
                 ({ACME}, {twin}); pin the right one with `id:` under profiles.acme\n"
            )
        );
        // Neither profile was read further, and nothing was written, not even the lock.
        assert_eq!(requests, counts(&[("GET /profile", 1)]));
    }

    world.write(
        "tagoform.yaml",
        &format!("version: 1\nprofiles:\n  acme:\n    id: {twin}\n    name: ACME Production\n    team: [alice@acme.example]\n"),
    );
    world
        .assert_plan_snapshot("reconcile_identity/pinned_profile_invites", &[])
        .await;
    world.applied(".", &[]).await;
    assert_eq!(
        world.team(&twin).await,
        [("alice@acme.example".to_owned(), false)]
    );
    assert_eq!(world.team(ACME).await, []);
}

#[tokio::test]
async fn two_live_networks_with_the_configured_name_stop_the_plan() {
    let world = World::start().await;
    let first = world.api.network(DEMO, "Field LoRaWAN").await;
    let second = world.api.network(DEMO, "Field LoRaWAN").await;
    world.write(
        "tagoform.yaml",
        acme_config!(
            "networks:
  field:
    profile: acme
    name: Field LoRaWAN
    description: the one
"
        ),
    );
    let (run, requests) = world.measured(&["plan"]).await;
    run.code(1);
    let mut ids = [first, second];
    ids.sort();
    assert_eq!(
        run.stderr,
        format!(
            "error: tagoform.yaml:6:3: network `field`: 2 live networks of profile `acme` are named \
             `Field LoRaWAN` ({}, {}); pin the right one with `id:` under networks.field, or \
             rename all but one on TagoIO\n",
            ids[0], ids[1]
        )
    );
    assert_eq!(writes(&requests), sign_ins(1));
}

/// Two live connectors named alike: the plan stops and lists both; pinned by `id:`, the plan
/// reads, changes and shares only the pinned one, and lists the other as unmanaged.
#[tokio::test]
async fn two_live_connectors_with_the_configured_name_stop_the_plan_until_one_is_pinned() {
    let world = World::start().await;
    let first = world.api.connector(DEMO, "Meter", &[TTN]).await;
    let second = world.api.connector(DEMO, "Meter", &[TTN]).await;
    let yaml = |pin: &str| {
        format!(
            acme_config!(
                "  staging:
    name: ACME Staging
connectors:
  meter:
    profile: acme
    name: Meter{pin}
    networks: [{{id: {TTN}}}]
    description: the attic one
    shared_with: [staging]
"
            ),
            pin = pin,
            TTN = TTN
        )
    };
    world.write("tagoform.yaml", &yaml(""));
    let (run, requests) = world.measured(&["plan"]).await;
    run.code(1);
    assert_eq!(run.stdout, "");
    let mut ids = [first.clone(), second.clone()];
    ids.sort();
    assert_eq!(
        run.stderr,
        format!(
            "error: tagoform.yaml:8:3: connector `meter`: 2 live connectors of profile `acme` are \
             named `Meter` ({}, {}); pin the right one with `id:` under connectors.meter, or \
             rename all but one on TagoIO\n",
            ids[0], ids[1]
        )
    );
    // Two profiles read (a short-lived token each), nothing else written.
    assert_eq!(writes(&requests), sign_ins(2));
    // Neither connector's shares were read: which one matters is not known.
    assert_eq!(requests.get("GET /integration/connector/{id}/share"), None);

    world.write("tagoform.yaml", &yaml(&format!("\n    id: {second}")));
    let (plan, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    plan.code(2);
    let left_alone = format!(
        "Notes:
  • acme: connector `Meter` ({first}) is not in the configuration; left alone (set `exclusive: true` on the profile to remove such objects)
"
    );
    assert_snapshot(
        &plan.stdout,
        "reconcile_identity/pinned_connector_updated",
        &[("[FIRST_METER]", &first), ("[SECOND_METER]", &second)],
    );
    assert_eq!(writes(&requests), sign_ins(2));
    world.applied(".", &[]).await;
    assert_eq!(
        world
            .objects(DEMO, "connector", &["id", "description", "shared_with"])
            .await,
        json!([
            {"id": first, "shared_with": []},
            {"id": second, "description": "the attic one", "shared_with": [STAGING]},
        ])
    );
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        format!("No changes. TagoIO matches the configuration.\n{left_alone}\n")
    );
}

/// A pinned connector is found by id, so a new name in the YAML renames it in place.
#[tokio::test]
async fn a_pinned_connector_is_renamed_in_place() {
    let world = World::start().await;
    let id = world.api.connector(DEMO, "Meter", &[TTN]).await;
    world.write(
        "tagoform.yaml",
        &format!(
            "version: 1\nprofiles:\n  acme:\n    name: ACME Production\nconnectors:\n  meter:\n    profile: acme\n    id: {id}\n    name: Water Meter\n    networks: [{{id: {TTN}}}]\n"
        ),
    );
    world
        .assert_plan_snapshot(
            "reconcile_identity/pinned_connector_renamed",
            &[("[METER]", &id)],
        )
        .await;
    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(
        writes(&requests),
        apply_writes(1, &[("PUT /integration/connector/{id}", 1)])
    );
    assert_eq!(
        world.objects(DEMO, "connector", &["id", "name"]).await,
        json!([{"id": id, "name": "Water Meter"}])
    );
    world.assert_no_changes().await;
}

#[tokio::test]
async fn what_another_account_shares_with_a_managed_profile_is_never_planned_for_change() {
    let world = World::start().await;
    // The partner's network and connector, shared with ACME Production.
    let (network, connector) = world
        .api
        .partner_shares_with_acme("Globex LoRaWAN", "Globex Sensor")
        .await;
    // ACME manages its profile exclusively, and even configures a connector of the same
    // name: its own, which is created; the partner's is neither changed nor deleted.
    world.write(
        "tagoform.yaml",
        &format!(
            acme_config!(
                "    exclusive: true
connectors:
  sensor:
    profile: acme
    name: Globex Sensor
    description: ours
    networks: [{{id: {TTN}}}]
"
            ),
            TTN = TTN
        ),
    );
    world
        .assert_plan_snapshot("reconcile_identity/shared_in_connector_left_alone", &[])
        .await;
    world.applied(".", &["--allow-delete"]).await;
    let theirs = world
        .objects(
            PARTNER,
            "connector",
            &["id", "name", "description", "networks", "shared_with"],
        )
        .await;
    assert_eq!(
        theirs,
        json!([{"id": connector, "name": "Globex Sensor", "networks": [network], "shared_with": [ACME]}])
    );
    assert_eq!(
        world
            .objects(PARTNER, "network", &["id", "shared_with"])
            .await,
        json!([{"id": network, "shared_with": [ACME]}])
    );
    // ACME's own connectors (its list also holds the one shared with it).
    let path = format!(
        "/integration/connector?filter[profile]={ACME}&fields[0]=name&fields[1]=description&fields[2]=networks"
    );
    let ours = world.api.get(&path, DEMO).await.result().clone();
    assert_eq!(
        ours,
        json!([{"name": "Globex Sensor", "description": "ours", "networks": [TTN]}])
    );
    world.assert_no_changes().await;
}

#[tokio::test]
async fn unnamed_objects_are_listed_unless_the_profile_is_exclusive_then_deleted_in_order() {
    let world = World::start().await;
    let network = world.api.network(DEMO, "Old LoRaWAN").await;
    let connector = world.api.connector(DEMO, "Old Sensor", &[&network]).await;
    let yaml = "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n";
    world.write("tagoform.yaml", yaml);
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        format!(
            "No changes. TagoIO matches the configuration.
Notes:
  • acme: network `Old LoRaWAN` ({network}) is not in the configuration; left alone (set `exclusive: true` on the profile to remove such objects)
  • acme: connector `Old Sensor` ({connector}) is not in the configuration; left alone (set `exclusive: true` on the profile to remove such objects)

"
        )
    );

    world.write("tagoform.yaml", &format!("{yaml}    exclusive: true\n"));
    let (refused, requests) = world.measured(&["apply", "--auto-approve"]).await;
    refused.code(4);
    assert_snapshot(
        &refused.stdout,
        "reconcile_identity/exclusive_removals",
        &[("[NETWORK]", &network), ("[CONNECTOR]", &connector)],
    );
    assert_eq!(
        refused.stderr,
        format!(
            "error: the plan deletes 2 object(s) (delete network `Old LoRaWAN` ({network}); delete \
             connector `Old Sensor` ({connector})); nothing was changed. Re-run with --allow-delete \
             if that is intended\n"
        )
    );
    assert_eq!(writes(&requests), sign_ins(1));

    // The connector goes first: TagoIO refuses to delete a network a connector uses.
    let (apply, requests) = world
        .measured(&["apply", "--auto-approve", "--allow-delete"])
        .await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&refused.stdout, 2));
    let changes = [
        ("DELETE /integration/connector/{id}", 1),
        ("DELETE /integration/network/{id}", 1),
    ];
    assert_eq!(writes(&requests), apply_writes(1, &changes));
    assert_eq!(world.objects(DEMO, "network", &["id"]).await, json!([]));
    assert_eq!(world.objects(DEMO, "connector", &["id"]).await, json!([]));
}

#[tokio::test]
async fn a_pinned_profile_is_renamed_and_its_logo_changed_in_place() {
    let world = World::start().await;
    world.write(
        "tagoform.yaml",
        &format!(
            "version: 1\nprofiles:\n  acme:\n    id: {ACME}\n    name: ACME Prod\n    logo_url: https://acme.example/logo.png\n"
        ),
    );
    world
        .assert_plan_snapshot("reconcile_identity/pinned_profile_renamed", &[])
        .await;
    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(
        writes(&requests),
        apply_writes(1, &[("PUT /profile/{id}", 1)])
    );
    let info = world.api.get(&format!("/profile/{ACME}"), DEMO).await;
    assert_eq!(
        (
            &info.result()["info"]["name"],
            &info.result()["info"]["logo_url"]
        ),
        (&json!("ACME Prod"), &json!("https://acme.example/logo.png"))
    );
    world.assert_no_changes().await;
}

/// `logo_url: ""` clears a logo; once cleared, there is nothing left to do.
#[tokio::test]
async fn an_empty_logo_url_clears_the_logo_once() {
    let world = World::start().await;
    world
        .api
        .put(
            &format!("/profile/{ACME}"),
            DEMO,
            json!({"logo_url": "https://acme.example/old.png"}),
        )
        .await
        .result();
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    logo_url: \"\"\n",
    );
    world
        .assert_plan_snapshot("reconcile_identity/empty_logo_url_clears", &[])
        .await;
    world.applied(".", &[]).await;
    world.assert_no_changes().await;
}
