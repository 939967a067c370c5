//! The comparison: tests/sdk-compat/naive-sync.mjs (the official `@tago-io/sdk`, per-object
//! reads, one request at a time) run against a fresh emulator of the same state, latency
//! and rate limits as tagoform's phase.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};
use serde_json::{json, Value};
use tagoform::config::{Desired, NetworkTarget, Recipient};
use tagoform::emulator::model::State;

use super::generate;
use super::phases::round;
use super::server::Server;

/// The configuration as plain JSON for the script: names, team emails, the fields the
/// benchmark sets, and share recipients by id.
pub fn desired_json(desired: &Desired) -> Value {
    let recipients = |targets: &Option<Vec<tagoform::config::ShareTarget>>| -> Vec<String> {
        targets
            .iter()
            .flatten()
            .filter_map(|target| match &target.recipient {
                Recipient::External(id) => Some(id.as_str().to_owned()),
                Recipient::Profile => None,
            })
            .collect()
    };
    let decoder = |script: &Option<tagoform::config::Script>| {
        script.as_ref().map(|s| s.text.clone()).unwrap_or_default()
    };
    let profiles: Vec<Value> = desired
        .profiles
        .values()
        .map(|profile| {
            let networks: Vec<Value> = desired
                .networks_of(&profile.key)
                .map(|n| {
                    json!({"name": n.name, "description": n.description,
                           "payload_decoder": decoder(&n.payload_decoder),
                           "shared_with": recipients(&n.shared_with)})
                })
                .collect();
            let connectors: Vec<Value> = desired
                .connectors_of(&profile.key)
                .map(|c| {
                    let uses: Vec<Value> = c
                        .own.networks
                        .iter()
                        .map(|n| match &n.target {
                            NetworkTarget::Configured(key) => json!({"name": desired
                                .networks
                                .get(key)
                                .map(|n| n.name.clone())}),
                            NetworkTarget::Public(id) => json!({"id": id.as_str()}),
                        })
                        .collect();
                    json!({"name": c.name, "description": c.description,
                           "payload_decoder": decoder(&c.payload_decoder),
                           "networks": uses, "shared_with": recipients(&c.shared_with)})
                })
                .collect();
            let team: Vec<&str> = profile
                .team
                .iter()
                .flatten()
                .map(|m| m.email.as_str())
                .collect();
            json!({"name": profile.name, "team": team, "networks": networks, "connectors": connectors})
        })
        .collect();
    json!({"account_token": generate::ACCOUNT_TOKEN, "email": generate::EMAIL,
           "password": generate::PASSWORD, "profiles": profiles})
}

/// Runs the script against a fresh emulator of `state`; one JSON line for the phase.
pub fn run(
    script: &Path,
    phase: &str,
    desired_file: &Path,
    state: State,
    server_settings: (
        tagoform::emulator::Seed,
        tagoform::emulator::Tier,
        std::time::Duration,
    ),
    tagoform_requests: u64,
) -> anyhow::Result<Value> {
    let (seed, plan, latency) = server_settings;
    let server = Server::start(state, seed, plan, latency)?;
    let started = Instant::now();
    let output = Command::new("node")
        .arg(script)
        .arg(&server.url)
        .arg(desired_file)
        .output()
        .context("cannot run node")?;
    let wall = started.elapsed().as_secs_f64();
    if !output.status.success() {
        bail!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    Ok(json!({
        "phase": format!("naive-{phase}"),
        "requests": server.requests(),
        "tagoform_requests": tagoform_requests,
        "throttled_429": server.throttled(),
        "wall_s": round(wall),
        "script": report,
    }))
}
