//! An account with two-factor authentication: every request that needs the password (the
//! apply lock, short-lived profile tokens, new account tokens) also carries a code and, as
//! TagoIO requires beside it, its `otp_type`. `TAGOIO_TOTP_SECRET` gives a fresh
//! authenticator code to every call; `TAGOIO_PIN` is one code (kind `TAGOIO_OTP_TYPE`).

use super::emulator_auth::{CAROL_SECRET, TWO_FACTOR_SEED};
use super::support::world::*;
use tagoform::emulator::{EmulatorConfig, Seed};

/// Carol's profile in the seed.
const CAROL: &str = "6500a1b2c3d4e5f6012345c1";

const CONFIG: &str = "version: 1
profiles:
  carol:
    name: Carol's
    token_env: CAROL_TOKEN
    tokens:
      - {name: dashboard, permission: read, expires: never}
networks:
  field:
    profile: carol
    name: Field
";

async fn world() -> World {
    world_on(Api::with_seed(TWO_FACTOR_SEED).await).await
}

async fn world_on(api: Api) -> World {
    let mut world = World::on(api).await;
    for (name, value) in [
        ("TAGOIO_TOKEN", "carol-token"),
        ("TAGOIO_EMAIL", "carol@globex.example"),
        ("TAGOIO_PASSWORD", "carol-password"),
        ("CAROL_TOKEN", "carol-token"),
    ] {
        world.env.insert(name.into(), value.into());
    }
    world.write("tagoform.yaml", CONFIG);
    world
}

/// The names of the profile's tokens, oldest first (read with Carol's token).
async fn token_names(world: &World) -> Vec<String> {
    let path = format!("/profile/{CAROL}/token?orderBy=created_at,asc&fields[0]=name");
    let answer = world.api.get(&path, "carol-token").await;
    answer
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|token| token["name"].as_str().unwrap().to_owned())
        .collect()
}

const APPLY: [&str; 4] = ["apply", "--auto-approve", "--tokens-out", "t.json"];

#[tokio::test]
async fn without_the_pin_apply_stops_before_any_change_and_says_to_set_it() {
    let world = world().await;
    let (run, requests) = world.measured(&APPLY).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: could not take the apply lock on profile {CAROL}: {HINT}; nothing was \
             changed\n  caused by: POST /profile/{CAROL}/token: 400 {OTP_REQUIRED}\n"
        )
    );
    assert_eq!(
        writes(&requests),
        counts(&[("POST /profile/{id}/token", 1)])
    );

    // Without `token_env`, the short-lived token that reads the profile's networks needs it,
    // before the lock.
    world.edit("tagoform.yaml", "    token_env: CAROL_TOKEN\n", "");
    let (run, requests) = world.measured(&APPLY).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: cannot read the live state from TagoIO\n  caused by: could not obtain a \
             short-lived token for profile `carol` ({CAROL}): {HINT}\n  caused by: POST \
             /account/profile/token: 400 {OTP_REQUIRED}\n"
        )
    );
    assert_eq!(
        writes(&requests),
        counts(&[("POST /account/profile/token", 1)])
    );
    assert_eq!(token_names(&world).await, ["ci"]);
}

const HINT: &str = "the account has two-factor authentication on, and TAGOIO_PIN is not set \
                    to a current code; for unattended runs set TAGOIO_TOTP_SECRET to the \
                    authenticator's secret, or set TAGOIO_PIN to the code your authenticator \
                    shows now (for a code by SMS or e-mail, set TAGOIO_OTP_TYPE=sms or email \
                    and run `tagoform otp` to have TagoIO send one)";

/// What a refused code from `TAGOIO_TOTP_SECRET` says.
const SECRET_HINT: &str = "the account refused the authenticator code computed from \
                           TAGOIO_TOTP_SECRET; check that it holds this account's \
                           authenticator secret (the base32 text shown when the authenticator \
                           was set up)";

