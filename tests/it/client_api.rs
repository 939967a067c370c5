//! The client's contract with a well-behaved server: envelope decoding, paging, query and
//! path encoding, ids refused before sending, pacing, and secrets kept out of every
//! `Debug`, error and log line.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tagoform::api::types::{LoginRequest, TokenCreateRequest};
use tagoform::api::{
    ApiError, ApiSettings, ListQuery, ManualClock, Method, ObjectKind, RateBudgets, ShareError,
    SortOrder, Token,
};

use super::support::client::{MockServer, Reply, OTHER, PROFILE, TOKEN};
use super::support::door::template_matches;

fn token_item(index: usize) -> serde_json::Value {
    json!({
        "name": format!("t{index}"),
        "token": format!("secret-token-{index:04}"),
        "permission": "full",
        "expire_time": "never",
        "type": "account",
        "created_at": "2026-01-01T00:00:00.000Z"
    })
}

/// Serves `total` tokens in pages of the requested `amount`.
async fn token_server(total: usize) -> MockServer {
    MockServer::start(move |request, _| {
        let query = request.query();
        let number = |key: &str| -> usize {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
                .and_then(|value| value.parse().ok())
                .unwrap()
        };
        let (page, amount) = (number("page"), number("amount"));
        let items: Vec<_> = ((page - 1) * amount..(page * amount).min(total))
            .map(token_item)
            .collect();
        Reply::ok(json!(items))
    })
    .await
}

#[tokio::test]
async fn the_envelope_is_decoded_into_typed_results() {
    let server = MockServer::sequence(vec![Reply::ok(json!([
        {"id": PROFILE, "name": "Acme", "logo_url": null},
        {"id": OTHER, "name": "Shared", "logo_url": null, "from_share": true}
    ]))])
    .await;
    let (client, _) = server.client();
    let profiles = client.profiles_list().await.unwrap();
    assert_eq!(profiles.len(), 2);
    assert_eq!(profiles[1].id, OTHER);
    assert_eq!(profiles[1].from_share, Some(true));
    let request = &server.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("GET", "/profile")
    );
    assert_eq!(request.header("token"), Some(TOKEN));
}

