//! The four phases, each against a fresh emulator (fresh rate-limit minutes, fresh counts):
//! apply from empty; plan with no changes; plan after 1% drift; apply of that drift.
//!
//! tagoform is driven as its commands drive it (`live::fetch`, `plan::plan`,
//! `apply::apply`, then removing the short-lived tokens), so that each part can be timed.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rand::SeedableRng;
use tagoform::api::{Client, RateBudgets, Secret, Token};
use tagoform::config::{self, Desired};
use tagoform::emulator::model::State;
use tagoform::emulator::{Plan, Seed};
use tagoform::live::{self, Access, Credentials};
use tagoform::{apply, plan};

use super::drift::{self, Drift};
use super::generate::{self, Size};
use super::measure;
use super::minimum;
use super::server::{Server, THREAD_NAME};

/// Loads the generated configuration with the real loader, chunk by chunk (see
/// [`generate::PROFILES_PER_CHUNK`]), and merges the chunks.
pub fn load(root: &Path, size: &Size) -> anyhow::Result<Desired> {
    let mut desired = Desired::default();
    for folder in generate::write_config(root, size)? {
        let loaded = config::load(&folder)?;
        let Some(part) = loaded.desired else {
            let first = loaded.diagnostics.first().map(|d| format!("{d:?}"));
            bail!("the generated configuration does not validate: {first:?}");
        };
        desired.external_profiles.extend(part.external_profiles);
        desired.profiles.extend(part.profiles);
        desired.networks.extend(part.networks);
        desired.connectors.extend(part.connectors);
    }
    Ok(desired)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    ApplyFromEmpty,
    PlanNoChange,
    PlanAfterDrift,
    ApplyDrift,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::ApplyFromEmpty => "apply-from-empty",
            Phase::PlanNoChange => "plan-no-change",
            Phase::PlanAfterDrift => "plan-after-drift",
            Phase::ApplyDrift => "apply-drift",
        }
    }

    fn applies(self) -> bool {
        matches!(self, Phase::ApplyFromEmpty | Phase::ApplyDrift)
    }
}

/// Three decimals are enough for seconds and megabytes.
pub fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// What one phase measured.
#[derive(Debug, Clone)]
pub struct PhaseResult {
    pub phase: Phase,
    /// Requests the emulator received (429s included).
    pub requests: u64,
    pub minimum: usize,
    /// Operations in the plan.
    pub changes: usize,
    /// Operations that did not succeed, and short-lived tokens left behind.
    pub failed: usize,
    pub throttled: u64,
    pub wall: f64,
    pub ideal: f64,
    pub tagoform_cpu: f64,
    pub emulator_cpu: f64,
    pub diff: f64,
    pub rss_start_mb: f64,
    pub peak_rss_mb: f64,
    /// tagoform's heap at its peak: the configuration plus what the phase added at most.
    pub tagoform_heap_mb: f64,
}

impl PhaseResult {
    pub fn to_json(&self, settings: &serde_json::Value) -> serde_json::Value {
        serde_json::json!({
            "phase": self.phase.name(),
            "settings": settings,
            "requests": self.requests,
            "minimum": self.minimum,
            "requests_over_minimum": round(self.requests as f64 / self.minimum.max(1) as f64),
            "changes": self.changes,
            "failed": self.failed,
            "throttled_429": self.throttled,
            "wall_s": round(self.wall),
            "ideal_s": round(self.ideal),
            "wall_over_ideal": round(self.wall / self.ideal.max(1e-9)),
            "tagoform_cpu_s": round(self.tagoform_cpu),
            "emulator_cpu_s": round(self.emulator_cpu),
            "diff_s": round(self.diff),
            "rss_start_mb": round(self.rss_start_mb),
            "peak_rss_mb": round(self.peak_rss_mb),
            "tagoform_heap_peak_mb": round(self.tagoform_heap_mb),
        })
    }
}

