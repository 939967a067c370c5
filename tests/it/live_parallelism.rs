//! `live::fetch` never has more requests in flight than the client's concurrency limit allows,
//! short-lived token requests included, and does keep that many in flight. The limit starts at
//! `api::concurrency::INITIAL` (4) and never exceeds `--parallelism`; how it grows and
//! shrinks is unit-tested in `api::concurrency` without a clock.
//!
//! A front door onto the emulator counts the requests it is serving. It holds every request
//! but the first (the profile list) until the expected number of them are in flight at once,
//! then lets everything through: so the bound is reached whatever the scheduling, and any
//! request past it would be counted. No timing is involved.

// The scale benchmark's generator, also loaded by `scale_smoke` (whose modules are private).
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../examples/scale/generate.rs"]
mod generate;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tagoform::access::{Access, Credentials};
use tagoform::api::{Client, Secret, Token};
use tagoform::config::{self, Desired};
use tagoform::emulator::{self, EmulatorConfig, RunningEmulator};
use tagoform::live;
use tagoform::{apply, plan};

use generate::Size;

const SIZE: Size = Size {
    profiles: 6,
    members: 2,
    connectors: 2,
    networks: 1,
    shares: 3,
};

/// Requests being served, the most at once, and the gate held until `wanted` at once.
struct Gauge {
    in_flight: AtomicUsize,
    most: AtomicUsize,
    /// The most at once while the gate was closed (no answer had yet let the limit grow).
    held: AtomicUsize,
    wanted: usize,
    open: tokio::sync::watch::Sender<bool>,
}

async fn count(State(gauge): State<Arc<Gauge>>, request: Request, next: Next) -> Response {
    let now = gauge.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    gauge.most.fetch_max(now, Ordering::SeqCst);
    if !*gauge.open.borrow() {
        gauge.held.fetch_max(now, Ordering::SeqCst);
    }
    if now >= gauge.wanted {
        gauge.open.send_replace(true);
    }
    let profile_list = request.method() == "GET" && request.uri().path() == "/profile";
    if !profile_list {
        let mut open = gauge.open.subscribe();
        let _ = open.wait_for(|open| *open).await;
    }
    let response = next.run(request).await;
    // Before the answer is written: the client cannot have read it yet, so it cannot have
    // sent the request that the answer's slot lets through.
    gauge.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

/// A counting front door onto the emulator's state; stops when dropped.
struct Door {
    url: String,
    gauge: Arc<Gauge>,
    task: tokio::task::JoinHandle<()>,
}

impl Door {
    async fn open(emulator: &RunningEmulator, wanted: usize) -> Door {
        let gauge = Arc::new(Gauge {
            in_flight: AtomicUsize::new(0),
            most: AtomicUsize::new(0),
            held: AtomicUsize::new(0),
            wanted,
            open: tokio::sync::watch::Sender::new(false),
        });
        let router = emulator::app(emulator.state().clone())
            .layer(axum::middleware::from_fn_with_state(gauge.clone(), count));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Door { url, gauge, task }
    }
}

impl Drop for Door {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn access(url: &str, parallelism: usize) -> Access {
    let client = Client::builder(url)
        .token(Token::new(generate::ACCOUNT_TOKEN))
        .concurrency(parallelism)
        .build()
        .unwrap();
    let credentials = Credentials::new(generate::EMAIL.to_owned(), Secret::new(generate::PASSWORD));
    Access::new(client, Some(credentials), BTreeMap::new())
}

fn load(root: &std::path::Path) -> Desired {
    let folder = generate::write_config(root, &SIZE).unwrap();
    config::load(&folder).unwrap().desired.unwrap()
}

/// An emulator where the configuration is applied already, so that every profile is read.
async fn applied(desired: &Desired) -> RunningEmulator {
    let config = EmulatorConfig {
        seed: generate::seed(&SIZE),
        rng_seed: Some(1),
        ..EmulatorConfig::default()
    };
    let running = emulator::start(config).await.unwrap();
    let access = access(&running.url(), 4);
    let empty = live::fetch(desired, &access, 4).await.unwrap();
    let plan = plan::plan(desired, &empty, chrono::Utc::now()).unwrap();
    let report = apply::apply(&plan, &access, 4, None, |_, _| {}).await;
    assert!(report.succeeded());
    assert_eq!(access.close().await.len(), 0);
    running
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_keeps_exactly_the_concurrency_limit_in_flight_at_most() {
    let folder = tempfile::tempdir().unwrap();
    let desired = load(folder.path());
    let running = applied(&desired).await;
    // (--parallelism, in flight while the door holds every request): the cap, or the starting
    // limit below a higher cap (no answer has let it grow yet). Once answers come, the limit
    // may grow, never past the cap.
    for (parallelism, expected) in [(1, 1), (3, 3), (5, 4), (32, 4)] {
        let door = Door::open(&running, expected).await;
        let access = access(&door.url, parallelism);
        let snapshot = live::fetch(&desired, &access, parallelism).await.unwrap();
        let held = door.gauge.held.load(Ordering::SeqCst);
        let most = door.gauge.most.load(Ordering::SeqCst);
        assert!(
            most <= parallelism,
            "{most} in flight at once, over the cap"
        );
        // The profile list, then per profile: a short-lived token, the team, the networks
        // and the connectors, and the share list of each network and connector (no TagoIO
        // list carries shares).
        let requests = access.account().requests_sent();
        access.close().await;
        let objects = (SIZE.networks + SIZE.connectors) as u64;
        assert_eq!(
            (held, requests, snapshot.details.len()),
            (
                expected,
                1 + (4 + objects) * SIZE.profiles as u64,
                SIZE.profiles
            ),
            "--parallelism {parallelism}"
        );
    }
}
