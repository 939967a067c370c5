//! `tagoform emulator`: serve the TagoIO-compatible emulator until Ctrl-C or SIGTERM.
//! The first stdout line is `listening on http://ADDRESS`, so scripts and tests can read
//! the port when they asked for port 0.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use crate::cli::EmulatorArgs;
use crate::emulator::{self, EmulatorConfig, Faults, Seed};

pub fn run(args: &EmulatorArgs) -> anyhow::Result<ExitCode> {
    let config = settings(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(config))?;
    Ok(ExitCode::SUCCESS)
}

fn settings(args: &EmulatorArgs) -> anyhow::Result<EmulatorConfig> {
    let listen: SocketAddr = args.listen.parse().with_context(|| {
        format!(
            "--listen `{}` is not an address such as 127.0.0.1:8787",
            args.listen
        )
    })?;
    if !listen.ip().is_loopback() {
        anyhow::bail!(
            "--listen `{listen}` is not a loopback address: the emulator only serves this machine"
        );
    }
    let seed = match &args.seed {
        Some(path) => Seed::load(path)?,
        None => Seed::demo(),
    };
    let plan = args.plan;
    Ok(EmulatorConfig {
        listen,
        state_file: args.state.clone(),
        seed,
        plan,
        latency: Duration::from_millis(args.latency_ms),
        fail_rate: args.fail_rate,
        faults: Faults {
            drop_rate: args.drop_rate,
            slow_rate: args.slow_rate,
            slow_delay: Duration::from_millis(args.slow_ms),
            throttle_rate: args.throttle_rate,
            unavailable_rate: args.unavailable_rate,
            burst_length: args.burst_length,
        },
        rng_seed: args.rng_seed,
        otp_single_use: args.otp_single_use,
    })
}

async fn serve(config: EmulatorConfig) -> anyhow::Result<()> {
    // Listen for signals before announcing the address, so a stop sent right after the
    // first line is never missed.
    let stop = StopSignal::install()?;
    let running = emulator::start(config)
        .await
        .context("cannot start the emulator")?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on {}", running.url()).context("cannot write to stdout")?;
        stdout.flush().context("cannot write to stdout")?;
    }
    stop.wait().await;
    tracing::info!("stopping the emulator");
    running.stop().await;
    Ok(())
}

/// Ctrl-C (SIGINT) or SIGTERM.
#[cfg(unix)]
struct StopSignal {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl StopSignal {
    fn install() -> anyhow::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?,
            terminate: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
        })
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

/// Ctrl-C.
#[cfg(not(unix))]
struct StopSignal;

#[cfg(not(unix))]
impl StopSignal {
    fn install() -> anyhow::Result<Self> {
        Ok(Self)
    }

    async fn wait(self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
