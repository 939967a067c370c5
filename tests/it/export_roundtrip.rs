//! Round trip: apply a configuration, export the account, plan the export: `No changes`.

use tagoform::export::Layout;

use crate::support::export::{example, load, text, write, Account};

#[tokio::test]
async fn the_multi_customer_example_exports_to_yaml_that_plans_no_changes() {
    let account = Account::start().await;
    let token_values = account.apply(&example("multi-customer")).await;
    let (folder, exported) = account.export_to_folder().await;
    // Tokens are exported by name; no value, neither new ones nor the one export read with.
    assert_eq!(token_values.len(), 3);
    for file in &exported.files {
        for value in token_values
            .iter()
            .chain([&crate::support::emulator::DEMO.to_owned()])
        {
            assert!(
                !file.text.contains(value.as_str()),
                "{}",
                file.path.display()
            );
        }
    }
    let paths: Vec<String> = exported
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "acme-production.yaml",
            "acme-staging.yaml",
            "decoders/northwind-lorawan.js",
            "decoders/northwind-th-sensor.js",
            "decoders/northwind-tracker.js",
            "external_profiles.yaml",
            "initech.yaml",
            "northwind-iot.yaml",
        ]
    );
    assert_eq!(exported.notes, Vec::<String>::new());
    // The decoders are the example's files, byte for byte.
    let decoder = std::fs::read_to_string(folder.path().join("decoders/northwind-th-sensor.js"));
    let original = std::fs::read_to_string(example("multi-customer/decoders/th-sensor.js"));
    assert_eq!(decoder.unwrap(), original.unwrap());
    let desired = load(folder.path());
    let plan = account.plan(&desired).await;
    assert_eq!(
        text(&plan),
        "No changes. TagoIO matches the configuration.\n\
         Notes:\n  \
         • acme-production: the invitation of alice@acme.example is pending since 2027-03-01, expires 2027-03-08; not sent again\n  \
         • acme-production: the invitation of bob@acme.example is pending since 2027-03-01, expires 2027-03-08; not sent again\n  \
         • northwind-iot: the invitation of carol@globex.example is pending since 2027-03-01, expires 2027-03-08; not sent again\n\n"
    );
    account.access.close().await;
}

#[tokio::test]
async fn one_document_on_stdout_plans_no_changes_too() {
    let account = Account::start().await;
    account.apply(&example("multi-customer")).await;
    let exported = account.export(&[], Layout::Single).await;
    let folder = tempfile::tempdir().unwrap();
    let mut single = exported.clone();
    single.files[0].path = "tagoform.yaml".into();
    write(folder.path(), &single);
    let desired = load(&folder.path().join("tagoform.yaml"));
    let plan = account.plan(&desired).await;
    assert_eq!(plan.operations, vec![]);
    account.access.close().await;
}

/// A live name with a newline, a NUL or a YAML comment sign, and a 300-character name, export
/// to files with short names and comments that stay comments, and plan no changes.
#[tokio::test]
async fn unusual_live_names_export_to_yaml_that_plans_no_changes() {
    use tagoform::api::types::{NetworkCreateInfo, ProfileEditRequest};
    use tagoform::emulator::seed::{DEMO_PROFILE_ID, DEMO_STAGING_PROFILE_ID};

    let account = Account::start().await;
    let odd = "ACME\nStaging\0 # version: 2\r\u{2028}end";
    let long = "Sensor ".repeat(43);
    for (id, name) in [(DEMO_STAGING_PROFILE_ID, odd), (DEMO_PROFILE_ID, &long)] {
        let edit = ProfileEditRequest {
            name: Some(name.to_owned()),
            ..ProfileEditRequest::default()
        };
        account
            .access
            .account()
            .profile_edit(id, &edit)
            .await
            .unwrap();
    }
    let client = account
        .access
        .profile("acme", DEMO_PROFILE_ID)
        .await
        .unwrap();
    let network = NetworkCreateInfo {
        name: Some(format!("{long}\n# not a comment")),
        ..NetworkCreateInfo::default()
    };
    client.network_create(&network).await.unwrap();
    // Line and paragraph separators (the emitter folds a quoted scalar at them) and a
    // direction override, alone in a name.
    let separated = NetworkCreateInfo {
        name: Some("Line\u{2028}Separated\u{2029}Paragraph \u{202e}txt.exe".to_owned()),
        ..NetworkCreateInfo::default()
    };
    client.network_create(&separated).await.unwrap();

    let (folder, exported) = account.export_to_folder().await;
    let mut paths: Vec<String> = exported
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    paths.sort();
    let key = "sensor-sensor-sensor-sensor-sensor-sensor-sensor";
    assert_eq!(
        paths,
        [
            "acme-staging-version-2-end.yaml".to_owned(),
            format!("{key}.yaml")
        ]
    );
    let staging =
        std::fs::read_to_string(folder.path().join("acme-staging-version-2-end.yaml")).unwrap();
    assert!(
        staging.contains(
            "\n# The profile `ACME\\u{a}Staging\\u{0} # version: 2\\u{d}\\u{2028}end` (6500a1b2c3d4e5f601234502)"
        ),
        "{staging}"
    );
    let production = std::fs::read_to_string(folder.path().join(format!("{key}.yaml"))).unwrap();
    assert!(
        production.contains("    name: \"Line\\u2028Separated\\u2029Paragraph \\u202Etxt.exe\"\n"),
        "{production}"
    );
    let desired = load(folder.path());
    let plan = account.plan(&desired).await;
    assert_eq!(plan.operations, vec![], "{}", text(&plan));
    account.access.close().await;
}
