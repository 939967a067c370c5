//! `plan --baseline`: the binary against an emulator, with drift made by hand and a change
//! in the configuration; exact output, one read of TagoIO.

use std::path::Path;
use std::process::Output;

use reqwest::Method;
use serde_json::Value;
use tagoform::api::types::NetworkCreateInfo;
use tagoform::emulator::seed::{DEMO_EMAIL, DEMO_PASSWORD};

use crate::support::emulator::DEMO;
use crate::support::export::{example, Account};
use crate::support::snapshots::assert_snapshot;

const SENSOR: &str = "    description: Temperature and humidity sensor\n";

/// The quickstart applied, its network's description changed by hand (drift), and a copy of
/// the configuration whose connector description changes (the change under review).
async fn setup() -> (Account, tempfile::TempDir) {
    let account = Account::start().await;
    account.apply(&example("quickstart")).await;
    let live = tagoform::export::read(&account.access, &["ACME".into()], 8)
        .await
        .unwrap();
    let (profile, state) = live.details.iter().next().unwrap();
    let client = account.access.profile(profile, profile).await.unwrap();
    let edit = NetworkCreateInfo {
        description: Some("Changed by hand".into()),
        ..NetworkCreateInfo::default()
    };
    client
        .network_edit(&state.networks[0].id, &edit)
        .await
        .unwrap();
    let folder = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(example("quickstart/tagoform.yaml")).unwrap();
    assert!(base.contains(SENSOR));
    std::fs::create_dir(folder.path().join("base")).unwrap();
    std::fs::create_dir(folder.path().join("change")).unwrap();
    std::fs::write(folder.path().join("base/tagoform.yaml"), &base).unwrap();
    let change = base.replace(
        SENSOR,
        "    description: Temperature and humidity sensor, two decimals\n",
    );
    std::fs::write(folder.path().join("change/tagoform.yaml"), change).unwrap();
    (account, folder)
}

async fn plan(account: &Account, folder: &Path, extra: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .current_dir(folder)
        .args([
            "plan",
            "change",
            "--api",
            &account.api.emulator.url(),
            "--color",
            "never",
        ])
        .args(extra)
        .env("TAGOIO_TOKEN", DEMO)
        .env("TAGOIO_EMAIL", DEMO_EMAIL)
        .env("TAGOIO_PASSWORD", DEMO_PASSWORD)
        .env_remove("TAGOIO_API")
        .env_remove("NO_COLOR")
        .output()
        .await
        .unwrap()
}

async fn requests(account: &Account) -> u64 {
    let stats = account.api.admin(Method::GET, "/stats", None).await;
    stats.result()["total"].as_u64().unwrap()
}

