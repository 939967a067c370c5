//! The client against the emulator over loopback: every endpoint round-trips, lists cost
//! exactly the pages they need (counted by the emulator), and TagoIO's rate limits are
//! either paced under or waited out with the `Retry-After` the emulator gives. Waits
//! advance the emulator's frozen clock instead of sleeping.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tagoform::api::types::{
    ConnectorCreateInfo, LoginRequest, NetworkCreateInfo, Permission, ProfileDeleteRequest,
    ProfileEditRequest, TokenCreateRequest,
};
use tagoform::api::{
    BoxFuture, Client, Clock, ListQuery, ManualClock, ObjectKind, RateBudgets, RetryPolicy, Token,
};
use tagoform::emulator::{start, EmulatorConfig, RunningEmulator, Tier, DEMO_TOKEN};

const DEMO_EMAIL: &str = "demo@tagoform.local";
const DEMO_PASSWORD: &str = "demo-password";
const DEMO_PROFILE: &str = "6500a1b2c3d4e5f601234501";
const PARTNER_PROFILE: &str = "64f1c2a9e3b1d40012ab34cd";
const ALICE: &str = "6500a1b2c3d4e5f6012345a0";

/// A clock whose waits move the emulator's (frozen) clock forward by the same amount.
#[derive(Debug)]
struct EmulatorClock {
    local: Arc<ManualClock>,
    url: String,
    http: reqwest::Client,
}

impl Clock for EmulatorClock {
    fn now(&self) -> Duration {
        self.local.now()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = self.local.sleep(duration).await;
            let seconds = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
            self.http
                .post(format!("{}/_emulator/clock/advance", self.url))
                .json(&json!({ "seconds": seconds }))
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap();
        })
    }
}