/// A benchmark run: the configuration, the emulator's settings and the states the phases
/// hand on to each other.
pub struct Bench {
    size: Size,
    pub desired: Desired,
    /// tagoform's heap holding the loaded configuration, in MB.
    desired_mb: f64,
    plan: Plan,
    latency: Duration,
    parallelism: usize,
    seed: Seed,
    runtime: tokio::runtime::Runtime,
    applied: RefCell<Option<State>>,
    drifted: RefCell<Option<(State, Drift)>>,
}

impl Bench {
    pub fn new(
        size: Size,
        (desired, desired_mb): (Desired, f64),
        plan: Plan,
        latency: Duration,
        parallelism: usize,
    ) -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("tagoform")
            .enable_all()
            .build()?;
        Ok(Bench {
            seed: generate::seed(&size),
            size,
            desired,
            desired_mb,
            plan,
            latency,
            parallelism,
            runtime,
            applied: RefCell::new(None),
            drifted: RefCell::new(None),
        })
    }

    /// Runs one phase; the drift phases need the apply from empty to have run.
    pub fn run(&self, phase: Phase) -> anyhow::Result<PhaseResult> {
        let (state, minimum) = match phase {
            Phase::ApplyFromEmpty => {
                let mut rng = rand::rngs::StdRng::seed_from_u64(1);
                let state = self.seed.build(chrono::Utc::now(), &mut rng)?;
                (state, minimum::apply_from_empty(&self.size, self.plan))
            }
            Phase::PlanNoChange => (
                self.applied()?,
                minimum::plan_reads(&self.size, self.plan, None),
            ),
            Phase::PlanAfterDrift | Phase::ApplyDrift => {
                let (state, drift) = self.drifted()?;
                let minimum = if phase == Phase::ApplyDrift {
                    minimum::plan_reads(&self.size, self.plan, Some(&drift))
                } else {
                    minimum::plan_reads(&self.size, self.plan, None)
                };
                *self.drifted.borrow_mut() = Some((state.clone(), drift));
                (state, minimum)
            }
        };
        let (mut result, after) = self.measure(phase, state)?;
        if phase == Phase::ApplyFromEmpty {
            *self.applied.borrow_mut() = Some(after);
        }
        result.minimum = minimum.jobs.len();
        result.ideal = minimum.ideal(self.parallelism, self.latency.as_secs_f64());
        Ok(result)
    }

    /// The emulator settings of every phase: seed, plan and latency.
    pub fn server_settings(&self) -> (Seed, Plan, Duration) {
        (self.seed.clone(), self.plan, self.latency)
    }

    /// The state the drift phases start from (after they ran).
    pub fn drifted_state(&self) -> anyhow::Result<State> {
        self.drifted
            .borrow()
            .as_ref()
            .map(|(state, _)| state.clone())
            .context("run the drift phases first")
    }

    /// The state the apply from empty left; when that phase was not run (`--phases`), the
    /// same apply made unmeasured through an unthrottled emulator without latency.
    pub fn applied(&self) -> anyhow::Result<State> {
        if let Some(state) = self.applied.borrow().clone() {
            return Ok(state);
        }
        let state = self.apply_unmeasured()?;
        *self.applied.borrow_mut() = Some(state.clone());
        Ok(state)
    }

    /// Applies the configuration to the seed's empty account as fast as the emulator allows.
    fn apply_unmeasured(&self) -> anyhow::Result<State> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let empty = self.seed.build(chrono::Utc::now(), &mut rng)?;
        let server = Server::start(empty, self.seed.clone(), Plan::Unlimited, Duration::ZERO)?;
        let access = access(&server.url, Plan::Unlimited)?;
        let failed = self.runtime.block_on(async {
            let live = live::fetch(&self.desired, &access, self.parallelism).await?;
            let now = access
                .account()
                .server_time()
                .unwrap_or_else(chrono::Utc::now);
            let plan = plan::plan(&self.desired, &live, now)?;
            let report = apply::apply(&plan, &access, self.parallelism, None, |_, _| {}).await;
            let (_, not_done, skipped) = report.counts();
            anyhow::Ok(not_done + skipped + access.close().await.len())
        })?;
        if failed > 0 {
            bail!("the unmeasured apply from empty left {failed} operations undone");
        }
        server.snapshot()
    }

    /// The applied state with 1% drift, made once through an unthrottled emulator.
    fn drifted(&self) -> anyhow::Result<(State, Drift)> {
        if let Some((state, drift)) = self.drifted.borrow_mut().take() {
            return Ok((state, drift));
        }
        let applied = self.applied()?;
        let server = Server::start(
            applied.clone(),
            self.seed.clone(),
            Plan::Unlimited,
            Duration::ZERO,
        )?;
        let access = access(&server.url, Plan::Unlimited)?;
        let drift = self.runtime.block_on(async {
            let drift = drift::make(&applied, &access).await;
            access.close().await;
            drift
        })?;
        Ok((server.snapshot()?, drift))
    }

    fn measure(&self, phase: Phase, state: State) -> anyhow::Result<(PhaseResult, State)> {
        let server = Server::start(state, self.seed.clone(), self.plan, self.latency)?;
        let access = access(&server.url, self.plan)?;
        measure::reset_peak();
        measure::reset_heap_peak();
        let (heap_start, _) = measure::heap_mb();
        let (rss_start_mb, _) = measure::memory_mb();
        let (process_before, emulator_before) = measure::cpu(THREAD_NAME);
        let started = Instant::now();
        perf_control("enable");
        let live = self
            .runtime
            .block_on(live::fetch(&self.desired, &access, self.parallelism))?;
        let now = access
            .account()
            .server_time()
            .unwrap_or_else(chrono::Utc::now);
        let diff_started = Instant::now();
        let plan = plan::plan(&self.desired, &live, now)?;
        let diff = diff_started.elapsed().as_secs_f64();
        drop(live);
        let mut failed = 0;
        if phase.applies() {
            let report = self.runtime.block_on(apply::apply(
                &plan,
                &access,
                self.parallelism,
                None,
                |_, _| {},
            ));
            let (_, not_done, skipped) = report.counts();
            failed += not_done + skipped;
        }
        failed += self.runtime.block_on(access.close()).len();
        let wall = started.elapsed().as_secs_f64();
        perf_control("disable");
        let (process_after, emulator_after) = measure::cpu(THREAD_NAME);
        let (_, peak_rss_mb) = measure::memory_mb();
        let (_, heap_peak) = measure::heap_mb();
        let emulator_cpu = emulator_after - emulator_before;
        let result = PhaseResult {
            phase,
            requests: server.requests(),
            minimum: 0,
            changes: plan.operations.len(),
            failed,
            throttled: server.throttled(),
            wall,
            ideal: 0.0,
            tagoform_cpu: (process_after - process_before) - emulator_cpu,
            emulator_cpu,
            diff,
            rss_start_mb,
            peak_rss_mb,
            tagoform_heap_mb: self.desired_mb + (heap_peak - heap_start),
        };
        Ok((result, server.snapshot()?))
    }
}

