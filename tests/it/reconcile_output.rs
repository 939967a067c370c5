//! What `plan` prints and how it exits: the JSON document and the markdown comment of a real
//! plan, `--target`, colour, and `--detailed-exitcode` (0 no changes, 2 changes, 1 error).

use serde_json::{json, Value};

use super::support::snapshots::assert_snapshot;
use super::support::world::*;

#[tokio::test]
async fn json_is_one_versioned_document_with_every_operation() {
    let world = World::start().await;
    let path = world.example("quickstart");
    let plan = world
        .run(&["plan", &path, "--format", "json", "--detailed-exitcode"])
        .await;
    plan.code(2);
    let document: Value = serde_json::from_str(&plan.stdout).unwrap();
    let keys: Vec<&String> = document.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["format_version", "notices", "operations", "summary"]);
    assert_eq!(document["format_version"], json!(3));
    assert_eq!(
        document["summary"],
        json!({"add": 6, "change": 0, "remove": 0})
    );
    assert_eq!(document["notices"], json!([]));
    let outline: Vec<(u64, &str, Value)> = document["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| {
            (
                op["index"].as_u64().unwrap(),
                op["op"].as_str().unwrap(),
                op.get("depends_on").cloned().unwrap_or(json!([])),
            )
        })
        .collect();
    assert_eq!(
        outline,
        [
            (0, "create_profile", json!([])),
            (1, "invite_member", json!([0])),
            (2, "create_object", json!([0])),
            (3, "create_object", json!([0, 2])),
            (4, "share", json!([0, 2])),
            (5, "share", json!([0, 3, 4])),
        ]
    );
    assert_eq!(
        document["operations"][4],
        json!({
            "index": 4, "profile": "acme", "op": "share",
            "target": {"key": "acme"},
            "object": {"kind": "network", "key": "acme-lorawan", "name": "ACME LoRaWAN"},
            "recipient": {"key": "partner", "id": GLOBEX},
            "origin": {"file": "quickstart/tagoform.yaml", "line": 29, "column": 19},
            "depends_on": [0, 2]
        })
    );
    assert_eq!(plan.stderr, "");

    world.applied(&path, &[]).await;
    let plan = world
        .run(&["plan", &path, "--format", "json", "--detailed-exitcode"])
        .await;
    plan.code(0);
    let document: Value = serde_json::from_str(&plan.stdout).unwrap();
    assert_eq!(
        document,
        json!({
            "format_version": 3, "operations": [],
            "notices": [{"notice": "pending_invitation", "profile": "acme",
                "email": "alice@acme.example", "invited_at": "2027-03-01T10:00:00Z",
                "expires_at": "2027-03-08T10:00:00Z"}],
            "summary": {"add": 0, "change": 0, "remove": 0}
        })
    );
}

/// After `@`, markdown plans put a word joiner: GitHub then mentions nobody.
const WORD_JOINER: char = '\u{2060}';

#[tokio::test]
async fn markdown_is_a_pull_request_comment() {
    let world = World::start().await;
    let path = world.example("quickstart");
    let plan = world.run(&["plan", &path, "--format", "markdown"]).await;
    plan.code(0);
    assert_snapshot(&plan.stdout, "reconcile_output/quickstart_markdown", &[]);
    // The snapshot holds the (invisible) word joiner after the `@`.
    assert!(
        plan.stdout
            .contains(&format!("alice@{WORD_JOINER}acme.example to the team")),
        "{}",
        plan.stdout
    );
    world.applied(&path, &[]).await;
    let plan = world.run(&["plan", &path, "--format", "markdown"]).await;
    assert_eq!(
        plan.stdout,
        "### tagoform plan

**No changes.** TagoIO matches the configuration.

#### Notes

- acme: the invitation of alice@\u{2060}acme.example is pending since 2027-03-01, expires 2027-03-08; not sent again
"
    );
}

/// (op, profile, object or email) of each operation of a JSON plan.
fn outline(stdout: &str) -> Vec<(String, String, String)> {
    let document: Value = serde_json::from_str(stdout).unwrap();
    document["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            let what = match op.get("recipient") {
                Some(recipient) => format!("{} {}", s(&op["object"]["key"]), s(&recipient["key"])),
                None => s(&op["object"]["key"]),
            };
            (s(&op["op"]), s(&op["profile"]), what)
        })
        .collect()
}

#[tokio::test]
async fn target_keeps_the_operations_on_a_key_and_what_they_need() {
    let world = World::start().await;
    let path = world.multi_customer_without_allocation();
    let (unknown, requests) = world.measured(&["plan", &path, "--target", "initec"]).await;
    unknown.code(1);
    assert_eq!(
        unknown.stderr,
        "error: --target initec: no profile, network or connector has that key\n"
    );
    assert_eq!(requests, counts(&[]));

    let plan = world
        .run(&["plan", &path, "--target", "initech", "--format", "json"])
        .await;
    plan.code(0);
    let o =
        |op: &str, profile: &str, what: &str| (op.to_owned(), profile.to_owned(), what.to_owned());
    let initech = vec![
        o("create_profile", "initech", ""),
        o("create_profile", "northwind", ""),
        o("create_object", "northwind", "northwind-lorawan"),
        o("create_object", "northwind", "northwind-tracker"),
        o("share", "northwind", "northwind-lorawan initech"),
        o("share", "northwind", "northwind-tracker initech"),
    ];
    assert_eq!(outline(&plan.stdout), initech);

    let apply = world
        .run(&["apply", &path, "--target", "initech", "--auto-approve"])
        .await;
    apply.code(0);
    apply.stdout_ends_with("Apply finished: 6 done, 0 failed, 0 skipped.\n");
    // The rest is still to do; what the targeted apply did is not.
    let plan = world.run(&["plan", &path, "--format", "json"]).await;
    let rest = outline(&plan.stdout);
    assert_eq!(rest.len(), 22 - 6);
    for done in &initech {
        assert!(!rest.contains(done), "{done:?} planned again");
    }
}

