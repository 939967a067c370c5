//! `tagoform unlock`: list the account's apply locks, or remove one an apply left behind.
//!
//! Exit codes: 0 listed or removed, 1 no live lock has that run id (or an error).

use crate::cli::DEFAULT_PARALLELISM;
use crate::environment::Environment;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::reconcile::{connect, runtime};
use crate::api::Token;
use crate::cli::UnlockArgs;
use crate::config::Desired;
use crate::lock::{self, holder};

pub fn run(args: &UnlockArgs, env: &Environment) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let connected = connect(&Desired::default(), &args.api, DEFAULT_PARALLELISM, env).await?;
        let result = unlock(args, connected.access.account()).await;
        let closed = connected.close().await;
        let code = result?;
        closed?;
        Ok(code)
    })
}

async fn unlock(args: &UnlockArgs, client: &crate::api::Client) -> anyhow::Result<ExitCode> {
    let locks = lock::list(client)
        .await
        .context("cannot read the account's apply locks")?;
    let mut out = std::io::stdout();
    let Some(run_id) = &args.run_id else {
        if locks.is_empty() {
            writeln!(out, "No apply holds the lock.")?;
        }
        for (profile, item) in &locks {
            if let Some(holder) = holder::holder(item) {
                writeln!(out, "{holder} (on profile {profile})")?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    let mine: Vec<_> = locks
        .iter()
        .filter(|(_, item)| holder::holder(item).is_some_and(|h| &h.run_id == run_id))
        .collect();
    if mine.is_empty() {
        let live: Vec<String> = locks
            .iter()
            .filter_map(|(_, item)| holder::holder(item))
            .map(|holder| crate::text::visible(&holder.run_id).into_owned())
            .collect();
        bail!(
            "no live apply lock has the run id `{}` (live: {}); nothing was removed",
            crate::text::visible(run_id),
            if live.is_empty() {
                "none".to_owned()
            } else {
                live.join(", ")
            }
        );
    }
    for (profile, item) in &mine {
        let token = Token::new(item.token.expose());
        match client.token_delete(profile, &token).await {
            Ok(()) => {}
            Err(error) if error.is_not_found() => {}
            Err(error) => {
                let shown = crate::text::visible(run_id);
                return Err(error).context(format!("cannot remove the lock {shown}"));
            }
        }
    }
    writeln!(
        out,
        "Removed the apply lock {}. If that apply is still running, it stops starting \
         operations when it next confirms its lock (within a minute).",
        crate::text::visible(run_id)
    )?;
    Ok(ExitCode::SUCCESS)
}
