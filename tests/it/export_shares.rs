//! Export of shares (inside the account and to other accounts), of one profile at a time,
//! and of a profile with two connectors of the same name (pinned by id); the `export` command
//! itself.

use tagoform::api::types::{ConnectorCreateInfo, NetworkCreateInfo};
use tagoform::api::ObjectKind;
use tagoform::config::Desired;
use tagoform::emulator::seed::{
    DEMO_EMAIL, DEMO_PASSWORD, DEMO_PROFILE_ID, DEMO_STAGING_PROFILE_ID, PARTNER_LABS_PROFILE_ID,
    PARTNER_PROFILE_ID,
};
use tagoform::export::{self, Layout};

use crate::support::emulator::{DEMO, TTN};
use crate::support::export::{load, text, write, Account};
use crate::support::world::NO_CHANGES;

/// ACME Production owns a network and a connector, shared with ACME Staging and with both
/// profiles of the partner's account.
async fn shared_account() -> Account {
    let account = Account::start().await;
    let client = account
        .access
        .profile("acme", DEMO_PROFILE_ID)
        .await
        .unwrap();
    let network = NetworkCreateInfo {
        name: Some("ACME LoRaWAN".into()),
        ..NetworkCreateInfo::default()
    };
    let network = client.network_create(&network).await.unwrap();
    let connector = ConnectorCreateInfo {
        name: Some("ACME Meter".into()),
        networks: Some(vec![network.clone()]),
        ..ConnectorCreateInfo::default()
    };
    let connector = client.connector_create(&connector).await.unwrap();
    for recipient in [
        DEMO_STAGING_PROFILE_ID,
        PARTNER_PROFILE_ID,
        PARTNER_LABS_PROFILE_ID,
    ] {
        client
            .share_confirmed(ObjectKind::Network, &network, recipient)
            .await
            .unwrap();
    }
    for recipient in [DEMO_STAGING_PROFILE_ID, PARTNER_PROFILE_ID] {
        client
            .share_confirmed(ObjectKind::Connector, &connector, recipient)
            .await
            .unwrap();
    }
    account
}

#[tokio::test]
async fn shares_with_other_accounts_go_under_external_profiles_keyed_by_id() {
    let account = shared_account().await;
    let (folder, exported) = account.export_to_folder().await;
    let file = |path: &str| std::fs::read_to_string(folder.path().join(path)).unwrap();
    assert_eq!(
        file("external_profiles.yaml"),
        "# yaml-language-server: $schema=tagoform.schema.json\n\
         # Profiles that networks and connectors are shared with, outside this export. TagoIO\n\
         # shows a profile's name only to its owner, so profiles of other accounts get keys made\n\
         # from their ids: rename them as you like, in every `shared_with` too.\n\
         version: 1\n\
         \n\
         external_profiles:\n  \
         external-ab34cd: 64f1c2a9e3b1d40012ab34cd\n  \
         external-ab56ef: 64f1c2a9e3b1d40012ab56ef\n"
    );
    assert_eq!(
        file("acme-production.yaml"),
        "# yaml-language-server: $schema=tagoform.schema.json\n\
         # The profile `ACME Production` (6500a1b2c3d4e5f601234501), exported from TagoIO by `tagoform export`.\n\
         version: 1\n\
         \n\
         profiles:\n  \
         acme-production:\n    \
         name: ACME Production\n    \
         allocation:\n      \
         input: 1000000\n      \
         output: 2000000\n      \
         analysis: 10000\n      \
         data_records: 5000000\n      \
         sms: 100\n      \
         email: 10000\n      \
         run_users: 1000\n      \
         push_notification: 10000\n      \
         file_storage: 10000\n    \
         addons: []\n    \
         team: []\n    \
         tokens:\n    \
         - name: tagoform demo\n      \
         permission: full\n      \
         expires: never\n\
         \n\
         networks:\n  \
         acme-lorawan:\n    \
         profile: acme-production\n    \
         name: ACME LoRaWAN\n    \
         shared_with:\n    \
         - acme-staging\n    \
         - external-ab34cd\n    \
         - external-ab56ef\n\
         \n\
         connectors:\n  \
         acme-meter:\n    \
         profile: acme-production\n    \
         name: ACME Meter\n    \
         networks:\n    \
         - acme-lorawan\n    \
         shared_with:\n    \
         - acme-staging\n    \
         - external-ab34cd\n"
    );
    assert_eq!(exported.notes, Vec::<String>::new());
    let plan = account.plan(&load(folder.path())).await;
    assert_eq!(text(&plan), NO_CHANGES);
    // The export manages the shares: a share added by hand afterwards is drift to remove.
    let client = account
        .access
        .profile("acme", DEMO_PROFILE_ID)
        .await
        .unwrap();
    let network = &account.plan(&Desired::default()).await;
    assert_eq!(network.operations, vec![]);
    let live = export::read(&account.access, &["ACME Production".into()], 8)
        .await
        .unwrap();
    let connector_id = &live.details[DEMO_PROFILE_ID].connectors[0].id;
    client
        .share_confirmed(ObjectKind::Connector, connector_id, PARTNER_LABS_PROFILE_ID)
        .await
        .unwrap();
    let plan = account.plan(&load(folder.path())).await;
    assert_eq!(
        text(&plan).lines().next(),
        Some("Removals (review these first):")
    );
    assert_eq!(plan.access_removals(), 1);
    account.access.close().await;
}

