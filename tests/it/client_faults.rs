//! The client under faults: retries of idempotent requests, `Retry-After`, POSTs never
//! repeated on their own, malformed and huge answers. Exact request counts and exact
//! waits (recorded by a manual clock, never slept).

use std::time::Duration;

use serde_json::json;
use tagoform::api::{ApiError, Client, RetryPolicy, Token, TransportFailure};

use super::support::client::{MockServer, Reply, PROFILE};

fn team() -> serde_json::Value {
    json!([])
}

#[tokio::test]
async fn a_get_is_repeated_after_503_and_succeeds() {
    let server = MockServer::sequence(vec![
        Reply::fail(503, "Service unavailable"),
        Reply::ok(team()),
    ])
    .await;
    let (client, clock) = server.client();
    let members = client.team_list(PROFILE).await.unwrap();
    assert!(members.is_empty());
    assert_eq!(server.requests().len(), 2);
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 1);
    assert!(
        sleeps[0] >= Duration::from_millis(250) && sleeps[0] <= Duration::from_millis(500),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn a_429_waits_exactly_the_retry_after_header() {
    let server = MockServer::sequence(vec![
        Reply::fail(429, "Too many requests").with_header("Retry-After", "8"),
        Reply::ok(team()),
    ])
    .await;
    let (client, clock) = server.client();
    client.team_list(PROFILE).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(8)]);
}

#[tokio::test]
async fn a_429_without_header_waits_what_the_message_says() {
    let server = MockServer::sequence(vec![
        Reply::fail(429, "Too many requests (Retry-After: 3)"),
        Reply::ok(team()),
    ])
    .await;
    let (client, clock) = server.client();
    client.team_list(PROFILE).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(3)]);
}

