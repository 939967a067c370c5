//! Two applies at the same time against one account: the same configuration creates
//! nothing twice; different configurations never leave a mix that the next apply of either
//! does not repair, and a saved plan made before the other apply refuses to run.

use std::process::{Command, Stdio};
use std::time::Duration;

use tagoform::emulator::seed::{DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOKEN};
use tagoform::emulator::Faults;

use super::hardening_faults::{converge, emulator_seeded};
use super::support::hardening::{
    apply_once, assert_state_matches, fast_client, generate, load, seed, two_configurations,
};

/// Eight rounds on a fresh account: two applies of one configuration started together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_applies_of_the_same_configuration_create_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let spec = generate(dir.path(), 6, "");
    let desired = load(dir.path());
    let running = emulator_seeded(Faults::default(), seed(&[&spec])).await;
    let url = running.url();
    for round in 0..8 {
        running.state().reset().await.unwrap();
        let (first, second) = tokio::join!(
            apply_once(fast_client(&url, Duration::from_secs(10), 1), &desired, 8),
            apply_once(fast_client(&url, Duration::from_secs(10), 2), &desired, 8),
        );
        assert_eq!(
            (first.failed, first.skipped, second.failed, second.skipped),
            (0, 0, 0, 0),
            "round {round}: {first:?} {second:?}"
        );
        // Both runs succeeded: nothing is left to do, and nothing exists twice.
        let runs = converge(&url, &desired, 1).await;
        assert_eq!(runs.len(), 1);
        assert_state_matches(running.state(), &spec);
    }
}

/// Two different configurations at once, then either one applied again: exactly that one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn different_configurations_at_once_end_as_the_last_one_applied() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let spec_a = generate(dir_a.path(), 4, "");
    let spec_b = generate(dir_b.path(), 4, "-b");
    let (desired_a, desired_b) = (load(dir_a.path()), load(dir_b.path()));
    let running = emulator_seeded(Faults::default(), seed(&[&spec_a, &spec_b])).await;
    let url = running.url();
    let _ = tokio::join!(
        apply_once(fast_client(&url, Duration::from_secs(10), 1), &desired_a, 8),
        apply_once(fast_client(&url, Duration::from_secs(10), 2), &desired_b, 8),
    );
    converge(&url, &desired_b, 3).await;
    assert_state_matches(running.state(), &spec_b);
    converge(&url, &desired_a, 3).await;
    assert_state_matches(running.state(), &spec_a);
}

fn tagoform() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tagoform"));
    command
        .env("TAGOIO_TOKEN", DEMO_TOKEN)
        .env("TAGOIO_EMAIL", DEMO_EMAIL)
        .env("TAGOIO_PASSWORD", DEMO_PASSWORD)
        .env_remove("TAGOIO_API")
        .stdin(Stdio::null());
    command
}

/// Plans of A and of B made on the same account; B applied; then A's saved plan is refused
/// as stale and B stays whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_made_before_another_apply_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let ((dir_a, spec_a), (dir_b, spec_b)) = two_configurations(dir.path(), 3);
    let running = emulator_seeded(Faults::default(), seed(&[&spec_a, &spec_b])).await;
    let url = running.url();
    for (config, saved) in [(&dir_a, "a.json"), (&dir_b, "b.json")] {
        let status = tagoform()
            .arg("plan")
            .arg(config)
            .args(["--api", &url, "--out"])
            .arg(dir.path().join(saved))
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(0));
    }
    let apply = |saved: &str| {
        tagoform()
            .current_dir(dir.path())
            .args(["apply", "--api", &url, "--auto-approve", "--tokens-out"])
            .arg(dir.path().join(format!("tokens-{saved}")))
            .arg("--plan")
            .arg(dir.path().join(saved))
            .output()
            .unwrap()
    };
    let applied_b = apply("b.json");
    assert_eq!(
        applied_b.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&applied_b.stderr)
    );
    let stale_a = apply("a.json");
    assert_eq!(stale_a.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&stale_a.stderr);
    assert!(
        stderr.contains(
            "saved plan is stale: TagoIO changed since the plan was made; nothing was applied"
        ),
        "{stderr}"
    );
    assert_state_matches(running.state(), &spec_b);
}
