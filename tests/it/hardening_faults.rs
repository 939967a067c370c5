//! The emulator's fault modes, and the soak test that applies a few hundred operations
//! through them until the account matches the configuration exactly.

use std::time::{Duration, Instant};

use tagoform::api::{ApiError, TransportFailure};
use tagoform::emulator::{self, EmulatorConfig, Faults, Seed};

use super::support::hardening::{
    apply_once, assert_state_matches, fast_client, generate, load, seed, Applied,
};

async fn emulator_with(faults: Faults) -> emulator::RunningEmulator {
    emulator_seeded(faults, Seed::demo()).await
}

/// An emulator with faults and a seed, reproducible (`rng_seed`).
pub async fn emulator_seeded(faults: Faults, seed: Seed) -> emulator::RunningEmulator {
    emulator::start(EmulatorConfig {
        faults,
        seed,
        rng_seed: Some(11),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

fn profile_count(running: &emulator::RunningEmulator, name: &str) -> usize {
    running
        .state()
        .read(|data, _| Ok(data.profiles.values().filter(|p| p.name == name).count()))
        .unwrap()
}

#[tokio::test]
async fn a_dropped_connection_comes_after_the_work() {
    let running = emulator_with(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    })
    .await;
    let client = fast_client(&running.url(), Duration::from_secs(5), 1);
    let error = client.profile_create("Dropped").await.unwrap_err();
    match &error {
        ApiError::Transport {
            failure,
            reached_server,
            attempts,
            ..
        } => {
            assert_eq!(*failure, TransportFailure::Dropped);
            assert!(*reached_server);
            assert_eq!(*attempts, 1, "a POST is never repeated blindly");
        }
        other => panic!("expected a dropped connection, got {other:?}"),
    }
    assert!(error.answer_lost());
    assert_eq!(profile_count(&running, "Dropped"), 1);
}

#[tokio::test]
async fn a_slow_answer_times_out_after_the_work() {
    let running = emulator_with(Faults {
        slow_rate: 1.0,
        slow_delay: Duration::from_secs(3),
        ..Faults::default()
    })
    .await;
    let client = fast_client(&running.url(), Duration::from_millis(200), 1);
    let error = client.profile_create("Slow").await.unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::Transport {
                failure: TransportFailure::Timeout,
                reached_server: true,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(profile_count(&running, "Slow"), 1);
}

#[tokio::test]
async fn bursts_of_429_and_503_do_nothing() {
    for (faults, status) in [
        (
            Faults {
                throttle_rate: 1.0,
                ..Faults::default()
            },
            429,
        ),
        (
            Faults {
                unavailable_rate: 1.0,
                ..Faults::default()
            },
            503,
        ),
    ] {
        let running = emulator_with(faults).await;
        let client = fast_client(&running.url(), Duration::from_secs(5), 1);
        let error = client.profile_create("Refused").await.unwrap_err();
        assert_eq!(error.status(), Some(status), "{error}");
        assert_eq!(profile_count(&running, "Refused"), 0);
        // A 429 is repeated up to the attempt limit; a 503 to a POST is a lost answer.
        let posts = running.state().request_counts()["POST /profile"];
        assert_eq!(posts, if status == 429 { 5 } else { 1 });
    }
}

#[test]
fn fault_flags_are_checked_by_the_command() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .args(["emulator", "--listen", "127.0.0.1:0", "--drop-rate", "0.7"])
        .args(["--slow-rate", "0.5"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the fault rates add up to 1.2, more than 1"),
        "{stderr}"
    );
}

/// Applies until a run plans nothing; returns every run.
pub async fn converge(
    url: &str,
    desired: &tagoform::config::Desired,
    limit: usize,
) -> Vec<Applied> {
    let mut runs = Vec::new();
    for attempt in 0..limit {
        let client = fast_client(url, Duration::from_millis(300), attempt as u64);
        let run = apply_once(client, desired, 8).await;
        let done = run.converged();
        runs.push(run);
        if done {
            return runs;
        }
    }
    panic!("no convergence after {limit} runs: {runs:#?}");
}

/// About 10% of requests in each fault: lost answers (dropped, slow) and bursts of 429/503.
/// Size with `TAGOFORM_SOAK_PROFILES` (default 16 profiles, 336 operations).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_converges_to_the_configuration_without_duplicates() {
    let profiles = std::env::var("TAGOFORM_SOAK_PROFILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let dir = tempfile::tempdir().unwrap();
    let spec = generate(dir.path(), profiles, "");
    let desired = load(dir.path());
    let changed_spec = generate(tempfile::tempdir().unwrap().path(), profiles, "-b");
    let running = emulator_seeded(
        Faults {
            drop_rate: 0.1,
            slow_rate: 0.1,
            slow_delay: Duration::from_millis(900),
            throttle_rate: 0.05,
            unavailable_rate: 0.05,
            burst_length: 2,
        },
        seed(&[&spec, &changed_spec]),
    )
    .await;
    let started = Instant::now();
    let runs = converge(&running.url(), &desired, 25).await;
    let stray = assert_state_matches(running.state(), &spec);
    let requests: u64 = running.state().request_counts().values().sum();
    let first_read = runs.iter().find(|run| run.read_error.is_none()).unwrap();
    assert_eq!(first_read.planned, spec.operations, "{first_read:?}");
    eprintln!(
        "soak: {} operations, {} runs to converge (the last plans nothing), {requests} requests, \
         {stray} short-lived token(s) left behind, {:?}; runs: {runs:?}",
        spec.operations,
        runs.len(),
        started.elapsed()
    );
    // Then a changed configuration through the same faults: invitations and removals,
    // token replacements, unshares.
    let changed_dir = tempfile::tempdir().unwrap();
    let changed = generate(changed_dir.path(), profiles, "-b");
    let changed_desired = load(changed_dir.path());
    let runs = converge(&running.url(), &changed_desired, 25).await;
    assert_state_matches(running.state(), &changed);
    let first_read = runs.iter().find(|run| run.read_error.is_none()).unwrap();
    // Per profile: 3 invitations, 3 removals, 1 token replaced, 3 connectors unshared once.
    assert_eq!(first_read.planned, profiles * 10, "{first_read:?}");
    eprintln!(
        "soak, changed: {} operations, {} runs to converge",
        first_read.planned,
        runs.len()
    );
}

/// `tagoform emulator` with fault flags, as a process: the flags reach the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fault_flags_reach_the_emulator_process() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    for (flags, expected) in [
        (vec!["--drop-rate", "1"], TransportFailure::Dropped),
        (
            vec!["--slow-rate", "1", "--slow-ms", "3000"],
            TransportFailure::Timeout,
        ),
    ] {
        let state = dir
            .path()
            .join(format!("{}.json", flags[0].trim_start_matches('-')));
        let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_tagoform"))
            .args([
                "emulator",
                "--listen",
                "127.0.0.1:0",
                "--rng-seed",
                "3",
                "--state",
            ])
            .arg(&state)
            .args(&flags)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        let client = fast_client(&url, Duration::from_millis(500), 1);
        let error = client.profile_create("Made anyway").await.unwrap_err();
        server.kill().unwrap();
        server.wait().unwrap();
        match error {
            ApiError::Transport { failure, .. } => assert_eq!(failure, expected, "{flags:?}"),
            other => panic!("{flags:?}: {other:?}"),
        }
        // The work was durable before the answer was lost.
        let saved = std::fs::read_to_string(&state).unwrap();
        assert_eq!(saved.matches("\"Made anyway\"").count(), 1, "{flags:?}");
    }
}
