//! `tagoform validate` on every invalid fixture and on the examples, compared byte for byte.
//!
//! Each folder under `tests/fixtures/config/invalid/` is one rule: its YAML and the exact
//! output (`expected.txt`) that validating it must print, a snapshot: after a deliberate
//! change of wording, `SNAPSHOTS=overwrite cargo test config_fixtures` rewrites them; read
//! the diff before committing it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn validate(folder: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .arg("validate")
        .args(args)
        .current_dir(folder)
        .output()
        .expect("run tagoform")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config/invalid")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 output")
}

#[test]
fn every_invalid_fixture_prints_its_expected_diagnostics() {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures folder")
        .map(|entry| entry.expect("entry").path())
        .collect();
    folders.sort();
    assert!(folders.len() >= 25, "fixtures went missing: {folders:?}");
    let assert = snapbox::Assert::new().action_env(snapbox::assert::DEFAULT_ACTION_ENV);
    let mut failures = Vec::new();
    for folder in &folders {
        let output = validate(folder, &["."]);
        let actual = stdout(&output);
        let snapshot = folder.join("expected.txt");
        let expected = snapbox::Data::read_from(&snapshot, None).raw();
        if let Err(error) =
            assert.try_eq(Some(&snapshot.display()), actual.clone().into(), expected)
        {
            failures.push(error.to_string());
        }
        let expected_code = if actual.contains(": error: ") { 1 } else { 0 };
        if output.status.code() != Some(expected_code) {
            failures.push(format!(
                "{}: exit {:?}, expected {expected_code}",
                folder.display(),
                output.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn warnings_fail_only_with_strict() {
    let folder = fixtures().join("mixed-script-email");
    assert_eq!(validate(&folder, &["."]).status.code(), Some(0));
    let strict = validate(&folder, &[".", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(stdout(&strict).ends_with("Valid, with 1 warning (1 file).\n"));
}

#[test]
fn examples_are_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let quickstart = validate(root, &["examples/quickstart", "--strict"]);
    assert_eq!(
        stdout(&quickstart),
        "Valid: 1 file, 1 profile, 1 network, 1 connector.\n"
    );
    assert_eq!(quickstart.status.code(), Some(0));
    let multi = validate(root, &["examples/multi-customer", "--strict"]);
    assert_eq!(
        stdout(&multi),
        "Valid: 2 files, 4 profiles, 1 network, 3 connectors.\n"
    );
    assert_eq!(multi.status.code(), Some(0));
}

#[test]
fn json_format_lists_the_same_diagnostics() {
    let output = validate(
        &fixtures().join("unknown-field"),
        &[".", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        report,
        serde_json::json!({
            "errors": 1,
            "warnings": 0,
            "diagnostics": [{
                "severity": "error",
                "file": "tagoform.yaml",
                "line": 9,
                "column": 5,
                "message": "unknown field `descripton` in network `acme-lorawan`",
                "help": "did you mean `description`?"
            }]
        })
    );
}

#[test]
fn github_format_prints_annotations() {
    let output = validate(&fixtures().join("team"), &[".", "--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "::error file=tagoform.yaml,line=7,col=9::`bob at acme.example` is not an email address%0Ahelp: team members are listed by the email of their TagoIO account\n\
         ::error file=tagoform.yaml,line=8,col=9::`Alice@ACME.example` is listed twice in the team of profile `acme` (first at line 6; emails ignore case)%0Ahelp: remove one of the two\n"
    );
}

#[test]
fn credentials_never_appear_in_any_format() {
    let folder = fixtures().join("credentials");
    for format in ["text", "json", "github"] {
        let output = validate(&folder, &[".", "--format", format]);
        let everything = format!(
            "{}{}",
            stdout(&output),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!everything.contains("0d2f6c1e"), "{format}: {everything}");
        assert!(!everything.contains("hunter2"), "{format}: {everything}");
        assert_eq!(output.status.code(), Some(1));
    }
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let output = validate(Path::new(env!("CARGO_MANIFEST_DIR")), &["no/such/folder"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: cannot validate `no/such/folder`\n  caused by: `no/such/folder` does not exist\n"
    );
}