#[tokio::test]
async fn the_plan_is_split_into_what_the_change_causes_and_drift_already_there() {
    let (account, folder) = setup().await;
    let output = plan(
        &account,
        folder.path(),
        &["--baseline", "base", "--detailed-exitcode"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let (network, connector) = ids(&account).await;
    assert_snapshot(
        &stdout,
        "baseline_plan/split",
        &[("[NETWORK]", &network), ("[CONNECTOR]", &connector)],
    );
    account.access.close().await;
}

async fn ids(account: &Account) -> (String, String) {
    let live = tagoform::export::read(&account.access, &["ACME".into()], 8)
        .await
        .unwrap();
    let state = live.details.values().next().unwrap();
    (state.networks[0].id.clone(), state.connectors[0].id.clone())
}

#[tokio::test]
async fn one_read_serves_both_plans() {
    let (account, folder) = setup().await;
    let before = requests(&account).await;
    let output = plan(&account, folder.path(), &[]).await;
    assert_eq!(output.status.code(), Some(0));
    let plain = requests(&account).await - before;
    let before = requests(&account).await;
    let output = plan(&account, folder.path(), &["--baseline", "base"]).await;
    assert_eq!(output.status.code(), Some(0));
    let split = requests(&account).await - before;
    // The one extra request is the profile list that tells which profiles are the same.
    assert_eq!(split, plain + 1);
    account.access.close().await;
}

#[tokio::test]
async fn json_and_markdown_carry_the_split() {
    let (account, folder) = setup().await;
    let output = plan(
        &account,
        folder.path(),
        &["--baseline", "base", "--format", "json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let operations = json["operations"].as_array().unwrap();
    let index_of = |kind: &str| {
        operations
            .iter()
            .find(|op| op["object"]["kind"] == kind)
            .map(|op| op["index"].clone())
            .unwrap()
    };
    assert_eq!(
        json["baseline"],
        serde_json::json!({
            "caused_by_change": [index_of("connector")],
            "drift": [index_of("network")],
            "settled": 0
        })
    );
    let output = plan(
        &account,
        folder.path(),
        &["--baseline", "base", "--format", "markdown"],
    )
    .await;
    let markdown = String::from_utf8(output.stdout).unwrap();
    assert!(
        markdown.starts_with(
            "### tagoform plan\n\n**Plan: 0 to add, 2 to change, 0 to remove.**\n\n1 caused by this change, 1 drift already there.\n\n#### Caused by this change (1)\n\n<details><summary>Profile <code>acme</code>: 1 operation</summary>\n\n- `~` update connector \\`acme-th-sensor\\`"
        ),
        "{markdown}"
    );
    assert!(markdown.contains(
        "\n#### ⚠️ Drift already there (1)\n\nThe target branch's configuration would change these too: TagoIO was changed by hand, or an earlier apply did not finish. This change does not cause them; applying it repairs them.\n\n<details><summary>Profile <code>acme</code>: 1 operation</summary>\n\n- `~` update network \\`acme-lorawan\\`"
    ), "{markdown}");
    account.access.close().await;
}

#[tokio::test]
async fn a_change_that_adopts_the_drift_settles_it() {
    let (account, folder) = setup().await;
    let change = std::fs::read_to_string(folder.path().join("base/tagoform.yaml"))
        .unwrap()
        .replace(
            "description: Private LoRaWAN network server of ACME",
            "description: Changed by hand",
        );
    std::fs::write(folder.path().join("change/tagoform.yaml"), change).unwrap();
    let output = plan(&account, folder.path(), &["--baseline", "base"]).await;
    assert_snapshot(
        &String::from_utf8(output.stdout).unwrap(),
        "baseline_plan/settled",
        &[],
    );
    account.access.close().await;
}

#[tokio::test]
async fn max_chars_is_for_markdown_only() {
    let (account, folder) = setup().await;
    let output = plan(&account, folder.path(), &["--max-chars", "100"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: --max-chars applies to --format markdown (a pull-request comment) only\n"
    );
    let output = plan(
        &account,
        folder.path(),
        &["--format", "markdown", "--max-chars", "300"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    let markdown = String::from_utf8(output.stdout).unwrap();
    assert!(markdown.chars().count() <= 300, "{markdown}");
    assert!(markdown
        .starts_with("### tagoform plan\n\n**Plan: 0 to add, 2 to change, 0 to remove.**\n"));
    assert!(markdown.ends_with(" The whole plan is attached to the build as an artifact.\n"));
    // One run gives the cut comment and the whole plan for the artifact.
    let artifact = folder.path().join("plan.md");
    let args = ["--format", "markdown", "--max-chars", "300", "--artifact"];
    let output = plan(
        &account,
        folder.path(),
        &[&args[..], &[artifact.to_str().unwrap()]].concat(),
    )
    .await;
    assert_eq!(String::from_utf8(output.stdout).unwrap(), markdown);
    let whole = plan(&account, folder.path(), &["--format", "markdown"]).await;
    assert_eq!(
        std::fs::read_to_string(&artifact).unwrap(),
        String::from_utf8(whole.stdout).unwrap()
    );
    assert!(markdown.chars().count() < std::fs::read_to_string(&artifact).unwrap().chars().count());
    account.access.close().await;
}
