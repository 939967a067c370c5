//! `tagoform emulator`'s arguments: the TagoIO plan it enforces and the faults it injects.

use std::path::PathBuf;

use clap::Args;

use crate::emulator::Tier;

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
    /// Which TagoIO plan's rate and resource limits to enforce; also every account's starting
    /// subscription plan and service limits (unlimited starts accounts on scale).
    #[arg(long, value_enum, default_value_t = Tier::Unlimited)]
    pub plan: Tier,
    /// Delay every response by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    // Fault injection, for tests of clients (tagoform's own and others'): hidden from
    // `--help`, documented in docs/api.md ("Fault injection").
    /// Answer this share of requests (0.0 to 1.0) with 503 before doing anything.
    #[arg(long, default_value_t = 0.0, hide = true)]
    pub fail_rate: f64,
    /// Carry out this share of requests, then close the connection without an answer.
    #[arg(long, default_value_t = 0.0, hide = true)]
    pub drop_rate: f64,
    /// Carry out this share of requests, then answer only after --slow-ms.
    #[arg(long, default_value_t = 0.0, hide = true)]
    pub slow_rate: f64,
    /// How late a --slow-rate answer comes, in milliseconds.
    #[arg(long, default_value_t = 5000, hide = true)]
    pub slow_ms: u64,
    /// Start a burst of 429 answers (nothing done) at this share of requests.
    #[arg(long, default_value_t = 0.0, hide = true)]
    pub throttle_rate: f64,
    /// Start a burst of 503 answers (nothing done) at this share of requests.
    #[arg(long, default_value_t = 0.0, hide = true)]
    pub unavailable_rate: f64,
    /// How many requests in a row a 429 or 503 burst answers.
    #[arg(long, default_value_t = 1, hide = true)]
    pub burst_length: u32,
    /// Seed of the random generator behind the faults, ids and token values, for
    /// reproducible runs.
    #[arg(long)]
    pub rng_seed: Option<u64>,
    /// Refuse an authenticator code that was used before (RFC 6238 says a code is accepted
    /// once; whether TagoIO does is not documented), to test clients against the strict case.
    #[arg(long)]
    pub otp_single_use: bool,
}
