//! Round trip on randomly generated accounts (seeded, so a failure is reproducible): profiles
//! with repeated names, members and invitations, tokens, networks, connectors with repeated
//! names, shares inside the account and with other accounts. Built through the API as a
//! person would, never by tagoform's own apply.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use rand::rngs::SmallRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use serde_json::json;
use tagoform::api::types::{
    ConnectorCreateInfo, DeviceParameter, NetworkCreateInfo, Permission, SerialNumber,
    TokenCreateRequest,
};
use tagoform::api::ObjectKind;
use tagoform::emulator::seed::{
    DEMO_EMAIL, DEMO_PASSWORD, DEMO_PROFILE_ID, DEMO_STAGING_PROFILE_ID, PARTNER_LABS_PROFILE_ID,
    PARTNER_PROFILE_ID,
};
use tagoform::export::Layout;

use crate::support::emulator::TTN;
use crate::support::export::{load, text, write, Account};

const PROFILE_NAMES: [&str; 5] = ["Acme", "Globex Corp", "Initech", "Umbrella", "Hooli"];
const NETWORK_NAMES: [&str; 3] = ["LoRaWAN", "MQTT Bridge", "Sigfox Relay"];
const CONNECTOR_NAMES: [&str; 3] = ["TH Sensor", "Tracker", "Übersicht Meter"];
const EMAILS: [&str; 3] = [
    "alice@acme.example",
    "bob@acme.example",
    "carol@globex.example",
];

/// What was generated, to check the export's notes against.
#[derive(Default)]
struct Generated {
    /// (profile id, connector name) pairs that more than one connector has.
    repeated_connectors: usize,
    connectors: usize,
}

async fn generate(account: &Account, seed: u64) -> Generated {
    let mut rng = SmallRng::seed_from_u64(seed);
    let api = account.access.account();
    let mut owned = vec![
        DEMO_PROFILE_ID.to_owned(),
        DEMO_STAGING_PROFILE_ID.to_owned(),
    ];
    for _ in 0..rng.random_range(2..=4) {
        let name = PROFILE_NAMES.choose(&mut rng).unwrap();
        owned.push(api.profile_create(name).await.unwrap());
    }
    let mut recipients = owned.clone();
    recipients.extend([
        PARTNER_PROFILE_ID.to_owned(),
        PARTNER_LABS_PROFILE_ID.to_owned(),
    ]);
    let mut generated = Generated::default();
    for profile in &owned {
        for email in EMAILS {
            if rng.random_bool(0.5) {
                api.team_invite(profile, email).await.unwrap();
                if rng.random_bool(0.5) {
                    // Just invited: the newest notification is this invitation.
                    account
                        .api
                        .answer_invitation(email, "accept")
                        .await
                        .result();
                }
            }
        }
        for index in 0..rng.random_range(0..=2) {
            let permission = *[Permission::Full, Permission::Write, Permission::Read]
                .choose(&mut rng)
                .unwrap();
            let expire_time = ["never", "2031-01-15", "30 days"].choose(&mut rng).unwrap();
            let request = TokenCreateRequest {
                name: format!("token {index}"),
                permission,
                expire_time: Some(expire_time.to_string()),
                email: DEMO_EMAIL.to_owned(),
                password: DEMO_PASSWORD.into(),
                otp_type: None,
                pin_code: None,
            };
            api.token_create(profile, &request).await.unwrap();
        }
        let client = account.access.profile(profile, profile).await.unwrap();
        let others: Vec<&String> = recipients.iter().filter(|r| *r != profile).collect();
        let mut network_shares: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut networks = Vec::new();
        for _ in 0..rng.random_range(0..=2) {
            let info = NetworkCreateInfo {
                name: Some(NETWORK_NAMES.choose(&mut rng).unwrap().to_string()),
                description: rng
                    .random_bool(0.5)
                    .then(|| "A network: \"quoted\", 'single', #hash".to_owned()),
                payload_decoder: rng.random_bool(0.7).then(|| encode(&decoder(&mut rng))),
                device_parameters: rng.random_bool(0.5).then(|| {
                    vec![DeviceParameter {
                        name: Some("interval".into()),
                        label: Some("Interval (s)".into()),
                        kind: Some("number".into()),
                        default: Some(json!(rng.random_range(1..1000))),
                        group: Some("main".into()),
                        options: None,
                    }]
                }),
                serial_number: rng.random_bool(0.5).then(|| SerialNumber {
                    mask: Some("HH HH".into()),
                    required: Some(rng.random_bool(0.5)),
                    ..SerialNumber::default()
                }),
                require_devices_access: rng.random_bool(0.3).then_some(true),
                ..NetworkCreateInfo::default()
            };
            let id = client.network_create(&info).await.unwrap();
            let shares = network_shares.entry(id.clone()).or_default();
            for recipient in others.iter().filter(|_| rng.random_bool(0.3)) {
                client
                    .share_confirmed(ObjectKind::Network, &id, recipient)
                    .await
                    .unwrap();
                shares.insert(recipient.to_string());
            }
            networks.push(id);
        }
        let mut names = Vec::new();
        for _ in 0..rng.random_range(0..=3) {
            let mut uses: Vec<String> = networks
                .iter()
                .filter(|_| rng.random_bool(0.6))
                .cloned()
                .collect();
            if uses.is_empty() || rng.random_bool(0.3) {
                uses.push(TTN.to_owned());
            }
            let name = CONNECTOR_NAMES.choose(&mut rng).unwrap().to_string();
            let info = ConnectorCreateInfo {
                name: Some(name.clone()),
                networks: Some(uses.clone()),
                payload_decoder: rng.random_bool(0.5).then(|| encode(&decoder(&mut rng))),
                install_text: rng
                    .random_bool(0.5)
                    .then(|| "Scan the code.\nThen wait.".to_owned()),
                device_annotation: rng.random_bool(0.3).then(|| "yes".to_owned()),
                ..ConnectorCreateInfo::default()
            };
            let id = client.connector_create(&info).await.unwrap();
            for recipient in others.iter().filter(|_| rng.random_bool(0.3)) {
                // What TagoIO asks: a recipient can use one of the connector's networks.
                let public = uses.iter().any(|n| n == TTN);
                let first = &uses[0];
                if !public
                    && network_shares
                        .entry(first.clone())
                        .or_default()
                        .insert(recipient.to_string())
                {
                    client
                        .share_confirmed(ObjectKind::Network, first, recipient)
                        .await
                        .unwrap();
                }
                client
                    .share_confirmed(ObjectKind::Connector, &id, recipient)
                    .await
                    .unwrap();
            }
            names.push(name);
        }
        generated.connectors += names.len();
        for name in &names {
            if names.iter().filter(|n| *n == name).count() > 1 {
                generated.repeated_connectors += 1;
            }
        }
    }
    generated
}

