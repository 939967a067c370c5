//! The apply lock (`src/lock/`), end to end: one apply at a time per account; two applies of
//! different configurations end as exactly one of them; a lapsed lock is taken over and its
//! holder stops; `tagoform unlock`; the lock moves before its profile is deleted; and what
//! happens without the password.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use tagoform::api::{Client, Token};
use tagoform::apply::{self, Status};
use tagoform::emulator::seed::{Seed, SeedProfile, DEMO_EMAIL};
use tagoform::emulator::EmulatorConfig;
use tagoform::live;
use tagoform::lock::{self, holder, AccountLock, LockSettings};

use super::support::hardening::{assert_state_matches, load, seed, two_configurations};
use super::support::world::*;

fn client(world: &World) -> Client {
    Client::builder(&world.url)
        .token(Token::new(DEMO))
        .build()
        .unwrap()
}

/// A lock the test holds, as another apply would: no confirmation while the test runs.
async fn hold(world: &World) -> AccountLock {
    hold_with_client(world).await.0
}

/// [`hold`], with the client the lock confirms through: a request on it shows the lock's
/// confirmations the server's clock after a test moved it (a run sees time pass; a test jumps).
async fn hold_with_client(world: &World) -> (AccountLock, Client) {
    let settings = LockSettings {
        confirm_every: Duration::from_secs(3600),
        ..LockSettings::default()
    };
    let client = client(world);
    let held = lock::acquire(&client, &demo_credentials(), settings, "tester@ci", |_| {})
        .await
        .unwrap();
    (held, client)
}

/// How a waiting or refused apply names the one live lock, read back from the account.
async fn holder_line(world: &World) -> String {
    let locks = lock::list(&client(world)).await.unwrap();
    assert_eq!(locks.len(), 1, "one live lock");
    holder::holder(&locks[0].1).unwrap().to_string()
}

fn refusal(line: &str, run_id: &str) -> String {
    format!(
        "error: another apply holds the lock on this account ({line}); nothing was changed. \
         Wait for it to finish (or pass --lock-timeout 10m to wait), or, if it crashed, run \
         `tagoform unlock {run_id}` (it also lapses on its own)\n"
    )
}

