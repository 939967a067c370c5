//! What TagoIO's own sources establish and the emulator therefore does: lists that hold the
//! public catalog and what other profiles share, a `token_env` token that may be of another
//! profile, and `tagoform doctor`, which probes what the sources leave open. Each test here
//! fails against a client that reads lists as "owned", trusts a token as configured, or an
//! emulator kinder than TagoIO.

use reqwest::Method;
use serde_json::json;
use tagoform::emulator::seed::{CATALOG_ACME_LORAWAN_ID, CATALOG_ACME_TH_SENSOR_ID};

use super::behaviour_door::{Behaviour, BehaviourDoor};
use super::support::world::*;

/// A network and a connector in ACME Production named like TagoIO's catalog entries (and
/// like what the partner shares with ACME), shared with the partner.
fn lookalikes() -> String {
    format!(
        "version: 1
external_profiles:
  globex: {GLOBEX}
profiles:
  acme:
    name: ACME Production
networks:
  lorawan:
    profile: acme
    name: ACME LoRaWAN
    description: ours
    shared_with: [globex]
connectors:
  sensor:
    profile: acme
    name: ACME TH Sensor
    description: ours
    networks: [lorawan]
    shared_with: [globex]
"
    )
}

/// The partner's own network and connector named like ACME's, shared with ACME.
async fn share_lookalikes_with_acme(world: &World) -> (String, String) {
    world
        .api
        .partner_shares_with_acme("ACME LoRaWAN", "ACME TH Sensor")
        .await
}

/// Everything about an object that someone could have changed, read with the partner's token.
async fn untouched(world: &World, kind: &str, id: &str) -> serde_json::Value {
    let object = world
        .api
        .get(&format!("/integration/{kind}/{id}"), PARTNER)
        .await
        .result()
        .clone();
    json!({
        "name": object["name"], "description": object["description"],
        "updated_at": object["updated_at"], "public": object["public"],
    })
}