#[tokio::test]
async fn colour_only_when_asked_and_never_with_no_color() {
    let mut world = World::start().await;
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    team: [alice@acme.example]\n",
    );
    let plain = world.run(&["plan"]).await.stdout;
    assert_snapshot(&plain, "reconcile_output/colour_never", &[]);
    assert_snapshot(
        &world.run(&["plan", "--color", "always"]).await.stdout,
        "reconcile_output/colour_always",
        &[],
    );
    let coloured = world.run(&["plan", "--color", "always"]).await.stdout;
    world.env.insert("NO_COLOR".into(), "1".into());
    assert_eq!(world.run(&["plan", "--color", "auto"]).await.stdout, plain);
    // Without a terminal, CLICOLOR_FORCE asks for colour all the same.
    world.env.remove("NO_COLOR");
    world.env.insert("CLICOLOR_FORCE".into(), "1".into());
    assert_eq!(world.run(&["plan"]).await.stdout, coloured);
    assert_eq!(world.run(&["plan", "--color", "never"]).await.stdout, plain);
}

#[tokio::test]
async fn detailed_exitcode_is_one_on_any_error_and_an_invalid_configuration_reads_nothing() {
    let world = World::start().await;
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    nme: ACME Production\n",
    );
    let (run, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    run.code(1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.ends_with(
            "error: the configuration has 1 error(s); nothing was read from or sent to TagoIO \
             (run `tagoform validate .` for details)\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.starts_with("tagoform.yaml:4:5: error: "),
        "{}",
        run.stderr
    );
    assert_eq!(requests, counts(&[]));

    // An API that cannot be reached is an error too.
    let mut world = world;
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n",
    );
    world.url = "http://127.0.0.1:9".into();
    let run = world
        .run(&["plan", "--detailed-exitcode", "--max-attempts", "1"])
        .await;
    run.code(1);
    assert!(
        run.stderr
            .starts_with("error: cannot read the live state from TagoIO\n  caused by: "),
        "{}",
        run.stderr
    );
}

/// `tagoform plan | head`: a reader that stops early is not an error.
#[tokio::test]
async fn a_reader_that_stops_early_is_not_an_error() {
    let world = World::start().await;
    let path = world.example("multi-customer");
    let mut command = world.command(&["plan", &path, "--format", "json", "--api", &world.url]);
    command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    // Closed before the plan can exist: the emulator answers only once this test awaits.
    drop(child.stdout.take());
    let output = child.wait_with_output().await.unwrap();
    assert_eq!(
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned()
        ),
        (Some(0), String::new())
    );
}

/// A mistyped flag value is an error (1), never `plan --detailed-exitcode`'s "changes" (2);
/// `--help` succeeds.
#[tokio::test]
async fn a_usage_error_exits_1_and_help_exits_0() {
    let world = World::start().await;
    let run = world
        .run(&["plan", "--detailed-exitcode", "--parallelism", "many"])
        .await;
    run.code(1);
    assert!(
        run.stderr
            .starts_with("error: invalid value 'many' for '--parallelism <PARALLELISM>'"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    let help = world.run_as_given(&["plan", "--help"]).await;
    help.code(0);
    assert!(
        help.stdout.contains("--detailed-exitcode"),
        "{}",
        help.stdout
    );
}

/// Warnings read like errors (`warning: …`, located, with `help:`), never as timestamped log
/// lines; `-q` keeps errors only.
#[tokio::test]
async fn warnings_look_like_errors_and_quiet_keeps_errors_only() {
    let mut world = World::start().await;
    world.write(
        "tagoform.yaml",
        acme_config!(
            "    token_env: ACME_TOKEN
    team: [\"\\u0430lice@acme.example\"]
"
        ),
    );
    world.env.remove("ACME_TOKEN");
    let run = world.run(&["plan"]).await;
    run.code(0);
    assert!(
        run.stderr.starts_with(
            "tagoform.yaml:6:12: warning: `\u{430}lice@acme.example` mixes Cyrillic and Latin \
             letters: it may only look like the address it seems to be\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("\n  help: check that every letter is the one you mean"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with(
            "warning: profile `acme`: ACME_TOKEN (its token_env) is not set; using a \
             short-lived token instead\n"
        ),
        "{}",
        run.stderr
    );
    let quiet = world.run(&["-q", "plan"]).await;
    quiet.code(0);
    assert_eq!(quiet.stderr, "");
    assert_eq!(quiet.stdout, run.stdout);
    // Errors stay.
    let error = world.run(&["-q", "plan", "missing.yaml"]).await;
    error.code(1);
    assert!(error.stderr.starts_with("error: "), "{}", error.stderr);
}