#[tokio::test]
async fn an_apply_refuses_while_another_holds_the_lock_and_reads_nothing() {
    let world = World::start().await;
    let config = world.example("quickstart");
    let held = hold(&world).await;
    let line = holder_line(&world).await;
    assert!(
        line.starts_with(&format!("lock {} by ", held.run_id())),
        "{line}"
    );
    assert_eq!(held.profile(), ACME, "the oldest profile of the account");

    let (run, requests) = world.measured(&["apply", &config, "--auto-approve"]).await;
    run.code(4);
    assert_eq!(run.stderr, refusal(&line, held.run_id()));
    assert_eq!(run.stdout, "");
    // It planned (the profile ACME does not exist yet: one list), tried the lock once, gave
    // way, and read nothing more.
    assert_eq!(requests, with_lock_reads(counts(&[("GET /profile", 1)])));
    assert_eq!(holder_line(&world).await, line, "the holder's lock stays");

    assert!(held.release().await.is_empty());
    assert!(lock::list(&client(&world)).await.unwrap().is_empty());
    let run = world.run(&["apply", &config, "--auto-approve"]).await;
    run.code(0);
    run.stdout_ends_with("Apply finished: 6 done, 0 failed, 0 skipped.\n");
    assert!(lock::list(&client(&world)).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_apply_waits_for_the_lock_then_plans_what_the_holder_left() {
    let world = World::start().await;
    let config = world.example("quickstart");
    let held = hold(&world).await;
    let line = holder_line(&world).await;
    let mut args = vec!["apply", &config, "--auto-approve", "--lock-timeout", "60s"];
    args.extend(["--api", &world.url]);
    let mut child = world
        .command(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = stderr.next_line().await.unwrap().unwrap();
    assert_eq!(
        first,
        format!("Waiting up to 60 s for the apply lock ({line})...")
    );

    // While it waits, the holder makes the configuration's team change itself.
    let acme = world.api.create_profile(DEMO, "ACME").await;
    world.api.invite(DEMO, &acme, "alice@acme.example").await;
    // While it waits it only reads: the lock tokens made so far are the holder's and the
    // one of its first try.
    assert_eq!(world.stats().await["POST /profile/{id}/token"], 2);
    assert!(held.release().await.is_empty());

    let (output, rest) = tokio::join!(child.wait_with_output(), async {
        let mut rest = Vec::new();
        while let Some(line) = stderr.next_line().await.unwrap() {
            rest.push(line);
        }
        rest.sort();
        rest
    });
    let output = output.unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    // It planned after the holder was done: the profile and its invitation were there.
    assert!(!stdout.contains("create profile"), "{stdout}");
    assert!(!stdout.contains("invite"), "{stdout}");
    assert!(
        stdout.ends_with("Apply finished: 4 done, 0 failed, 0 skipped.\n"),
        "{stdout}"
    );
    // Then only its own progress: nothing that the holder had already done.
    assert_eq!(
        rest,
        [
            "  done: create connector `acme-th-sensor` named \"ACME TH Sensor\"",
            "  done: create network `acme-lorawan` named \"ACME LoRaWAN\"",
            "  done: share connector `acme-th-sensor` with `partner` (64f1c2a9e3b1d40012ab34cd)",
            "  done: share network `acme-lorawan` with `partner` (64f1c2a9e3b1d40012ab34cd)",
        ]
    );
    assert_eq!(world.profile_ids("ACME").await, vec![acme]);
}

/// A world whose demo account has the two given configurations' team members.
async fn soak_world(
    a: &super::support::hardening::Spec,
    b: &super::support::hardening::Spec,
) -> World {
    let api = Api::with(EmulatorConfig {
        seed: seed(&[a, b]),
        ..EmulatorConfig::default()
    })
    .await;
    World::on(api).await
}

/// Two applies of different configurations of the same objects, started together, round
/// after round: both succeed, one after the other, and the account is exactly one of the
/// two configurations (the plan of one is empty, the other's is not), never a mix.
/// `TAGOFORM_LOCK_ROUNDS` sets the rounds; `TAGOFORM_LOCK_OFF=1` runs the applies with
/// `--lock=false`, to see this test catch the mix the lock prevents.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn different_configurations_at_once_end_as_exactly_one_of_them() {
    let rounds = std::env::var("TAGOFORM_LOCK_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let lock = match std::env::var("TAGOFORM_LOCK_OFF").as_deref() {
        Ok("1") => "--lock=false",
        _ => "--lock=true",
    };
    let dir = tempfile::tempdir().unwrap();
    let ((dir_a, spec_a), (dir_b, spec_b)) = two_configurations(dir.path(), 3);
    load(&dir_a);
    load(&dir_b);
    let world = soak_world(&spec_a, &spec_b).await;
    let (a, b) = (dir_a.to_str().unwrap(), dir_b.to_str().unwrap());
    let mut last = Vec::new();
    for round in 0..rounds {
        world.api.admin(reqwest::Method::POST, "/reset", None).await;
        let apply = |dir, tokens| {
            let lock = [lock, "--lock-timeout", "120s", "--max-removals", "100"];
            let lock = [lock.as_slice(), &["--tokens-out", tokens]].concat();
            [["apply", dir, "--auto-approve"].as_slice(), &lock].concat()
        };
        let (args_a, args_b) = (apply(a, "tokens-a.json"), apply(b, "tokens-b.json"));
        let (run_a, run_b) = tokio::join!(world.run(&args_a), world.run(&args_b));
        run_a.code(0);
        run_b.code(0);
        let (plan_a, plan_b) = (
            world.run(&["plan", a, "--detailed-exitcode"]).await,
            world.run(&["plan", b, "--detailed-exitcode"]).await,
        );
        let (winner, spec) = match (plan_a.code, plan_b.code) {
            (0, 2) => ("a", &spec_a),
            (2, 0) => ("b", &spec_b),
            codes => {
                panic!("round {round}: plan exit codes {codes:?}: a mix\n{plan_a:?}\n{plan_b:?}")
            }
        };
        assert_state_matches(world.api.emulator.state(), spec);
        assert!(lock::list(&client(&world)).await.unwrap().is_empty());
        last.push(winner);
    }
    assert_eq!(last.len(), rounds);
}

#[tokio::test]
async fn a_lapsed_lock_is_taken_over_and_its_holder_then_writes_nothing() {
    let world = World::start().await;
    let config = world.example("quickstart");
    let (held, holder_client) = hold_with_client(&world).await;
    // Past the 15-minute lease by the server's clock: the holder seems to have crashed.
    world.api.advance(16 * 60).await;
    let (run, requests) = world.measured(&["apply", &config, "--auto-approve"]).await;
    run.code(0);
    // It took the lock, removed the lapsed token, and gave its own back.
    assert_eq!(
        requests.get("DELETE /profile/{id}/token/{token}").copied(),
        Some(3),
        "the lapsed lock, its own, and the new profile's short-lived token: {requests:?}"
    );
    assert!(lock::list(&client(&world)).await.unwrap().is_empty());

    // The holder learns it when it next confirms its lock, and from then on starts nothing.
    let reason = format!(
        "its token on profile {ACME} was removed or lapsed, so another run may hold the lock now"
    );
    holder_client.profiles_list().await.unwrap();
    let error = held.confirm().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("the apply lock was lost: {reason}")
    );
    let refused = format!("the apply lock was lost ({reason})");
    assert_eq!(held.check(), Err(refused.clone()));

    world.edit(
        &format!("{config}/tagoform.yaml"),
        "      - alice@acme.example\n",
        "      - bob@acme.example\n",
    );
    let desired = load(&world.path(&config));
    let access = demo_access(client(&world));
    let snapshot = live::fetch(&desired, &access, 4).await.unwrap();
    let now = client(&world)
        .server_time()
        .unwrap_or_else(chrono::Utc::now);
    let plan = tagoform::plan::plan(&desired, &snapshot, now).unwrap();
    assert_eq!(plan.operations.len(), 2, "invite bob, remove alice");
    let before = world.stats().await;
    let report = apply::apply_guarded(&plan, &access, &held, 4, None, |_, _| {}).await;
    let after = world.stats().await;
    assert_eq!(after, before, "not one request");
    for outcome in &report.outcomes {
        assert_eq!(
            outcome.status,
            Status::Failed(apply::Failure {
                message: format!("not attempted: {refused}"),
                transient: true,
            })
        );
    }
    assert!(access.close().await.is_empty());
}

#[tokio::test]
async fn unlock_lists_the_locks_and_removes_one_by_its_run_id() {
    let world = World::start().await;
    let held = hold(&world).await;
    let line = holder_line(&world).await;
    let run = world.run(&["unlock"]).await;
    run.code(0);
    assert_eq!(run.stdout, format!("{line} (on profile {ACME})\n"));

    let run = world.run(&["unlock", "0000000000000000"]).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: no live apply lock has the run id `0000000000000000` (live: {}); nothing \
             was removed\n",
            held.run_id()
        )
    );
    assert_eq!(holder_line(&world).await, line);

    let run = world.run(&["unlock", held.run_id()]).await;
    run.code(0);
    assert_eq!(
        run.stdout,
        format!(
            "Removed the apply lock {}. If that apply is still running, it stops starting \
             operations when it next confirms its lock (within a minute).\n",
            held.run_id()
        )
    );
    let run = world.run(&["unlock"]).await;
    run.code(0);
    assert_eq!(run.stdout, "No apply holds the lock.\n");
    assert!(held.confirm().await.is_err());
    assert!(held.check().is_err());
}

