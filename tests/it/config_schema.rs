//! The committed JSON schema: fresh, accepted by every example, and refusing what the schema
//! alone can catch in the invalid fixtures.

use std::path::{Path, PathBuf};

const MODELINE: &str = "# yaml-language-server: $schema=../../schemas/tagoform.schema.json\n";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn committed_schema() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("schemas/tagoform.schema.json"))
        .expect("schemas/tagoform.schema.json");
    serde_json::from_str(&text).expect("schema is JSON")
}

fn yaml_as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("read yaml");
    yaml_serde::from_str(&text).expect("yaml")
}

/// The instance paths of every schema violation, sorted.
fn violations(path: &Path) -> Vec<String> {
    let validator = jsonschema::validator_for(&committed_schema()).expect("valid schema");
    let instance = yaml_as_json(path);
    let mut paths: Vec<String> = validator
        .iter_errors(&instance)
        .map(|error| error.instance_path.to_string())
        .collect();
    paths.sort();
    paths
}

fn yaml_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).expect("read folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn committed_schema_is_what_the_code_generates() {
    let committed = std::fs::read_to_string(root().join("schemas/tagoform.schema.json"))
        .expect("schemas/tagoform.schema.json");
    assert!(
        committed == tagoform::config::wire::schema_json(),
        "schemas/tagoform.schema.json is stale: run `cargo run -- schema > schemas/tagoform.schema.json`"
    );
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .arg("schema")
        .output()
        .expect("run tagoform schema");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).expect("utf-8"),
        tagoform::config::wire::schema_json()
    );
}

#[test]
fn every_example_starts_with_the_modeline_and_satisfies_the_schema() {
    // examples/ci holds CI pipelines, not tagoform configurations.
    let ci = root().join("examples/ci");
    let files: Vec<PathBuf> = yaml_files(&root().join("examples"))
        .into_iter()
        .filter(|file| !file.starts_with(&ci))
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read example");
        assert!(
            text.starts_with(MODELINE),
            "{} lacks the modeline",
            file.display()
        );
        assert_eq!(
            violations(&file),
            Vec::<String>::new(),
            "{}",
            file.display()
        );
    }
}

#[test]
fn schema_refuses_what_it_can_catch_in_the_invalid_fixtures() {
    let fixture = |rule: &str| {
        root()
            .join("tests/fixtures/config/invalid")
            .join(rule)
            .join("tagoform.yaml")
    };
    // Unknown field: the network object has an extra property.
    assert_eq!(
        violations(&fixture("unknown-field")),
        ["/networks/acme-lorawan"]
    );
    // Wrong types: a list for a name, a word for a boolean.
    assert_eq!(
        violations(&fixture("wrong-type")),
        ["/profiles/acme/exclusive", "/profiles/acme/name"]
    );
    assert_eq!(
        violations(&fixture("missing-field")),
        ["/networks/acme-lorawan"]
    );
    assert_eq!(violations(&fixture("unknown-version")), ["/version"]);
    assert_eq!(
        violations(&fixture("token-permission")),
        [
            "/profiles/acme/tokens/1/permission",
            "/profiles/acme/tokens/2/permission"
        ]
    );
    assert_eq!(
        violations(&fixture("allocation")),
        [
            // The amounts' errors are reported where the optional allocation is.
            "/profiles/acme/addons/0",
            "/profiles/acme/allocation",
            "/profiles/globex/addons",
            "/profiles/globex/allocation",
            "/profiles/initech/allocation",
        ]
    );
    assert_eq!(
        violations(&fixture("bad-id")),
        [
            "/connectors/acme-th-sensor/networks/0",
            "/external_profiles/globex",
            "/profiles/acme/id"
        ]
    );
}

/// Editors validate team entries as e-mail addresses.
#[test]
fn team_members_are_emails_in_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&tagoform::config::wire::schema_json()).unwrap();
    let profile = schema["$defs"]
        .as_object()
        .unwrap()
        .values()
        .find(|definition| definition["properties"]["team"].is_object())
        .expect("a definition with `team`");
    let team = &profile["properties"]["team"];
    let items = team["items"].clone();
    assert_eq!(items["format"], serde_json::json!("email"), "{team}");
}
