//! Secrets never leave their place: every command at `-vv` with known token values and
//! password, every byte of stdout, stderr and every file written (but `--tokens-out`) is
//! searched; `Debug` of every type that holds one; `--tokens-out` is private.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::json;
use tagoform::emulator::{self, EmulatorConfig, Seed};

const ACCOUNT_TOKEN: &str = "a7c0ffee-5ec7-4e7a-9b1d-acc0c0ffee01";
const FIELD_TOKEN: &str = "b7c0ffee-5ec7-4e7a-9b1d-9f0f11e7ab02";
const PASSWORD: &str = "Pw-5ecret-Zq81!x";
const WRONG_PASSWORD: &str = "Wr0ng-5ecret-Pw-77";
const WRONG_TOKEN: &str = "c7c0ffee-5ec7-4e7a-9b1d-0000dead0003";
const MEMBER_PASSWORD: &str = "Member-5ecret-Pw-42";
/// The ops account's authenticator secret (two-factor is on): every credential call carries
/// a code computed from it, and it appears nowhere.
const TOTP_SECRET: &str = "KVKFKRCPNZQUYMLXOVYDGZLQMJ2GKZLY";

const SEED: &str = "accounts:
  - email: ops@secret.example
    password: \"Pw-5ecret-Zq81!x\"
    name: Ops
    two_factor: true
    totp_secret: KVKFKRCPNZQUYMLXOVYDGZLQMJ2GKZLY
    profiles:
      - name: Ops Field
        tokens:
          - {name: main, permission: full, token: a7c0ffee-5ec7-4e7a-9b1d-acc0c0ffee01}
          - {name: field, permission: full, token: b7c0ffee-5ec7-4e7a-9b1d-9f0f11e7ab02}
  - email: member@secret.example
    password: \"Member-5ecret-Pw-42\"
    name: Member
";

const CONFIG: &str = "version: 1
profiles:
  field:
    name: Ops Field
    token_env: OPS_FIELD_TOKEN
    team: [member@secret.example]
    tokens:
      - {name: ci, permission: write, expires: never}
  lab:
    name: Ops Lab
    tokens:
      - {name: lab-read, permission: read, expires: 90 days}
networks:
  net: {profile: field, name: Field Net, shared_with: [lab]}
connectors:
  sensor: {profile: field, name: Field Sensor, networks: [net], shared_with: [lab]}
";

/// Everything the test saw: (what, bytes).
#[derive(Default)]
struct Seen(Vec<(String, Vec<u8>)>);

impl Seen {
    fn output(&mut self, what: &str, output: &Output) {
        self.0
            .push((format!("{what}: stdout"), output.stdout.clone()));
        self.0
            .push((format!("{what}: stderr"), output.stderr.clone()));
    }

    /// Every file under `dir` except the tokens files, the emulator's own database and the
    /// seed the test wrote.
    fn files(&mut self, dir: &Path) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                self.files(&path);
            } else if !name.starts_with("tokens")
                && name != "emulator-state.json"
                && name != "seed.yaml"
            {
                self.0
                    .push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }

    fn assert_free_of(&self, secrets: &[String]) {
        for (what, bytes) in &self.0 {
            for secret in secrets {
                let found = bytes
                    .windows(secret.len())
                    .any(|window| window == secret.as_bytes());
                assert!(
                    !found,
                    "a secret appears in {what}:\n{}",
                    String::from_utf8_lossy(bytes)
                );
            }
        }
    }
}

fn tagoform(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tagoform"));
    command
        .args(args)
        .arg("-vv")
        .current_dir(dir)
        .env("TAGOIO_TOKEN", ACCOUNT_TOKEN)
        .env("TAGOIO_EMAIL", "ops@secret.example")
        .env("TAGOIO_PASSWORD", PASSWORD)
        .env("OPS_FIELD_TOKEN", FIELD_TOKEN)
        .env("TAGOIO_TOTP_SECRET", TOTP_SECRET)
        .env("RUST_LOG", "trace")
        .env_remove("TAGOIO_API")
        .stdin(Stdio::null());
    command
}

