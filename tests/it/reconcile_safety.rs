//! Safety: deletions need `--allow-delete`; more removals of members and shares than
//! `--max-removals` are refused; without a terminal only `--auto-approve` goes ahead. Every
//! refusal prints the whole plan first and writes nothing.

use serde_json::json;
use tokio::io::AsyncWriteExt;

use super::support::snapshots::assert_snapshot;
use super::support::world::*;

fn access_yaml(team: &str, shared_with: &str) -> String {
    format!(
        "version: 1
external_profiles:
  globex: {GLOBEX}
  globex-labs: {GLOBEX_LABS}
profiles:
  acme:
    name: ACME Production
    team: [{team}]
  staging:
    name: ACME Staging
connectors:
  sensor:
    profile: acme
    name: Sensor
    networks: [{{id: {TTN}}}]
    shared_with: [{shared_with}]
"
    )
}

#[tokio::test]
async fn more_removals_than_max_removals_are_refused_after_printing_the_plan() {
    let world = World::start().await;
    world.write(
        "tagoform.yaml",
        &access_yaml(
            "alice@acme.example, bob@acme.example",
            "globex, globex-labs, staging",
        ),
    );
    world.applied(".", &[]).await;
    world.accept("alice@acme.example").await;
    let connector = world.object_id(DEMO, "connector", "Sensor").await;

    world.write("tagoform.yaml", &access_yaml("", ""));
    let (refused, requests) = world
        .measured(&["apply", "--auto-approve", "--max-removals", "4"])
        .await;
    refused.code(4);
    assert_snapshot(&refused.stdout, "reconcile_safety/five_removals", &[]);
    assert_eq!(
        refused.stderr,
        "error: the plan removes 5 team members and shares, more than --max-removals 4; nothing \
         was changed. Check the removals above, then raise --max-removals if they are intended\n"
    );
    // Two sign-ins: ACME Production's objects, and ACME Staging's.
    assert_eq!(writes(&requests), sign_ins(2));

    // The default, 10, lets five through.
    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&refused.stdout, 5));
    let changes = [
        ("DELETE /integration/connector/{id}/share/{profile_id}", 3),
        ("DELETE /profile/{id}/team/{account_id}", 2),
    ];
    assert_eq!(writes(&requests), apply_writes(2, &changes));
    assert_eq!(world.team(ACME).await, []);
    assert_eq!(
        world
            .objects(DEMO, "connector", &["id", "shared_with"])
            .await,
        json!([{"id": connector, "shared_with": []}])
    );
}

#[tokio::test]
async fn deleting_a_profile_needs_allow_delete_and_the_password() {
    let world = World::start().await;
    let temp = world.api.create_profile(DEMO, "Temporary").await;
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  temp:\n    name: Temporary\n    delete: true\n",
    );
    let (refused, requests) = world.measured(&["apply", "--auto-approve"]).await;
    refused.code(4);
    assert_snapshot(
        &refused.stdout,
        "reconcile_safety/delete_profile",
        &[("[TEMP_PROFILE]", &temp)],
    );
    assert_eq!(
        refused.stderr,
        format!(
            "error: the plan deletes 1 object(s) (delete profile `temp` ({temp}) named \"Temporary\" \
             and everything in it); nothing was changed. Re-run with --allow-delete if that is intended\n"
        )
    );
    // Refused on the first plan: not even the lock was taken. A deleted profile's add-ons
    // would leave the subscription: its holders are read.
    assert_eq!(
        requests,
        counts(&[("GET /account/subscription", 1), ("GET /profile", 1)])
    );

    let (apply, requests) = world
        .measured(&["apply", "--auto-approve", "--allow-delete"])
        .await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&refused.stdout, 1));
    assert_eq!(
        requests,
        // The profile list is read before the lock and under it.
        with_lock_reads(counts(&[
            ("DELETE /profile/{id}", 1),
            ("GET /account/subscription", 2),
            ("GET /profile", 2)
        ]))
    );
    assert_eq!(world.profile_ids("Temporary").await, Vec::<String>::new());
    world.assert_no_changes().await;
}

#[tokio::test]
async fn without_a_terminal_only_auto_approve_goes_ahead() {
    let world = World::start().await;
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    team: [alice@acme.example]\n",
    );
    let (refused, requests) = world.measured(&["apply"]).await;
    refused.code(4);
    assert_snapshot(
        &refused.stdout,
        "reconcile_safety/invite_without_terminal",
        &[],
    );
    assert_eq!(
        refused.stderr,
        "error: no terminal to confirm on: re-run with --auto-approve to apply without asking; \
         nothing was changed\n"
    );
    assert_eq!(writes(&requests), with_lock(sign_ins(1)));
    assert_eq!(world.team(ACME).await, []);
}

