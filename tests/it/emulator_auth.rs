//! Tokens and credentials: missing, unknown and expired tokens (401), permissions (read
//! cannot write, write cannot delete: 403), login with and without two-factor, and
//! malformed ids (400, never a panic).

use reqwest::Method;
use serde_json::json;

use super::support::emulator::*;

/// Carol's authenticator secret in [`TWO_FACTOR_SEED`] (the demo seed's, too).
pub const CAROL_SECRET: &str = tagoform::emulator::seed::CAROL_TOTP_SECRET;

/// An account with two-factor authentication (an authenticator with [`CAROL_SECRET`]), one
/// profile and a full token.
pub const TWO_FACTOR_SEED: &str = r#"
accounts:
  - email: carol@globex.example
    password: carol-password
    name: Carol
    two_factor: true
    totp_secret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
    profiles:
      - name: Carol's
        id: 6500a1b2c3d4e5f6012345c1
        tokens: [{name: ci, permission: full, token: carol-token}]
"#;

#[tokio::test]
async fn missing_unknown_and_expired_tokens_are_401() {
    let api = Api::start().await;
    let answer = api.call(Method::GET, "/profile", None, None).await;
    answer.assert_error(401, "Authorization denied: no token in the `token` header");
    api.get("/profile", "not-a-token")
        .await
        .assert_error(401, "Authorization denied: invalid token");

    api.freeze("2026-03-01T10:00:00Z").await;
    let body = json!({"name": "short", "permission": "full", "expire_time": "3 hours", "email": "demo@tagoform.local", "password": "demo-password"});
    let created = api
        .post(&format!("/profile/{ACME}/token"), DEMO, body)
        .await;
    assert_eq!(
        created.result()["expire_date"],
        json!("2026-03-01T13:00:00.000Z")
    );
    let short = created.result()["token"].as_str().unwrap().to_string();
    api.advance(3 * 3600 - 1).await;
    assert_eq!(api.get("/profile", &short).await.status, 200);
    api.advance(1).await;
    api.get("/profile", &short)
        .await
        .assert_error(401, "Authorization denied: token expired");
}

