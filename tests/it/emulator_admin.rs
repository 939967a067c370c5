//! Admin routes and faults: request counts by route template, reset to the seed, injected
//! 503s (reproducible from a seed), latency, and the `--api local` emulator.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use tagoform::emulator::{local, EmulatorConfig};

use super::support::emulator::*;

#[tokio::test]
async fn stats_count_requests_by_method_and_route_template() {
    let api = Api::start().await;
    api.get(&format!("/profile/{ACME}/team"), DEMO)
        .await
        .result();
    api.get(&format!("/profile/{GLOBEX}/team/"), PARTNER)
        .await
        .result();
    api.get("/profile/", DEMO).await.result();
    api.get("/profile/current", DEMO).await.result();
    api.get("/integration/network/aaaaaaaaaaaaaaaaaaaaaaaa", DEMO)
        .await;
    api.call(Method::GET, "/profile", None, None).await;
    api.admin(Method::GET, "/clock", None).await.result();
    let stats = api.admin(Method::GET, "/stats", None).await;
    let expected = json!({"total": 6, "requests": {
        "GET /profile/{id}/team": 2, "GET /profile": 2,
        "GET /profile/{id}": 1, "GET /integration/network/{id}": 1
    }});
    assert_eq!(stats.result(), &expected);
}

#[tokio::test]
async fn reset_restores_the_seed_and_clears_the_counts() {
    let api = Api::start().await;
    api.create_profile(DEMO, "gone after reset").await;
    let token = api.token_with("read").await;
    assert_eq!(
        api.admin(Method::POST, "/reset", None).await.result(),
        &json!("Emulator reset to its seed")
    );
    assert_eq!(api.count("/profile", DEMO).await, 2);
    api.get("/profile", &token)
        .await
        .assert_error(401, "Authorization denied: invalid token");
    let stats = api.admin(Method::GET, "/stats", None).await;
    assert_eq!(
        stats.result(),
        &json!({"total": 2, "requests": {"GET /profile": 2}})
    );
}

async fn statuses(rng_seed: u64) -> Vec<u16> {
    let api = Api::with(EmulatorConfig {
        fail_rate: 0.5,
        rng_seed: Some(rng_seed),
        ..EmulatorConfig::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(api.get("/profile", DEMO).await.status.as_u16());
    }
    statuses
}

#[tokio::test]
async fn injected_failures_are_reproducible_from_the_seed() {
    let first = statuses(7).await;
    assert_eq!(first, statuses(7).await);
    assert!(first.contains(&503) && first.contains(&200), "{first:?}");
    assert!(first.iter().all(|status| *status == 503 || *status == 200));
}

#[tokio::test]
async fn injected_failures_happen_before_any_change() {
    let api = Api::with(EmulatorConfig {
        fail_rate: 1.0,
        ..EmulatorConfig::default()
    })
    .await;
    let answer = api
        .post("/profile", DEMO, json!({"name": "never created"}))
        .await;
    answer.assert_error(503, "Service unavailable, try again");
    let counts = api.emulator.state().request_counts();
    assert_eq!(counts.get("POST /profile"), Some(&1));
    let visible = api
        .emulator
        .state()
        .read(|data, _| Ok(data.profiles.values().any(|p| p.name == "never created")));
    assert_eq!(visible, Ok(false));
}

#[tokio::test]
async fn latency_delays_each_answer() {
    let api = Api::with(EmulatorConfig {
        latency: Duration::from_millis(150),
        ..EmulatorConfig::default()
    })
    .await;
    let started = Instant::now();
    api.get("/profile", DEMO).await.result();
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn the_local_api_keeps_its_state_between_runs() {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let first = local::start(dir.path()).await.unwrap();
    let url = format!("{}/profile", first.emulator.url());
    let created = http
        .post(&url)
        .header("token", first.token)
        .json(&json!({"name": "kept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    first.emulator.stop().await;
    assert!(dir.path().join(".tagoform/local-api.json").is_file());

    let second = local::start(dir.path()).await.unwrap();
    let url = format!("{}/profile", second.emulator.url());
    let listed: serde_json::Value = http
        .get(&url)
        .header("token", second.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<_> = listed["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(
        names,
        [
            json!("ACME Production"),
            json!("ACME Staging"),
            json!("kept")
        ]
    );
}
