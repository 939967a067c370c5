//! Hostile input is refused with a clear, located error and bounded memory: the limits stop
//! the parser while it streams events, before anything large is built.

use std::path::Path;

use tagoform::config::{self, Diagnostic};

/// (line, column, message) of every diagnostic of loading `path`.
fn found(path: &Path) -> Vec<(usize, usize, String)> {
    let loaded = config::load(path).expect("load starts");
    assert!(loaded.desired.is_none());
    loaded
        .diagnostics
        .iter()
        .map(|d: &Diagnostic| (d.line, d.column, d.message.clone()))
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, bytes).expect("write");
    path
}

fn one(line: usize, column: usize, message: &str) -> Vec<(usize, usize, String)> {
    vec![(line, column, message.to_owned())]
}

#[test]
fn deep_nesting_is_refused_at_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("version: 1\nprofiles: {}", "[".repeat(40));
    let path = write(dir.path(), "deep.yaml", text.as_bytes());
    // The 32nd open bracket is the 33rd level (the top mapping is the first).
    assert_eq!(found(&path), one(2, 42, "nesting deeper than 32 levels"));

    let block: String = (0..40)
        .map(|level| format!("{}k{level}:\n", "  ".repeat(level)))
        .collect();
    let path = write(dir.path(), "deep-block.yaml", block.as_bytes());
    assert_eq!(found(&path), one(33, 65, "nesting deeper than 32 levels"));
}

#[test]
fn a_flood_of_brackets_stops_at_the_scanner_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("version: 1\nprofiles: {}", "[".repeat(1_000_000));
    let path = write(dir.path(), "flood.yaml", text.as_bytes());
    // The scanner refuses before the parser hands out events: 256 levels.
    assert_eq!(
        found(&path),
        one(2, 266, "YAML syntax error: recursion limit exceeded")
    );
}

#[test]
fn alias_bombs_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text =
        String::from("version: 1\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 10].join(", ");
        text.push_str(&format!("x{level}: &a{level} [{items}]\n"));
    }
    let path = write(dir.path(), "laughs.yaml", text.as_bytes());
    let diagnostics = found(&path);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(
        diagnostics[0].2,
        format!(
            "aliases expand to more than {} nodes",
            tagoform::config::MAX_EXPANDED_NODES
        )
    );
    // x5 holds about 1.1 million nodes; with the copy kept for its anchor it crosses 2.2
    // million.
    assert_eq!(
        diagnostics[0].0, 7,
        "refused at the first level that crosses the limit"
    );
}

#[test]
fn too_many_nodes_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let limit = tagoform::config::MAX_NODES;
    let text = format!(
        "version: 1\nprofiles: [{}]\n",
        vec!["0"; limit + 10].join(",")
    );
    let path = write(dir.path(), "wide.yaml", text.as_bytes());
    let diagnostics = found(&path);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0].2,
        format!("more than {limit} YAML nodes in the configuration")
    );
}

#[test]
fn a_50_mb_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.yaml");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(50 * 1024 * 1024).expect("sparse file");
    assert_eq!(
        found(&path),
        one(
            1,
            1,
            "the file is larger than 10 MiB, the limit for a configuration file"
        )
    );
}

#[test]
fn non_utf8_bytes_are_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "latin1.yaml",
        b"version: 1\nprofiles:\n  acme:\n    name: Caf\xe9\n",
    );
    assert_eq!(found(&path), one(4, 14, "the file is not UTF-8 text"));
}

#[test]
fn tags_several_documents_and_merge_keys_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tagged = write(dir.path(), "a/tagged.yaml", b"version: !!int 1\n");
    assert_eq!(
        found(&tagged),
        one(1, 10, "YAML tags (`!name`) are not supported")
    );
    let two = write(dir.path(), "b/two.yaml", b"version: 1\n---\nversion: 1\n");
    assert_eq!(
        found(&two),
        one(2, 1, "a file holds one YAML document; this is a second one")
    );
    let merge = write(
        dir.path(),
        "c/merge.yaml",
        b"version: 1\nprofiles:\n  acme:\n    <<: {name: ACME}\n",
    );
    assert_eq!(
        found(&merge),
        vec![
            (3, 3, "missing field `name` in profile `acme`".to_owned()),
            (4, 5, "merge keys (`<<`) are not supported".to_owned()),
        ]
    );
}

const NETWORK_WITH_DECODER: &str = "version: 1
profiles:
  acme:
    name: ACME
networks:
  acme-lorawan:
    profile: acme
    name: ACME LoRaWAN
    payload_decoder_file: ";

fn decoder_problem(dir: &Path, decoder: &str) -> Vec<(usize, usize, String)> {
    write(
        dir,
        "config/tagoform.yaml",
        format!("{NETWORK_WITH_DECODER}{decoder}\n").as_bytes(),
    );
    found(&dir.join("config"))
}

