//! The emulator of one phase, in this process but on a runtime (and threads) of its own, so
//! that the CPU time of its threads can be told apart from tagoform's.
//!
//! Why not `emulator::start` with `--plan scale` as is: a plan brings both its rate limits
//! and its resource limits, and the Scale plan's resource limits (5 profiles per account, 5
//! team members per profile) make the target size impossible to create. So the
//! emulator runs without limits, and this module enforces the chosen plan's *rate* limits
//! in a layer around its router, with the emulator's own table (`Tier::rate_limit`), its
//! own calendar-minute counter (`RateLimiter`) and its own 429 answer. The layer also counts
//! the 429s, which the emulator's stats do not tell apart.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State as Extract};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tagoform::emulator::error::ErrorReply;
use tagoform::emulator::faults::{FaultInjector, Faults};
use tagoform::emulator::limits::{RateLimiter, Tier};
use tagoform::emulator::model::State;
use tagoform::emulator::persist::Versioned;
use tagoform::emulator::routes::route_key;
use tagoform::emulator::store::{AppState, StoreSettings};
use tagoform::emulator::{app, Seed};
use tokio::sync::oneshot;

/// Thread name of the emulator's runtime (at most 15 characters: the kernel's `comm`).
pub const THREAD_NAME: &str = "emulator";

/// A running emulator; stops when dropped.
pub struct Server {
    pub url: String,
    pub state: AppState,
    limits: Arc<Limits>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Limits {
    app: AppState,
    plan: Tier,
    latency: Duration,
    limiter: Mutex<RateLimiter>,
    throttled: AtomicU64,
    /// Requests answered and the time spent answering them, in microseconds.
    answered: AtomicU64,
    answering_micros: AtomicU64,
}

impl Server {
    /// Serves `state` on 127.0.0.1, port 0, with `plan`'s rate limits and `latency`.
    pub fn start(state: State, seed: Seed, plan: Tier, latency: Duration) -> anyhow::Result<Self> {
        let settings = StoreSettings {
            seed,
            plan: Tier::Unlimited,
            latency,
            fail_rate: 0.0,
            faults: FaultInjector::new(Faults::default(), None),
            rng: StdRng::seed_from_u64(7),
            otp_single_use: false,
        };
        let shared = Arc::new(Mutex::new(Versioned { state, version: 0 }));
        let app_state = AppState::new(shared, None, settings);
        let limits = Arc::new(Limits {
            app: app_state.clone(),
            plan,
            latency,
            limiter: Mutex::new(RateLimiter::default()),
            throttled: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            answering_micros: AtomicU64::new(0),
        });
        let router = app(app_state.clone())
            .layer(middleware::from_fn_with_state(limits.clone(), rate_limit));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let (ready, address) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.to_owned())
            .spawn(move || {
                super::measure::exclude_this_thread();
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name(THREAD_NAME)
                    .on_thread_start(super::measure::exclude_this_thread)
                    .enable_all()
                    .build();
                let Ok(runtime) = runtime else {
                    return;
                };
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
                        return;
                    };
                    let _ = ready.send(listener.local_addr());
                    let _ = axum::serve(listener, router)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await;
                });
            })?;
        let address = address.recv()??;
        Ok(Server {
            url: format!("http://{address}"),
            state: app_state,
            limits,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// Every request the emulator received, 429s of the rate-limit layer included.
    pub fn requests(&self) -> u64 {
        let served = self.state.stats().map(|stats| stats.total).unwrap_or(0);
        served + self.throttled()
    }

    /// Requests answered 429.
    pub fn throttled(&self) -> u64 {
        self.limits.throttled.load(Ordering::Relaxed)
    }

    /// The mean time from a request's arrival to its answer, in seconds: the set latency plus
    /// the emulator's own work and waits (what a client sees, without the network).
    pub fn mean_latency(&self) -> f64 {
        let answered = self.limits.answered.load(Ordering::Relaxed);
        let micros = self.limits.answering_micros.load(Ordering::Relaxed);
        micros as f64 / 1e6 / answered.max(1) as f64
    }

    /// A copy of the whole state, to start the next phase's emulator from.
    pub fn snapshot(&self) -> anyhow::Result<State> {
        super::measure::excluded(|| self.state.read(|state, _| Ok(state.clone())))
            .map_err(|error| anyhow::anyhow!("cannot read the emulator state: {}", error.message()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Times every answer, and applies the rate limit.
async fn rate_limit(
    Extract(limits): Extract<Arc<Limits>>,
    request: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let response = limited(&limits, request, next).await;
    limits.answered.fetch_add(1, Ordering::Relaxed);
    limits
        .answering_micros
        .fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
    response
}

/// The plan's per-profile, per-route, per-calendar-minute limit, as the emulator counts it:
/// against the profile of the `token` header; routes without a token are not limited.
async fn limited(limits: &Limits, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let token = request
        .headers()
        .get("token")
        .and_then(|value| value.to_str().ok())
        .map(str::trim);
    let (Some(token), false) = (token, path.starts_with("/_emulator")) else {
        return next.run(request).await;
    };
    let owner = limits
        .app
        .read(|state, now| Ok(state.tokens.get(token).map(|t| (t.profile.clone(), now))));
    let Ok(Some((profile, now))) = owner else {
        return next.run(request).await;
    };
    let route = route_key(request.method(), path);
    let Some(limit) = limits.plan.rate_limit(&route) else {
        return next.run(request).await;
    };
    let verdict = match limits.limiter.lock() {
        Ok(mut limiter) => limiter.hit(&profile, &route, limit, now),
        Err(_) => Ok(()),
    };
    match verdict {
        Ok(()) => next.run(request).await,
        Err(retry_after) => {
            limits.throttled.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%route, "429 from the rate limit");
            tokio::time::sleep(limits.latency).await;
            ErrorReply::too_many_requests(retry_after).into_response()
        }
    }
}
