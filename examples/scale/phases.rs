//! The phases, each against a fresh emulator (fresh rate-limit minutes, fresh counts): apply
//! from empty; plan with no changes; plan after 1% drift; apply of that drift; and the last
//! two again as a user runs them, through the `tagoform` binary.
//!
//! The library phases drive tagoform as its commands drive it (`live::fetch`, `plan::plan`,
//! `apply::apply`, then removing the short-lived tokens), so that each part can be timed.
//! The command phases run the binary (`tagoform plan` and `tagoform apply --auto-approve`,
//! with its sign-ins, apply lock and token clean-up) against the same emulator; they measure
//! what the library phases cannot see: the command's first read without the lock and its
//! second read, under the lock, of what the plan touches.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rand::SeedableRng;
use tagoform::access::{Access, Credentials};
use tagoform::api::{Client, RateBudgets, Secret, Token};
use tagoform::config::{self, Desired};
use tagoform::emulator::model::State;
use tagoform::emulator::{Seed, Tier};
use tagoform::live;
use tagoform::{apply, plan};

use super::command_log::{failed_in, CommandLog};
use super::drift::{self, Drift};
use super::generate::{self, Size};
use super::measure;
use super::minimum;
use super::server::{Server, THREAD_NAME};

/// Writes the generated configuration and loads it with the real loader; returns it with its
/// folder (what the phases that run the binary point it at).
pub fn load(root: &Path, size: &Size) -> anyhow::Result<(Desired, PathBuf)> {
    let folder = generate::write_config(root, size)?;
    let loaded = config::load(&folder)?;
    let Some(desired) = loaded.desired else {
        let first = loaded.diagnostics.first().map(|d| format!("{d:?}"));
        bail!("the generated configuration does not validate: {first:?}");
    };
    Ok((desired, folder))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    ApplyFromEmpty,
    PlanNoChange,
    PlanAfterDrift,
    ApplyDrift,
    /// `tagoform plan` after the drift.
    CommandPlan,
    /// `tagoform apply --auto-approve` of the drift.
    CommandApply,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::ApplyFromEmpty => "apply-from-empty",
            Phase::PlanNoChange => "plan-no-change",
            Phase::PlanAfterDrift => "plan-after-drift",
            Phase::ApplyDrift => "apply-drift",
            Phase::CommandPlan => "command-plan",
            Phase::CommandApply => "command-apply",
        }
    }

    fn applies(self) -> bool {
        matches!(
            self,
            Phase::ApplyFromEmpty | Phase::ApplyDrift | Phase::CommandApply
        )
    }

    fn runs_the_binary(self) -> bool {
        matches!(self, Phase::CommandPlan | Phase::CommandApply)
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
    /// The shortest schedule: the documented rate limits and the critical path at the set
    /// latency, with no bound on requests in flight.
    pub ideal: f64,
    /// The same at the latency the emulator measured (its answers' mean service time).
    pub ideal_measured_latency: f64,
    /// The shortest schedule with `--parallelism` requests in flight at most.
    pub ideal_at_cap: f64,
    /// The emulator's mean time to answer, in seconds (the set latency and its own work).
    pub mean_latency: f64,
    /// The most requests in flight the client's limit reached (`api::concurrency`).
    pub concurrency_peak: Option<usize>,
    pub tagoform_cpu: f64,
    pub emulator_cpu: f64,
    /// Planning time (`plan::plan`); for `apply` as a command, both of its plans.
    pub diff: Option<f64>,
    pub rss_start_mb: Option<f64>,
    /// The process's peak resident size: this process's for the library phases (the
    /// emulator's state included), the binary's (sampled every 50 ms) for the command ones.
    pub peak_rss_mb: f64,
    /// tagoform's heap at its peak: the configuration plus what the phase added at most
    /// (library phases only).
    pub tagoform_heap_mb: Option<f64>,
}