#[test]
fn decoder_files_must_stay_inside_the_configuration_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "outside.js",
        b"// not part of the configuration\n",
    );
    assert_eq!(
        decoder_problem(dir.path(), "../outside.js"),
        one(
            9,
            27,
            &format!(
                "script file `../outside.js` is a file outside the configuration folder `{}`",
                dir.path().join("config").display()
            )
        )
    );
}

#[cfg(unix)]
#[test]
fn decoder_symlinks_out_of_the_folder_and_special_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "config/decoders/.keep", b"");
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("config/decoders/link.js"))
        .expect("symlink");
    assert_eq!(
        decoder_problem(dir.path(), "decoders/link.js"),
        one(
            9,
            27,
            &format!(
            "script file `decoders/link.js` links to a file outside the configuration folder `{}`",
            dir.path().join("config").display()
        )
        )
    );
    assert_eq!(
        decoder_problem(dir.path(), "decoders"),
        one(9, 27, "script file `decoders` is not a regular file")
    );
    let fifo = dir.path().join("config/decoders/fifo.js");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|status| status.success()) {
        // Opening a FIFO for reading would block until a writer comes: it must not be opened.
        assert_eq!(
            decoder_problem(dir.path(), "decoders/fifo.js"),
            one(
                9,
                27,
                "script file `decoders/fifo.js` is not a regular file"
            )
        );
    }
}

#[test]
fn decoder_files_larger_than_1_mib_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = std::fs::File::create({
        std::fs::create_dir_all(dir.path().join("config")).expect("mkdir");
        dir.path().join("config/big.js")
    })
    .expect("create");
    big.set_len(1024 * 1024 + 1).expect("sparse file");
    assert_eq!(
        decoder_problem(dir.path(), "big.js"),
        one(9, 27, "script file `big.js` is larger than 1024 KiB")
    );
}

#[cfg(unix)]
#[test]
fn yaml_fifos_and_links_to_devices_are_refused_without_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.yaml", b"version: 1\n");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).expect("symlink");
    // A FIFO would block the open until a writer comes: it must not be opened at all.
    let fifo = dir.path().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo");
    let loaded = config::load(dir.path()).expect("load starts");
    let found: Vec<(String, usize, String)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.file.display().to_string(), d.line, d.message.clone()))
        .collect();
    let at = |name: &str| dir.path().join(name).display().to_string();
    let outside = format!(
        "the file links to a file outside the configuration folder `{}`",
        dir.path().display()
    );
    assert_eq!(
        found,
        [
            (at("pipe.yaml"), 1, "not a regular file".to_owned()),
            (at("zero.yaml"), 1, outside),
        ]
    );
}

/// A pull request can add `zz.yaml -> /proc/self/environ` or a link to a key file: the file
/// it points at is refused without being read, and a file in the folder that is not YAML is
/// located, never quoted, so no line of it reaches a CI log.
#[cfg(unix)]
#[test]
fn yaml_links_out_of_the_folder_and_non_yaml_text_are_never_printed() {
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = write(outside.path(), "secret.yaml", b"token: 4f1c-secret-value\n");
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "config/a.yaml",
        b"version: 1\nprofiles:\n  acme:\n    name: ACME\n",
    );
    let config = dir.path().join("config");
    std::os::unix::fs::symlink(&secret, config.join("zz.yaml")).expect("symlink");
    std::os::unix::fs::symlink("/proc/self/environ", config.join("env.yaml")).expect("symlink");
    std::os::unix::fs::symlink(config.join("missing"), config.join("broken.yaml"))
        .expect("symlink");
    // A link that stays inside the folder is an ordinary file of the configuration.
    write(dir.path(), "config/shared/b.yaml", b"version: 1\n");
    std::os::unix::fs::symlink("shared/b.yaml", config.join("b-link.yaml")).expect("symlink");
    // Text in the folder that is not a YAML mapping, or not YAML at all.
    write(
        dir.path(),
        "config/dotenv.yaml",
        b"API_TOKEN=4f1c-plain-secret\n",
    );
    write(
        dir.path(),
        "config/key.yml",
        b"private: [4f1c-broken-secret\n",
    );

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .args(["validate", "config"])
        .current_dir(dir.path())
        .output()
        .expect("tagoform runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        !format!("{stdout}{stderr}").contains("4f1c"),
        "{stdout}{stderr}"
    );
    let heads: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("config/"))
        .collect();
    assert_eq!(
        heads,
        [
            "config/broken.yaml:1:1: error: the file is a broken link",
            "config/dotenv.yaml:1:1: error: expected a mapping at the top of the file",
            "config/env.yaml:1:1: error: the file links to a file outside the configuration folder `config`",
            "config/key.yml:2:1: error: YAML syntax error: while parsing a flow sequence, expected ',' or ']'",
            "config/zz.yaml:1:1: error: the file links to a file outside the configuration folder `config`",
        ],
        "{stdout}"
    );
}