/// An account client paced by `plan`'s documented rate limits, with the integrator's
/// credentials for short-lived profile tokens.
fn access(url: &str, plan: Plan) -> anyhow::Result<Access> {
    let budgets =
        RateBudgets::from_fn(|method, template| plan.rate_limit(&format!("{method} {template}")));
    let client = Client::builder(url)
        .token(Token::new(generate::ACCOUNT_TOKEN))
        .rate_budgets(budgets)
        .pacing_profile(generate::MAIN_PROFILE_ID)
        .build()?;
    let credentials = Credentials::new(generate::EMAIL.to_owned(), Secret::new(generate::PASSWORD));
    Ok(Access::new(client, Some(credentials), BTreeMap::new()))
}

/// Turns `perf record --control fifo:PATH -D -1` on or off around the measured part, when
/// `SCALE_PERF_CONTROL` names that fifo, so that a profile holds the phases and not the
/// setup (generating, loading, the unmeasured apply).
fn perf_control(command: &str) {
    use std::io::Write as _;
    let Some(path) = std::env::var_os("SCALE_PERF_CONTROL") else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|mut fifo| fifo.write_all(format!("{command}\n").as_bytes()));
    if let Err(error) = written {
        tracing::warn!(%error, "cannot reach perf's control fifo");
    }
}
