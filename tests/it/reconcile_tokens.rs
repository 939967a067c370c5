//! Account tokens: managed by name; a change of permission or expiry replaces the token
//! (create, then delete the old); the new value goes to `--tokens-out` only (mode 0600) and
//! no output, log or plan file ever holds a token value or the password.

use reqwest::Method;
use serde_json::{json, Value};

use super::reconcile_support::*;

fn tokens_yaml(permission: &str, expires: &str) -> String {
    format!(
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    tokens:\n      - name: ci\n        permission: {permission}\n        expires: {expires}\n"
    )
}

/// The live `ci` tokens of ACME Production: (value, permission, type), by type (tokens made
/// at one frozen instant have no other order).
async fn live_ci(world: &World) -> Vec<(String, String, String)> {
    let path = format!(
        "/profile/{ACME}/token?amount=1000&orderBy=created_at,asc&fields[0]=name&fields[1]=token&fields[2]=permission&fields[3]=type"
    );
    let answer = world.api.get(&path, DEMO).await;
    let mut tokens = answer
        .result()
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["name"] == json!("ci"))
        .map(|t| {
            let s = |k: &str| t[k].as_str().unwrap().to_owned();
            (s("token"), s("permission"), s("type"))
        })
        .collect::<Vec<_>>();
    tokens.sort_by(|a, b| a.2.cmp(&b.2));
    tokens
}

fn tokens_out(world: &World, file: &str) -> Value {
    let path = world.path(file);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file}");
    }
    serde_json::from_str(&world.read(file)).unwrap()
}

#[tokio::test]
async fn a_permission_change_replaces_the_token_and_its_value_goes_only_to_tokens_out() {
    let world = World::start().await;
    // A token TagoIO made at a login, named like the managed one: never touched.
    let login = world
        .api
        .call(
            Method::POST,
            "/account/profile/token",
            None,
            Some(json!({"email": EMAIL, "password": PASSWORD, "profile_id": ACME, "name": "ci"})),
        )
        .await
        .result()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    world.write("tagoform.yaml", &tokens_yaml("read", "never"));
    let mut outputs = Vec::new();

    let create = "Profile acme:
  + create token `ci` (read access, expires never)  # tagoform.yaml:6:9
      permission: \"read\"
      expires: \"never\"

Plan: 1 to add, 0 to change, 0 to remove.
";
    // Without --tokens-out the new value would be lost: refused before any change.
    let (refused, requests) = world.measured(&["apply", "--auto-approve"]).await;
    refused.code(1);
    assert_eq!(refused.stdout, create);
    assert_eq!(
        refused.stderr,
        "error: the plan creates tokens, and their values are shown only once: pass --tokens-out \
         FILE to keep them; nothing was changed\n"
    );
    assert_eq!(writes(&requests), with_lock(sign_ins(1)));
    assert_eq!(live_ci(&world).await.len(), 1);
    outputs.push(refused);

    let (apply, requests) = world
        .measured(&[
            "-vv",
            "apply",
            "--auto-approve",
            "--tokens-out",
            "first.json",
        ])
        .await;
    apply.code(0);
    assert_eq!(
        apply.stdout,
        format!("{create}Apply finished: 1 done, 0 failed, 0 skipped.\n")
    );
    let mut expected = sign_ins(1);
    expected.extend(counts(&[("POST /profile/{id}/token", 1)]));
    assert_eq!(writes(&requests), with_lock(expected));
    let live = live_ci(&world).await;
    let first = live
        .iter()
        .find(|(_, _, kind)| kind == "account")
        .unwrap()
        .0
        .clone();
    assert_eq!(
        live,
        [
            (first.clone(), "read".to_owned(), "account".to_owned()),
            (login.clone(), "full".to_owned(), "login".to_owned())
        ]
    );
    assert_eq!(
        tokens_out(&world, "first.json"),
        json!([{"profile": "acme", "name": "ci", "token": first, "expires": "never"}])
    );
    outputs.push(apply);

    // read → write: replaced, through a saved plan.
    world.write("tagoform.yaml", &tokens_yaml("write", "never"));
    let replace = "Profile acme:
  -/+ replace token `ci` with a new one (write access, expires never); the old one is deleted after  # tagoform.yaml:6:9
      permission: \"read\" → \"write\"

Plan: 1 to add, 0 to change, 1 to remove.
";
    let plan = world
        .run(&["-vv", "plan", "--out", "saved.json", "--detailed-exitcode"])
        .await;
    plan.code(2);
    assert_eq!(plan.stdout, replace);
    outputs.push(plan);
    let (apply, requests) = world
        .measured(&[
            "-vv",
            "apply",
            "--plan",
            "saved.json",
            "--auto-approve",
            "--tokens-out",
            "second.json",
        ])
        .await;
    apply.code(0);
    assert_eq!(
        apply.stdout,
        format!("{replace}Apply finished: 1 done, 0 failed, 0 skipped.\n")
    );
    let mut expected = sign_ins(1);
    expected.extend(counts(&[
        ("DELETE /profile/{id}/token/{token}", 2),
        ("POST /profile/{id}/token", 1),
    ]));
    assert_eq!(writes(&requests), with_lock(expected));
    let live = live_ci(&world).await;
    let second = live
        .iter()
        .find(|(_, _, kind)| kind == "account")
        .unwrap()
        .0
        .clone();
    assert_eq!(
        live,
        [
            (second.clone(), "write".to_owned(), "account".to_owned()),
            (login.clone(), "full".to_owned(), "login".to_owned())
        ]
    );
    assert_eq!(
        tokens_out(&world, "second.json"),
        json!([{"profile": "acme", "name": "ci", "token": second, "expires": "never"}])
    );
    outputs.push(apply);
    let plan = world.run(&["-vv", "plan", "--detailed-exitcode"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        "No changes. TagoIO matches the configuration.\n"
    );
    outputs.push(plan);

    // Not a byte of any output, log, or other file holds a secret.
    let mut haystacks: Vec<(String, Vec<u8>)> = outputs
        .iter()
        .enumerate()
        .flat_map(|(i, run)| {
            [
                (
                    format!("stdout of run {i}"),
                    run.stdout.clone().into_bytes(),
                ),
                (
                    format!("stderr of run {i}"),
                    run.stderr.clone().into_bytes(),
                ),
            ]
        })
        .collect();
    for entry in walk(world.dir.path()) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        if name != "first.json" && name != "second.json" {
            haystacks.push((entry.display().to_string(), std::fs::read(&entry).unwrap()));
        }
    }
    assert!(haystacks
        .iter()
        .any(|(name, _)| name.ends_with("saved.json")));
    assert!(outputs[1].stderr.contains("POST"), "-vv logs requests");
    for secret in [
        first.as_str(),
        second.as_str(),
        login.as_str(),
        DEMO,
        PASSWORD,
    ] {
        for (name, bytes) in &haystacks {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{name} holds a secret"
            );
        }
    }
}