impl PhaseResult {
    /// What the phase's emulator counted, the rest left for the phase to fill in (the
    /// minimum and the ideals are computed afterwards, from the configuration).
    fn served(phase: Phase, server: &Server, wall: f64) -> Self {
        PhaseResult {
            phase,
            requests: server.requests(),
            minimum: 0,
            changes: 0,
            failed: 0,
            throttled: server.throttled(),
            wall,
            ideal: 0.0,
            ideal_measured_latency: 0.0,
            ideal_at_cap: 0.0,
            mean_latency: server.mean_latency(),
            concurrency_peak: None,
            tagoform_cpu: 0.0,
            emulator_cpu: 0.0,
            diff: None,
            rss_start_mb: None,
            peak_rss_mb: 0.0,
            tagoform_heap_mb: None,
        }
    }

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
            "mean_latency_ms": round(self.mean_latency * 1000.0),
            "ideal_at_measured_latency_s": round(self.ideal_measured_latency),
            "ideal_at_cap_s": round(self.ideal_at_cap),
            "concurrency_peak": self.concurrency_peak,
            "tagoform_cpu_s": round(self.tagoform_cpu),
            "emulator_cpu_s": round(self.emulator_cpu),
            "diff_s": self.diff.map(round),
            "rss_start_mb": self.rss_start_mb.map(round),
            "peak_rss_mb": round(self.peak_rss_mb),
            "tagoform_heap_peak_mb": self.tagoform_heap_mb.map(round),
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
    plan: Tier,
    latency: Duration,
    parallelism: usize,
    seed: Seed,
    /// The `tagoform` binary and the configuration's folder, for the command phases.
    command: Option<(PathBuf, PathBuf)>,
    runtime: tokio::runtime::Runtime,
    applied: RefCell<Option<State>>,
    drifted: RefCell<Option<(State, Drift)>>,
}