/// TagoIO's answer to a credential call without a usable second factor (its message is JSON).
const OTP_REQUIRED: &str = r#"{"otp_autosend":"authenticator","otp_enabled":["authenticator"]}"#;

#[tokio::test]
async fn a_wrong_pin_is_refused_and_the_right_one_applies() {
    let mut world = world().await;
    world.env.insert("TAGOIO_PIN".into(), "111111".into());
    let run = world.run(&APPLY).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: could not take the apply lock on profile {CAROL}: {HINT}; nothing was \
             changed\n  caused by: POST /profile/{CAROL}/token: 400 Invalid pin_code\n"
        )
    );

    // The right pin, named as an SMS code: this account has only the authenticator on.
    let pin = world.api.code(CAROL_SECRET, 0).await;
    world.env.insert("TAGOIO_PIN".into(), pin.clone());
    world.env.insert("TAGOIO_OTP_TYPE".into(), "sms".into());
    let run = world.run(&APPLY).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: could not take the apply lock on profile {CAROL}: {HINT}; nothing was \
             changed\n  caused by: POST /profile/{CAROL}/token: 400 {OTP_REQUIRED}\n"
        )
    );
    world
        .env
        .insert("TAGOIO_OTP_TYPE".into(), "authenticator".into());
    let door = world.faulty(Vec::new()).await;
    let run = world.run(&APPLY).await;
    run.code(0);
    // Every credential call carried the pin with its type.
    let credential_calls: Vec<_> = door
        .writes()
        .into_iter()
        .filter(|(_, _, body)| body.get("password").is_some())
        .collect();
    // (The profile is read with its `token_env` token: no short-lived one.)
    assert_eq!(credential_calls.len(), 2, "the lock and the new token");
    for (method, path, body) in credential_calls {
        assert_eq!(
            (body["pin_code"].as_str(), body["otp_type"].as_str()),
            (Some(pin.as_str()), Some("authenticator")),
            "{method} {path}"
        );
    }
    run.stdout_ends_with("Apply finished: 2 done, 0 failed, 0 skipped.\n");
    assert_eq!(token_names(&world).await, ["ci", "dashboard"]);
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
}

