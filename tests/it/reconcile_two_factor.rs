//! An account with two-factor authentication: every request that needs the password (the
//! apply lock, short-lived profile tokens, new account tokens) also carries `TAGOIO_PIN` and,
//! as TagoIO requires beside it, its `otp_type` (`TAGOIO_OTP_TYPE`, default `authenticator`).

use super::emulator_auth::TWO_FACTOR_SEED;
use super::support::world::*;

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
    let mut world = World::on(Api::with_seed(TWO_FACTOR_SEED).await).await;
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
                    to a current code; set it to the code your authenticator shows now (for a \
                    code by SMS or e-mail, set TAGOIO_OTP_TYPE=sms or email and run `tagoform \
                    otp` to have TagoIO send one)";

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
    world.env.insert("TAGOIO_PIN".into(), "246810".into());
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
            (Some("246810"), Some("authenticator")),
            "{method} {path}"
        );
    }
    run.stdout_ends_with("Apply finished: 2 done, 0 failed, 0 skipped.\n");
    assert_eq!(token_names(&world).await, ["ci", "dashboard"]);
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
}
