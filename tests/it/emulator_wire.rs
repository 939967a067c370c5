//! Hand-written samples shaped like TagoIO's answers (from its SDK and docs; none is recorded
//! from TagoIO) must parse with
//! the shared wire types, so the client and the emulator cannot drift away from TagoIO together.

use std::path::PathBuf;

use serde::de::DeserializeOwned;
use tagoform::api::types::*;

fn sample<T: DeserializeOwned>(name: &str) -> T {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/emulator/samples")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[test]
fn login_sample_parses() {
    let login: ApiSuccess<LoginResponse> = sample("login");
    assert_eq!(login.result.kind, "user");
    assert_eq!(login.result.profiles.len(), 2);
    assert_eq!(login.result.profiles[1].from_share, Some(true));
    assert!(login.result.profiles.iter().all(|p| is_valid_id(&p.id)));
}

#[test]
fn profile_samples_parse() {
    let list: ApiSuccess<Vec<ProfileListItem>> = sample("profile_list");
    assert_eq!(list.result[0].from_share, None);
    assert_eq!(
        list.result[1].account.as_deref(),
        Some("60a1b2c3d4e5f60718293a4b")
    );
    let info: ApiSuccess<ProfileInfo> = sample("profile_info");
    assert_eq!(info.result.info.name, "Production");
    assert_eq!(info.result.info.banner_url, None);
    assert_eq!(info.result.account_plan.as_deref(), Some("free"));
    let created: ApiSuccess<ProfileCreateResponse> = sample("profile_create");
    assert_eq!(created.result.id, "65a0f3e2b1c4d5e6f7a8b9c0");
}

#[test]
fn team_sample_parses() {
    let team: ApiSuccess<Vec<TeamMember>> = sample("team_list");
    assert_eq!(team.result.iter().filter(|m| !m.active).count(), 1);
    assert_eq!(
        team.result[1].created_at.to_rfc3339(),
        "2024-02-03T11:30:00+00:00"
    );
}

#[test]
fn token_samples_parse_and_never_print_the_value() {
    let list: ApiSuccess<Vec<TokenListItem>> = sample("token_list");
    assert_eq!(list.result[0].expire_time, ListedExpiry::Never);
    assert_eq!(list.result[1].permission, Permission::Read);
    assert!(matches!(list.result[1].expire_time, ListedExpiry::At(_)));
    let printed = format!("{:?}", list.result);
    assert!(
        !printed.contains(list.result[0].token.expose()),
        "{printed}"
    );
    let created: ApiSuccess<TokenCreateResponse> = sample("token_create");
    assert_eq!(created.result.permission, Permission::Write);
    assert!(!format!("{created:?}").contains(created.result.token.expose()));
}

#[test]
fn integration_samples_parse() {
    let network: ApiSuccess<NetworkInfo> = sample("network_info");
    let fields = &network.result.fields;
    assert_eq!(
        fields.middleware_endpoint.as_deref(),
        Some("lorawan.example.com")
    );
    assert_eq!(fields.device_parameters.as_ref().map(Vec::len), Some(2));
    assert_eq!(
        fields.serial_number.as_ref().and_then(|s| s.required),
        Some(true)
    );
    let list: ApiSuccess<Vec<NetworkInfo>> = sample("network_list");
    assert_eq!(
        list.result[1].fields.name.as_deref(),
        Some("Sigfox Example")
    );
    assert_eq!(list.result[1].created_at, None);
    let connector: ApiSuccess<ConnectorInfo> = sample("connector_info");
    assert_eq!(connector.result.public, Some(false));
    assert_eq!(
        connector.result.fields.networks,
        Some(vec!["5d7f8e9a0b1c2d3e4f5a6b7c".to_string()])
    );
    let created: ApiSuccess<NetworkCreateResponse> = sample("network_create");
    assert_eq!(created.result.network, "5d7f8e9a0b1c2d3e4f5a6b7c");
    let created: ApiSuccess<ConnectorCreateResponse> = sample("connector_create");
    assert_eq!(created.result.connector, "6e8f9a0b1c2d3e4f5a6b7c8d");
    let edited: ApiSuccess<String> = sample("edit_ok");
    assert_eq!(edited.result, "Connector Successfully Updated");
}

#[test]
fn error_samples_parse() {
    let denied: ApiFailure = sample("error_auth");
    assert!(!denied.status);
    let limited: RawEnvelope = sample("error_rate_limit");
    assert_eq!(
        limited.message.as_deref(),
        Some("Too many requests (Retry-After: 8)")
    );
    assert_eq!(limited.result, None);
}

#[test]
fn secrets_in_requests_are_redacted_in_debug() {
    let request = TokenCreateRequest {
        name: "ci".into(),
        permission: Permission::Full,
        expire_time: Some("90 days".into()),
        email: "demo@tagoform.local".into(),
        password: "hunter2-secret".into(),
        otp_type: None,
        pin_code: Some("123456".into()),
    };
    let printed = format!("{request:?}");
    assert!(
        !printed.contains("hunter2-secret") && !printed.contains("123456"),
        "{printed}"
    );
    let login = LoginRequest {
        email: "a@b.c".into(),
        password: "hunter2-secret".into(),
        otp_type: None,
        pin_code: None,
    };
    assert!(!format!("{login:?}").contains("hunter2-secret"));
}

#[test]
fn ids_are_24_lowercase_hex() {
    assert!(is_valid_id("64f1c2a9e3b1d40012ab34cd"));
    assert!(!is_valid_id("64F1C2A9E3B1D40012AB34CD"));
    assert!(!is_valid_id("64f1c2a9e3b1d40012ab34c"));
    assert!(!is_valid_id("../../etc/passwd0000000000"));
}