#[tokio::test]
async fn a_tombstone_of_the_multi_customer_example_is_deleted_only_with_allow_delete() {
    let world = World::start().await;
    let path = world.example("multi-customer");
    world.applied(&path, &["--tokens-out", "tokens.json"]).await;
    let northwind = world.profile_id("Northwind IoT").await;
    let token = world.token_of(&northwind).await;
    let legacy = world
        .api
        .connector(&token, "Northwind GPS (legacy)", &[TTN])
        .await;
    let (refused, requests) = world.measured(&["apply", &path, "--auto-approve"]).await;
    refused.code(4);
    let line = format!("delete connector `legacy-gps` named \"Northwind GPS (legacy)\" ({legacy})");
    assert!(
        refused.stdout.starts_with(&format!(
            "Removals (review these first):\n  - {line} in profile northwind  # multi-customer/northwind.yaml:74:3\n"
        )),
        "{}",
        refused.stdout
    );
    assert_eq!(
        refused.stderr,
        format!(
            "error: the plan deletes 1 object(s) ({line}); nothing was changed. Re-run with \
             --allow-delete if that is intended\n"
        )
    );
    assert_eq!(writes(&requests), sign_ins(4));
    world.applied(&path, &["--allow-delete"]).await;
    assert_eq!(
        world.objects(&token, "connector", &["name"]).await,
        json!([{"name": "Northwind TH Sensor"}, {"name": "Northwind Tracker"}])
    );
}

/// The default limit is 10: ten removals go through, eleven are refused.
#[tokio::test]
async fn the_default_max_removals_is_ten() {
    let world = World::start().await;
    let yaml = |shares: [&str; 4]| {
        let mut yaml = format!(
            "version: 1\nexternal_profiles:\n  globex: {GLOBEX}\n  labs: {GLOBEX_LABS}\nprofiles:\n  acme:\n    name: ACME Production\n  staging:\n    name: ACME Staging\nconnectors:\n"
        );
        for (n, shared_with) in shares.iter().enumerate() {
            yaml.push_str(&format!(
                "  c{n}:\n    profile: acme\n    name: C{n}\n    networks: [{{id: {TTN}}}]\n    shared_with: [{shared_with}]\n"
            ));
        }
        yaml
    };
    let all = "globex, labs, staging";
    world.write("tagoform.yaml", &yaml([all, all, all, "globex, labs"]));
    world.applied(".", &[]).await;
    world.write("tagoform.yaml", &yaml(["", "", "", ""]));
    let (refused, requests) = world.measured(&["apply", "--auto-approve"]).await;
    refused.code(4);
    refused.stdout_ends_with("Plan: 0 to add, 0 to change, 11 to remove.\n");
    assert!(refused.stderr.starts_with(
        "error: the plan removes 11 team members and shares, more than --max-removals 10;"
    ));
    assert_eq!(writes(&requests), sign_ins(2));

    world.write("tagoform.yaml", &yaml(["", "", "", "globex"]));
    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(
        writes(&requests),
        apply_writes(
            2,
            &[("DELETE /integration/connector/{id}/share/{profile_id}", 10,)]
        )
    );
}

/// On a terminal apply asks, and only `yes` goes ahead. The terminal is a pseudo-terminal
/// from util-linux `script`.
#[tokio::test]
async fn on_a_terminal_only_yes_applies() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: util-linux `script` (a pseudo-terminal) is not installed");
        return;
    }
    let world = World::start().await;
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    team: [alice@acme.example]\n",
    );
    let binary = env!("CARGO_BIN_EXE_tagoform");
    let line = format!("{binary} apply --color never --api {}", world.url);
    for (answer, code, last, invited) in [
        ("y", 4, "Apply cancelled; nothing was changed.", false),
        (
            "yes",
            0,
            "Apply finished: 1 done, 0 failed, 0 skipped.",
            true,
        ),
    ] {
        let mut script = world.command_of("script", &["-qec", &line, "/dev/null"]);
        script
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = script.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(format!("{answer}\n").as_bytes())
            .await
            .unwrap();
        drop(stdin);
        let output = child.wait_with_output().await.unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
        assert_eq!(output.status.code(), Some(code), "{stdout}");
        assert!(
            stdout.contains("Apply these changes to TagoIO? Only `yes` is accepted: "),
            "{stdout}"
        );
        // The read-phase spinner shows its message, never an empty `0/0` bar.
        assert!(!stdout.contains("0/0"), "{stdout}");
        assert!(stdout.contains(last), "{stdout}");
        assert_eq!(
            world.team(ACME).await,
            if invited {
                vec![("alice@acme.example".to_owned(), false)]
            } else {
                vec![]
            }
        );
    }
}
