//! The scale benchmark: how close `plan` and `apply` come to the fewest requests and the
//! shortest schedule, at a configuration size given on the command line.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example scale -- --profiles 500 --members 20 --connectors 10 \
//!     --networks 5 --shares 20 --latency-ms 20 --plan scale
//! ```
//!
//! Prints one JSON line per phase on stdout. See docs/performance.md for what each number
//! means and the results.

mod command_log;
mod drift;
mod generate;
mod measure;
mod minimum;
mod naive;
mod phases;
mod schedule;
mod server;

use std::time::Instant;

use clap::{Parser, ValueEnum};
use tagoform::emulator::Tier;

use generate::Size;
use phases::{round, Bench, Phase};

#[derive(Parser, Debug)]
#[command(about = "Benchmark tagoform's plan and apply against the request minimum")]
struct Args {
    #[arg(long, default_value_t = 50)]
    profiles: usize,
    /// Team members per profile.
    #[arg(long, default_value_t = 20)]
    members: usize,
    /// Connectors per profile.
    #[arg(long, default_value_t = 10)]
    connectors: usize,
    /// Networks per profile.
    #[arg(long, default_value_t = 5)]
    networks: usize,
    /// Shares per profile, dealt over its objects.
    #[arg(long, default_value_t = 20)]
    shares: usize,
    /// Delay the emulator adds to every answer.
    #[arg(long, default_value_t = 20)]
    latency_ms: u64,
    /// The TagoIO plan whose rate limits apply (and that tagoform paces itself by).
    #[arg(long, value_enum, default_value_t = PlanArg::Scale)]
    plan: PlanArg,
    /// The most requests in flight at once (tagoform's `--parallelism`, a cap under which the
    /// client adapts).
    #[arg(long, default_value_t = tagoform::api::DEFAULT_CONCURRENCY)]
    parallelism: usize,
    /// Also run this naive SDK script (tests/sdk-compat/naive-sync.mjs) on the no-change
    /// and drift states, for comparison.
    #[arg(long)]
    naive: Option<std::path::PathBuf>,
    /// The phases to measure, in this order. Without `apply-from-empty`, its state is made
    /// by the same apply, unmeasured, through an emulator without rate limits or latency
    /// (at thousands of profiles the Scale plan's `POST /profile` budget makes the measured
    /// apply take tens of minutes).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [
        PhaseArg::ApplyFromEmpty, PhaseArg::PlanNoChange, PhaseArg::PlanAfterDrift,
        PhaseArg::ApplyDrift, PhaseArg::CommandPlan, PhaseArg::CommandApply,
    ])]
    phases: Vec<PhaseArg>,
    /// Write the generated configuration under this folder (kept afterwards) instead of a
    /// temporary one: to time `tagoform validate` on it, or profile the loader.
    #[arg(long)]
    config_dir: Option<std::path::PathBuf>,
    /// Stop after writing and loading the configuration.
    #[arg(long)]
    load_only: bool,
    /// The `tagoform` binary the command phases run (default: the one beside this
    /// benchmark's build folder, `target/release/tagoform`; `cargo build --release` first).
    #[arg(long)]
    binary: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PhaseArg {
    ApplyFromEmpty,
    PlanNoChange,
    PlanAfterDrift,
    ApplyDrift,
    /// `tagoform plan` after the drift, the binary.
    CommandPlan,
    /// `tagoform apply --auto-approve` of the drift, the binary.
    CommandApply,
}

impl PhaseArg {
    fn phase(self) -> Phase {
        match self {
            PhaseArg::ApplyFromEmpty => Phase::ApplyFromEmpty,
            PhaseArg::PlanNoChange => Phase::PlanNoChange,
            PhaseArg::PlanAfterDrift => Phase::PlanAfterDrift,
            PhaseArg::ApplyDrift => Phase::ApplyDrift,
            PhaseArg::CommandPlan => Phase::CommandPlan,
            PhaseArg::CommandApply => Phase::CommandApply,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PlanArg {
    Free,
    Starter,
    Scale,
    Unlimited,
}

impl PlanArg {
    fn plan(self) -> Tier {
        match self {
            PlanArg::Free => Tier::Free,
            PlanArg::Starter => Tier::Starter,
            PlanArg::Scale => Tier::Scale,
            PlanArg::Unlimited => Tier::Unlimited,
        }
    }
}

/// Counts tagoform's heap apart from the emulator's (see `measure`).
#[global_allocator]
static ALLOCATOR: measure::CountingAllocator = measure::CountingAllocator;

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let size = Size {
        profiles: args.profiles,
        members: args.members,
        connectors: args.connectors,
        networks: args.networks,
        shares: args.shares,
    };
    let temporary = tempfile::tempdir()?;
    let folder = args.config_dir.as_deref().unwrap_or(temporary.path());
    let started = Instant::now();
    let (heap_before, _) = measure::heap_mb();
    let (desired, config) = phases::load(folder, &size)?;
    let (heap_after, _) = measure::heap_mb();
    let load_seconds = started.elapsed().as_secs_f64();
    let desired_mb = heap_after - heap_before;
    let settings = serde_json::json!({
        "profiles": size.profiles, "members": size.members, "connectors": size.connectors,
        "networks": size.networks, "shares": size.shares, "latency_ms": args.latency_ms,
        "plan": format!("{:?}", args.plan).to_lowercase(), "parallelism": args.parallelism,
    });
    println!(
        "{}",
        serde_json::json!({"phase": "load", "settings": settings, "wall_s": round(load_seconds),
                           "configuration_heap_mb": round(desired_mb)})
    );
    if args.load_only {
        return Ok(());
    }
    let bench = Bench::new(
        size,
        (desired, desired_mb),
        args.plan.plan(),
        std::time::Duration::from_millis(args.latency_ms),
        args.parallelism,
    )?
    .with_binary(binary(args.binary.clone())?, config);
    let mut requests = std::collections::BTreeMap::new();
    for phase in args.phases.iter().map(|phase| phase.phase()) {
        let result = bench.run(phase)?;
        requests.insert(phase.name(), result.requests);
        println!("{}", result.to_json(&settings));
    }
    if let Some(script) = &args.naive {
        let desired_file = folder.join("desired.json");
        std::fs::write(
            &desired_file,
            naive::desired_json(&bench.desired).to_string(),
        )?;
        let runs = [
            (Phase::PlanNoChange, bench.applied()?),
            (Phase::ApplyDrift, bench.drifted_state()?),
        ];
        for (phase, state) in runs {
            let tagoform = requests.get(phase.name()).copied().unwrap_or(0);
            let line = naive::run(
                script,
                phase.name(),
                &desired_file,
                state,
                bench.server_settings(),
                tagoform,
            )?;
            println!("{line}");
        }
    }
    Ok(())
}

/// The binary the command phases run: given, or `tagoform` in the build folder this
/// benchmark runs from (`target/release/examples/scale` → `target/release/tagoform`).
fn binary(given: Option<std::path::PathBuf>) -> anyhow::Result<std::path::PathBuf> {
    if let Some(path) = given {
        return Ok(path);
    }
    let exe = std::env::current_exe()?;
    let folder = exe
        .parent()
        .and_then(|examples| examples.parent())
        .ok_or_else(|| anyhow::anyhow!("cannot find the build folder of {}", exe.display()))?;
    Ok(folder.join(format!("tagoform{}", std::env::consts::EXE_SUFFIX)))
}