#[tokio::test]
async fn one_profile_exported_alone_names_the_others_as_external_profiles() {
    let account = shared_account().await;
    let exported = account.export(&[DEMO_PROFILE_ID], Layout::Folder).await;
    let paths: Vec<String> = exported
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert_eq!(paths, ["acme-production.yaml", "external_profiles.yaml"]);
    let externals = &exported.files[1].text;
    assert!(
        externals.ends_with(
            "# - `acme-staging` is the profile `ACME Staging` of this account, not exported here\n\
             version: 1\n\
             \n\
             external_profiles:\n  \
             acme-staging: 6500a1b2c3d4e5f601234502\n  \
             external-ab34cd: 64f1c2a9e3b1d40012ab34cd\n  \
             external-ab56ef: 64f1c2a9e3b1d40012ab56ef\n"
        ),
        "{externals}"
    );
    let folder = tempfile::tempdir().unwrap();
    write(folder.path(), &exported);
    let plan = account.plan(&load(folder.path())).await;
    assert_eq!(text(&plan), NO_CHANGES);
    account.access.close().await;
}

#[tokio::test]
async fn profiles_are_selected_by_id_or_by_a_name_only_one_has() {
    let account = Account::start().await;
    let read = |selection: &[&str]| {
        let selection: Vec<String> = selection.iter().map(|s| s.to_string()).collect();
        let access = &account.access;
        async move { export::read(access, &selection, 8).await }
    };
    let snapshot = read(&["ACME Staging"]).await.unwrap();
    assert_eq!(
        snapshot.details.keys().collect::<Vec<_>>(),
        [DEMO_STAGING_PROFILE_ID]
    );
    let error = read(&["ACME Testing"]).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "no profile of this account has the id or the name `ACME Testing`"
    );
    // A profile of another account is not this account's to export.
    let error = read(&[PARTNER_PROFILE_ID]).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "no profile of this account has the id or the name `64f1c2a9e3b1d40012ab34cd`"
    );
    let second = account
        .access
        .account()
        .profile_create("ACME Staging")
        .await
        .unwrap();
    let error = read(&["ACME Staging"]).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "2 profiles are named `ACME Staging` ({DEMO_STAGING_PROFILE_ID}, {second}); pass the id of the one to export to --profile"
        )
    );
    account.access.close().await;
}

