//! Command-line definitions (clap derive) only. Doc comments here become `--help`;
//! the work each command does lives in [`crate::commands`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Manage a TagoIO account the GitOps way: profiles, teams, tokens, networks,
/// connectors and their shares, kept in YAML and reconciled with plan and apply.
#[derive(Debug, Parser)]
#[command(name = "tagoform", version, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr (-v requests, -vv details). Secrets are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the YAML configuration (files only, never the network).
    ///
    /// Example: tagoform validate examples/multi-customer
    Validate(ValidateArgs),
    /// Print the JSON schema of the configuration format, for editors.
    ///
    /// Example: tagoform schema > schemas/tagoform.schema.json
    Schema,
    /// Run the TagoIO-compatible emulator on loopback.
    ///
    /// Example: tagoform emulator --listen 127.0.0.1:8787 --state api.json
    Emulator(EmulatorArgs),
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// `file:line:column: error: message`, the offending line and a help line.
    Text,
    /// The same diagnostics as a JSON document.
    Json,
    /// GitHub Actions annotations (`::error file=...`).
    Github,
}

/// Arguments of `tagoform validate`.
///
/// Exit status: 0 when the configuration is valid, 1 when it is not (or, with `--strict`,
/// when it has warnings).
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// A YAML file, or a folder whose `*.yaml`/`*.yml` files are merged.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Text)]
    pub format: DiagnosticFormat,
    /// Treat warnings as errors: exit 1 when there is any.
    #[arg(long)]
    pub strict: bool,
}

/// The TagoIO plan whose limits the emulator enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum EmulatorPlan {
    /// TagoIO's Free plan limits.
    Free,
    /// TagoIO's Starter plan limits.
    Starter,
    /// TagoIO's Scale plan limits.
    Scale,
    /// No rate or resource limits (demos and tests).
    #[default]
    Unlimited,
}

/// Arguments of `tagoform emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on (loopback; port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: String,
    /// Keep state in this JSON file; every write is durable before it is answered.
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Seed file (YAML) with accounts, profiles and tokens; default: the demo seed.
    #[arg(long)]
    pub seed: Option<PathBuf>,
    /// Which TagoIO plan's rate and resource limits to enforce.
    #[arg(long, value_enum, default_value_t = EmulatorPlan::Unlimited)]
    pub plan: EmulatorPlan,
    /// Delay every response by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Answer this share of requests (0.0 to 1.0) with 503 before doing anything.
    #[arg(long, default_value_t = 0.0)]
    pub fail_rate: f64,
    /// Seed of the random generator behind --fail-rate, for reproducible runs.
    #[arg(long)]
    pub rng_seed: Option<u64>,
}
