//! How tagoform reaches the API: the account token from `TAGOIO_TOKEN` or `--token-file`,
//! profile tokens from `token_env` or short-lived ones made with the account's credentials
//! (and its two-factor codes), and the embedded emulator of `--api local`.

use serde_json::json;
use tagoform::emulator::{EmulatorConfig, Seed};

use super::support::world::*;

/// The account's authenticator secret: tagoform computes each code from it.
const SECRET: &str = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
const TWO_FACTOR_TOKEN: &str = "2f2f2f2f-0000-4000-8000-000000000001";

fn two_factor_seed() -> Seed {
    serde_json::from_value(json!({"accounts": [{
        "email": EMAIL, "password": PASSWORD, "name": "Demo", "two_factor": true, "totp_secret": SECRET,
        "profiles": [{"name": "Secure", "tokens": [
            {"name": "ci", "permission": "full", "token": TWO_FACTOR_TOKEN}
        ]}]
    }]}))
    .unwrap()
}

#[tokio::test]
async fn with_two_factor_on_a_code_is_needed_and_the_secret_never_shown() {
    let api = Api::with(EmulatorConfig {
        seed: two_factor_seed(),
        ..EmulatorConfig::default()
    })
    .await;
    let mut world = World::on(api).await;
    world
        .env
        .insert("TAGOIO_TOKEN".into(), TWO_FACTOR_TOKEN.into());
    world.write(
        "tagoform.yaml",
        "version: 1
profiles:
  secure:
    name: Secure
    tokens:
      - name: grafana
        permission: read
        expires: never
",
    );
    let (run, requests) = world.measured(&["plan"]).await;
    run.code(1);
    assert!(
        run.stderr.starts_with(
            "error: cannot read the live state from TagoIO\n  caused by: could not obtain a short-lived token for profile `secure` ("
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(r#"400 {"otp_autosend":"authenticator","otp_enabled":["authenticator"]}"#),
        "{}",
        run.stderr
    );
    assert_eq!(
        writes(&requests),
        counts(&[("POST /account/profile/token", 1)])
    );

    world.env.insert("TAGOIO_TOTP_SECRET".into(), SECRET.into());
    let apply = world
        .run(&["-vv", "apply", "--auto-approve", "--tokens-out", "t.json"])
        .await;
    apply.code(0);
    apply.stdout_ends_with("Apply finished: 1 done, 0 failed, 0 skipped.\n");
    for secret in [SECRET, PASSWORD, TWO_FACTOR_TOKEN] {
        assert!(!apply.stdout.contains(secret) && !apply.stderr.contains(secret));
    }
}

#[tokio::test]
async fn the_account_token_may_come_from_a_file() {
    let mut world = World::start().await;
    world.env.remove("TAGOIO_TOKEN");
    world.write("account-token", &format!("{DEMO}\n"));
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    team: []\n",
    );
    let run = world
        .run(&[
            "plan",
            "--token-file",
            "account-token",
            "--detailed-exitcode",
        ])
        .await;
    run.code(0);
    assert_eq!(run.stdout, NO_CHANGES);
}

#[tokio::test]
async fn shares_left_out_of_the_configuration_are_not_managed() {
    let world = World::start().await;
    let network = world.api.network(DEMO, "Field LoRaWAN").await;
    world.api.share(DEMO, "network", &network, GLOBEX).await;
    world.write(
        "tagoform.yaml",
        acme_config!(
            "networks:
  field:
    profile: acme
    name: Field LoRaWAN
"
        ),
    );
    world.assert_no_changes().await;
}

/// The README's first commands: apply, then plan, on the embedded emulator.
#[tokio::test]
async fn the_quickstart_on_the_local_api_applies_then_has_no_changes() {
    let mut world = World::start().await;
    world.env.clear();
    let path = world.example("quickstart");
    let apply = world
        .run_as_given(&["apply", &path, "--api", "local", "--auto-approve"])
        .await;
    apply.code(0);
    apply.stdout_ends_with("Apply finished: 6 done, 0 failed, 0 skipped.\n");
    let plan = world
        .run_as_given(&["plan", &path, "--api", "local", "--detailed-exitcode"])
        .await;
    plan.code(0);
    plan.stdout_starts_with(NO_CHANGES);
    assert!(world.path(".tagoform/local-api.json").is_file());
}

/// Two commands on one `--api local` state at once would write over each other's saves: the
/// second is refused before it reads anything, naming the process that holds the state, and
/// runs once that one has ended.
#[tokio::test]
async fn a_second_command_on_the_local_api_is_refused_while_the_first_runs() {
    let mut world = World::start().await;
    world.env.clear();
    let path = world.example("quickstart");
    let plan = [
        "plan",
        path.as_str(),
        "--api",
        "local",
        "--detailed-exitcode",
    ];
    world.run_as_given(&plan).await.code(2);
    let state = world.path(".tagoform/local-api.json");
    let before = std::fs::read(&state).unwrap();

    // A long-running holder of the same state: the emulator served from it.
    let mut holder = world
        .command(&[
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--state",
            ".tagoform/local-api.json",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = holder.id().unwrap();
    let lock = world.path(".tagoform/local-api.json.lock");
    let held = format!("pid {pid}, tagoform emulator");
    for _ in 0..200 {
        if std::fs::read_to_string(&lock).unwrap_or_default() == held {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let refused = world.run_as_given(&plan).await;
    refused.code(1);
    assert_eq!(
        (refused.stdout.as_str(), refused.stderr.as_str()),
        (
            "",
            format!(
                "error: cannot open the TagoIO API\n  caused by: could not start the local API\n  \
                 caused by: {} is in use by another tagoform process ({held}); wait for it \
                 to end, or stop it, then run this command again\n",
                state.display()
            )
            .as_str()
        )
    );
    holder.kill().await.unwrap();
    holder.wait().await.unwrap();
    assert_eq!(std::fs::read(&state).unwrap(), before);
    world.run_as_given(&plan).await.code(2);
}

/// With no API named and no credentials, the embedded emulator is the default only for a
/// person at a terminal with `CI` unset, and the command says so. Unattended (a pipeline whose
/// secrets are missing), it is an error naming `--api local`; with credentials set, an API
/// must be named.
#[tokio::test]
async fn the_local_api_is_the_default_only_at_a_terminal_without_ci_or_credentials() {
    let mut world = World::start().await;
    world.env.clear();
    let path = world.example("quickstart");
    let unattended = "error: no TagoIO API given: pass --api URL (or --region us-e1|eu-w1), or \
                      set TAGOIO_API; pass --api local for the embedded emulator. The emulator is \
                      never chosen by default outside an interactive terminal or with CI set, so \
                      that a pipeline whose secrets are missing cannot plan or apply against it\n";
    let plan = world
        .run_as_given(&["plan", &path, "--detailed-exitcode"])
        .await;
    plan.code(1);
    assert_eq!(
        (plan.stdout.as_str(), plan.stderr.as_str()),
        ("", unattended)
    );
    assert!(!world.path(".tagoform").exists());

    // At a terminal (a pseudo-terminal made by `script`): the emulator, with a warning.
    let binary = env!("CARGO_BIN_EXE_tagoform");
    let line = format!("{binary} plan {path} --detailed-exitcode");
    let at_terminal = |ci: Option<&str>| {
        let mut command = world.command_of("script", &["-qec", &line, "/dev/null"]);
        if let Some(ci) = ci {
            command.env("CI", ci);
        }
        command
    };
    let output = at_terminal(None).output().await.unwrap();
    let shown = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains(
            "no --api, --region or TAGOIO_API given: using the local TagoIO emulator (its state \
             is in .tagoform/local-api.json); pass --api URL to talk to TagoIO"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("Plan: 6 to add, 0 to change, 0 to remove."),
        "{shown}"
    );
    assert!(world.path(".tagoform/local-api.json").is_file());
    // ... but not with CI set, even at a terminal.
    let output = at_terminal(Some("true")).output().await.unwrap();
    let shown = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(shown.contains("The emulator is"), "{shown}");

    world.env.insert("TAGOIO_TOKEN".into(), DEMO.into());
    let refused = world.run_as_given(&["plan", &path]).await;
    refused.code(1);
    assert_eq!(
        refused.stderr,
        "error: no TagoIO API given, but TagoIO credentials are set: pass --api URL (or \
         --region us-e1|eu-w1, or --api local), or set TAGOIO_API. The local emulator is the \
         default only when no credentials are set, so that a job missing TAGOIO_API never \
         plans against it\n"
    );
    assert_eq!(refused.stdout, "");
}

/// A `write` token is "Write only – create and update" (docs `profiles/account-token.md`):
/// it cannot read, so a plan with one in `token_env` would be blind. Plan, apply and doctor
/// say so, naming the variable, before any write; a `read` token plans.
#[tokio::test]
async fn a_write_only_token_env_token_is_refused_before_any_write_naming_its_variable() {
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
    world
        .env
        .insert("ACME_TOKEN".into(), world.api.token_with("write").await);
    let refused =
        "error: cannot read the live state from TagoIO\n  caused by: profile `acme`: the token \
         in ACME_TOKEN (its `token_env`) may not read: TagoIO refused GET /profile/current with \
         403, as it refuses a `write` token (\"Write only – create and update\") or a `deny` \
         one; nothing was changed: set ACME_TOKEN to a `read` token (plan) or a `full` token \
         (plan and apply) of the profile\n  caused by: GET /profile/current: 403 Authorization \
         denied: a write token cannot read\n";
    for command in [
        &["plan"][..],
        &["apply", "--auto-approve", "--lock=false"][..],
    ] {
        let (run, requests) = world.measured(command).await;
        run.code(1);
        assert_eq!(run.stderr, refused, "{command:?}");
        assert_eq!(writes(&requests), Counts::new(), "{command:?}");
    }
    let (doctor, requests) = world.measured(&["doctor"]).await;
    doctor.code(1);
    assert!(
        doctor.stdout.contains(
            "the token may not read (a `write` token only creates and updates); set \
             ACME_TOKEN to a `read` or `full` token"
        ),
        "{}",
        doctor.stdout
    );
    assert!(requests.keys().all(|route| route.starts_with("GET ")));

    world
        .env
        .insert("ACME_TOKEN".into(), world.api.token_with("read").await);
    let plan = world.run(&["plan"]).await;
    plan.code(0);
    assert!(
        plan.stdout
            .contains("+ create network `lorawan` named \"Field LoRaWAN\""),
        "{}",
        plan.stdout
    );
}