#[tokio::test]
async fn a_get_gives_up_after_max_attempts_with_the_last_answer() {
    let server = MockServer::sequence(vec![Reply::fail(503, "Service unavailable")]).await;
    let clock = tagoform::api::ManualClock::shared();
    let client = server
        .builder(clock.clone())
        .retry(RetryPolicy {
            max_attempts: 3,
            jitter_seed: Some(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let error = client.team_list(PROFILE).await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(clock.sleeps().len(), 2);
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.attempts(), 3);
    assert_eq!(client.requests_sent(), 3);
    assert_eq!(
        error.to_string(),
        format!("GET /profile/{PROFILE}/team: 503 Service unavailable")
    );
}

#[tokio::test]
async fn a_post_whose_connection_drops_is_sent_once_and_reported_lost() {
    let server = MockServer::sequence(vec![Reply::Drop]).await;
    let (client, clock) = server.client();
    let error = client.profile_create("acme").await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.requests()[0].method, "POST");
    assert!(error.answer_lost(), "{error:?}");
    assert!(!error.safe_to_repeat());
    assert!(
        matches!(
            error,
            ApiError::Transport {
                failure: TransportFailure::Dropped,
                reached_server: true,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn a_post_answered_503_is_sent_once_and_reported_lost() {
    let server = MockServer::sequence(vec![
        Reply::fail(503, "Service unavailable"),
        Reply::ok(json!({"id": PROFILE})),
    ])
    .await;
    let (client, _) = server.client();
    let error = client.profile_create("acme").await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(error.answer_lost());
    assert_eq!(error.to_string(), "POST /profile: 503 Service unavailable");
}

#[tokio::test]
async fn a_post_refused_with_429_is_repeated_because_nothing_was_done() {
    let server = MockServer::sequence(vec![
        Reply::fail(429, "Too many requests (Retry-After: 5)"),
        Reply::ok(json!({"id": PROFILE})),
    ])
    .await;
    let (client, clock) = server.client();
    assert_eq!(client.profile_create("acme").await.unwrap(), PROFILE);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(5)]);
}

#[tokio::test]
async fn a_put_whose_connection_drops_is_repeated() {
    let server =
        MockServer::sequence(vec![Reply::Drop, Reply::ok(json!("Successfully Updated"))]).await;
    let (client, _) = server.client();
    let edit = tagoform::api::types::ProfileEditRequest {
        name: Some("acme".to_owned()),
        ..Default::default()
    };
    client.profile_edit(PROFILE, &edit).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests
        .iter()
        .all(|request| request.method == "PUT" && request.body == r#"{"name":"acme"}"#));
}

#[tokio::test]
async fn a_post_that_times_out_is_sent_once_and_reported_lost() {
    let server = MockServer::sequence(vec![Reply::Hang]).await;
    let clock = tagoform::api::ManualClock::shared();
    let client = server
        .builder(clock)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client
        .team_invite(PROFILE, "a@example.com")
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(
        matches!(
            error,
            ApiError::Transport {
                failure: TransportFailure::Timeout,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.answer_lost());
}

#[tokio::test]
async fn a_refused_connection_is_not_a_lost_answer() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let clock = tagoform::api::ManualClock::shared();
    let client = Client::builder(url)
        .token(Token::new("x-token-value"))
        .clock(clock.clone())
        .retry(RetryPolicy {
            max_attempts: 2,
            jitter_seed: Some(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let error = client.profile_create("acme").await.unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::Transport {
                failure: TransportFailure::Connect,
                reached_server: false,
                attempts: 2,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.answer_lost());
    assert!(error.safe_to_repeat());
}

#[tokio::test]
async fn a_malformed_answer_is_a_decode_error_naming_the_route() {
    let server = MockServer::sequence(vec![Reply::Answer {
        status: 200,
        headers: Vec::new(),
        body: "<html>gateway</html>".to_owned(),
    }])
    .await;
    let (client, _) = server.client();
    let error = client.profiles_list().await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        error.to_string(),
        "GET /profile: could not read the answer (HTTP 200): expected value at line 1 column 1; body starts with: <html>gateway</html>"
    );
}

#[tokio::test]
async fn a_wrong_shape_is_a_decode_error_naming_the_route() {
    let server = MockServer::sequence(vec![Reply::ok(json!({"profiles": []}))]).await;
    let (client, _) = server.client();
    let error = client.profiles_list().await.unwrap_err();
    assert!(matches!(error, ApiError::Decode { .. }), "{error:?}");
    assert!(error.to_string().starts_with("GET /profile: could not read the answer (HTTP 200): invalid type: map, expected a sequence"), "{error}");
}

#[tokio::test]
async fn a_huge_answer_is_refused_without_reading_it_all() {
    let big = format!(
        "{{\"status\":true,\"result\":[\"{}\"]}}",
        "x".repeat(100_000)
    );
    for reply in [
        Reply::Answer {
            status: 200,
            headers: Vec::new(),
            body: big.clone(),
        },
        Reply::Unbounded {
            status: 200,
            body: big.clone().into_bytes(),
        },
    ] {
        let server = MockServer::sequence(vec![reply]).await;
        let clock = tagoform::api::ManualClock::shared();
        let client = server
            .builder(clock)
            .max_body_bytes(10_000)
            .build()
            .unwrap();
        let error = client.profiles_list().await.unwrap_err();
        assert_eq!(server.requests().len(), 1);
        assert_eq!(
            error.to_string(),
            "GET /profile: could not read the answer (HTTP 200): the answer is larger than 10000 bytes"
        );
    }
}

#[tokio::test]
async fn an_error_status_without_envelope_is_an_unexpected_status() {
    let server = MockServer::sequence(vec![Reply::Answer {
        status: 404,
        headers: Vec::new(),
        body: "Cannot GET".to_owned(),
    }])
    .await;
    let (client, _) = server.client();
    let error = client.profile_info(PROFILE).await.unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(
        error.to_string(),
        format!("GET /profile/{PROFILE}: unexpected HTTP status 404: Cannot GET")
    );
}

#[tokio::test]
async fn a_get_that_times_out_is_repeated() {
    let server = MockServer::sequence(vec![Reply::Hang, Reply::ok(team())]).await;
    let clock = tagoform::api::ManualClock::shared();
    let client = server
        .builder(clock.clone())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    client.team_list(PROFILE).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(clock.sleeps().len(), 1);
}

/// A redirect to another host is never followed: neither the token header nor a sign-in's
/// password reaches it, and the error names the route and the target host only.
#[tokio::test]
async fn redirects_are_never_followed_and_no_credential_leaves() {
    let elsewhere = MockServer::sequence(vec![Reply::ok(serde_json::json!([]))]).await;
    let target = format!("{}/steal?token=x", elsewhere.url);
    for status in [301, 302, 307, 308] {
        let redirecting = MockServer::sequence(vec![
            Reply::json(status, serde_json::json!({})).with_header("location", &target)
        ])
        .await;
        let (client, _) = redirecting.client();
        let error = client.profiles_list().await.unwrap_err();
        let host = elsewhere.url.trim_start_matches("http://").to_owned();
        assert_eq!(
            error.to_string(),
            format!(
                "GET /profile: the API answered {status}, a redirect to http://{host}; TagoIO's \
                 API does not redirect, so tagoform followed nothing and sent no credential \
                 there: check --api or TAGOIO_API"
            )
        );
        let request = tagoform::api::types::ProfileTokenRequest {
            email: "a@example.com".to_owned(),
            password: "the-password".into(),
            profile_id: PROFILE.to_owned(),
            name: "x".to_owned(),
            expire_time: None,
            otp_type: None,
            pin_code: None,
        };
        let redirecting = MockServer::sequence(vec![
            Reply::json(status, serde_json::json!({})).with_header("location", &target)
        ])
        .await;
        let (client, _) = redirecting.client();
        let error = client.profile_token_create(&request).await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert!(!error.to_string().contains("the-password"));
    }
    assert_eq!(
        elsewhere.requests().len(),
        0,
        "nothing reached the other host"
    );
}

/// A server message with an escape sequence or a newline cannot repaint the terminal or
/// forge a line: such characters are printed as `\u{...}`.
#[tokio::test]
async fn control_characters_in_a_server_message_are_shown_not_obeyed() {
    let server = MockServer::sequence(vec![Reply::fail(
        400,
        "\u{1b}[2J\u{1b}[H\nNo changes. TagoIO matches the configuration.\u{202e}",
    )])
    .await;
    let (client, _) = server.client();
    let error = client.profiles_list().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "GET /profile: 400 \\u{1b}[2J\\u{1b}[H\\u{a}No changes. TagoIO matches the configuration.\\u{202e}"
    );
}