#[test]
fn an_empty_folder_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), ".hidden/ignored.yaml", b"version: 1\n");
    let error = config::load(dir.path()).expect_err("no files");
    assert_eq!(
        error.to_string(),
        format!("no *.yaml or *.yml files under `{}`", dir.path().display())
    );
}

/// One file per profile is how integrators keep thousands of customers: `MAX_FILES` files
/// load, one more is refused before any is parsed.
#[test]
fn a_folder_of_more_than_max_files_yaml_files_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    for index in 0..config::MAX_FILES {
        write(dir.path(), &format!("p{index:05}.yaml"), b"version: 1\n");
    }
    assert!(config::load(dir.path()).is_ok());
    write(dir.path(), "one-more.yaml", b"version: 1\n");
    let error = config::load(dir.path()).expect_err("too many files");
    assert_eq!(
        error.to_string(),
        format!(
            "more than {} YAML files under `{}`",
            config::MAX_FILES,
            dir.path().display()
        )
    );
}

/// Run with no PATH at a repository's root, `validate` reads the configuration and nothing
/// of the CI files, dependencies or build output beside it (each of which would be an error).
#[test]
fn a_repository_root_reads_only_the_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let not_ours = b"on: push\njobs: {}\n";
    write(dir.path(), ".github/workflows/ci.yml", not_ours);
    write(dir.path(), ".gitlab-ci.yml", not_ours);
    write(dir.path(), "node_modules/x/y.yaml", not_ours);
    write(dir.path(), "target/debug/build/z.yml", not_ours);
    write(
        dir.path(),
        "tagoio/profiles.yaml",
        b"version: 1\nprofiles:\n  acme: {name: ACME}\n",
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .arg("validate")
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "{:?}",
        output.status
    );
    assert!(output.status.success());
}

/// A file name with a newline or an escape sequence cannot forge a diagnostic line.
#[test]
fn file_names_with_control_characters_are_shown_escaped() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("evil\n\u{1b}[2Jok.yaml"),
        "version: 1\nprofiles:\n  acme:\n    nme: ACME\n",
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .args(["validate", "."])
        .current_dir(folder.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("evil\\u{a}\\u{1b}[2Jok.yaml:4:5: error: "),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
}

/// Files someone else chose (a saved plan, a token file, an emulator's seed or state) are
/// read only when regular and within their size: a device or a FIFO is refused at once.
#[tokio::test]
async fn plan_token_seed_and_state_files_must_be_regular_files() {
    let folder = tempfile::tempdir().unwrap();
    let fifo = folder.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let fifo = fifo.to_str().unwrap().to_owned();
    std::fs::write(
        folder.path().join("tagoform.yaml"),
        "version: 1\nprofiles:\n  acme:\n    name: ACME\n",
    )
    .unwrap();
    for special in ["/dev/zero", fifo.as_str()] {
        let cases: [Vec<&str>; 4] = [
            vec![
                "apply",
                "--plan",
                special,
                "--api",
                "local",
                "--auto-approve",
            ],
            vec![
                "plan",
                ".",
                "--api",
                "http://127.0.0.1:9",
                "--token-file",
                special,
            ],
            vec!["emulator", "--listen", "127.0.0.1:0", "--seed", special],
            vec!["emulator", "--listen", "127.0.0.1:0", "--state", special],
        ];
        for args in cases {
            let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_tagoform"))
                .args(&args)
                .current_dir(folder.path())
                .env_remove("TAGOIO_TOKEN")
                .stdin(std::process::Stdio::null())
                .kill_on_drop(true)
                .output();
            let output = tokio::time::timeout(std::time::Duration::from_secs(20), run)
                .await
                .unwrap_or_else(|_| panic!("{args:?} hangs"))
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
            assert!(stderr.contains("not a regular file"), "{args:?}: {stderr}");
        }
    }
}

/// A diagnostic on a very long line shows no snippet of it (and is not slowed by it: the
/// line is cut before anything looks at its characters; timed in `benches/pure.rs`).
#[test]
fn a_diagnostic_on_a_long_line_shows_no_snippet() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("long.yaml");
    std::fs::write(
        &file,
        format!("version: 1\nprofiles: {}\n", ":".repeat(1024 * 1024)),
    )
    .unwrap();
    let loaded = tagoform::config::load(&file).unwrap();
    assert!(loaded.desired.is_none());
    assert!(loaded.diagnostics.iter().all(|d| d.snippet.is_none()));
}