/// The demo seed with one more profile of the demo account, older than the others: the
/// lock profile, and one a configuration may delete.
async fn world_with_an_oldest_profile() -> World {
    let mut seed = Seed::demo();
    let demo = seed
        .accounts
        .iter_mut()
        .find(|account| account.email == DEMO_EMAIL)
        .unwrap();
    demo.profiles.push(SeedProfile {
        name: "Old".to_owned(),
        id: Some(OLDEST.to_owned()),
        tokens: Vec::new(),
    });
    World::on(
        Api::with(EmulatorConfig {
            seed,
            ..EmulatorConfig::default()
        })
        .await,
    )
    .await
}

const OLDEST: &str = "6500a1b2c3d4e5f601234400";

#[tokio::test]
async fn before_deleting_the_lock_profile_an_apply_also_locks_the_next_oldest() {
    let world = world_with_an_oldest_profile().await;
    world.write(
        "old.yaml",
        "version: 1\nprofiles:\n  old:\n    name: Old\n    delete: true\n",
    );
    let (run, requests) = world
        .measured(&["apply", "old.yaml", "--auto-approve", "--allow-delete"])
        .await;
    run.code(0);
    assert_eq!(
        writes(&requests),
        counts(&[
            ("DELETE /profile/{id}", 1),
            // The lock on the old profile went with it (404, counted) and the one on the
            // next oldest was given back.
            ("DELETE /profile/{id}/token/{token}", 2),
            ("POST /profile/{id}/token", 2),
        ])
    );

    // What that protects: a run that starts once the old profile is gone looks on the next
    // oldest, and finds the lock there.
    let world = world_with_an_oldest_profile().await;
    let held = hold(&world).await;
    assert_eq!(held.profile(), OLDEST);
    held.cover_deletions(&[OLDEST.to_owned()]).await.unwrap();
    let deleted = world
        .api
        .call(
            reqwest::Method::DELETE,
            &format!("/profile/{OLDEST}"),
            Some(DEMO),
            Some(serde_json::json!({"email": EMAIL, "password": PASSWORD})),
        )
        .await;
    deleted.result();
    let line = holder_line(&world).await;
    world.write("team.yaml", TEAM_ONLY);
    let run = world.run(&["apply", "team.yaml", "--auto-approve"]).await;
    run.code(4);
    assert_eq!(run.stderr, refusal(&line, held.run_id()));
    // Confirmations go on without the deleted profile: the lock is held on the next oldest.
    held.confirm().await.unwrap();
    assert_eq!(held.check(), Ok(()));
    let locks = lock::list(&client(&world)).await.unwrap();
    assert_eq!(locks.len(), 1);
    assert_eq!(locks[0].0, ACME);
    assert!(held.release().await.is_empty());
}