#[tokio::test]
async fn an_error_envelope_keeps_status_route_and_message() {
    let server = MockServer::sequence(vec![Reply::fail(
        409,
        "Connector already shared with this profile",
    )])
    .await;
    let (client, _) = server.client();
    let error = client
        .team_invite(PROFILE, "a@example.com")
        .await
        .unwrap_err();
    assert!(error.is_conflict());
    assert!(!error.answer_lost());
    assert_eq!(
        error.server_message(),
        Some("Connector already shared with this profile")
    );
    assert_eq!(
        error.to_string(),
        format!("POST /profile/{PROFILE}/team: 409 Connector already shared with this profile")
    );
    assert_eq!(server.requests()[0].body, r#"{"email":"a@example.com"}"#);
}

#[tokio::test]
async fn every_page_is_read_and_a_short_page_ends_the_list() {
    for (total, expected_requests) in [(5, 3), (4, 3), (1, 1), (0, 1)] {
        let server = token_server(total).await;
        let clock = ManualClock::shared();
        let client = server.builder(clock).page_size(2).build().unwrap();
        let tokens = client.tokens_list(PROFILE).await.unwrap();
        assert_eq!(tokens.len(), total);
        let requests = server.requests();
        assert_eq!(requests.len(), expected_requests, "{total} tokens");
        assert_eq!(
            requests[0].target,
            format!("/profile/{PROFILE}/token?page=1&fields%5B0%5D=name&fields%5B1%5D=token&fields%5B2%5D=permission&fields%5B3%5D=expire_time&fields%5B4%5D=type&fields%5B5%5D=created_at&fields%5B6%5D=last_authorization&fields%5B7%5D=created_by&amount=2&orderBy=created_at%2Casc")
        );
    }
}

#[tokio::test]
async fn lists_use_the_largest_page_by_default() {
    let server = token_server(3).await;
    let (client, _) = server.client();
    client.tokens_list(PROFILE).await.unwrap();
    assert!(server.requests()[0].query().contains("&amount=1000&"));
}

#[tokio::test]
async fn list_queries_are_encoded_like_the_sdk() {
    let server =
        MockServer::sequence(vec![Reply::ok(json!([{"id": PROFILE, "name": "a b"}]))]).await;
    let (client, _) = server.client();
    let query = ListQuery::default()
        .fields(["id", "name"])
        .filter("name", "a b&x=1")
        .order_by("name", SortOrder::Desc);
    let connectors = client.owned_connectors(PROFILE, &query).await.unwrap();
    assert_eq!(connectors[0].fields.name.as_deref(), Some("a b"));
    assert_eq!(
        server.requests()[0].target,
        format!("/integration/connector?page=1&fields%5B0%5D=id&fields%5B1%5D=name&filter%5Bname%5D=a%20b%26x%3D1&filter%5Bprofile%5D={PROFILE}&amount=1000&orderBy=name%2Cdesc")
    );
}

#[tokio::test]
async fn ids_that_are_not_tagoio_ids_are_refused_before_any_request() {
    let server = MockServer::sequence(vec![Reply::ok(json!([]))]).await;
    let (client, _) = server.client();
    for bad in [
        "../account",
        "64F1C2A9E3B1D40012AB34CD",
        "64f1c2a9e3b1d40012ab34cd/share",
        "",
    ] {
        let error = client.team_list(bad).await.unwrap_err();
        assert!(matches!(error, ApiError::InvalidId { .. }), "{error:?}");
        let error = client
            .unshare_confirmed(ObjectKind::Network, PROFILE, bad)
            .await
            .unwrap_err();
        assert!(
            matches!(error, ShareError::Api(ApiError::InvalidId { .. })),
            "{error:?}"
        );
        let error = client
            .owned_networks(bad, &ListQuery::default())
            .await
            .unwrap_err();
        assert!(matches!(error, ApiError::InvalidId { .. }), "{error:?}");
    }
    assert_eq!(server.requests().len(), 0);
}

#[tokio::test]
async fn login_sends_no_token_and_hides_the_password() {
    let server = MockServer::sequence(vec![Reply::fail(
        401,
        "Wrong password hunter2-pass for demo@tagoform.local",
    )])
    .await;
    let (client, _) = server.client();
    let request = LoginRequest {
        email: "demo@tagoform.local".to_owned(),
        password: "hunter2-pass".into(),
        otp_type: None,
        pin_code: None,
    };
    let error = client.login(&request).await.unwrap_err();
    assert_eq!(server.requests()[0].header("token"), None);
    assert_eq!(
        error.to_string(),
        "POST /account/login: 401 Wrong password *** for demo@tagoform.local"
    );
    assert!(!format!("{error:?}").contains("hunter2-pass"));
}

#[tokio::test]
async fn a_token_in_a_path_is_sent_encoded_and_never_shown() {
    let secret = "c0ffee00-1111-2222-3333-444455556666";
    let server =
        MockServer::sequence(vec![Reply::fail(404, &format!("Token {secret} not found"))]).await;
    let (client, _) = server.client();
    logged();
    let error = client
        .token_delete(PROFILE, &Token::new(secret))
        .await
        .unwrap_err();
    assert_eq!(
        server.requests()[0].target,
        format!("/profile/{PROFILE}/token/{secret}")
    );
    assert_eq!(
        error.to_string(),
        format!("DELETE /profile/{PROFILE}/token/***: 404 Token *** not found")
    );
    let debug = format!("{error:?}");
    let output = logged();
    assert!(
        output.contains("DELETE")
            && output.contains("/profile/{id}/token/{token}")
            && output.contains("404"),
        "{output}"
    );
    for text in [&debug, &output] {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }
}

#[tokio::test]
async fn a_malformed_token_answer_never_shows_its_body() {
    let server = MockServer::sequence(vec![Reply::ok(
        json!({"token": "leaked-value-123", "permission": 7}),
    )])
    .await;
    let (client, _) = server.client();
    let request = TokenCreateRequest {
        name: "ci".to_owned(),
        permission: tagoform::api::types::Permission::Full,
        expire_time: Some("90 days".to_owned()),
        email: "demo@tagoform.local".to_owned(),
        password: "hunter2-pass".into(),
        otp_type: None,
        pin_code: None,
    };
    let error = client.token_create(PROFILE, &request).await.unwrap_err();
    assert!(
        matches!(error, ApiError::Decode { excerpt: None, .. }),
        "{error:?}"
    );
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(
            !text.contains("leaked-value-123") && !text.contains("hunter2-pass"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn debug_of_client_and_settings_shows_no_token() {
    let server = MockServer::sequence(vec![Reply::ok(json!([]))]).await;
    let (client, _) = server.client();
    let settings = ApiSettings::new(
        tagoform::api::Endpoint::Url(server.url.clone()),
        Some(Token::new(TOKEN)),
    );
    for text in [
        format!("{client:?}"),
        format!("{settings:?}"),
        format!("{:?}", client.with_token(Token::new(TOKEN), "p")),
    ] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(text.contains("***"), "{text}");
    }
}

#[tokio::test]
async fn pacing_waits_instead_of_running_into_429() {
    let server = MockServer::sequence(vec![Reply::ok(json!({"id": PROFILE}))]).await;
    let clock = ManualClock::shared();
    let budgets = RateBudgets::unlimited().route(Method::Post, "/profile", 2);
    let client = server
        .builder(clock.clone())
        .rate_budgets(budgets)
        .build()
        .unwrap();
    for _ in 0..3 {
        client.profile_create("acme").await.unwrap();
    }
    // Reads are not in the POST bucket.
    let _ = client.profiles_list().await;
    assert_eq!(server.requests().len(), 4);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(60)]);
}

/// Everything logged (debug level) in this test binary so far. A global subscriber,
/// because a scoped one misses events of callsites other test threads hit first.
fn logged() -> String {
    let buffer = LOGS.get_or_init(install_log_capture);
    let text = String::from_utf8_lossy(&buffer.lock().unwrap()).to_string();
    text
}

static LOGS: std::sync::OnceLock<Arc<Mutex<Vec<u8>>>> = std::sync::OnceLock::new();

fn install_log_capture() -> Arc<Mutex<Vec<u8>>> {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || Writer(writer.clone()))
        .finish();
    tracing::subscriber::set_global_default(subscriber)
        .expect("no other global subscriber in the test binary");
    buffer
}