fn run(seen: &mut Seen, what: &str, command: &mut Command, code: i32) -> Output {
    let output = command.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(code),
        "{what}: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    seen.output(what, &output);
    output
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_command_shows_a_secret_at_any_verbosity() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().to_path_buf();
    std::fs::create_dir_all(work.join("config")).unwrap();
    std::fs::write(work.join("config/tagoform.yaml"), CONFIG).unwrap();
    std::fs::write(work.join("seed.yaml"), SEED).unwrap();
    let running = emulator::start(EmulatorConfig {
        seed: Seed::load(&work.join("seed.yaml")).unwrap(),
        rng_seed: Some(5),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let url = running.url();
    let api = ["--api", url.as_str()];
    let mut seen = Seen::default();
    let steps: Vec<(&str, Vec<&str>, i32)> = vec![
        ("validate", vec!["validate", "config"], 0),
        ("plan", [&["plan", "config"][..], &api].concat(), 0),
        (
            "plan json",
            [&["plan", "config", "--format", "json"][..], &api].concat(),
            0,
        ),
        (
            "plan markdown",
            [&["plan", "config", "--format", "markdown"][..], &api].concat(),
            0,
        ),
        (
            "plan --out",
            [&["plan", "config", "--out", "saved.plan"][..], &api].concat(),
            0,
        ),
        (
            "apply --plan",
            [
                &[
                    "apply",
                    "--plan",
                    "saved.plan",
                    "--auto-approve",
                    "--tokens-out",
                    "tokens.json",
                ][..],
                &api,
            ]
            .concat(),
            0,
        ),
        (
            "plan after",
            [&["plan", "config", "--format", "json"][..], &api].concat(),
            0,
        ),
        (
            "apply again",
            [
                &[
                    "apply",
                    "config",
                    "--auto-approve",
                    "--tokens-out",
                    "tokens-2.json",
                ][..],
                &api,
            ]
            .concat(),
            0,
        ),
    ];
    for (what, args, code) in &steps {
        let work = work.clone();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let what = what.to_string();
        let code = *code;
        let output = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            tagoform(&work, &args).output().unwrap()
        })
        .await
        .unwrap();
        assert_eq!(
            output.status.code(),
            Some(code),
            "{what}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        seen.output(&what, &output);
    }
    // The token values made by apply are in the tokens file, private, and nowhere else.
    let tokens_file = work.join("tokens.json");
    #[cfg(unix)]
    assert_eq!(mode(&tokens_file), 0o600);
    let created: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&tokens_file).unwrap()).unwrap();
    let mut names: Vec<&str> = created
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["ci", "lab-read"]);
    assert!(
        !work.join("tokens-2.json").exists(),
        "no new token, no file"
    );
    let mut secrets: Vec<String> = [
        ACCOUNT_TOKEN,
        FIELD_TOKEN,
        PASSWORD,
        WRONG_PASSWORD,
        WRONG_TOKEN,
        MEMBER_PASSWORD,
        TOTP_SECRET,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    secrets.extend(
        created
            .iter()
            .map(|t| t["token"].as_str().unwrap().to_owned()),
    );
    // Values of every token the emulator holds now, short-lived ones included.
    secrets.extend(
        running
            .state()
            .read(|data, _| Ok(data.tokens.keys().cloned().collect::<Vec<_>>()))
            .unwrap(),
    );
    // Refusals that carry a secret in their request: a wrong password, a wrong token.
    std::fs::write(
        work.join("config/tagoform.yaml"),
        CONFIG.replace("lab-read, permission: read", "lab-write, permission: write"),
    )
    .unwrap();
    let wrong = work.clone();
    let url_owned = url.clone();
    let (wrong_password, wrong_token) = tokio::task::spawn_blocking(move || {
        let api = ["--api", url_owned.as_str()];
        let args = [
            &[
                "apply",
                "config",
                "--auto-approve",
                "--tokens-out",
                "tokens-3.json",
            ][..],
            &api,
        ]
        .concat();
        let password = tagoform(&wrong, &args)
            .env("TAGOIO_PASSWORD", WRONG_PASSWORD)
            .output()
            .unwrap();
        let token = tagoform(&wrong, &[&["plan", "config"][..], &api].concat())
            .env("TAGOIO_TOKEN", WRONG_TOKEN)
            .output()
            .unwrap();
        (password, token)
    })
    .await
    .unwrap();
    assert_eq!(wrong_password.status.code(), Some(1));
    assert_eq!(wrong_token.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&wrong_token.stderr);
    assert!(stderr.contains("401"), "{stderr}");
    seen.output("apply with a wrong password", &wrong_password);
    seen.output("plan with a wrong token", &wrong_token);
    seen.files(&work);
    seen.assert_free_of(&secrets);
    // The search finds what it looks for: the tokens file holds the created values.
    let tokens_bytes = std::fs::read(&tokens_file).unwrap();
    let first = created[0]["token"].as_str().unwrap();
    assert!(tokens_bytes
        .windows(first.len())
        .any(|w| w == first.as_bytes()));
}

