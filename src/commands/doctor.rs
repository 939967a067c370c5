//! `tagoform doctor`: read-only checks of the API against tagoform's model of TagoIO.
//!
//! Exit codes: 0 every check holds (or was skipped), 1 a check failed (or an error).

use crate::cli::DEFAULT_PARALLELISM;
use crate::environment::Environment;
use std::io::Write;
use std::process::ExitCode;

use super::reconcile::{connect, load_desired, runtime};
use crate::cli::DoctorArgs;
use crate::doctor::{self, ProfileToken};
use crate::render;

pub fn run(args: &DoctorArgs, env: &Environment) -> anyhow::Result<ExitCode> {
    let desired = load_desired(&args.path)?;
    // One attempt per request: a 429 or a 5xx is reported as TagoIO gave it, not hidden by
    // retries.
    let mut api = args.api.clone();
    api.max_attempts = Some(api.max_attempts.unwrap_or(1));
    let report = runtime()?.block_on(async {
        let connected = connect(&desired, &api, DEFAULT_PARALLELISM, env).await?;
        let tokens: Vec<ProfileToken> = connected
            .access
            .token_env_clients()
            .into_iter()
            .map(|(key, variable, client)| ProfileToken {
                key,
                variable,
                client,
            })
            .collect();
        let account = connected.access.account();
        let report = doctor::probe(&desired, account, &tokens, chrono::Utc::now()).await;
        connected.close().await?;
        anyhow::Ok(report)
    })?;
    let mut out = std::io::stdout().lock();
    out.write_all(render::doctor::text(&report).as_bytes())?;
    Ok(if report.healthy() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::exit::ERROR)
    })
}
