//! Hostile input to the loader and validator: generated YAML with a fixed seed (no panic,
//! every outcome a diagnostic), the regression corpus, device files given as the
//! configuration, and ids with path characters refused before any request.

use std::path::Path;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use tagoform::config::{self, diagnostic, LoadOptions};

use tagoform::emulator::{Faults, Seed};

use super::hardening_faults::{converge, emulator_seeded};
use super::support::client::{MockServer, Reply};
use super::support::hardening::load;

const VALID: &str = include_str!("../../examples/quickstart/tagoform.yaml");

/// YAML fragments that stress the parser and the converter.
const FRAGMENTS: &[&str] = &[
    "&a ",
    "*a",
    "!!binary ",
    "!tag ",
    "{",
    "}",
    "[",
    "]",
    "- ",
    ": ",
    "\n",
    "\n  ",
    "\n    ",
    "\"",
    "'",
    "<<: *a",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "? ",
    "|\n",
    ">-\n",
    "#",
    "\t",
    "\u{0}",
    "\u{feff}",
    "é",
    "\u{202e}",
    "🙂",
    "~",
    "null",
    "true",
    "0x1f",
    "1e999",
    "-.inf",
    "99999999999999999999999",
    "name",
    "profile",
    "shared_with",
    "networks",
    "version: 1\n",
    "id: ",
    "64f1c2a9e3b1d40012ab34cd",
    "../",
    "%2F",
    "?x=1",
    "a/b",
    "payload_decoder_file: ",
    "/dev/zero",
    "team",
    "tokens",
    "expires: ",
    "permission: ",
];

fn runner(cases: u32, seed: u8) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

/// Loads `bytes` as the only file of a folder; any outcome but a panic is accepted, and
/// it must be self-consistent: a model exactly when there is no error, and diagnostics
/// that render.
fn load_bytes(dir: &Path, bytes: &[u8]) -> config::Loaded {
    std::fs::write(dir.join("tagoform.yaml"), bytes).unwrap();
    let options = LoadOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    };
    let loaded = config::load_with(dir, &options).unwrap();
    assert_eq!(loaded.desired.is_some(), !loaded.has_errors());
    let mut rendered = Vec::new();
    diagnostic::write_text(&mut rendered, &loaded.diagnostics).unwrap();
    assert!(loaded.diagnostics.iter().all(|d| !d.message.is_empty()));
    loaded
}

/// A valid configuration with fragments inserted, or bytes cut out, at random places.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    let edit = (
        any::<prop::sample::Index>(),
        prop::sample::select(FRAGMENTS),
        0usize..4,
    );
    prop::collection::vec(edit, 1..8).prop_map(|edits| {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, fragment, cut) in edits {
            let at = at.index(bytes.len() + 1);
            let end = (at + cut).min(bytes.len());
            bytes.splice(at..end, fragment.bytes());
        }
        bytes
    })
}

#[test]
fn generated_yaml_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    runner(384, 7)
        .run(&mutated(), |bytes| {
            load_bytes(dir.path(), &bytes);
            Ok(())
        })
        .unwrap();
    runner(128, 8)
        .run(&prop::collection::vec(any::<u8>(), 0..512), |bytes| {
            load_bytes(dir.path(), &bytes);
            Ok(())
        })
        .unwrap();
}

/// Every external profile id that is not 24 lowercase hexadecimal digits is an error, so it
/// never reaches a URL.
#[test]
fn ids_that_are_not_tagoio_ids_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let id = prop_oneof![
        "[0-9a-f]{24}",
        "[0-9a-fA-F/.%?#& \n\"']{0,30}",
        "\\PC{0,30}",
        Just("64f1c2a9e3b1d40012ab34c/".to_owned()),
        Just("../../../account/profile".to_owned()),
    ];
    runner(256, 9)
        .run(&id, |id| {
            let yaml = format!(
                "version: 1\nexternal_profiles:\n  partner: {}\n",
                serde_json::to_string(&id).unwrap()
            );
            let loaded = load_bytes(dir.path(), yaml.as_bytes());
            let valid =
                id.len() == 24 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            prop_assert_eq!(loaded.desired.is_some(), valid, "{:?}", id);
            Ok(())
        })
        .unwrap();
}

/// Cases kept by hand, each loading to the outcome recorded in its first line (`# valid` or
/// `# invalid`), and inputs grown by the fuzz target.
#[test]
fn the_regression_corpus_loads_as_recorded() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hardening/corpus");
    let dir = tempfile::tempdir().unwrap();
    let mut seen = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let loaded = load_bytes(dir.path(), &bytes);
        let valid = bytes.starts_with(b"# valid");
        assert_eq!(loaded.desired.is_some(), valid, "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 8, "only {seen} corpus files");
    // Inputs the fuzz target grew (kept as they are): each loads self-consistently.
    let fuzzed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hardening/fuzzed");
    let mut loaded = 0;
    for entry in std::fs::read_dir(&fuzzed).unwrap() {
        load_bytes(dir.path(), &std::fs::read(entry.unwrap().path()).unwrap());
        loaded += 1;
    }
    assert_eq!(loaded, 24);
}

