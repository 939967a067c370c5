//! Profiles (rule 1: names may repeat) and account tokens (rule 3: the password, and the pin
//! under two-factor, are required; the value is answered in full on creation).

use serde_json::json;

use super::support::emulator::*;

#[tokio::test]
async fn two_profiles_may_have_the_same_name() {
    let api = Api::start().await;
    let first = api.create_profile(DEMO, "Twin").await;
    let second = api
        .post("/profile/", DEMO, json!({"name": "Twin"}))
        .await
        .result()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second);
    let list = api.get("/profile", DEMO).await;
    let twins: Vec<_> = list
        .result()
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == json!("Twin"))
        .collect();
    assert_eq!(twins.len(), 2);
    let current = api.get("/profile/current", DEMO).await;
    assert_eq!(current.result()["info"]["id"], json!(ACME));
    let info = api.get(&format!("/profile/{second}"), DEMO).await;
    assert_eq!(info.result()["info"]["name"], json!("Twin"));
    assert_eq!(
        info.result()["info"]["account"],
        json!("6500a1b2c3d4e5f601234500")
    );
}

#[tokio::test]
async fn profiles_are_edited_by_their_owner_and_deleted_with_the_password() {
    let api = Api::start().await;
    let id = api.create_profile(DEMO, "Temp").await;
    api.put(
        &format!("/profile/{id}"),
        DEMO,
        json!({"name": "Renamed", "logo_url": "https://x/logo.png"}),
    )
    .await
    .result();
    let info = api.get(&format!("/profile/{id}"), DEMO).await;
    assert_eq!(
        (
            &info.result()["info"]["name"],
            &info.result()["info"]["logo_url"]
        ),
        (&json!("Renamed"), &json!("https://x/logo.png"))
    );
    api.get(&format!("/profile/{id}"), PARTNER)
        .await
        .assert_error(404, "Profile not found");
    api.put(&format!("/profile/{id}"), DEMO, json!({"name": "  "}))
        .await
        .assert_error(400, "Profile name is required");

    let profile_path = format!("/profile/{id}");
    let delete = |password: &'static str| {
        api.call(
            reqwest::Method::DELETE,
            &profile_path,
            Some(DEMO),
            Some(json!({"password": password})),
        )
    };
    delete("wrong")
        .await
        .assert_error(400, "Invalid email or password");
    assert_eq!(api.get(&format!("/profile/{id}"), DEMO).await.status, 200);
    api.delete(&format!("/profile/{id}"), DEMO)
        .await
        .assert_error(400, "Invalid request body: missing field `password`");
    assert_eq!(
        delete("demo-password").await.result(),
        &json!("Profile Successfully Removed")
    );
    api.get(&format!("/profile/{id}"), DEMO)
        .await
        .assert_error(404, "Profile not found");
}

#[tokio::test]
async fn creating_a_token_needs_the_password_and_returns_the_full_value() {
    let api = Api::start().await;
    let path = format!("/profile/{ACME}/token");
    let without = json!({"name": "ci", "permission": "write", "email": "demo@tagoform.local"});
    api.post(&path, DEMO, without)
        .await
        .assert_error(400, "Invalid request body: missing field `password`");
    let wrong = json!({"name": "ci", "permission": "write", "email": "demo@tagoform.local", "password": "nope"});
    api.post(&path, DEMO, wrong)
        .await
        .assert_error(400, "Invalid email or password");
    let other = json!({"name": "ci", "permission": "write", "email": "partner@tagoform.local", "password": "partner-password"});
    api.post(&path, DEMO, other).await.assert_error(
        403,
        "The email and password must be those of the account making the request",
    );
    let count = api
        .get(&format!("{path}?amount=100"), DEMO)
        .await
        .result()
        .as_array()
        .unwrap()
        .len();
    assert_eq!(count, 1);

    let body = json!({"name": "ci", "permission": "write", "expire_time": "never", "email": "demo@tagoform.local", "password": "demo-password"});
    let created = api.post(&path, DEMO, body).await;
    let value = created.result()["token"].as_str().unwrap().to_string();
    assert_eq!(
        (
            created.result()["permission"].clone(),
            created.result()["expire_date"].clone()
        ),
        (json!("write"), json!("never"))
    );
    assert_eq!(value.len(), 36, "UUID-shaped: {value}");
    // A known token, which may not read: "Write only – create and update".
    api.get("/profile", &value)
        .await
        .assert_error(403, "Authorization denied: a write token cannot read");
    let listed = api.get(&format!("{path}?filter[name]=ci"), DEMO).await;
    assert_eq!(
        listed.result(),
        &json!([{"name": "ci", "token": value, "permission": "write"}])
    );
    assert_eq!(
        api.delete(&format!("{path}/{value}"), DEMO).await.status,
        200
    );
    api.get("/profile", &value)
        .await
        .assert_error(401, "Authorization denied: invalid token");
}

