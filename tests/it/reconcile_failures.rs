//! Failures half-way: a failed operation does not stop independent ones, dependents are
//! skipped and listed, the summary counts all three and the exit code is 1; the next apply
//! finishes the job, after random failures or a crash too, and duplicates nothing.

use reqwest::Method;
use serde_json::json;

use super::support::snapshots::assert_snapshot;
use super::support::world::*;

fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines
}

/// The quickstart's apply after its plan `plan`, when the network's create failed on
/// `request` (`METHOD /path`): the profile and the invitation done, the network failed, and
/// the connector and the shares, which need it, skipped.
fn assert_network_create_failed(plan: &Run, apply: &Run, request: &str) {
    assert_eq!(
        apply.stdout,
        format!(
            "{}Apply finished: 2 done, 1 failed, 3 skipped.\nRun `tagoform apply` again to finish: \
             what failed may pass on its own (no answer, rate limits, TagoIO errors), and \
             operations are safe to repeat.\n",
            plan.stdout
        )
    );
    let network = "create network `acme-lorawan` named \"ACME LoRaWAN\"";
    let connector = "create connector `acme-th-sensor` named \"ACME TH Sensor\"";
    assert_eq!(
        sorted_lines(&apply.stderr),
        sorted_lines(&format!(
            "  done: create profile `acme` named \"ACME\"
  done: invite alice@acme.example to the team
  FAILED: {network}: {request}: 503 Service unavailable, try again
  skipped: {connector} (it needs: {network}, which did not succeed)
  skipped: share network `acme-lorawan` with `partner` ({GLOBEX}) (it needs: {network}, which did not succeed)
  skipped: share connector `acme-th-sensor` with `partner` ({GLOBEX}) (it needs: {connector}, which did not succeed)
"
        ))
    );
}

#[tokio::test]
async fn a_failed_create_skips_what_needs_it_and_the_next_apply_finishes_without_duplicates() {
    let mut world = World::start().await;
    let path = world.example("quickstart");
    // The network's create is refused twice: its first attempt, and the one made after the
    // list showed nothing was created.
    let door = world
        .faulty(vec![
            Fault::new(Method::POST, "/integration/network", 1, FaultMode::Refuse),
            Fault::new(Method::POST, "/integration/network", 2, FaultMode::Refuse),
        ])
        .await;
    let plan = world.run(&["plan", &path]).await;
    plan.code(0);
    let apply = world.run(&["apply", &path, "--auto-approve"]).await;
    apply.code(3);
    assert_eq!(door.injected(), 2);
    assert_network_create_failed(&plan, &apply, "POST /integration/network");
    drop(door);

    world.url = world.api.emulator.url();
    let rest = r#"Profile acme:
  + create network `acme-lorawan` named "ACME LoRaWAN"  # quickstart/tagoform.yaml:22:3
      description: "Private LoRaWAN network server of ACME"
      middleware_endpoint: "lns.acme.example"
  + create connector `acme-th-sensor` named "ACME TH Sensor"  # quickstart/tagoform.yaml:32:3
"#;
    let (again, requests) = world.measured(&["apply", &path, "--auto-approve"]).await;
    again.code(0);
    again.stdout_starts_with(rest);
    assert!(
        again.stdout.ends_with(
            "Notes:
  • acme: the invitation of alice@acme.example is pending since 2027-03-01, expires 2027-03-08; not sent again

Plan: 4 to add, 0 to change, 0 to remove.
Apply finished: 4 done, 0 failed, 0 skipped.
"
        ),
        "{}",
        again.stdout
    );
    let changes = [
        ("POST /integration/connector", 1),
        ("POST /integration/connector/{id}/share", 1),
        ("POST /integration/network", 1),
        ("POST /integration/network/{id}/share", 1),
    ];
    assert_eq!(writes(&requests), apply_writes(1, &changes));
    let acme = world.profile_id("ACME").await;
    assert_eq!(
        world.team(&acme).await,
        [("alice@acme.example".to_owned(), false)]
    );
    let token = world.token_of(&acme).await;
    assert_eq!(
        world
            .objects(&token, "network", &["name", "shared_with"])
            .await,
        json!([{"name": "ACME LoRaWAN", "shared_with": [GLOBEX]}])
    );
    assert_eq!(
        world
            .objects(&token, "connector", &["name", "shared_with"])
            .await,
        json!([{"name": "ACME TH Sensor", "shared_with": [GLOBEX]}])
    );
}