fn tagoform(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_device_given_as_the_configuration_is_refused_without_reading() {
    for device in ["/dev/zero", "/dev/urandom", "/dev/null"] {
        let output = tagoform(&["validate", device]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{device}: {stdout}");
        assert_eq!(
            stdout,
            format!("{device}:1:1: error: not a regular file\nNot valid: 1 error, 0 warnings (1 file).\n")
        );
    }
}

/// Ids with path and query characters in every place an id is written: the configuration
/// is refused, and not one request is sent.
#[tokio::test]
async fn ids_with_path_characters_are_refused_before_any_request() {
    let server = MockServer::start(|_, _| Reply::ok(serde_json::json!([]))).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tagoform.yaml"),
        "version: 1\n\
         external_profiles:\n  partner: \"../../account\"\n  other: \"64f1c2a9e3b1d40012ab34cd?x=1\"\n\
         profiles:\n  acme:\n    name: ACME\n    id: \"6500a1b2c3d4e5f6012345/1\"\n\
         connectors:\n  c:\n    profile: acme\n    name: C\n    networks: [{id: \"5f46679034e73f002833025b/share\"}]\n",
    )
    .unwrap();
    let url = server.url.clone();
    let path = dir.path().to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_tagoform"))
            .arg("plan")
            .arg(&path)
            .args(["--api", &url])
            .env("TAGOIO_TOKEN", "00000000-0000-4000-a000-000000000000")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("nothing was read from or sent to TagoIO"),
        "{stderr}"
    );
    for id in [
        "../../account",
        "64f1c2a9e3b1d40012ab34cd?x=1",
        "6500a1b2c3d4e5f6012345/1",
        "5f46679034e73f002833025b/share",
    ] {
        assert!(stderr.contains(id), "`{id}` is named: {stderr}");
    }
    assert_eq!(server.requests().len(), 0);
}

/// Names full of query and path characters, quotes and Unicode are data: they are created
/// as written, found again by the next plan (the name filter is encoded), and nothing is
/// created twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_with_url_characters_round_trip() {
    let written = "a&b=c#d?e/f%2F \"q\" ü 🙂 ../x";
    let name = written.replace('"', "\\\"");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tagoform.yaml"),
        format!(
            "version: 1\nprofiles:\n  p:\n    name: \"P {name}\"\n\
             networks:\n  n:\n    profile: p\n    name: \"{name}\"\n\
             connectors:\n  c:\n    profile: p\n    name: \"{name}\"\n    networks: [n]\n"
        ),
    )
    .unwrap();
    let desired = load(dir.path());
    let running = emulator_seeded(Faults::default(), Seed::demo()).await;
    let url = running.url();
    let runs = converge(&url, &desired, 3).await;
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(runs[0].planned, 3);
    let names: Vec<String> = running
        .state()
        .read(|data, _| {
            Ok(data
                .integrations
                .values()
                .filter_map(|i| i.fields["name"].as_str().map(str::to_owned))
                .filter(|n| n.starts_with("a&b"))
                .collect())
        })
        .unwrap();
    assert_eq!(names, vec![written.to_owned(), written.to_owned()]);
}

/// A name, from the configuration or from TagoIO, that holds a right-to-left override, a
/// newline or an escape sequence is printed with those as `\u{...}`: it cannot reorder,
/// forge or repaint a line of the plan a reviewer reads.
#[tokio::test]
async fn names_that_would_disguise_a_plan_line_are_shown_escaped() {
    use super::support::world::World;
    let world = World::start().await;
    // A live connector renamed on TagoIO: a newline that forges a share line, an override.
    world
        .api
        .connector(
            super::support::world::DEMO,
            "Sensor\n  + share connector `th` with `partner`\u{202e}gpj.exe",
            &[super::support::world::TTN],
        )
        .await;
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    exclusive: true\n\
         networks:\n  field:\n    profile: acme\n    name: \"Field\\u202Eexe.txt\\e[2J\"\n",
    );
    let run = world.run(&["plan", "--color", "never"]).await;
    run.code(0);
    assert!(
        run.stdout.contains(
            "  + create network `field` named \"Field\\u{202e}exe.txt\\u{1b}[2J\"  # tagoform.yaml:7:3\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "  - delete connector `Sensor\\u{a}  + share connector `th` with \
             `partner`\\u{202e}gpj.exe` ("
        ),
        "{}",
        run.stdout
    );
    for hidden in ['\u{202e}', '\u{1b}'] {
        assert!(!run.stdout.contains(hidden), "{}", run.stdout);
    }
    assert_eq!(
        run.stdout.lines().filter(|l| l.contains("share")).count(),
        1
    );
}