/// The emulator at `-vv`, serving and refusing, and its start-up errors.
#[test]
fn the_emulator_shows_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    std::fs::write(work.join("seed.yaml"), SEED).unwrap();
    std::fs::create_dir_all(work.join("config")).unwrap();
    std::fs::write(work.join("config/tagoform.yaml"), CONFIG).unwrap();
    let mut seen = Seen::default();
    let mut server = Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .args(["emulator", "--listen", "127.0.0.1:0", "--seed", "seed.yaml"])
        .args(["--state", "emulator-state.json", "-vv"])
        .env("RUST_LOG", "trace")
        .current_dir(work)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    run(
        &mut seen,
        "plan",
        &mut tagoform(work, &["plan", "config", "--api", &url]),
        0,
    );
    run(
        &mut seen,
        "plan with a wrong token",
        tagoform(work, &["plan", "config", "--api", &url]).env("TAGOIO_TOKEN", WRONG_TOKEN),
        1,
    );
    server.kill().unwrap();
    let output = server.wait_with_output().unwrap();
    seen.output("emulator", &output);
    let mut rest = Vec::new();
    std::io::Read::read_to_end(&mut stdout, &mut rest).unwrap();
    seen.0.push(("emulator stdout".to_owned(), rest));
    // Start-up errors about a seed and a state file that hold secrets.
    let broken_seed = SEED.replace(
        "permission: full, token: b7",
        "permission: fulll, token: b7",
    );
    std::fs::write(work.join("broken-seed.yaml"), broken_seed).unwrap();
    let state = std::fs::read_to_string(work.join("emulator-state.json")).unwrap();
    std::fs::write(work.join("broken-state.json"), &state[..state.len() / 2]).unwrap();
    let format = format!("\"format\": {}", tagoform::emulator::model::STATE_FORMAT);
    assert!(state.contains(&format), "the state file names its format");
    let wrong_type = state.replacen(&format, &format!("\"format\": \"{ACCOUNT_TOKEN}\""), 1);
    std::fs::write(work.join("typed-state.json"), wrong_type).unwrap();
    for (what, args) in [
        ("bad seed", vec!["--seed", "broken-seed.yaml"]),
        ("cut state", vec!["--state", "broken-state.json"]),
        ("mistyped state", vec!["--state", "typed-state.json"]),
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tagoform"));
        command
            .args(["emulator", "--listen", "127.0.0.1:0", "-vv"])
            .args(args)
            .current_dir(work);
        run(&mut seen, what, &mut command, 1);
    }
    let secrets: Vec<String> = [
        ACCOUNT_TOKEN,
        FIELD_TOKEN,
        PASSWORD,
        WRONG_TOKEN,
        MEMBER_PASSWORD,
        TOTP_SECRET,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    seen.assert_free_of(&secrets);
}

/// `body` read as a `T`, as `{:?}` prints it.
fn printed_as<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    body: &serde_json::Value,
) -> String {
    format!("{:?}", serde_json::from_value::<T>(body.clone()).unwrap())
}