/// The emulator's own `--fail-rate`, without retries: runs fail at random places (reads,
/// sign-ins, writes); repeating apply converges, and the result is exactly the configuration,
/// once. (At 5%, a run's ~20 reads all succeed about a third of the time: 100 runs never
/// all fail in practice.)
#[tokio::test]
async fn applies_that_fail_at_random_places_converge_without_duplicates() {
    let state = tempfile::tempdir().unwrap();
    let state_file = state.path().join("api.json");
    let flaky = Api::with(tagoform::emulator::EmulatorConfig {
        state_file: Some(state_file.clone()),
        fail_rate: 0.05,
        rng_seed: Some(7),
        ..tagoform::emulator::EmulatorConfig::default()
    })
    .await;
    let mut world = World::on(flaky).await;
    let path = world.example("multi-customer");
    let mut runs = Vec::new();
    loop {
        let run = world
            .run(&[
                "apply",
                &path,
                "--auto-approve",
                "--max-attempts",
                "1",
                "--tokens-out",
                &format!("tokens-{}.json", runs.len()),
            ])
            .await;
        let finished = run.code == 0;
        runs.push(run);
        if finished || runs.len() == 100 {
            break;
        }
        // A failed run may leave its apply lock (its removal failed too): it lapses with
        // its lease, as it would while a person looks at the failure before running again.
        let lease = tagoform::lock::LockSettings::default().lease_minutes;
        world.api.advance(i64::from(lease) * 60 + 1).await;
    }
    assert_eq!(runs.last().unwrap().code, 0, "{:?}", runs.last());

    // The same state behind a healthy emulator: the flaky one lets go of the file first.
    let flaky = std::mem::replace(&mut world.api, Api::start().await);
    flaky.emulator.stop().await;
    world.api = Api::with(tagoform::emulator::EmulatorConfig {
        state_file: Some(state_file),
        ..tagoform::emulator::EmulatorConfig::default()
    })
    .await;
    world.url = world.api.emulator.url();
    world.assert_no_changes_in(&path).await;
    let northwind = world.profile_id("Northwind IoT").await;
    world.profile_id("Initech").await;
    let token = world.token_of(&northwind).await;
    assert_eq!(
        world.objects(&token, "network", &["name"]).await,
        json!([{"name": "Northwind LoRaWAN"}])
    );
    assert_eq!(
        world.objects(&token, "connector", &["name"]).await,
        json!([{"name": "Northwind TH Sensor"}, {"name": "Northwind Tracker"}])
    );
    let mut team = world.team(ACME).await;
    team.extend(world.team(&northwind).await);
    assert_eq!(team.len(), 3);
    let tokens = world.account_token_names(&[ACME, &northwind]).await;
    // Removing a run's lock or short-lived token may have failed (a 503 like any other
    // request), in the last run or in an earlier one whose token has not lapsed yet: such a
    // token is tagoform's own, lapses on its own, and the run that left it said so. Each
    // failed removal leaves one token and one warning.
    let (own, managed): (Vec<String>, Vec<String>) = tokens
        .into_iter()
        .partition(|name| name.starts_with(tagoform::config::RESERVED_TOKEN_PREFIX));
    let warned: usize = runs
        .iter()
        .map(|run| run.stderr.matches("warning: could not remove").count())
        .sum();
    assert!(own.len() <= warned, "{own:?} left, {warned} warnings");
    assert_eq!(
        managed,
        [
            "acme-dashboard",
            "ci-deploy",
            "grafana-readonly",
            "tagoform demo"
        ]
    );
}

