//! Two-factor codes in the emulator as TagoIO describes them (docs
//! `my-account/two-factor-authentication-2fa.md`): authenticator codes are the account's
//! `totp_secret` codes (the current 30-second step and one either side), once only with
//! `--otp-single-use`; SMS and e-mail codes are sent first, on Starter and Scale only, used
//! once, and lapse.

use reqwest::Method;
use serde_json::json;
use tagoform::emulator::{EmulatorConfig, Seed, Tier};

use super::emulator_auth::{CAROL_SECRET, TWO_FACTOR_SEED};
use super::support::emulator::*;

const EMAIL: &str = "carol@globex.example";
const PASSWORD: &str = "carol-password";

async fn api(seed: &str, plan: Tier, single_use: bool) -> Api {
    let seed: Seed = yaml_serde::from_str(seed).unwrap();
    let api = Api::with(EmulatorConfig {
        seed,
        plan,
        otp_single_use: single_use,
        ..EmulatorConfig::default()
    })
    .await;
    api.freeze("2027-03-01T10:00:10Z").await;
    api
}

async fn login(api: &Api, otp_type: &str, code: &str) -> Answer {
    let body =
        json!({"email": EMAIL, "password": PASSWORD, "otp_type": otp_type, "pin_code": code});
    api.call(Method::POST, "/account/login", None, Some(body))
        .await
}

#[tokio::test]
async fn authenticator_codes_are_the_secret_s_for_this_step_and_one_either_side() {
    let api = api(TWO_FACTOR_SEED, Tier::Unlimited, false).await;
    for steps in [-1, 0, 1] {
        let code = api.code(CAROL_SECRET, steps).await;
        login(&api, "authenticator", &code).await.result();
    }
    for steps in [-2, 2] {
        let code = api.code(CAROL_SECRET, steps).await;
        login(&api, "authenticator", &code)
            .await
            .assert_error(401, "Invalid pin_code");
    }
    // Without --otp-single-use, a code is accepted again within its window.
    let code = api.code(CAROL_SECRET, 0).await;
    login(&api, "authenticator", &code).await.result();
    // A code ages out: two steps later it is refused.
    api.advance(60).await;
    login(&api, "authenticator", &code)
        .await
        .assert_error(401, "Invalid pin_code");
}

#[tokio::test]
async fn with_otp_single_use_a_code_and_every_earlier_one_are_refused_once_used() {
    let api = api(TWO_FACTOR_SEED, Tier::Unlimited, true).await;
    let (now, next) = (
        api.code(CAROL_SECRET, 0).await,
        api.code(CAROL_SECRET, 1).await,
    );
    login(&api, "authenticator", &now).await.result();
    login(&api, "authenticator", &now)
        .await
        .assert_error(401, "Invalid pin_code");
    login(&api, "authenticator", &next).await.result();
    // A refused call uses nothing up; the one before the latest accepted stays refused.
    login(&api, "authenticator", &api.code(CAROL_SECRET, -1).await)
        .await
        .assert_error(401, "Invalid pin_code");
    api.advance(60).await;
    login(&api, "authenticator", &api.code(CAROL_SECRET, 0).await)
        .await
        .result();
}

fn sms_seed() -> String {
    TWO_FACTOR_SEED.replace(
        "two_factor: true",
        "two_factor: true\n    otp_types: [sms, email, authenticator]",
    )
}

async fn send(api: &Api, otp_type: &str) -> Answer {
    let body = json!({"email": EMAIL, "password": PASSWORD, "otp_type": otp_type});
    api.call(Method::POST, "/account/login/otp", None, Some(body))
        .await
}

/// The code the emulator "sent" by `otp_type`.
async fn sent(api: &Api, otp_type: &str) -> String {
    let outbox = api.admin(Method::GET, "/outbox", None).await;
    let message = outbox
        .result()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["otp_type"] == otp_type)
        .cloned()
        .unwrap();
    assert_eq!(message["email"], EMAIL);
    message["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sms_and_email_codes_are_sent_first_used_once_and_lapse() {
    let api = api(&sms_seed(), Tier::Starter, false).await;
    // None sent yet: no code works.
    login(&api, "sms", "000000")
        .await
        .assert_error(401, "Invalid pin_code");
    assert_eq!(send(&api, "sms").await.result(), &json!("PIN code sent"));
    let code = sent(&api, "sms").await;
    // Not an e-mail code.
    login(&api, "email", &code)
        .await
        .assert_error(401, "Invalid pin_code");
    login(&api, "sms", &code).await.result();
    login(&api, "sms", &code)
        .await
        .assert_error(401, "Invalid pin_code");
    let outbox = api.admin(Method::GET, "/outbox", None).await;
    assert_eq!(outbox.result(), &json!([]), "used up");
    // An e-mail code lapses after 10 minutes.
    send(&api, "email").await.result();
    let code = sent(&api, "email").await;
    api.advance(10 * 60).await;
    login(&api, "email", &code)
        .await
        .assert_error(401, "Invalid pin_code");
}

#[tokio::test]
async fn sms_and_email_codes_exist_only_on_the_starter_and_scale_plans() {
    let api = api(&sms_seed(), Tier::Free, false).await;
    for otp_type in ["sms", "email"] {
        send(&api, otp_type).await.assert_error(
            400,
            "Codes by SMS or e-mail are available only on the Starter and Scale plans",
        );
    }
    let api = self::api(&sms_seed(), Tier::Scale, false).await;
    send(&api, "email").await.result();
}

#[test]
fn a_seed_account_with_the_authenticator_needs_a_usable_secret() {
    let build = |yaml: &str| {
        let seed: Seed = yaml_serde::from_str(yaml).unwrap();
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1);
        seed.build(chrono::Utc::now(), &mut rng)
            .map(|_| ())
            .map_err(|error| error.to_string())
    };
    let without =
        TWO_FACTOR_SEED.replace("    totp_secret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n", "");
    assert_eq!(
        build(&without),
        Err(
            "invalid seed: account `carol@globex.example` has two-factor on with the \
             authenticator: give it a `totp_secret` (base32), whose codes it accepts"
                .to_owned()
        )
    );
    let bad = TWO_FACTOR_SEED.replace("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "not-base32!");
    assert_eq!(
        build(&bad),
        Err(
            "invalid seed: account `carol@globex.example`: totp_secret is not usable: it is \
             not base32 (letters A to Z and digits 2 to 7, as authenticator apps show it)"
                .to_owned()
        )
    );
    // SMS alone needs no secret.
    let sms_only = without.replace("two_factor: true", "two_factor: true\n    otp_types: [sms]");
    assert_eq!(build(&sms_only), Ok(()));
}
