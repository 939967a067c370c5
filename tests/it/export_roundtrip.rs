//! Round trip: apply a configuration, export the account, plan the export: `No changes`.

use tagoform::export::Layout;

use crate::export_support::{example, load, text, write, Account};

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
            .chain([&crate::emulator_support::DEMO.to_owned()])
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
         • acme-production: the invitation of alice@acme.example is pending since 2026-11-22, expires 2026-11-29; not sent again\n  \
         • acme-production: the invitation of bob@acme.example is pending since 2026-11-22, expires 2026-11-29; not sent again\n  \
         • northwind-iot: the invitation of carol@globex.example is pending since 2026-11-22, expires 2026-11-29; not sent again\n\n"
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