/// An unpinned connector is matched by a name only it has in its profile
/// (src/plan/identity.rs), so export pins the two connectors named `Meter` by id, and the
/// round trip holds for both.
#[tokio::test]
async fn two_connectors_of_the_same_name_are_exported_pinned_by_id() {
    let account = Account::start().await;
    let client = account
        .access
        .profile("acme", DEMO_PROFILE_ID)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (name, description) in [("Meter", "basement"), ("Meter", "attic"), ("Tracker", "")] {
        let connector = ConnectorCreateInfo {
            name: Some(name.into()),
            description: Some(description.into()).filter(|d: &String| !d.is_empty()),
            networks: Some(vec![TTN.into()]),
            ..ConnectorCreateInfo::default()
        };
        ids.push(client.connector_create(&connector).await.unwrap());
    }
    let (folder, exported) = account.export_to_folder().await;
    assert_eq!(exported.notes, Vec::<String>::new());
    let yaml = std::fs::read_to_string(folder.path().join("acme-production.yaml")).unwrap();
    let pinned = |id: &str, description: &str| {
        format!(
            "  acme-production-meter-{}:\n    profile: acme-production\n    name: Meter\n    id: {id}\n    networks:\n    - id: {TTN}\n    description: {description}\n",
            &id[id.len() - 6..]
        )
    };
    assert!(yaml.contains(&pinned(&ids[0], "basement")), "{yaml}");
    assert!(yaml.contains(&pinned(&ids[1], "attic")), "{yaml}");
    assert!(
        yaml.contains(
            "\n  tracker:\n    profile: acme-production\n    name: Tracker\n    networks:\n"
        ),
        "{yaml}"
    );
    assert_eq!(
        yaml.lines().filter(|l| l.starts_with("    id: ")).count(),
        2,
        "{yaml}"
    );
    let desired = load(folder.path());
    let plan = account.plan(&desired).await;
    assert_eq!(text(&plan), NO_CHANGES);
    // Without the pin, the same entry is what the plan refuses, with the fix.
    let mut by_hand = desired.clone();
    let mut meters: Vec<String> = desired
        .connectors
        .values()
        .filter(|c| c.name == "Meter")
        .map(|c| c.key.clone())
        .collect();
    meters.sort();
    let unpinned = by_hand.connectors.get_mut(&meters[0]).unwrap();
    unpinned.id = None;
    let key = unpinned.key.clone();
    by_hand.connectors.remove(&meters[1]);
    let live = tagoform::live::fetch(&by_hand, &account.access, 8)
        .await
        .unwrap();
    let error = tagoform::plan::plan(&by_hand, &live, account.now()).unwrap_err();
    let listed: Vec<&String> = live.details[DEMO_PROFILE_ID]
        .connectors
        .iter()
        .filter(|c| c.name == "Meter")
        .map(|c| &c.id)
        .collect();
    assert!(
        error.to_string().ends_with(&format!(
            "connector `{key}`: 2 live connectors of profile `acme-production` are named `Meter` ({}, {}); pin the right one with `id:` under connectors.{key}, or rename all but one on TagoIO",
            listed[0], listed[1]
        )),
        "{error}"
    );
    account.access.close().await;
}

#[tokio::test]
async fn the_command_writes_a_new_folder_and_refuses_a_used_one() {
    let account = shared_account().await;
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("tagoio");
    let run = |extra: &[&str], with_password: bool| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_tagoform"));
        command
            .arg("export")
            .args(["--api", &account.api.emulator.url()])
            .args(extra)
            .env("TAGOIO_TOKEN", DEMO)
            .env_remove("TAGOIO_EMAIL")
            .env_remove("TAGOIO_PASSWORD")
            .env_remove("TAGOIO_API");
        if with_password {
            command
                .env("TAGOIO_EMAIL", DEMO_EMAIL)
                .env("TAGOIO_PASSWORD", DEMO_PASSWORD);
        }
        command.output()
    };
    let output = run(&["--out", out.to_str().unwrap()], false).await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: export reads every profile's networks and connectors with a short-lived token: set TAGOIO_EMAIL and TAGOIO_PASSWORD (and TAGOIO_TOTP_SECRET or TAGOIO_PIN with two-factor authentication)\n"
    );
    let output = run(&["--out", out.to_str().unwrap()], true).await.unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "acme-production.yaml",
            "acme-staging.yaml",
            "external_profiles.yaml",
            "tagoform.schema.json"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("tagoform.schema.json")).unwrap(),
        tagoform::config::wire::schema_json()
    );
    let output = run(&["--out", out.to_str().unwrap()], true).await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "error: `{}` is not empty; export writes into a new or empty folder, since every YAML file in a folder is merged (choose another --out, or empty it)\n",
            out.display()
        )
    );
    // Without --out: one document on stdout, the same as the pure export gives.
    let output = run(&["--profile", "ACME Staging"], true).await.unwrap();
    assert_eq!(output.status.code(), Some(0));
    let expected = account.export(&["ACME Staging"], Layout::Single).await;
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        expected.files[0].text
    );
    // No token value ever reaches the output.
    assert!(!String::from_utf8_lossy(&output.stdout).contains(DEMO));
    account.access.close().await;
}