fn walk(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test]
async fn a_token_with_a_period_is_in_line_until_it_expires_then_replaced() {
    let world = World::start().await;
    world.write("tagoform.yaml", &tokens_yaml("read", "30 days"));
    world.applied(".", &["--tokens-out", "t.json"]).await;
    world.api.advance(29 * 24 * 3600).await;
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        "No changes. TagoIO matches the configuration.\n"
    );

    world.api.advance(2 * 24 * 3600).await;
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(2);
    assert_eq!(
        plan.stdout,
        "Profile acme:
  -/+ replace token `ci` with a new one (read access, expires 30 days); the old one is deleted after  # tagoform.yaml:6:9
      expires: \"2027-03-31T10:00:00+00:00 (expired)\" → \"30 days\"

Plan: 1 to add, 0 to change, 1 to remove.
"
    );
}

#[tokio::test]
async fn creating_a_token_without_the_password_is_refused_before_any_change() {
    let mut world = World::start().await;
    world.write(
        "tagoform.yaml",
        &tokens_yaml("read", "never").replace(
            "    name: ACME Production\n",
            "    name: ACME Production\n    token_env: ACME_TOKEN\n",
        ),
    );
    world.env.remove("TAGOIO_EMAIL");
    world.env.remove("TAGOIO_PASSWORD");
    world.env.insert("ACME_TOKEN".into(), DEMO.into());
    // Without the password the apply lock cannot be taken either (`hardening_lock`); with
    // the lock off, the plan's token is what is refused.
    let (refused, requests) = world
        .measured(&[
            "apply",
            "--auto-approve",
            "--tokens-out",
            "t.json",
            "--lock=false",
        ])
        .await;
    refused.code(1);
    assert_eq!(
        refused.stderr,
        "error: the plan creates tokens, which needs the account password: set TAGOIO_EMAIL and \
         TAGOIO_PASSWORD (and TAGOIO_PIN with two-factor authentication); nothing was changed\n"
    );
    assert_eq!(writes(&requests), counts(&[]));
    assert!(!world.path("t.json").exists());
}