const TEAM_ONLY: &str =
    "version: 1\nprofiles:\n  staging:\n    name: ACME Staging\n    team: [bob@acme.example]\n";

#[tokio::test]
async fn without_the_password_apply_refuses_unless_the_lock_is_turned_off() {
    let mut world = World::start().await;
    world.env.remove("TAGOIO_EMAIL");
    world.env.remove("TAGOIO_PASSWORD");
    world.env.insert("ACME_TOKEN".into(), DEMO.into());
    world.write(
        "team.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    token_env: ACME_TOKEN\n    team: [bob@acme.example]\n",
    );
    let (run, requests) = world
        .measured(&["apply", "team.yaml", "--auto-approve"])
        .await;
    run.code(4);
    assert_eq!(
        run.stderr,
        "error: apply takes a lock on the account so that two applies never interleave; the \
         lock is an account token, which TagoIO makes only with the account password: set \
         TAGOIO_EMAIL and TAGOIO_PASSWORD (and TAGOIO_TOTP_SECRET or TAGOIO_PIN with \
         two-factor authentication), or pass --lock=false where applies cannot overlap; nothing was changed\n"
    );
    assert_eq!(requests, Counts::new());

    let (run, requests) = world
        .measured(&["apply", "team.yaml", "--auto-approve", "--lock=false"])
        .await;
    run.code(0);
    assert_eq!(writes(&requests), counts(&[("POST /profile/{id}/team", 1)]));
    assert_eq!(
        world.team(ACME).await,
        vec![("bob@acme.example".to_owned(), false)]
    );
}

