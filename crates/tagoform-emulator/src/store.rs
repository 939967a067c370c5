//! The shared store behind every handler: the state under one lock, the persister, the
//! seed to reset to, the plan's limits, the fault settings and the request counts.
//!
//! Handlers never hold the lock across an `.await`: they run a synchronous closure over
//! the state ([`AppState::read`] / [`AppState::write`]) and, for writes, then wait for
//! durability before answering.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;

use super::error::{ErrorReply, ReplyResult};
use super::faults::{Fault, FaultInjector};
use super::limits::{RateLimiter, Tier};
use super::model::State;
use super::persist::{Persister, Versioned};
use super::seed::Seed;
use tagoform_wire::types::RequestStats;

/// Cheap to clone: everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Mutex<Versioned>>,
    persister: Option<Persister>,
    seed: Seed,
    plan: Tier,
    otp_single_use: bool,
    latency: Duration,
    fail_rate: f64,
    faults: FaultInjector,
    rng: Mutex<StdRng>,
    limiter: Mutex<RateLimiter>,
    stats: Mutex<RequestStats>,
}

/// What a write closure gets: the state, the emulator's clock reading, and a random source.
pub struct WriteContext<'a> {
    pub state: &'a mut State,
    pub now: DateTime<Utc>,
    pub rng: &'a mut StdRng,
    pub plan: Tier,
    /// `--otp-single-use`: an authenticator code is accepted once.
    pub otp_single_use: bool,
}

impl WriteContext<'_> {
    /// How credential calls of this write are checked.
    pub fn code_check(&self) -> crate::two_factor::CodeCheck {
        crate::two_factor::CodeCheck {
            now: self.now,
            single_use: self.otp_single_use,
        }
    }
}

/// Settings of an [`AppState`] besides its state.
pub struct StoreSettings {
    pub seed: Seed,
    pub plan: Tier,
    pub latency: Duration,
    pub fail_rate: f64,
    pub faults: FaultInjector,
    pub rng: StdRng,
    /// `--otp-single-use`.
    pub otp_single_use: bool,
}

fn lock<T>(mutex: &Mutex<T>) -> ReplyResult<MutexGuard<'_, T>> {
    mutex
        .lock()
        .map_err(|_| ErrorReply::internal("emulator state lock poisoned"))
}

impl AppState {
    /// A store over `shared`; with a `persister`, writes wait until they are on disk.
    /// Accounts and profiles without billing state get the plan's ([`State::complete_billing`]).
    pub fn new(
        shared: Arc<Mutex<Versioned>>,
        persister: Option<Persister>,
        settings: StoreSettings,
    ) -> Self {
        if let Ok(mut guard) = shared.lock() {
            let now = guard.state.clock.now();
            guard.state.complete_billing(settings.plan, now);
        }
        Self {
            inner: Arc::new(Inner {
                shared,
                persister,
                seed: settings.seed,
                plan: settings.plan,
                otp_single_use: settings.otp_single_use,
                latency: settings.latency,
                fail_rate: settings.fail_rate,
                faults: settings.faults,
                rng: Mutex::new(settings.rng),
                limiter: Mutex::new(RateLimiter::default()),
                stats: Mutex::new(RequestStats::default()),
            }),
        }
    }

    pub fn plan(&self) -> Tier {
        self.inner.plan
    }

    pub fn latency(&self) -> Duration {
        self.inner.latency
    }

    /// Runs a read-only closure over the state at the emulator's current time.
    pub fn read<T>(
        &self,
        work: impl FnOnce(&State, DateTime<Utc>) -> ReplyResult<T>,
    ) -> ReplyResult<T> {
        let guard = lock(&self.inner.shared)?;
        let now = guard.state.clock.now();
        work(&guard.state, now)
    }

    /// Runs a changing closure; on success the change is durable before this returns.
    /// A closure that fails must leave the state untouched (check first, then change).
    pub async fn write<T>(
        &self,
        work: impl FnOnce(&mut WriteContext<'_>) -> ReplyResult<T>,
    ) -> ReplyResult<T> {
        let (value, version) = {
            let mut guard = lock(&self.inner.shared)?;
            let mut rng = lock(&self.inner.rng)?;
            let now = guard.state.clock.now();
            let versioned = &mut *guard;
            let mut context = WriteContext {
                state: &mut versioned.state,
                now,
                rng: &mut rng,
                plan: self.inner.plan,
                otp_single_use: self.inner.otp_single_use,
            };
            let value = work(&mut context)?;
            versioned.version += 1;
            (value, versioned.version)
        };
        if let Some(persister) = &self.inner.persister {
            persister
                .wait_durable(version)
                .await
                .map_err(ErrorReply::internal)?;
        }
        Ok(value)
    }

    /// Puts the seed's state back (keeping the clock), and clears counts and rate limits.
    pub async fn reset(&self) -> ReplyResult<()> {
        let seed = self.inner.seed.clone();
        self.write(|context| {
            let clock = context.state.clock;
            let mut fresh = seed
                .build(context.now, context.rng)
                .map_err(|error| ErrorReply::internal(error.to_string()))?;
            fresh.clock = clock;
            fresh.complete_billing(context.plan, context.now);
            *context.state = fresh;
            Ok(())
        })
        .await?;
        lock(&self.inner.limiter)?.clear();
        *lock(&self.inner.stats)? = RequestStats::default();
        Ok(())
    }

    /// Whether this request should get an injected 503 (`--fail-rate`).
    pub fn roll_failure(&self) -> bool {
        if self.inner.fail_rate <= 0.0 {
            return false;
        }
        match self.inner.rng.lock() {
            Ok(mut rng) => rand::RngExt::random_bool(&mut *rng, self.inner.fail_rate.min(1.0)),
            Err(_) => false,
        }
    }

    /// The injected fault for this request (`--drop-rate`, `--slow-rate`, bursts).
    pub fn roll_fault(&self) -> Fault {
        self.inner.faults.roll()
    }

    /// Counts one request on `route` against `profile`'s per-minute limit.
    pub fn check_rate_limit(
        &self,
        profile: &str,
        route: &str,
        now: DateTime<Utc>,
    ) -> ReplyResult<()> {
        let Some(limit) = self.inner.plan.rate_limit(route) else {
            return Ok(());
        };
        lock(&self.inner.limiter)?
            .hit(profile, route, limit, now)
            .map_err(ErrorReply::too_many_requests)
    }

    /// Counts one request for `GET /_emulator/stats`.
    pub fn record_request(&self, route: String) {
        if let Ok(mut stats) = self.inner.stats.lock() {
            stats.total += 1;
            *stats.requests.entry(route).or_insert(0) += 1;
        }
    }

    pub fn stats(&self) -> ReplyResult<RequestStats> {
        Ok(lock(&self.inner.stats)?.clone())
    }

    /// Why the state file could not be saved, if a save failed since start: the changes
    /// answered with an error then were made in memory only.
    pub fn save_failure(&self) -> Option<String> {
        let persister = self.inner.persister.as_ref()?;
        persister.failure()
    }

    /// How many times the state file was rewritten since start (0 without `--state`).
    pub fn flushes(&self) -> u64 {
        self.inner.persister.as_ref().map_or(0, Persister::flushes)
    }

    /// The request counts, keyed by route, for in-process callers.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.inner
            .stats
            .lock()
            .map(|stats| stats.requests.clone())
            .unwrap_or_default()
    }
}
