//! Malformed API answers through the binary: each is a clear error that names the route,
//! exit status 1, never a panic, and nothing is written.

use std::process::{Command, Output, Stdio};

use tagoform::emulator::seed::DEMO_TOKEN;

use super::support::client::{MockServer, Reply};

const CONFIG: &str = "version: 1\nprofiles:\n  acme:\n    name: ACME\n";

/// `tagoform plan` against a server that answers every request with `reply()`.
async fn plan_against(reply: impl Fn() -> Reply + Send + Sync + 'static) -> (Output, usize) {
    let server = MockServer::start(move |_, _| reply()).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tagoform.yaml"), CONFIG).unwrap();
    let url = server.url.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_tagoform"))
            .arg("plan")
            .arg(dir.path())
            .args(["--api", &url, "--max-attempts", "1"])
            .env("TAGOIO_TOKEN", DEMO_TOKEN)
            .env_remove("TAGOIO_EMAIL")
            .env_remove("TAGOIO_PASSWORD")
            .env_remove("RUST_LOG")
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    (output, server.requests().len())
}

fn assert_clear_error(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("GET /profile"),
        "the route is named: {stderr}"
    );
    assert!(
        stderr.contains(expected),
        "expected `{expected}` in: {stderr}"
    );
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains(DEMO_TOKEN)
            && !stderr.contains(DEMO_TOKEN)
    );
}

#[tokio::test]
async fn an_answer_that_is_not_json() {
    let (output, requests) = plan_against(|| Reply::Answer {
        status: 200,
        headers: Vec::new(),
        body: "<html>502 Bad Gateway</html>".to_owned(),
    })
    .await;
    assert_clear_error(&output, "could not read the answer (HTTP 200)");
    assert_clear_error(&output, "<html>502 Bad Gateway</html>");
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn an_answer_of_the_wrong_shape() {
    let (output, _) = plan_against(|| Reply::ok(serde_json::json!({"profiles": "none"}))).await;
    assert_clear_error(&output, "could not read the answer (HTTP 200)");
}

#[tokio::test]
async fn an_answer_nested_too_deep() {
    let (output, _) = plan_against(|| Reply::Answer {
        status: 200,
        headers: Vec::new(),
        body: format!(
            "{{\"status\":true,\"result\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    })
    .await;
    assert_clear_error(&output, "recursion limit exceeded");
}

#[tokio::test]
async fn an_answer_that_is_not_utf8() {
    let (output, _) = plan_against(|| Reply::Unbounded {
        status: 200,
        body: vec![0xff, 0xfe, b'{', 0x80, 0x81],
    })
    .await;
    assert_clear_error(&output, "could not read the answer (HTTP 200)");
}

#[tokio::test]
async fn an_answer_larger_than_the_limit_is_not_read_whole() {
    let (output, _) = plan_against(|| Reply::Unbounded {
        status: 200,
        body: vec![b' '; 65 * 1024 * 1024],
    })
    .await;
    assert_clear_error(&output, "the answer is larger than 67108864 bytes");
}

#[tokio::test]
async fn an_error_status_without_the_envelope() {
    let (output, _) = plan_against(|| Reply::Answer {
        status: 418,
        headers: Vec::new(),
        body: "teapot".to_owned(),
    })
    .await;
    assert_clear_error(&output, "unexpected HTTP status 418");
}