/// `Debug` of every type that holds a secret.
#[test]
fn debug_never_prints_a_secret() {
    use tagoform::access::{Access, Credentials, SecondFactor};
    use tagoform::api::types::{
        LoginRequest, ProfileDeleteRequest, ProfileTokenRequest, ProfileTokenResponse,
        TokenCreateRequest, TokenCreateResponse, TokenListItem,
    };
    use tagoform::api::{ApiSettings, Client, Endpoint, Secret, Token};
    use tagoform::apply::{CreatedToken, Report};
    use tagoform::totp::TotpSecret;

    let secret = "Zz-debug-5ecret-91";
    let body = json!({
        "email": "ops@secret.example", "password": secret, "pin_code": secret,
        "profile_id": "64f1c2a9e3b1d40012ab34cd", "name": "n", "token": secret,
        "permission": "full", "expire_time": "never", "expire_date": "never",
        "type": "profile", "created_at": "2026-01-01T00:00:00.000Z",
    });
    let credentials =
        Credentials::new("ops@secret.example", Secret::new(secret)).with(Some(SecondFactor::Pin {
            pin: Secret::new(secret),
            otp: tagoform::api::types::OtpType::Authenticator,
        }));
    let totp = Credentials::new("ops@secret.example", Secret::new(secret)).with(Some(
        SecondFactor::Totp(TotpSecret::parse(TOTP_SECRET).unwrap()),
    ));
    let created = CreatedToken {
        profile: "p".into(),
        name: "n".into(),
        token: Secret::new(secret),
        expires: "never".into(),
    };
    let report = Report {
        outcomes: Vec::new(),
        created_tokens: vec![created.clone()],
    };
    let settings = ApiSettings::new(
        Endpoint::Url("http://127.0.0.1:1".into()),
        Some(Token::new(secret)),
    );
    let client = Client::builder("http://127.0.0.1:1")
        .token(Token::new(secret))
        .build()
        .unwrap();
    let access = Access::new(
        client.clone(),
        Some(credentials.clone()),
        Default::default(),
    );
    // The authenticator's secret is a secret too (the seed holds TOTP_SECRET).
    let seed: Seed = yaml_serde::from_str(
        &SEED
            .replace(PASSWORD, secret)
            .replace(ACCOUNT_TOKEN, secret),
    )
    .unwrap();
    assert!(seed.accounts[0].totp_secret.is_some());
    let printed = [
        printed_as::<LoginRequest>(&body),
        printed_as::<ProfileTokenRequest>(&body),
        printed_as::<ProfileTokenResponse>(&body),
        printed_as::<ProfileDeleteRequest>(&body),
        printed_as::<TokenCreateRequest>(&body),
        printed_as::<TokenCreateResponse>(&body),
        printed_as::<TokenListItem>(&body),
        format!("{:?}", Secret::new(secret)),
        format!("{:?}", Token::new(secret)),
        format!("{credentials:?}"),
        format!("{totp:?}"),
        format!("{:?}", TotpSecret::parse(TOTP_SECRET).unwrap()),
        format!("{created:?}"),
        format!("{report:?}"),
        format!("{settings:?}"),
        format!("{client:?}"),
        format!("{seed:?}"),
        format!("{:#?}", seed.accounts),
        format!("{:?}", access.credentials()),
    ];
    for text in &printed {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(TOTP_SECRET), "{text}");
    }
    let state = seed
        .build(
            chrono::Utc::now(),
            &mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1),
        )
        .unwrap();
    // `tokens` is keyed by value (the emulator looks tokens up by it): its values are shown.
    let tokens: Vec<_> = state.tokens.values().collect();
    let state_text = format!("{state:?} {:?} {tokens:?}", state.accounts);
    assert!(!state_text.contains(secret), "{state_text}");
    assert!(!state_text.contains(TOTP_SECRET), "{state_text}");
}