#[tokio::test]
async fn catalog_and_shared_in_objects_of_the_configured_names_are_never_adopted() {
    let mut world = World::start().await;
    let (theirs_network, theirs_connector) = share_lookalikes_with_acme(&world).await;
    let before = [
        untouched(&world, "network", CATALOG_ACME_LORAWAN_ID).await,
        untouched(&world, "connector", CATALOG_ACME_TH_SENSOR_ID).await,
        untouched(&world, "network", &theirs_network).await,
        untouched(&world, "connector", &theirs_connector).await,
    ];
    world.write("tagoform.yaml", &lookalikes());
    // Three objects named `ACME LoRaWAN` are in ACME's list (catalog, shared, none its own):
    // the plan creates ACME's own.
    world
        .assert_plan_snapshot("real_tagoio/lookalikes", &[])
        .await;
    // Both creates lose their answers: the lookup after a lost create, and the check for
    // concurrent copies, find ACME's own objects, never the catalog's or the partner's.
    let lost = |path: &str| Fault::new(Method::POST, path, 1, FaultMode::LoseAnswer);
    let door = world
        .faulty(vec![
            lost("/integration/network"),
            lost("/integration/connector"),
        ])
        .await;
    let apply = world.run(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(door.injected(), 2);
    apply.stdout_ends_with("Apply finished: 4 done, 0 failed, 0 skipped.\n");
    drop(door);
    world.url = world.api.emulator.url();

    // ACME owns exactly one of each, shared with the partner as configured.
    let own = |kind: &str| {
        format!("/integration/{kind}?filter[profile]={ACME}&fields[0]=id&fields[1]=name&fields[2]=description")
    };
    let networks = world.api.get(&own("network"), DEMO).await.result().clone();
    let connectors = world
        .api
        .get(&own("connector"), DEMO)
        .await
        .result()
        .clone();
    assert_eq!(
        (
            networks.as_array().unwrap().len(),
            connectors.as_array().unwrap().len()
        ),
        (1, 1)
    );
    assert_eq!(networks[0]["description"], json!("ours"));
    let ours = [
        ("network", networks[0]["id"].as_str().unwrap()),
        ("connector", connectors[0]["id"].as_str().unwrap()),
    ];
    for (kind, id) in ours {
        assert!(id != CATALOG_ACME_LORAWAN_ID && id != CATALOG_ACME_TH_SENSOR_ID);
        assert_eq!(world.shares(DEMO, kind, id).await, [GLOBEX]);
    }
    // The catalog's and the partner's: not renamed, edited, shared or deleted.
    let after = [
        untouched(&world, "network", CATALOG_ACME_LORAWAN_ID).await,
        untouched(&world, "connector", CATALOG_ACME_TH_SENSOR_ID).await,
        untouched(&world, "network", &theirs_network).await,
        untouched(&world, "connector", &theirs_connector).await,
    ];
    assert_eq!(after, before);
    for (kind, id) in [
        ("network", &theirs_network),
        ("connector", &theirs_connector),
    ] {
        assert_eq!(world.shares(PARTNER, kind, id).await, [ACME]);
    }
    world.assert_no_changes().await;

    // Even an exclusive profile never deletes what is shared with it or the catalog.
    world.edit(
        "tagoform.yaml",
        "    name: ACME Production\n",
        "    name: ACME Production\n    exclusive: true\n",
    );
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
}

/// A `token_env` token of another profile, or of another account, is refused before any
/// write: with it, every request would act on another profile than the configured one.
#[tokio::test]
async fn a_token_env_token_of_another_profile_or_account_is_refused_before_any_write() {
    let mut world = World::start().await;
    world.write(
        "tagoform.yaml",
        acme_config!(
            "    token_env: ACME_TOKEN
networks:
  lorawan:
    profile: acme
    name: Field LoRaWAN
"
        ),
    );
    let staging = world.token_of(STAGING).await;
    for (token, owner, account, name) in [
        (
            PARTNER.to_owned(),
            GLOBEX,
            "64f1c2a9e3b1d40012ab3400",
            "Globex",
        ),
        (staging, STAGING, "6500a1b2c3d4e5f601234500", "ACME Staging"),
    ] {
        world.env.insert("ACME_TOKEN".into(), token);
        for command in [
            &["plan"][..],
            &["apply", "--auto-approve", "--lock=false"][..],
        ] {
            let (run, requests) = world.measured(command).await;
            run.code(1);
            assert_eq!(
                run.stderr,
                format!(
                    "error: cannot read the live state from TagoIO\n  caused by: profile `acme` \
                     ({ACME}): the token in ACME_TOKEN (its `token_env`) belongs to profile \
                     `{name}` ({owner}) of account {account}; nothing was changed: set \
                     ACME_TOKEN to a token of profile {ACME}\n"
                ),
                "{command:?}"
            );
            assert_eq!(writes(&requests), Counts::new(), "{command:?}");
        }
    }
    // Nothing was made anywhere.
    for (token, profile) in [(DEMO, ACME), (PARTNER, GLOBEX)] {
        let listed = world
            .api
            .get(
                &format!("/integration/network?filter[profile]={profile}"),
                token,
            )
            .await;
        assert_eq!(listed.result(), &json!([]));
    }
}

/// The configuration `doctor` runs against: a profile with a managed team and a token_env.
fn doctor_yaml() -> String {
    acme_config!(
        "    token_env: ACME_TOKEN
    team: [alice@acme.example]
"
    )
    .to_owned()
}

/// A world whose emulator clock agrees with this machine's, with ACME holding a network
/// shared with the partner and an invitation, and doctor's configuration written.
async fn doctor_world() -> World {
    let mut world = World::start().await;
    world.api.freeze(&chrono::Utc::now().to_rfc3339()).await;
    world.env.insert("ACME_TOKEN".into(), DEMO.into());
    world.write("tagoform.yaml", &doctor_yaml());
    let network = world.api.network(DEMO, "Field LoRaWAN").await;
    world.api.share(DEMO, "network", &network, GLOBEX).await;
    world.api.invite(DEMO, ACME, "alice@acme.example").await;
    world
}

/// Doctor's rows as (result, route) pairs, in order.
fn rows(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter(|line| !line.starts_with(' ') && !line.is_empty())
        .filter_map(|line| {
            let (word, rest) = line.split_once("  ")?;
            let route = rest.trim_start().split("  ").next()?.trim_end();
            Some((word.trim().to_owned(), route.to_owned()))
        })
        .collect()
}

fn healthy_rows(network: &str) -> Vec<(String, String)> {
    [
        ("ok", "GET /profile (account token)".to_owned()),
        ("ok", "Date header".to_owned()),
        ("ok", "GET /profile/current (account token)".to_owned()),
        ("ok", "GET /profile/current (ACME_TOKEN)".to_owned()),
        (
            "ok",
            "GET /integration/network?filter[profile]=…".to_owned(),
        ),
        (
            "ok",
            "GET /integration/connector?filter[profile]=…".to_owned(),
        ),
        ("ok", format!("GET /integration/network/{network}/share")),
        ("ok", format!("GET /profile/{ACME}/team")),
        ("skip", "429 answers".to_owned()),
    ]
    .into_iter()
    .map(|(word, route)| (word.to_owned(), route))
    .collect()
}

#[tokio::test]
async fn doctor_holds_against_the_emulator_and_writes_nothing() {
    let world = doctor_world().await;
    let network = world.object_id(DEMO, "network", "Field LoRaWAN").await;
    let (run, requests) = world.measured(&["doctor"]).await;
    run.code(0);
    assert_eq!(rows(&run.stdout), healthy_rows(&network));
    assert!(
        run.stdout.contains(
            "      found:    1 own networks in profile 6500a1b2c3d4e5f601234501; none for an unknown profile id\n"
        ),
        "{}",
        run.stdout
    );
    run.stdout_ends_with("\n8 held, 0 failed, 1 skipped.\n");
    // Reads only: no sign-in, no short-lived token, nothing else.
    assert_eq!(writes(&requests), Counts::new());
    assert!(requests.keys().all(|route| route.starts_with("GET ")));
}

/// One behaviour at a time that differs from tagoform's model: doctor names the row and
/// exits 1; plan and apply stop before any write where a write would be wrong.
#[tokio::test]
async fn doctor_names_each_behaviour_that_differs_and_apply_refuses_where_it_matters() {
    let mut world = doctor_world().await;
    let network = world.object_id(DEMO, "network", "Field LoRaWAN").await;
    let cases = [
        (
            Behaviour::NoShareRoute,
            format!("GET /integration/network/{network}/share"),
        ),
        (
            Behaviour::IgnoreProfileFilter,
            "GET /integration/network?filter[profile]=…".to_owned(),
        ),
        (
            Behaviour::TeamItemShape,
            format!("GET /profile/{ACME}/team"),
        ),
        (Behaviour::ClockOff(600), "Date header".to_owned()),
    ];
    for (behaviour, failing) in cases {
        let door = BehaviourDoor::open(&world.api, behaviour).await;
        world.url = door.url.clone();
        let run = world.run(&["doctor"]).await;
        run.code(1);
        let seen: Vec<(String, String)> = rows(&run.stdout)
            .into_iter()
            .filter(|(word, _)| word == "FAIL")
            .collect();
        let mut expected = vec![("FAIL".to_owned(), failing.clone())];
        if behaviour == Behaviour::IgnoreProfileFilter {
            expected.push((
                "FAIL".to_owned(),
                "GET /integration/connector?filter[profile]=…".to_owned(),
            ));
        }
        assert_eq!(seen, expected, "{behaviour:?}\n{}", run.stdout);
        drop(door);
    }
    world.url = world.api.emulator.url();

    // Where the model would make writes wrong, apply stops before any of them.
    world.write(
        "tagoform.yaml",
        "version: 1
external_profiles:
  globex: 64f1c2a9e3b1d40012ab34cd
profiles:
  acme:
    name: ACME Production
    token_env: ACME_TOKEN
networks:
  field:
    profile: acme
    name: Field LoRaWAN
    shared_with: []
  lorawan:
    profile: acme
    name: ACME LoRaWAN
    shared_with: [globex]
",
    );
    for (behaviour, cause) in [
        (
            Behaviour::NoShareRoute,
            format!(
                "  caused by: reading the shares of network `Field LoRaWAN` ({network}) in \
                 profile `acme`\n  caused by: the share list of network {network} did not \
                 answer as tagoform's model of the (unpublished) share routes expects; run \
                 `tagoform doctor` to see which route differs\n"
            ),
        ),
        (
            Behaviour::IgnoreProfileFilter,
            format!(
                "  caused by: the list of the networks of profile `acme` ({ACME}) asked for its \
                 own networks only (`filter[profile]`) but holds public (catalog) ones: this \
                 API does not filter as tagoform expects, so nothing is planned; run \
                 `tagoform doctor`\n"
            ),
        ),
    ] {
        let door = BehaviourDoor::open(&world.api, behaviour).await;
        world.url = door.url.clone();
        let (run, requests) = world
            .measured(&["apply", "--auto-approve", "--lock=false"])
            .await;
        run.code(1);
        assert!(
            run.stderr
                .starts_with("error: cannot read the live state from TagoIO\n"),
            "{behaviour:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(&cause), "{behaviour:?}: {}", run.stderr);
        assert_eq!(writes(&requests), Counts::new(), "{behaviour:?}");
        drop(door);
    }
}

/// An answer that lists one id three times, under different names, is refused as malformed:
/// which name is right cannot be known, and the first is not simply taken.
#[tokio::test]
async fn an_answer_with_a_repeated_id_is_refused_as_malformed() {
    let mut world = World::start().await;
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    team: [bob@acme.example]\n",
    );
    let door = BehaviourDoor::open(&world.api, Behaviour::RepeatedProfile).await;
    world.url = door.url.clone();
    let (run, requests) = world
        .measured(&["apply", "--auto-approve", "--lock=false"])
        .await;
    run.code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: cannot read the live state from TagoIO\n  caused by: the answer listing the \
             account's profiles holds the id {ACME} more than once: refused as malformed \
             (nothing is planned on an answer that contradicts itself)\n"
        )
    );
    assert_eq!(writes(&requests), Counts::new());
}

/// With `allocation` or `addons` managed, doctor also reads the two billing routes, and
/// only reads them.
#[tokio::test]
async fn doctor_checks_the_billing_routes_when_allocation_is_managed() {
    let world = doctor_world().await;
    world.write(
        "tagoform.yaml",
        &format!("{}    allocation: {{input: 1000}}\n", doctor_yaml()),
    );
    let (run, requests) = world.measured(&["doctor"]).await;
    run.code(0);
    let rows = rows(&run.stdout);
    assert_eq!(
        &rows[rows.len() - 4..rows.len() - 1],
        [
            ("ok".to_owned(), "GET /account/allocation".to_owned()),
            ("ok".to_owned(), "GET /account/subscription".to_owned()),
            (
                "ok".to_owned(),
                "GET /account/subscription/schedule".to_owned()
            ),
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("2 profiles, all nine services"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("0 add-on holder(s), cycle ends ")
            && run.stdout.contains("nothing scheduled"),
        "{}",
        run.stdout
    );
    run.stdout_ends_with("\n11 held, 0 failed, 1 skipped.\n");
    assert!(requests.keys().all(|route| route.starts_with("GET ")));
}