/// An apply killed while a create is in flight (carried out, never answered): the next one
/// finds what was made, finishes, and duplicates nothing; the token value made before the
/// crash is already in --tokens-out.
#[tokio::test]
async fn an_apply_killed_half_way_is_finished_by_the_next_one() {
    let mut world = World::start().await;
    world.write(
        "tagoform.yaml",
        &format!(
            "version: 1
external_profiles:
  globex: {GLOBEX}
profiles:
  acme:
    name: ACME Production
    tokens:
      - name: ci
        permission: read
        expires: never
networks:
  field:
    profile: acme
    name: Field LoRaWAN
    shared_with: [globex]
connectors:
  sensor:
    profile: acme
    name: Sensor
    networks: [field]
    shared_with: [globex]
"
        ),
    );
    let fault = Fault::new(Method::POST, "/integration/network", 1, FaultMode::Hang);
    let door = world.faulty(vec![fault]).await;
    // One operation at a time: the token, then the network, whose answer never comes.
    let mut child = world.spawn(&[
        "apply",
        "--auto-approve",
        "--parallelism",
        "1",
        "--tokens-out",
        "tokens.json",
    ]);
    door.crashed().await;
    child.kill().await.unwrap();
    drop(door);
    world.url = world.api.emulator.url();

    let written: serde_json::Value = serde_json::from_str(&world.read("tokens.json")).unwrap();
    let live = world
        .api
        .get(
            &format!("/profile/{ACME}/token?fields[0]=name&fields[1]=token"),
            DEMO,
        )
        .await;
    let ci: Vec<&serde_json::Value> = live
        .result()
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["name"] == json!("ci"))
        .collect();
    assert_eq!(
        written,
        json!([{"profile": "acme", "name": "ci", "token": ci[0]["token"], "expires": "never"}])
    );

    let network = world.object_id(DEMO, "network", "Field LoRaWAN").await;
    // The killed run's apply lock stays (the clock is frozen: it never lapses here), so the
    // next apply is refused with the run id; whoever saw the crash removes the lock.
    let refused = world.run(&["apply", "--auto-approve"]).await;
    refused.code(4);
    let run_id = refused
        .stderr
        .split("run `tagoform unlock ")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap();
    world.run(&["unlock", run_id]).await.code(0);
    let apply = world.run(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert_snapshot(
        &apply.stdout,
        "reconcile_failures/crashed_apply_finished",
        &[("[NETWORK]", &network)],
    );
    assert_eq!(
        world
            .objects(DEMO, "network", &["name", "shared_with"])
            .await,
        json!([{"name": "Field LoRaWAN", "shared_with": [GLOBEX]}])
    );
    assert_eq!(
        world
            .objects(DEMO, "connector", &["name", "shared_with"])
            .await,
        json!([{"name": "Sensor", "shared_with": [GLOBEX]}])
    );
    assert_eq!(ci.len(), 1);
}

#[tokio::test]
async fn a_failed_check_for_concurrent_copies_fails_the_create_and_skips_what_needs_it() {
    let mut world = World::start().await;
    let path = world.example("quickstart");
    // The only network list of this apply is the one after the network's create.
    let fault = Fault::new(Method::GET, "/integration/network", 1, FaultMode::Refuse);
    let door = world.faulty(vec![fault]).await;
    let plan = world.run(&["plan", &path]).await;
    plan.code(0);
    let apply = world
        .run(&["apply", &path, "--auto-approve", "--max-attempts", "1"])
        .await;
    apply.code(3);
    assert_eq!(door.injected(), 1);
    // The network's dependents wait for its check, so they are skipped, not built on a
    // copy that might have been about to go.
    assert_network_create_failed(&plan, &apply, "GET /integration/network");
    drop(door);

    // The network was made: the next apply uses it and makes no second one.
    world.url = world.api.emulator.url();
    world.applied(&path, &[]).await;
    let acme = world.profile_id("ACME").await;
    let token = world.token_of(&acme).await;
    let networks = world.objects(&token, "network", &["name"]).await;
    assert_eq!(networks, json!([{"name": "ACME LoRaWAN"}]));
}