/// `apply --tokens-out FILE` with the demo account, in `dir`, for a profile with `tokens`.
fn apply_tokens(dir: &Path, url: &str, tokens: &[&str], file: &Path) -> Output {
    let mut yaml =
        String::from("version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    tokens:\n");
    for name in tokens {
        yaml.push_str(&format!(
            "      - {{name: {name}, permission: read, expires: never}}\n"
        ));
    }
    std::fs::create_dir_all(dir.join("config")).unwrap();
    std::fs::write(dir.join("config/tagoform.yaml"), yaml).unwrap();
    Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .args([
            "apply",
            "config",
            "--auto-approve",
            "--api",
            url,
            "--tokens-out",
        ])
        .arg(file)
        .current_dir(dir)
        .env("TAGOIO_TOKEN", tagoform::emulator::seed::DEMO_TOKEN)
        .env("TAGOIO_EMAIL", tagoform::emulator::seed::DEMO_EMAIL)
        .env("TAGOIO_PASSWORD", tagoform::emulator::seed::DEMO_PASSWORD)
        .env_remove("TAGOIO_API")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_out_is_private_and_refuses_unsafe_files() {
    use std::os::unix::fs::PermissionsExt;
    let running = emulator::start(EmulatorConfig::default()).await.unwrap();
    let url = running.url();
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().to_path_buf();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut refusals = Vec::new();
        let open = work.join("open.json");
        std::fs::write(&open, "[]").unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
        let target = work.join("elsewhere.json");
        std::fs::write(&target, "[]").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink(&target, work.join("link.json")).unwrap();
        std::fs::create_dir(work.join("folder.json")).unwrap();
        let other = work.join("notes.txt");
        std::fs::write(&other, "my notes").unwrap();
        std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o600)).unwrap();
        for name in ["open.json", "link.json", "folder.json", "notes.txt"] {
            let output = apply_tokens(&work, &url, &["t1"], &work.join(name));
            refusals.push((
                output.status.code(),
                String::from_utf8_lossy(&output.stderr).to_string(),
            ));
        }
        let kept = [
            std::fs::read_to_string(&open).unwrap(),
            std::fs::read_to_string(&target).unwrap(),
            std::fs::read_to_string(&other).unwrap(),
        ];
        // Two applies with the same file: the second adds its value to the first's.
        let file = work.join("tokens.json");
        let first = apply_tokens(&work, &url, &["t1"], &file);
        let second = apply_tokens(&work, &url, &["t1", "t2"], &file);
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        let entries: Vec<serde_json::Value> =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        (
            refusals,
            kept,
            first.status.code(),
            second.status.code(),
            mode,
            entries,
            work,
        )
    })
    .await
    .unwrap();
    let (refusals, kept, first, second, mode, entries, work) = outcome;
    let shown = |name: &str| work.join(name).display().to_string();
    let expected = [
        format!(
            "`{}` exists with permissions 644, readable by others",
            shown("open.json")
        ),
        format!(
            "`{}` is a symbolic link; refusing to write token values through it",
            shown("link.json")
        ),
        format!(
            "`{}` is not a regular file; refusing to write token values to it",
            shown("folder.json")
        ),
        format!(
            "`{}` exists and is not a tokens file written by tagoform; move it away first",
            shown("notes.txt")
        ),
    ];
    for ((code, stderr), message) in refusals.iter().zip(&expected) {
        assert_eq!(*code, Some(1), "{stderr}");
        assert!(
            stderr.contains(message.as_str()),
            "expected `{message}` in: {stderr}"
        );
    }
    assert_eq!(kept, ["[]", "[]", "my notes"].map(String::from));
    // Refused before any request: the profile list was read only by the two applies that
    // ran, each for the live state before the lock, for the apply lock, and for the live
    // state under it.
    assert_eq!(
        running.state().request_counts().get("GET /profile"),
        Some(&6)
    );
    assert_eq!((first, second, mode), (Some(0), Some(0), 0o600));
    let names: Vec<&str> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["t1", "t2"]);
    assert!(entries
        .iter()
        .all(|e| e["token"].as_str().is_some_and(|t| t.len() == 36)));
}