struct Writer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Writer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn every_request_the_client_sends_has_a_rate_budget_route() {
    let server = MockServer::sequence(vec![Reply::ok(json!([]))]).await;
    let (client, _) = server.client();
    let token = Token::new(TOKEN);
    let login = LoginRequest {
        email: "a@example.com".to_owned(),
        password: "password".into(),
        otp_type: None,
        pin_code: None,
    };
    let profile_token = tagoform::api::types::ProfileTokenRequest {
        email: "a@example.com".to_owned(),
        password: "password".into(),
        profile_id: PROFILE.to_owned(),
        name: "x".to_owned(),
        expire_time: None,
        otp_type: None,
        pin_code: None,
    };
    let token_request = TokenCreateRequest {
        name: "x".to_owned(),
        permission: tagoform::api::types::Permission::Read,
        expire_time: None,
        email: "a@example.com".to_owned(),
        password: "password".into(),
        otp_type: None,
        pin_code: None,
    };
    let delete = tagoform::api::types::ProfileDeleteRequest {
        password: "password".into(),
        pin_code: None,
    };
    let query = ListQuery::default();
    let _ = client.login(&login).await;
    let _ = client.profile_token_create(&profile_token).await;
    let _ = client.profiles_list().await;
    let _ = client.profile_create("x").await;
    let _ = client.profile_info(PROFILE).await;
    let _ = client.profile_edit(PROFILE, &Default::default()).await;
    let _ = client.profile_delete(PROFILE, &delete).await;
    let _ = client.team_list(PROFILE).await;
    let _ = client.team_invite(PROFILE, "a@example.com").await;
    let _ = client.team_remove(PROFILE, OTHER).await;
    let _ = client.tokens_list(PROFILE).await;
    let _ = client.token_create(PROFILE, &token_request).await;
    let _ = client.token_delete(PROFILE, &token).await;
    let _ = client.owned_networks(PROFILE, &query).await;
    let _ = client.network_create(&Default::default()).await;
    let _ = client.network_info(OTHER).await;
    let _ = client.network_edit(OTHER, &Default::default()).await;
    let _ = client.network_delete(OTHER).await;
    let _ = client.owned_connectors(PROFILE, &query).await;
    let _ = client.connector_create(&Default::default()).await;
    let _ = client.connector_info(OTHER).await;
    let _ = client.connector_edit(OTHER, &Default::default()).await;
    let _ = client.connector_delete(OTHER).await;
    let _ = client.profile_current().await;
    let otp = tagoform::api::types::LoginOtpRequest {
        email: "a@example.com".to_owned(),
        password: "password".into(),
        otp_type: tagoform::api::types::OtpType::Sms,
    };
    let _ = client.login_otp(&otp).await;
    let _ = client.allocation().await;
    let _ = client.allocation_edit(&[]).await;
    let _ = client.subscription().await;
    let edit = tagoform::api::types::SubscriptionAddOnsEdit {
        addons: Default::default(),
    };
    let _ = client.subscription_addons_edit(&edit).await;
    let _ = client.pricing().await;
    for addon in tagoform::billing::AddOn::ALL {
        let _ = client.addon_remove(PROFILE, addon).await;
    }
    for kind in [ObjectKind::Network, ObjectKind::Connector] {
        let _ = client.share_recipients(kind, OTHER).await;
        let _ = client.share_confirmed(kind, OTHER, PROFILE).await;
        let _ = client.unshare_confirmed(kind, OTHER, PROFILE).await;
    }
    // Every route of ROUTES was sent, and nothing else (a confirmed share also reads the list).
    let mut seen = std::collections::BTreeSet::new();
    for request in server.requests() {
        let path = request.target.split('?').next().unwrap();
        let known = tagoform::api::ROUTES.iter().find(|(method, template)| {
            method.as_str() == request.method
                && template_matches(template, path)
                && (path != "/profile/current" || *template == "/profile/current")
        });
        let Some((method, template)) = known else {
            panic!("{} {path} has no entry in ROUTES", request.method);
        };
        seen.insert((method.as_str(), *template));
    }
    assert_eq!(seen.len(), tagoform::api::ROUTES.len());
}

