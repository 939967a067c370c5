//! SIGKILL the real binary at seeded random moments during `apply`, many times, then run it
//! to the end: the account matches the configuration exactly, with no duplicate.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tagoform::emulator::seed::{DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOKEN};
use tagoform::emulator::{Faults, RunningEmulator};

use super::hardening_faults::emulator_seeded;
use super::support::hardening::{assert_state_matches, generate, seed};

/// `tagoform apply DIR --api URL --auto-approve` with the demo account's credentials.
pub fn apply_command(dir: &Path, url: &str, tokens_out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tagoform"));
    command
        .arg("apply")
        .arg(dir)
        .args(["--api", url, "--auto-approve", "--color", "never"])
        .arg("--tokens-out")
        .arg(tokens_out)
        .env("TAGOIO_TOKEN", DEMO_TOKEN)
        .env("TAGOIO_EMAIL", DEMO_EMAIL)
        .env("TAGOIO_PASSWORD", DEMO_PASSWORD)
        .env_remove("TAGOIO_API")
        .env_remove("RUST_LOG")
        .current_dir(dir);
    command
}

fn requests(running: &RunningEmulator) -> u64 {
    running.state().request_counts().values().sum()
}

/// Waits until the emulator has received `until` requests or the child ended, then kills it
/// (SIGKILL). Returns whether the kill came before the child ended by itself.
async fn kill_after(child: &mut Child, running: &RunningEmulator, until: u64) -> bool {
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if requests(running) >= until {
            child.kill().unwrap();
            child.wait().unwrap();
            return true;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Moves the server's clock past the apply lock's lease, so that a killed run's lock
/// lapses, as it does in the minutes before someone runs apply again.
async fn let_the_lock_lapse(url: &str) {
    let lease = i64::from(tagoform::lock::LockSettings::default().lease_minutes) * 60;
    reqwest::Client::new()
        .post(format!("{url}/_emulator/clock/advance"))
        .json(&serde_json::json!({ "seconds": lease + 1 }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

fn run_to_end(dir: &Path, url: &str) -> Output {
    let output = apply_command(dir, url, &dir.join("tokens-final.json"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// 24 rounds (`TAGOFORM_CRASH_ROUNDS`) on a fresh account: an apply killed after a seeded random count of requests
/// (within what a full apply sends), then a re-run to the end, one that finds nothing to do,
/// and the exact check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_applies_finish_on_a_rerun_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let spec = generate(dir.path(), 6, "");
    let running = emulator_seeded(Faults::default(), seed(&[&spec])).await;
    let url = running.url();
    run_to_end(dir.path(), &url);
    let full = requests(&running);
    let mut rng = StdRng::seed_from_u64(2026);
    let rounds: u32 = std::env::var("TAGOFORM_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let (mut kills, mut stray) = (0, 0);
    for round in 0..rounds {
        running.state().reset().await.unwrap();
        let until = rng.random_range(1..full);
        let mut child = apply_command(dir.path(), &url, &dir.path().join(format!("t{round}.json")))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if kill_after(&mut child, &running, until).await {
            kills += 1;
        }
        let_the_lock_lapse(&url).await;
        run_to_end(dir.path(), &url);
        let last = run_to_end(dir.path(), &url);
        let stdout = String::from_utf8_lossy(&last.stdout);
        assert!(
            stdout.contains("No changes. TagoIO matches the configuration."),
            "round {round}, killed after {until} requests: {stdout}"
        );
        stray += assert_state_matches(running.state(), &spec);
    }
    eprintln!(
        "crash: {} operations ({full} requests in a full apply), {kills} of {rounds} applies killed, \
         {stray} short-lived token(s) left behind in all",
        spec.operations
    );
    assert!(
        kills >= rounds * 3 / 4,
        "only {kills} applies were killed before they ended"
    );
}