#[tokio::test]
async fn read_tokens_cannot_write_and_write_tokens_neither_read_nor_delete() {
    let api = Api::start().await;
    let read = api.token_with("read").await;
    let write = api.token_with("write").await;
    assert_eq!(api.count("/profile", &read).await, 2);
    api.post("/profile", &read, json!({"name": "x"}))
        .await
        .assert_error(403, "Authorization denied: a read token cannot write");
    let network = api.network(&write, "by write token").await;
    api.put(
        &format!("/integration/network/{network}"),
        &write,
        json!({"description": "updated by a write token"}),
    )
    .await
    .result();
    api.delete(&format!("/integration/network/{network}"), &write)
        .await
        .assert_error(403, "Authorization denied: a write token cannot delete");
    // "Write only – create and update" (docs profiles/account-token.md): no reads at all.
    for path in [
        "/profile".to_owned(),
        "/profile/current".to_owned(),
        format!("/integration/network/{network}"),
        format!("/profile/{ACME}/token"),
    ] {
        api.get(&path, &write)
            .await
            .assert_error(403, "Authorization denied: a write token cannot read");
    }
    assert_eq!(
        api.get(&format!("/integration/network/{network}"), DEMO)
            .await
            .status,
        200
    );
    assert_eq!(api.count("/profile", DEMO).await, 2);
    assert_eq!(
        api.delete(&format!("/integration/network/{network}"), DEMO)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn deny_tokens_can_do_nothing() {
    let seed = "accounts: [{email: d@x.example, password: p, name: D, profiles: [{name: P, tokens: [{name: no, permission: deny, token: deny-token}]}]}]";
    let api = Api::with_seed(seed).await;
    api.get("/profile", "deny-token")
        .await
        .assert_error(403, "Authorization denied: a deny token cannot be used");
}

#[tokio::test]
async fn login_checks_password_and_second_factor() {
    let api = Api::with_seed(TWO_FACTOR_SEED).await;
    let login = |body| api.call(Method::POST, "/account/login", None, Some(body));
    login(json!({"email": "carol@globex.example", "password": "wrong"}))
        .await
        .assert_error(401, "Invalid email or password");
    login(json!({"email": "carol@globex.example", "password": "carol-password"}))
        .await
        .assert_error(400, OTP_REQUIRED);
    let code = api.code(CAROL_SECRET, 0).await;
    // TagoIO needs `otp_type` beside `pin_code` (sdk-js `Authenticator`).
    login(json!({"email": "carol@globex.example", "password": "carol-password", "pin_code": code}))
        .await
        .assert_error(
            400,
            "otp_type is required with pin_code: sms, email or authenticator",
        );
    // A method the account has not turned on is refused as a missing code is.
    login(json!({"email": "carol@globex.example", "password": "carol-password", "pin_code": code, "otp_type": "sms"}))
        .await
        .assert_error(400, OTP_REQUIRED);
    login(json!({"email": "carol@globex.example", "password": "carol-password", "pin_code": "000000", "otp_type": "authenticator"}))
        .await
        .assert_error(401, "Invalid pin_code");
    let ok = login(json!({"email": "CAROL@globex.example", "password": "carol-password", "pin_code": code, "otp_type": "authenticator"})).await;
    assert_eq!(
        ok.result()["profiles"][0]["id"],
        json!("6500a1b2c3d4e5f6012345c1")
    );
    assert_eq!(ok.result()["profiles"][0]["from_share"], json!(false));
}

/// What TagoIO answers a credential call without a code: a message that is itself JSON, as
/// tagoio-cli's `login.ts` parses it.
const OTP_REQUIRED: &str = r#"{"otp_autosend":"authenticator","otp_enabled":["authenticator"]}"#;

#[tokio::test]
async fn a_code_by_sms_or_email_is_requested_before_it_is_used() {
    let api = Api::with_seed(&TWO_FACTOR_SEED.replace(
        "two_factor: true",
        "two_factor: true\n    otp_types: [sms, authenticator]",
    ))
    .await;
    let otp = |body| api.call(Method::POST, "/account/login/otp", None, Some(body));
    assert_eq!(
        otp(json!({"email": "carol@globex.example", "password": "carol-password", "otp_type": "sms"}))
            .await
            .result(),
        &json!("PIN code sent")
    );
    otp(
        json!({"email": "carol@globex.example", "password": "carol-password", "otp_type": "email"}),
    )
    .await
    .assert_error(400, "This two-factor method is not enabled on this account");
    otp(json!({"email": "carol@globex.example", "password": "carol-password", "otp_type": "authenticator"}))
        .await
        .assert_error(400, "An authenticator code is not sent: read it in the authenticator app");
    otp(json!({"email": "carol@globex.example", "password": "wrong", "otp_type": "sms"}))
        .await
        .assert_error(401, "Invalid email or password");
    let login = |body| api.call(Method::POST, "/account/login", None, Some(body));
    login(json!({"email": "carol@globex.example", "password": "carol-password"}))
        .await
        .assert_error(
            400,
            r#"{"otp_autosend":"sms","otp_enabled":["sms","authenticator"]}"#,
        );
    let sent = api.admin(Method::GET, "/outbox", None).await;
    let code = sent.result()[0]["code"].clone();
    assert_eq!(sent.result()[0]["otp_type"], json!("sms"));
    login(json!({"email": "carol@globex.example", "password": "carol-password", "pin_code": code, "otp_type": "sms"}))
        .await
        .result();
}

#[tokio::test]
async fn signing_in_to_a_profile_creates_a_login_token() {
    let api = Api::start().await;
    api.freeze("2026-03-01T10:00:00Z").await;
    let token = api
        .sign_in("demo@tagoform.local", "demo-password", ACME)
        .await;
    let tokens = api.get(&format!("/profile/{ACME}/token?fields[0]=name&fields[1]=token&fields[2]=type&fields[3]=expire_time"), &token).await;
    let login = tokens
        .result()
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["token"] == json!(token))
        .unwrap()
        .clone();
    assert_eq!(
        login,
        json!({"name": "test", "token": token, "type": "login", "expire_time": "2026-05-30T10:00:00.000Z"})
    );
    // The answer is the spec's `{created_by, name, permission, profile, token}`, exactly.
    let body = json!({"email": "demo@tagoform.local", "password": "demo-password", "profile_id": ACME, "name": "spec"});
    let answer = api
        .call(Method::POST, "/account/profile/token", None, Some(body))
        .await;
    let value = answer.result()["token"].clone();
    assert_eq!(
        answer.result(),
        &json!({"created_by": "6500a1b2c3d4e5f601234500", "name": "spec", "permission": "full", "profile": ACME, "token": value})
    );
    let stranger = json!({"email": "partner@tagoform.local", "password": "partner-password", "profile_id": ACME, "name": "x"});
    api.call(Method::POST, "/account/profile/token", None, Some(stranger))
        .await
        .assert_error(404, "Profile not found");
}

#[tokio::test]
async fn malformed_ids_are_refused_without_a_panic() {
    let api = Api::start().await;
    api.get("/profile/not-an-id", DEMO)
        .await
        .assert_error(400, "Invalid profile id `not-an-id`");
    api.get("/profile/ABCDEFABCDEFABCDEFABCDEF", DEMO)
        .await
        .assert_error(400, "Invalid profile id `ABCDEFABCDEFABCDEFABCDEF`");
    api.get("/integration/connector/%2e%2e%2f%2e%2e", DEMO)
        .await
        .assert_error(400, "Invalid connector id `../..`");
    api.get("/profile/aaaaaaaaaaaaaaaaaaaaaaaa", DEMO)
        .await
        .assert_error(404, "Profile not found");
    api.delete(&format!("/profile/{ACME}/team/zz"), DEMO)
        .await
        .assert_error(400, "Invalid account id `zz`");
    api.get("/no/such/route", DEMO)
        .await
        .assert_error(404, "Route not found");
    // The server is still answering.
    assert_eq!(api.get("/profile", DEMO).await.status, 200);
}
