//! Command glue: turn parsed arguments into settings, call the core, pick the exit code.
//! Commands stay short; the work lives in the core modules.

mod apply;
mod color;
mod completions;
mod doctor;
mod emulator;
pub mod exit;
mod export;
mod init;
mod log_format;
mod man;
mod otp;
mod plan;
mod progress;
mod publish;
mod reconcile;
mod schema;
pub mod session;
pub mod settings;
mod show;
mod unlock;
mod validate;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::environment::{Environment, TAGOFORM_LOG};

/// Runs one parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The one read of the environment: every command takes what it needs from here.
    let env = Environment::read();
    init_logging(cli.verbose, cli.quiet, &env);
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Schema => schema::run(),
        Command::Plan(args) => plan::run(&args, &env),
        Command::Show(args) => show::run(&args),
        Command::Apply(args) => apply::run(&args, cli.quiet, &env),
        Command::Emulator(args) => emulator::run(&args),
        Command::Unlock(args) => unlock::run(&args, &env),
        Command::Doctor(args) => doctor::run(&args, &env),
        Command::Otp(args) => otp::run(&args, &env),
        Command::Export(args) => export::run(&args, &env),
        Command::Publish(args) => publish::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    }
}

/// Logs go to stderr so they never mix with plans or data on stdout.
fn init_logging(verbose: u8, quiet: bool, env: &Environment) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = env
        .get(TAGOFORM_LOG)
        .and_then(|filter| tracing_subscriber::EnvFilter::try_new(filter).ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new(format!("tagoform={level}")));
    let colour = color::stderr();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .event_format(log_format::Plain)
        .try_init();
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// `-q`: only errors on stderr (set once, before any command runs).
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True with `-q`: warnings and notes on stderr are left out; errors stay.
pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}