impl Bench {
    pub fn new(
        size: Size,
        (desired, desired_mb): (Desired, f64),
        plan: Tier,
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
            command: None,
            runtime,
            applied: RefCell::new(None),
            drifted: RefCell::new(None),
        })
    }

    /// The command phases run `binary` on the configuration in `folder`.
    pub fn with_binary(mut self, binary: PathBuf, folder: PathBuf) -> Self {
        self.command = Some((binary, folder));
        self
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
            Phase::PlanAfterDrift
            | Phase::ApplyDrift
            | Phase::CommandPlan
            | Phase::CommandApply => {
                let (state, drift) = self.drifted()?;
                let minimum = match phase {
                    Phase::ApplyDrift => minimum::plan_reads(&self.size, self.plan, Some(&drift)),
                    Phase::CommandPlan => minimum::command_plan(&self.size, self.plan),
                    Phase::CommandApply => minimum::command_apply(&self.size, self.plan, &drift),
                    _ => minimum::plan_reads(&self.size, self.plan, None),
                };
                *self.drifted.borrow_mut() = Some((state.clone(), drift));
                (state, minimum)
            }
        };
        let (mut result, after) = if phase.runs_the_binary() {
            self.measure_command(phase, state)?
        } else {
            self.measure(phase, state)?
        };
        if phase == Phase::ApplyFromEmpty {
            *self.applied.borrow_mut() = Some(after);
        }
        result.minimum = minimum.jobs.len();
        let unbounded = minimum.jobs.len();
        result.ideal = minimum.ideal(unbounded, self.latency.as_secs_f64());
        result.ideal_measured_latency = minimum.ideal(unbounded, result.mean_latency);
        result.ideal_at_cap = minimum.ideal(self.parallelism, self.latency.as_secs_f64());
        Ok(result)
    }

    /// The emulator settings of every phase: seed, plan and latency.
    pub fn server_settings(&self) -> (Seed, Tier, Duration) {
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
        let server = Server::start(empty, self.seed.clone(), Tier::Unlimited, Duration::ZERO)?;
        let access = access(&server.url, Tier::Unlimited, self.parallelism)?;
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
            Tier::Unlimited,
            Duration::ZERO,
        )?;
        let access = access(&server.url, Tier::Unlimited, self.parallelism)?;
        let drift = self.runtime.block_on(async {
            let drift = drift::make(&applied, &access).await;
            access.close().await;
            drift
        })?;
        Ok((server.snapshot()?, drift))
    }

    fn measure(&self, phase: Phase, state: State) -> anyhow::Result<(PhaseResult, State)> {
        let server = Server::start(state, self.seed.clone(), self.plan, self.latency)?;
        let access = access(&server.url, self.plan, self.parallelism)?;
        measure::reset_peak();
        measure::reset_heap_peak();
        let (heap_start, _) = measure::heap_mb();
        let (rss_start_mb, _) = measure::memory_mb();
        let (process_before, emulator_before) = measure::cpu(THREAD_NAME);
        let started = Instant::now();
        measure::perf_control("enable");
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
        measure::perf_control("disable");
        let (process_after, emulator_after) = measure::cpu(THREAD_NAME);
        let (_, peak_rss_mb) = measure::memory_mb();
        let (_, heap_peak) = measure::heap_mb();
        let emulator_cpu = emulator_after - emulator_before;
        let result = PhaseResult {
            changes: plan.operations.len(),
            failed,
            concurrency_peak: Some(access.account().concurrency_limits().1),
            tagoform_cpu: (process_after - process_before) - emulator_cpu,
            emulator_cpu,
            diff: Some(diff),
            rss_start_mb: Some(rss_start_mb),
            peak_rss_mb,
            tagoform_heap_mb: Some(self.desired_mb + (heap_peak - heap_start)),
            ..PhaseResult::served(phase, &server, wall)
        };
        Ok((result, server.snapshot()?))
    }

    /// Runs the binary as a user does, with the integrator's account token, email and
    /// password in its environment, and its log of plans and concurrency on stderr.
    fn measure_command(&self, phase: Phase, state: State) -> anyhow::Result<(PhaseResult, State)> {
        let Some((binary, folder)) = &self.command else {
            bail!("{}: no tagoform binary given (--binary)", phase.name());
        };
        let server = Server::start(state, self.seed.clone(), self.plan, self.latency)?;
        let work = tempfile::tempdir()?;
        let stdout = std::fs::File::create(work.path().join("stdout"))?;
        let stderr = std::fs::File::create(work.path().join("stderr"))?;
        let mut command = std::process::Command::new(binary);
        let verb = if phase == Phase::CommandApply {
            "apply"
        } else {
            "plan"
        };
        command
            .arg(verb)
            .arg(folder)
            .args(["--api", &server.url, "--color", "never", "--parallelism"])
            .arg(self.parallelism.to_string())
            .current_dir(work.path())
            .env("TAGOIO_TOKEN", generate::ACCOUNT_TOKEN)
            .env("TAGOIO_EMAIL", generate::EMAIL)
            .env("TAGOIO_PASSWORD", generate::PASSWORD)
            .env(
                "TAGOFORM_LOG",
                "tagoform::commands::reconcile=info,tagoform=warn",
            )
            .stdin(std::process::Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        if phase == Phase::CommandApply {
            command.arg("--auto-approve");
        }
        let (_, emulator_before) = measure::cpu(THREAD_NAME);
        let children_before = measure::children_cpu();
        let started = Instant::now();
        measure::perf_control("enable");
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot run {}", binary.display()))?;
        let mut peak_rss_mb: f64 = 0.0;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if let Some(peak) = measure::peak_rss_of(child.id()) {
                peak_rss_mb = peak_rss_mb.max(peak);
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let wall = started.elapsed().as_secs_f64();
        measure::perf_control("disable");
        let tagoform_cpu = measure::children_cpu() - children_before;
        let (_, emulator_after) = measure::cpu(THREAD_NAME);
        let out = std::fs::read_to_string(work.path().join("stdout"))?;
        let err = std::fs::read_to_string(work.path().join("stderr"))?;
        if !status.success() {
            bail!("tagoform {verb} exited with {status}:\n{err}");
        }
        let log = CommandLog::read(&err);
        let result = PhaseResult {
            changes: log.changes,
            failed: failed_in(&out) + log.tokens_left,
            concurrency_peak: log.concurrency_peak,
            tagoform_cpu,
            emulator_cpu: emulator_after - emulator_before,
            diff: Some(log.diff),
            peak_rss_mb,
            ..PhaseResult::served(phase, &server, wall)
        };
        Ok((result, server.snapshot()?))
    }
}

/// An account client paced by `plan`'s documented rate limits, with the integrator's
/// credentials for short-lived profile tokens.
fn access(url: &str, plan: Tier, parallelism: usize) -> anyhow::Result<Access> {
    let budgets =
        RateBudgets::from_fn(|method, template| plan.rate_limit(&format!("{method} {template}")));
    let client = Client::builder(url)
        .token(Token::new(generate::ACCOUNT_TOKEN))
        .rate_budgets(budgets)
        .pacing_profile(generate::MAIN_PROFILE_ID)
        .concurrency(parallelism)
        .build()?;
    let credentials = Credentials::new(generate::EMAIL.to_owned(), Secret::new(generate::PASSWORD));
    Ok(Access::new(client, Some(credentials), BTreeMap::new()))
}
