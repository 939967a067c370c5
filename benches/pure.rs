//! The pure parts at scale, without the network: loading and validating a generated
//! configuration, and the diff (`plan::plan`) against an empty account and against an
//! account that already matches. Size: `SCALE_PROFILES` profiles (default 500) of the scale
//! benchmark's shape (20 members, 10 connectors, 5 networks, 20 shares each).
//!
//! `cargo bench --bench pure`

#[allow(dead_code)] // The seed and key helpers serve the example, not this benchmark.
#[path = "../examples/scale/generate.rs"]
mod generate;

use std::collections::BTreeMap;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use tagoform::access::{Access, Credentials};
use tagoform::api::{Client, Secret, Token};
use tagoform::config::{self, Desired};
use tagoform::emulator::{self, EmulatorConfig};
use tagoform::live::{self, LiveSnapshot};
use tagoform::{apply, plan};

use generate::Size;

fn size() -> Size {
    let profiles = std::env::var("SCALE_PROFILES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(500);
    Size {
        profiles,
        members: 20,
        connectors: 10,
        networks: 5,
        shares: 20,
    }
}

fn load(folder: &Path) -> Desired {
    config::load(folder).unwrap().desired.unwrap()
}

/// The live snapshot of an account where the configuration was applied: applied once to an
/// unlimited, instant emulator, then read back.
fn applied_snapshot(size: &Size, desired: &Desired) -> LiveSnapshot {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = EmulatorConfig {
            seed: generate::seed(size),
            ..EmulatorConfig::default()
        };
        let running = emulator::start(config).await.unwrap();
        let client = Client::builder(running.url())
            .token(Token::new(generate::ACCOUNT_TOKEN))
            .build()
            .unwrap();
        let credentials =
            Credentials::new(generate::EMAIL.to_owned(), Secret::new(generate::PASSWORD));
        let access = Access::new(client, Some(credentials), BTreeMap::new());
        let empty = live::fetch(desired, &access, 16).await.unwrap();
        let plan = plan::plan(desired, &empty, chrono::Utc::now()).unwrap();
        let report = apply::apply(&plan, &access, 16, None, |_, _| {}).await;
        assert!(report.succeeded());
        let snapshot = live::fetch(desired, &access, 16).await.unwrap();
        access.close().await;
        snapshot
    })
}

fn benchmarks(c: &mut Criterion) {
    let size = size();
    let folder = tempfile::tempdir().unwrap();
    let config = generate::write_config(folder.path(), &size).unwrap();
    let mut group = c.benchmark_group(format!("{}-profiles", size.profiles));
    group.sample_size(10);
    group.bench_function("load+validate", |b| b.iter(|| load(&config)));
    let desired = load(&config);
    let empty = LiveSnapshot::default();
    let now = chrono::Utc::now();
    group.bench_function("diff from empty", |b| {
        b.iter(|| plan::plan(&desired, &empty, now).unwrap())
    });
    let applied = applied_snapshot(&size, &desired);
    let unchanged = plan::plan(&desired, &applied, now).unwrap();
    assert_eq!(unchanged.operations.len(), 0);
    group.bench_function("diff no change", |b| {
        b.iter(|| plan::plan(&desired, &applied, now).unwrap())
    });
    group.finish();
    hostile(c);
}

/// Hostile input: a 10 MiB file of one line of `:` (a diagnostic on it once took minutes:
/// credential masking ran before the snippet was cut), and a one-line flow mapping of
/// 100,000 entries. Both must load in well under 2 s.
fn hostile(c: &mut Criterion) {
    let folder = tempfile::tempdir().unwrap();
    let long = folder.path().join("long.yaml");
    let mut text = String::from("version: 1\nprofiles: ");
    text.push_str(&":".repeat(10 * 1024 * 1024 - text.len() - 1));
    text.push('\n');
    std::fs::write(&long, text).unwrap();
    let flow = folder.path().join("flow.yaml");
    let entries: Vec<String> = (0..100_000).map(|i| format!("k{i}: v")).collect();
    std::fs::write(
        &flow,
        format!("version: 1\nprofiles: {{{}}}\n", entries.join(", ")),
    )
    .unwrap();
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    group.bench_function("validate a 10 MiB line", |b| {
        b.iter(|| tagoform::config::load(&long).unwrap())
    });
    group.bench_function("validate a 100,000-entry flow mapping", |b| {
        b.iter(|| tagoform::config::load(&flow).unwrap())
    });
    group.finish();
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