/// The pin codes of the credential calls a door saw, in order (`otp_type` checked).
fn codes_sent(door: &FaultyDoor) -> Vec<String> {
    door.writes()
        .into_iter()
        .filter(|(_, _, body)| body.get("password").is_some())
        .map(|(method, path, body)| {
            assert_eq!(body["otp_type"], "authenticator", "{method} {path}");
            body["pin_code"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// With the authenticator's secret, an apply runs unattended: the short-lived token of a
/// profile without `token_env`, the lock and the new token each carry a code computed then
/// (by the server's clock); `plan` says beforehand how many codes the apply takes.
#[tokio::test]
async fn the_secret_gives_every_credential_call_its_code() {
    let mut world = world().await;
    world.edit("tagoform.yaml", "    token_env: CAROL_TOKEN\n", "");
    world
        .env
        .insert("TAGOIO_TOTP_SECRET".into(), CAROL_SECRET.into());
    let plan = world.run(&["plan"]).await;
    plan.code(0);
    assert_eq!(
        plan.stderr,
        "Two-factor: applying this plan takes 3 code(s): 1 for the apply lock, 1 for token \
         creations and profile deletions, 1 for short-lived profile tokens (give those profiles \
         a `token_env` to save them).\n"
    );
    let now = world.api.code(CAROL_SECRET, 0).await;
    let door = world.faulty(Vec::new()).await;
    let run = world.run(&APPLY).await;
    run.code(0);
    run.stdout_ends_with("Apply finished: 2 done, 0 failed, 0 skipped.\n");
    assert_eq!(codes_sent(&door), [now.clone(), now.clone(), now]);
    assert_eq!(token_names(&world).await, ["ci", "dashboard"]);
    let again = world.run(&["plan", "--detailed-exitcode"]).await;
    again.code(0);
    assert_eq!(again.stderr, "", "no changes, no codes");
}

/// A secret that is not the account's: its code is refused, sent once more on the next step
/// (it might have been used already), refused again, and nothing is written.
#[tokio::test]
async fn a_wrong_secret_is_refused_before_any_write() {
    let mut world = world().await;
    // The last second of a step, so that waiting for the next one is short.
    world.api.freeze("2027-03-01T10:00:29Z").await;
    world.env.insert(
        "TAGOIO_TOTP_SECRET".into(),
        "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U".into(),
    );
    let (run, requests) = world.measured(&APPLY).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: could not take the apply lock on profile {CAROL}: {SECRET_HINT}; nothing \
             was changed\n  caused by: POST /profile/{CAROL}/token: 400 Invalid pin_code\n"
        )
    );
    assert_eq!(
        writes(&requests),
        counts(&[("POST /profile/{id}/token", 2)])
    );
    assert_eq!(token_names(&world).await, ["ci"]);
}

/// A server that accepts each authenticator code once (`--otp-single-use`, RFC 6238 §5.2;
/// *unverified* for TagoIO): the lock and the token creation fall in one 30-second step, the
/// second code is refused as used, and tagoform sends the next step's code once it begins.
#[tokio::test]
async fn a_reused_code_refused_by_the_server_is_sent_again_on_the_next_step() {
    let seed: Seed = yaml_serde::from_str(TWO_FACTOR_SEED).unwrap();
    let api = Api::with(EmulatorConfig {
        seed,
        otp_single_use: true,
        ..EmulatorConfig::default()
    })
    .await;
    let mut world = world_on(api).await;
    world.api.freeze("2027-03-01T10:00:29Z").await;
    world
        .env
        .insert("TAGOIO_TOTP_SECRET".into(), CAROL_SECRET.into());
    let (now, next) = (
        world.api.code(CAROL_SECRET, 0).await,
        world.api.code(CAROL_SECRET, 1).await,
    );
    let door = world.faulty(Vec::new()).await;
    let run = world.run(&APPLY).await;
    run.code(0);
    run.stdout_ends_with("Apply finished: 2 done, 0 failed, 0 skipped.\n");
    // The lock's code, the token's refused reuse of it, the next step's code.
    assert_eq!(codes_sent(&door), [now.clone(), now, next]);
    assert_eq!(token_names(&world).await, ["ci", "dashboard"]);

    // Without the option, the same code is accepted twice: no wait, no refusal.
    let mut lenient = self::world().await;
    lenient.api.freeze("2027-03-01T10:00:29Z").await;
    lenient
        .env
        .insert("TAGOIO_TOTP_SECRET".into(), CAROL_SECRET.into());
    let (run, requests) = lenient.measured(&APPLY).await;
    run.code(0);
    assert_eq!(requests.get("POST /profile/{id}/token").copied(), Some(2));
}

/// `TAGOIO_PIN` is one code: good within its step (and one either side), refused after.
#[tokio::test]
async fn a_fixed_pin_fails_once_its_step_is_past() {
    let mut world = world().await;
    let pin = world.api.code(CAROL_SECRET, 0).await;
    world.env.insert("TAGOIO_PIN".into(), pin);
    let run = world.run(&APPLY).await;
    run.code(0);
    // A minute later (two steps), the same pin is refused: the next apply stops at the lock.
    world.api.advance(60).await;
    world.edit(
        "tagoform.yaml",
        "      - {name: dashboard, permission: read, expires: never}\n",
        "      - {name: dashboard, permission: read, expires: never}\n      - {name: grafana, permission: read, expires: never}\n",
    );
    let (run, requests) = world.measured(&APPLY).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: could not take the apply lock on profile {CAROL}: {HINT}; nothing was \
             changed\n  caused by: POST /profile/{CAROL}/token: 400 Invalid pin_code\n"
        )
    );
    assert_eq!(
        writes(&requests),
        counts(&[("POST /profile/{id}/token", 1)])
    );
    assert_eq!(token_names(&world).await, ["ci", "dashboard"]);
}