#[tokio::test]
async fn token_expiry_accepts_dates_and_periods_and_refuses_garbage() {
    let api = Api::start().await;
    api.freeze("2026-03-01T10:00:00Z").await;
    let path = format!("/profile/{ACME}/token");
    let create = |expire: &str| {
        let body = json!({"name": "t", "permission": "read", "expire_time": expire, "email": "demo@tagoform.local", "password": "demo-password"});
        api.post(&path, DEMO, body)
    };
    assert_eq!(
        create("90 days").await.result()["expire_date"],
        json!("2026-05-30T10:00:00.000Z")
    );
    assert_eq!(
        create("2026-12-31").await.result()["expire_date"],
        json!("2026-12-31T00:00:00.000Z")
    );
    // The forms TagoIO's own tools send: `3 month` (tagoio-cli), `1day` (sdk-js).
    assert_eq!(
        create("3 month").await.result()["expire_date"],
        json!("2026-05-30T10:00:00.000Z")
    );
    assert_eq!(
        create("1day").await.result()["expire_date"],
        json!("2026-03-02T10:00:00.000Z")
    );
    assert_eq!(
        create("2026-03-01T10:03:00.000Z").await.result()["expire_date"],
        json!("2026-03-01T10:03:00.000Z")
    );
    // `1 week` is in the legacy SDK's list for this route (tago-sdk-js `tokenCreate`).
    assert_eq!(
        create("1 week").await.result()["expire_date"],
        json!("2026-03-08T10:00:00.000Z")
    );
    for refused in ["tomorrow", "3 minutes", "2 fortnights"] {
        create(refused).await.assert_error(
            400,
            &format!("Invalid expire_time `{refused}`: use `never`, an ISO-8601 date, or a period such as `3 hours` or `3 months`"),
        );
    }
}

#[tokio::test]
async fn two_factor_accounts_need_the_pin_to_create_tokens() {
    let seed = r#"
accounts:
  - {email: carol@globex.example, password: carol-password, name: Carol, two_factor: true, totp_secret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP,
     profiles: [{name: C, id: 6500a1b2c3d4e5f6012345c1, tokens: [{name: ci, permission: full, token: carol-token}]}]}
"#;
    let api = Api::with_seed(seed).await;
    let path = "/profile/6500a1b2c3d4e5f6012345c1/token";
    let mut body = json!({"name": "t", "permission": "full", "email": "carol@globex.example", "password": "carol-password"});
    api.post(path, "carol-token", body.clone())
        .await
        .assert_error(
            400,
            r#"{"otp_autosend":"authenticator","otp_enabled":["authenticator"]}"#,
        );
    let code = api
        .code(tagoform::emulator::seed::CAROL_TOTP_SECRET, 0)
        .await;
    body["pin_code"] = json!(code);
    api.post(path, "carol-token", body.clone())
        .await
        .assert_error(
            400,
            "otp_type is required with pin_code: sms, email or authenticator",
        );
    body["otp_type"] = json!("authenticator");
    body["pin_code"] = json!("111111");
    api.post(path, "carol-token", body.clone())
        .await
        .assert_error(400, "Invalid pin_code");
    body["pin_code"] = json!(code);
    assert_eq!(api.post(path, "carol-token", body).await.status, 200);
}