#[tokio::test]
async fn a_replacement_made_at_the_same_instant_as_the_old_token_keeps_the_new_one() {
    // The emulator's clock is frozen: the old and the new token share their creation time
    // and permission, and only the new one may stay.
    let world = World::start().await;
    world.write("tagoform.yaml", &tokens_yaml("read", "never"));
    world.applied(".", &["--tokens-out", "first.json"]).await;
    world.write("tagoform.yaml", &tokens_yaml("read", "2030-12-31"));
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(2);
    assert_eq!(
        plan.stdout,
        "Profile acme:
  -/+ replace token `ci` with a new one (read access, expires 2030-12-31); the old one is deleted after  # tagoform.yaml:6:9
      expires: \"never\" → \"2030-12-31\"

Plan: 1 to add, 0 to change, 1 to remove.
"
    );
    world.applied(".", &["--tokens-out", "second.json"]).await;
    let second = tokens_out(&world, "second.json");
    assert_eq!(
        live_ci(&world).await,
        [(
            second[0]["token"].as_str().unwrap().to_owned(),
            "read".to_owned(),
            "account".to_owned()
        )]
    );
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
}

#[tokio::test]
async fn the_token_this_run_authenticates_with_is_replaced_but_kept_until_no_longer_in_use() {
    let mut world = World::start().await;
    world.write(
        "tagoform.yaml",
        "version: 1
profiles:
  acme:
    name: ACME Production
    team: [alice@acme.example]
    tokens:
      - name: tagoform demo
        permission: full
        expires: 2030-12-31
",
    );
    // One operation at a time, replacement first: the invitation after it must still work.
    let (apply, requests) = world
        .measured(&[
            "apply",
            "--auto-approve",
            "--parallelism",
            "1",
            "--tokens-out",
            "t.json",
        ])
        .await;
    apply.code(1);
    assert!(
        apply
            .stdout
            .ends_with("Apply finished: 1 done, 1 failed, 0 skipped.\nRun `tagoform apply` again to finish: operations are safe to repeat.\n"),
        "{}",
        apply.stdout
    );
    assert_eq!(
        apply.stderr,
        "  FAILED: replace token `tagoform demo` with a new one (full access, expires 2030-12-31); \
         the old one is deleted after: the old token `tagoform demo` is the one this run \
         authenticates with, so it was kept; switch to the new one (its value went to \
         --tokens-out when it was made), then apply again to delete the old one
  done: invite alice@acme.example to the team
Wrote 1 new token value(s) to t.json.
"
    );
    let mut expected = sign_ins(1);
    expected.extend(counts(&[
        ("POST /profile/{id}/team", 1),
        ("POST /profile/{id}/token", 1),
    ]));
    assert_eq!(writes(&requests), with_lock(expected));
    let new = tokens_out(&world, "t.json")[0]["token"]
        .as_str()
        .unwrap()
        .to_owned();

    // Switched to the new token: the old one goes.
    world.env.insert("TAGOIO_TOKEN".into(), new.clone());
    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert!(
        apply.stdout.starts_with(
            "Removals (review these first):\n  - delete the outdated token `tagoform demo` (full access, created "
        ),
        "{}",
        apply.stdout
    );
    let mut expected = sign_ins(1);
    expected.extend(counts(&[("DELETE /profile/{id}/token/{token}", 2)]));
    assert_eq!(writes(&requests), with_lock(expected));
    let listed = world
        .api
        .get(
            &format!("/profile/{ACME}/token?fields[0]=name&fields[1]=token&fields[2]=permission"),
            &new,
        )
        .await;
    assert_eq!(
        listed.result(),
        &json!([{"name": "tagoform demo", "token": new, "permission": "full"}])
    );
}

#[tokio::test]
async fn a_tokens_out_that_cannot_be_written_is_refused_before_anything_is_read() {
    let world = World::start().await;
    world.write("tagoform.yaml", &tokens_yaml("read", "never"));
    let (refused, requests) = world
        .measured(&[
            "apply",
            "--auto-approve",
            "--tokens-out",
            "missing/tokens.json",
        ])
        .await;
    refused.code(1);
    assert_eq!(
        refused.stderr,
        "error: cannot write `missing/tokens.json`\n  caused by: No such file or directory (os error 2)\n"
    );
    assert_eq!(requests, counts(&[]));

    // Readable by others: refused too, before anything is read.
    world.write("open.json", "[]");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            world.path("open.json"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let (refused, requests) = world
            .measured(&["apply", "--auto-approve", "--tokens-out", "open.json"])
            .await;
        refused.code(1);
        assert_eq!(
            refused.stderr,
            "error: `open.json` exists with permissions 644, readable by others; remove it or `chmod 600` it\n"
        );
        assert_eq!(requests, counts(&[]));
    }
    assert_eq!(live_ci(&world).await, []);
}