async fn emulator(plan: Tier) -> RunningEmulator {
    let running = start(EmulatorConfig {
        plan,
        rng_seed: Some(7),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    // Ten seconds into a minute: a 429 now asks for exactly 50 seconds.
    reqwest::Client::new()
        .post(format!("{}/_emulator/clock/freeze", running.url()))
        .json(&json!({ "at": "2030-01-01T00:00:10Z" }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    running
}

fn client(running: &RunningEmulator) -> (Client, Arc<ManualClock>) {
    let local = ManualClock::shared();
    let clock = EmulatorClock {
        local: local.clone(),
        url: running.url(),
        http: reqwest::Client::new(),
    };
    let client = Client::builder(running.url())
        .token(Token::new(DEMO_TOKEN))
        .clock(Arc::new(clock))
        .retry(RetryPolicy {
            jitter_seed: Some(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    (client, local)
}

fn count(running: &RunningEmulator, route: &str) -> u64 {
    running
        .state()
        .request_counts()
        .get(route)
        .copied()
        .unwrap_or(0)
}

#[tokio::test]
async fn every_endpoint_round_trips() {
    let running = emulator(Tier::Unlimited).await;
    let (client, _) = client(&running);

    let login = client
        .login(&LoginRequest {
            email: DEMO_EMAIL.to_owned(),
            password: DEMO_PASSWORD.into(),
            otp_type: None,
            pin_code: None,
        })
        .await
        .unwrap();
    assert!(login
        .profiles
        .iter()
        .any(|profile| profile.id == DEMO_PROFILE));

    let profile = client.profile_create("Client check").await.unwrap();
    let edit = ProfileEditRequest {
        name: Some("Client check renamed".to_owned()),
        ..Default::default()
    };
    client.profile_edit(&profile, &edit).await.unwrap();
    let info = client.profile_info(&profile).await.unwrap();
    assert_eq!(info.info.name, "Client check renamed");
    assert!(client
        .profiles_list()
        .await
        .unwrap()
        .iter()
        .any(|item| item.id == profile));

    client
        .team_invite(&profile, "alice@acme.example")
        .await
        .unwrap();
    let team = client.team_list(&profile).await.unwrap();
    assert_eq!(team.len(), 1);
    assert_eq!((team[0].id.as_str(), team[0].active), (ALICE, false));
    let error = client
        .team_invite(&profile, "nobody@example.invalid")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    client.team_remove(&profile, ALICE).await.unwrap();
    assert!(client.team_list(&profile).await.unwrap().is_empty());

    let created = client
        .token_create(
            &profile,
            &TokenCreateRequest {
                name: "ci".to_owned(),
                permission: Permission::Read,
                expire_time: Some("90 days".to_owned()),
                email: DEMO_EMAIL.to_owned(),
                password: DEMO_PASSWORD.into(),
                otp_type: None,
                pin_code: None,
            },
        )
        .await
        .unwrap();
    let tokens = client.tokens_list(&profile).await.unwrap();
    assert!(tokens
        .iter()
        .any(|item| item.token == created.token && item.permission == Permission::Read));
    client.token_delete(&profile, &created.token).await.unwrap();
    assert!(!client
        .tokens_list(&profile)
        .await
        .unwrap()
        .iter()
        .any(|item| item.token == created.token));

    let network = client
        .network_create(&NetworkCreateInfo {
            name: Some("client-net".to_owned()),
            ..Default::default()
        })
        .await
        .unwrap();
    let connector = client
        .connector_create(&ConnectorCreateInfo {
            name: Some("client-connector".to_owned()),
            networks: Some(vec![network.clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    let edit = ConnectorCreateInfo {
        description: Some("edited".to_owned()),
        ..Default::default()
    };
    client.connector_edit(&connector, &edit).await.unwrap();
    let info = client.connector_info(&connector).await.unwrap();
    assert_eq!(info.fields.description.as_deref(), Some("edited"));
    assert_eq!(info.fields.networks, Some(vec![network.clone()]));
    let listed = client
        .owned_connectors(
            DEMO_PROFILE,
            &ListQuery::default().filter("name", "client-connector"),
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].fields.networks, Some(vec![network.clone()]));
    assert!(client
        .owned_networks(DEMO_PROFILE, &ListQuery::default())
        .await
        .unwrap()
        .iter()
        .any(|item| item.id == network));

    let kind = ObjectKind::Connector;
    client
        .share_confirmed(kind, &connector, PARTNER_PROFILE)
        .await
        .unwrap();
    // Again: the 409 is settled by the list, which shows the share.
    client
        .share_confirmed(kind, &connector, PARTNER_PROFILE)
        .await
        .unwrap();
    assert_eq!(
        client.share_recipients(kind, &connector).await.unwrap(),
        vec![PARTNER_PROFILE.to_owned()]
    );
    let partner = client.with_token(
        Token::new(tagoform::emulator::PARTNER_TOKEN),
        PARTNER_PROFILE,
    );
    let seen = partner.connector_info(&connector).await.unwrap();
    assert_eq!(seen.id, connector);
    let partners_own = partner
        .owned_connectors(PARTNER_PROFILE, &ListQuery::default())
        .await
        .unwrap();
    assert!(partners_own.iter().all(|item| item.id != connector));
    let error = partner.connector_edit(&connector, &edit).await.unwrap_err();
    assert!(error.is_forbidden(), "{error}");
    client
        .unshare_confirmed(kind, &connector, PARTNER_PROFILE)
        .await
        .unwrap();
    // Again: the 404 is settled by the list, which no longer shows it.
    client
        .unshare_confirmed(kind, &connector, PARTNER_PROFILE)
        .await
        .unwrap();
    assert!(client
        .share_recipients(kind, &connector)
        .await
        .unwrap()
        .is_empty());

    client.connector_delete(&connector).await.unwrap();
    assert!(client
        .connector_info(&connector)
        .await
        .unwrap_err()
        .is_not_found());
    client.network_delete(&network).await.unwrap();
    let credentials = ProfileDeleteRequest {
        password: DEMO_PASSWORD.into(),
        pin_code: None,
    };
    client.profile_delete(&profile, &credentials).await.unwrap();
    assert!(client
        .profile_info(&profile)
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn a_list_costs_exactly_its_pages() {
    let running = emulator(Tier::Unlimited).await;
    let (client, _) = client(&running);
    for index in 0..5 {
        client
            .network_create(&NetworkCreateInfo {
                name: Some(format!("net-{index}")),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let paged = client.with_token(Token::new(DEMO_TOKEN), DEMO_PROFILE);
    let small = Client::builder(running.url())
        .token(Token::new(DEMO_TOKEN))
        .page_size(2)
        .build()
        .unwrap();
    let all = small
        .owned_networks(DEMO_PROFILE, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(count(&running, "GET /integration/network"), 3);
    paged
        .owned_networks(DEMO_PROFILE, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(count(&running, "GET /integration/network"), 4);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_with_the_emulators_retry_after() {
    let running = emulator(Tier::Free).await;
    let (client, clock) = client(&running);
    for _ in 0..61 {
        client.team_list(DEMO_PROFILE).await.unwrap();
    }
    // The 61st request of the minute got 429 with `Retry-After: 50`, was repeated once.
    assert_eq!(count(&running, "GET /profile/{id}/team"), 62);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(50)]);
}

#[tokio::test]
async fn pacing_under_the_plan_limits_avoids_429() {
    let running = emulator(Tier::Free).await;
    let local = ManualClock::shared();
    let clock = EmulatorClock {
        local: local.clone(),
        url: running.url(),
        http: reqwest::Client::new(),
    };
    let budgets = RateBudgets::from_fn(|method, template| {
        Tier::Free.rate_limit(&format!("{method} {template}"))
    });
    let client = Client::builder(running.url())
        .token(Token::new(DEMO_TOKEN))
        .clock(Arc::new(clock))
        .rate_budgets(budgets)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for _ in 0..61 {
        client.team_list(DEMO_PROFILE).await.unwrap();
    }
    // No retries allowed, yet no 429: the client waited a minute before the 61st.
    assert_eq!(count(&running, "GET /profile/{id}/team"), 61);
    assert_eq!(local.sleeps(), vec![Duration::from_secs(60)]);
}

#[tokio::test]
async fn api_local_keeps_its_state_between_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let settings = tagoform::api::ApiSettings::new(tagoform::api::Endpoint::Local, None);
    let session = tagoform::commands::session::open(&settings, dir.path(), |builder| builder)
        .await
        .unwrap();
    let id = session.client.profile_create("Kept").await.unwrap();
    drop(session);
    assert!(dir.path().join(".tagoform/local-api.json").is_file());
    let session = tagoform::commands::session::open(&settings, dir.path(), |builder| builder)
        .await
        .unwrap();
    let profiles = session.client.profiles_list().await.unwrap();
    assert_eq!(
        profiles
            .iter()
            .filter(|profile| profile.id == id && profile.name == "Kept")
            .count(),
        1
    );
    assert!(!format!("{session:?}").contains(DEMO_TOKEN));
}
