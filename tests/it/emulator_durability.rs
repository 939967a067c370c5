//! Rule 9: with `--state FILE`, every acknowledged write survives SIGKILL. The real binary
//! is started, hammered with concurrent writes, killed mid-stream, restarted on the same
//! file, and every write it had answered must be there.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::support::emulator::DEMO;

/// The emulator binary; killed (SIGKILL) when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(state: &Path) -> Self {
        Self::with("--state", state)
    }

    /// `tagoform emulator` on a loopback port with `option FILE` (`--state` or `--seed`).
    fn with(option: &str, file: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tagoform"))
            .args(["emulator", "--listen", "127.0.0.1:0", option])
            .arg(file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {line:?}"))
            .to_string();
        Self { child, url }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn profile_names(http: &reqwest::Client, url: &str) -> Vec<String> {
    let listed: Value = http
        .get(format!("{url}/profile"))
        .header("token", DEMO)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    listed["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_write_survives_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut server = Server::start(&state);
    let http = reqwest::Client::new();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for writer in 0..8 {
        let (http, url, acknowledged) =
            (http.clone(), server.url.clone(), Arc::clone(&acknowledged));
        writers.push(tokio::spawn(async move {
            for index in 0.. {
                let name = format!("w{writer}-{index}");
                let sent = http
                    .post(format!("{url}/profile"))
                    .header("token", DEMO)
                    .json(&json!({"name": name}))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status() == 200 => {
                        acknowledged.lock().unwrap().push(name)
                    }
                    _ => return,
                }
            }
        }));
    }
    // Kill once a good number of writes were answered, while the writers keep going.
    while acknowledged.lock().unwrap().len() < 300 {
        tokio::task::yield_now().await;
    }
    server.kill();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let restarted = Server::start(&state);
    let names = profile_names(&http, &restarted.url).await;
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|name| !names.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged writes lost: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
}

#[tokio::test]
async fn a_graceful_restart_keeps_the_state_and_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("nested/state.json");
    let server = Server::start(&state);
    let http = reqwest::Client::new();
    let url = server.url.clone();
    let created = http
        .post(format!("{url}/profile"))
        .header("token", DEMO)
        .json(&json!({"name": "kept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let frozen = http
        .post(format!("{url}/_emulator/clock/freeze"))
        .json(&json!({"at": "2030-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(frozen.status(), 200);
    drop(server);

    let restarted = Server::start(&state);
    assert_eq!(
        profile_names(&http, &restarted.url).await,
        ["ACME Production", "ACME Staging", "kept"]
    );
    let clock: Value = http
        .get(format!("{}/_emulator/clock", restarted.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["result"]["now"], json!("2030-01-01T00:00:00Z"));
}

#[tokio::test]
async fn concurrent_writes_share_file_rewrites() {
    let dir = tempfile::tempdir().unwrap();
    let state_file = dir.path().join("state.json");
    let config = tagoform::emulator::EmulatorConfig {
        state_file: Some(state_file.clone()),
        ..Default::default()
    };
    let api = super::support::emulator::Api::with(config).await;
    let store = api.emulator.state().clone();
    let mut writes = tokio::task::JoinSet::new();
    for index in 0..500 {
        let store = store.clone();
        writes.spawn(async move {
            store
                .write(|context| {
                    let profile = context
                        .state
                        .profiles
                        .get_mut(super::support::emulator::ACME)
                        .unwrap();
                    profile.name = format!("rename {index}");
                    Ok(())
                })
                .await
        });
    }
    while let Some(done) = writes.join_next().await {
        done.unwrap().unwrap();
    }
    // Each write waited for a flush covering it, yet far fewer than 500 rewrites happened.
    assert!(
        store.flushes() <= 5,
        "{} rewrites for 500 writes",
        store.flushes()
    );
    let saved: Value = serde_json::from_slice(&std::fs::read(&state_file).unwrap()).unwrap();
    assert_eq!(
        saved["profiles"][super::support::emulator::ACME]["name"],
        json!("rename 499")
    );
}

#[test]
fn sigterm_stops_the_emulator_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(&dir.path().join("state.json"));
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    let sent = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = server.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn the_emulator_refuses_to_listen_beyond_loopback() {
    let output = Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .args(["emulator", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, b"");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: --listen `0.0.0.0:0` is not a loopback address: the emulator only serves this machine"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_seed_file_replaces_the_demo_seed() {
    let seed = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/emulator/seed-small.yaml");
    let server = Server::with("--seed", &seed);
    let http = reqwest::Client::new();
    let listed: Value = http
        .get(format!("{}/profile", server.url))
        .header("token", "ops-read-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["result"],
        json!([{"id": "6500a1b2c3d4e5f6012345f1", "name": "Production", "logo_url": null, "from_share": false, "account": "6500a1b2c3d4e5f6012345f0"}])
    );
    let demo = http
        .get(format!("{}/profile", server.url))
        .header("token", DEMO)
        .send()
        .await
        .unwrap();
    assert_eq!(demo.status(), 401);
}

#[test]
fn an_invalid_seed_file_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(&seed, "accounts:\n  - email: a@b.c\n    pasword: typo\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .args(["emulator", "--seed"])
        .arg(&seed)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: invalid seed file {}: accounts[0]: unknown field `pasword`",
            seed.display()
        )),
        "{stderr}"
    );
}