/// A server that echoes the password in the answer to a later request, as it is or
/// JSON-escaped in any way, gets `***` printed: every secret the client sent is hidden in
/// every later error, in every encoding JSON can give it.
#[tokio::test]
async fn a_password_echoed_later_or_escaped_is_never_shown() {
    use tagoform::api::types::ProfileTokenRequest;
    let password = r#"pa"ss\w/rd"#;
    let echoes = [
        password.to_owned(),
        r#"pa\"ss\\w\/rd"#.to_owned(),
        r#"\u0070\u0061\u0022ss\u005cw/rd"#.to_owned(),
    ];
    let mut replies = vec![Reply::ok(
        json!({"token": "0f5d7c1e-1111-2222-3333-444455556666"}),
    )];
    replies.extend(
        echoes
            .iter()
            .map(|echo| Reply::fail(400, &format!("wrong password: {echo}"))),
    );
    let server = MockServer::sequence(replies).await;
    let (client, _) = server.client();
    let request = ProfileTokenRequest {
        email: "a@example.com".into(),
        password: password.into(),
        profile_id: PROFILE.into(),
        name: "test".into(),
        expire_time: None,
        otp_type: None,
        pin_code: None,
    };
    client.profile_token_create(&request).await.unwrap();
    for echo in &echoes {
        let shown = client.profiles_list().await.unwrap_err().to_string();
        assert_eq!(
            shown, "GET /profile: 400 wrong password: ***",
            "echoed as {echo}"
        );
    }
}

/// One token listed with an expiry no clock reads (a year past 9999, a word) is read as
/// unreadable, not a failed list: the rest of the profile's tokens still plan.
#[tokio::test]
async fn a_token_list_with_an_unreadable_expiry_is_still_read() {
    use tagoform::api::types::ListedExpiry;
    let item = |name: &str, expire: &str| {
        json!({"name": name, "token": format!("{name}-value-0000"), "permission": "read",
               "expire_time": expire, "type": "account", "created_at": "2027-01-01T00:00:00.000Z"})
    };
    let server = MockServer::sequence(vec![Reply::ok(json!([
        item("far", "+102026-01-01T00:00:00.000Z"),
        item("word", "soon"),
        item("plain", "2028-01-01T00:00:00.000Z"),
    ]))])
    .await;
    let (client, _) = server.client();
    let tokens = client.tokens_list(PROFILE).await.unwrap();
    let expiries: Vec<ListedExpiry> = tokens.into_iter().map(|t| t.expire_time).collect();
    assert_eq!(
        expiries,
        [
            ListedExpiry::Unreadable("+102026-01-01T00:00:00.000Z".into()),
            ListedExpiry::Unreadable("soon".into()),
            ListedExpiry::At("2028-01-01T00:00:00Z".parse().unwrap()),
        ]
    );
}
