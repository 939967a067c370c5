//! Rules 8 and 10: per-plan rate limits per profile and route per calendar minute (429 with
//! the wait in the message and in `Retry-After`), per-plan resource limits (the message
//! names the limit), and the `unlimited` default that has neither.

use reqwest::Method;
use serde_json::json;
use tagoform::emulator::Tier;

use super::support::emulator::*;

#[tokio::test]
async fn rate_limits_apply_per_profile_and_route_until_the_next_minute() {
    let api = Api::with_plan(Tier::Free).await;
    api.freeze("2026-03-01T12:45:09Z").await;
    // POST /profile: 60 a minute on Free. The account is already at its profile limit, so
    // each request is refused, but each one still counts.
    for _ in 0..60 {
        assert_eq!(
            api.post("/profile", DEMO, json!({"name": "x"}))
                .await
                .status,
            400
        );
    }
    let limited = api.post("/profile", DEMO, json!({"name": "x"})).await;
    limited.assert_error(429, "Too many requests (Retry-After: 51)");
    assert_eq!(limited.headers["retry-after"], "51");
    // Another route, and another profile, are not affected.
    assert_eq!(api.get("/profile", DEMO).await.status, 200);
    assert_eq!(
        api.post("/profile", PARTNER, json!({"name": "x"}))
            .await
            .status,
        400
    );
    api.advance(50).await;
    api.post("/profile", DEMO, json!({"name": "x"}))
        .await
        .assert_error(429, "Too many requests (Retry-After: 1)");
    api.advance(1).await;
    assert_eq!(
        api.post("/profile", DEMO, json!({"name": "x"}))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn resource_limits_name_the_limit() {
    let api = Api::with_plan(Tier::Free).await;
    api.post("/profile", DEMO, json!({"name": "third"}))
        .await
        .assert_error(
            400,
            "Resource limit reached: Profile (1 per account on the Free plan)",
        );
    api.network(DEMO, "first").await;
    api.post("/integration/network", DEMO, json!({"name": "second"}))
        .await
        .assert_error(
            400,
            "Resource limit reached: Custom Network (1 per profile on the Free plan)",
        );
    api.post(
        &format!("/profile/{ACME}/team"),
        DEMO,
        json!({"email": "alice@acme.example"}),
    )
    .await
    .assert_error(
        400,
        "Resource limit reached: Team Member (0 per profile on the Free plan)",
    );
    for name in ["a", "b", "c"] {
        api.connector(DEMO, name, &[TTN]).await;
    }
    api.post(
        "/integration/connector",
        DEMO,
        json!({"name": "d", "networks": [TTN]}),
    )
    .await
    .assert_error(
        400,
        "Resource limit reached: Custom Connector (3 per profile on the Free plan)",
    );
}

#[tokio::test]
async fn starter_allows_one_team_member_and_expired_invitations_do_not_count() {
    let api = Api::with_plan(Tier::Starter).await;
    let team = format!("/profile/{ACME}/team");
    api.invite(DEMO, ACME, "alice@acme.example").await;
    api.post(&team, DEMO, json!({"email": "bob@acme.example"}))
        .await
        .assert_error(
            400,
            "Resource limit reached: Team Member (1 per profile on the Starter plan)",
        );
    api.advance(7 * 24 * 3600 + 1).await;
    api.invite(DEMO, ACME, "bob@acme.example").await;
}

#[tokio::test]
async fn the_default_plan_is_unlimited() {
    let api = Api::start().await;
    api.freeze("2026-03-01T12:45:09Z").await;
    for index in 0..70 {
        api.create_profile(DEMO, &format!("p{index}")).await;
    }
    for index in 0..12 {
        api.network(DEMO, &format!("n{index}")).await;
    }
    assert_eq!(api.count("/profile", DEMO).await, 72);
    let stats = api.admin(Method::GET, "/stats", None).await;
    assert_eq!(stats.result()["requests"]["POST /profile"], json!(70));
}