/// The lock is one token whose expiry covers the whole lease (15 minutes by default, by the
/// server's clock): it is never renewed, so it costs one credential call (one two-factor code).
/// Confirming it reads the token list only.
#[tokio::test]
async fn the_lock_is_one_token_for_the_whole_lease_and_confirming_it_only_reads() {
    let world = World::start().await;
    let before_requests = world.stats().await;
    let (held, holder_client) = hold_with_client(&world).await;
    let locks = lock::list(&client(&world)).await.unwrap();
    assert_eq!(locks.len(), 1, "one lock token");
    let (value, expiry) = (locks[0].1.token.clone(), locks[0].1.expire_time.clone());
    assert_eq!(
        expiry,
        tagoform::api::types::ListedExpiry::At("2027-03-01T10:15:00Z".parse().unwrap()),
        "a lease of 15 minutes"
    );
    world.api.advance(10 * 60).await;
    holder_client.profiles_list().await.unwrap();
    held.confirm().await.unwrap();
    assert_eq!(held.check(), Ok(()));
    let locks = lock::list(&client(&world)).await.unwrap();
    assert_eq!(
        (locks.len(), &locks[0].1.token),
        (1, &value),
        "the same token"
    );
    let mut requests = world.stats().await;
    for (route, n) in before_requests {
        *requests.entry(route).or_default() -= n;
    }
    requests.retain(|_, n| *n > 0);
    // Taking: the profiles, one token made, the list; then the test's reads and confirmation.
    assert_eq!(
        writes(&requests),
        counts(&[("POST /profile/{id}/token", 1)]),
        "one credential call in all"
    );
    assert!(held.release().await.is_empty());
    assert!(lock::list(&client(&world)).await.unwrap().is_empty());
}

/// A lock token's name is anyone's who can make tokens: `unlock` and apply's refusal show
/// its escape sequences and line breaks as `\u{...}`, never obey them or forge a line.
#[tokio::test]
async fn a_hostile_lock_holder_name_is_shown_escaped() {
    let world = World::start().await;
    let name =
        "tagoform (apply lock) evil\u{1b}[2J by x\nNo changes. TagoIO matches the configuration.";
    let body = serde_json::json!({
        "name": name, "permission": "full", "expire_time": "2027-03-01T11:00:00Z",
        "email": EMAIL, "password": PASSWORD,
    });
    world
        .api
        .post(&format!("/profile/{ACME}/token"), DEMO, body)
        .await
        .result();
    let shown = "lock evil\\u{1b}[2J by x\\u{a}No changes. TagoIO matches the configuration., \
                 taken at 2027-03-01 10:00:00 UTC, lapses at 11:00:00 UTC";

    let listed = world.run(&["unlock"]).await;
    listed.code(0);
    assert_eq!(listed.stdout, format!("{shown} (on profile {ACME})\n"));

    let config = world.example("quickstart");
    let refused = world.run(&["apply", &config, "--auto-approve"]).await;
    refused.code(4);
    assert_eq!(refused.stderr, refusal(shown, "evil\\u{1b}[2J"));

    let missing = world.run(&["unlock", "0000000000000000"]).await;
    missing.code(1);
    assert_eq!(
        missing.stderr,
        "error: no live apply lock has the run id `0000000000000000` (live: evil\\u{1b}[2J); \
         nothing was removed\n"
    );
}