fn decoder(rng: &mut SmallRng) -> String {
    let lines = [
        "// decoder: °C, µs, 日本",
        "const raw = payload.find((item) => item.variable === \"payload\");",
        "  if (raw) { payload.push({ variable: \"ok\", value: true }); }",
        "",
        "# not a comment in JS, a line that starts like YAML's",
        "key: value",
    ];
    let count = rng.random_range(1..=lines.len());
    let mut text: String = (0..count)
        .map(|_| *lines.choose(rng).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    if rng.random_bool(0.5) {
        text.push('\n');
    }
    text
}

fn encode(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[tokio::test]
async fn random_accounts_export_to_yaml_that_plans_no_changes() {
    let (mut repeated, mut pinned) = (0, 0);
    for seed in [1, 2, 3, 4, 5] {
        let account = Account::start().await;
        let generated = generate(&account, seed).await;
        let (folder, exported) = account.export_to_folder().await;
        let desired = load(folder.path());
        let plan = account.plan(&desired).await;
        assert_eq!(plan.operations, vec![], "seed {seed}: {}", text(&plan));
        repeated += generated.repeated_connectors;
        pinned += desired.profiles.values().filter(|p| p.id.is_some()).count();
        assert!(text(&plan).starts_with("No changes."), "seed {seed}");
        // Every connector is exported; those sharing a name, and only those, are pinned.
        assert_eq!(
            exported
                .notes
                .iter()
                .filter(|n| n.contains("are named"))
                .count(),
            0
        );
        let pinned_connectors = desired.connectors.values().filter(|c| c.id.is_some());
        assert_eq!(
            pinned_connectors.count(),
            generated.repeated_connectors,
            "seed {seed}"
        );
        assert_eq!(
            desired.connectors.len(),
            generated.connectors,
            "seed {seed}"
        );
        // The same account exports to the same text.
        assert_eq!(
            account.export(&[], Layout::Folder).await,
            exported,
            "seed {seed}"
        );
        // One document says the same.
        let single = account.export(&[], Layout::Single).await;
        let file = tempfile::tempdir().unwrap();
        let mut renamed = single.clone();
        renamed.files[0].path = "all.yaml".into();
        write(file.path(), &renamed);
        let plan = account.plan(&load(&file.path().join("all.yaml"))).await;
        assert_eq!(plan.operations, vec![], "seed {seed} (one document)");
        account.access.close().await;
    }
    // The seeds do reach the cases that matter.
    assert_eq!((repeated, pinned), (10, 8));
}
