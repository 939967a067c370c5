//! `tagoform apply`: take the apply lock, plan (or load a saved plan), check the safety rules,
//! confirm, execute, give the lock back.
//!
//! Exit codes: 0 every operation done (or nothing to do), 1 refused (the lock included), failed,
//! partly failed, or `--verify` found something left.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::plan::print;
use super::progress::ApplyProgress;
use super::reconcile::{compute_plan, connect, load_desired, runtime, style, Connected};
use crate::apply::{self, tokens_file, Guard, Status, Unguarded};
use crate::cli::{ApplyArgs, PlanFormat};
use crate::config::Desired;
use crate::lock::{self, AccountLock, LockSettings};
use crate::plan::{stale_operations, Plan, SavedPlan, FORMAT_VERSION, SAVED_FORMAT_VERSION};
use crate::render::describe;

/// `quiet` (`-q`) keeps only failures on stderr.
pub fn run(args: &ApplyArgs, quiet: bool) -> anyhow::Result<ExitCode> {
    let (desired, saved) = match (&args.plan, &args.path) {
        (Some(_), _) if !args.reconcile.targets.is_empty() => bail!(
            "--target cannot be used with --plan: a saved plan is applied with the targets it \
             was made with (`tagoform plan --target ... --out FILE`)"
        ),
        (Some(file), _) => {
            let saved = read_saved(file)?;
            (saved.desired.clone(), Some(saved))
        }
        (None, path) => (load_desired(path.as_deref().unwrap_or(".".as_ref()))?, None),
    };
    if let Some(path) = &args.tokens_out {
        tokens_file::check(path)?;
    }
    runtime()?.block_on(async {
        let connected = connect(&desired, &args.reconcile.api).await?;
        let lock = match take_lock(args, quiet, &connected).await {
            Ok(lock) => lock,
            Err(error) => {
                connected.close().await;
                return Err(error);
            }
        };
        let result = run_connected(args, quiet, &desired, saved, &connected, lock.as_ref()).await;
        if let Some(lock) = lock {
            let run_id = lock.run_id().to_owned();
            for failure in lock.release().await {
                tracing::warn!(
                    "could not remove the apply lock {run_id} ({failure}); it lapses on its own \
                     within {} minutes, or run `tagoform unlock {run_id}`",
                    LockSettings::default().lease_minutes
                );
            }
        }
        connected.close().await;
        result
    })
}

/// Takes the account's apply lock before the live state is read, so that the plan shown is
/// the one applied: another apply that starts meanwhile waits or gives up.
async fn take_lock(
    args: &ApplyArgs,
    quiet: bool,
    connected: &Connected,
) -> anyhow::Result<Option<AccountLock>> {
    if !args.lock {
        return Ok(None);
    }
    let Some(credentials) = connected.access.credentials() else {
        bail!(
            "apply takes a lock on the account so that two applies never interleave; the lock is \
             an account token, which TagoIO makes only with the account password: set \
             TAGOIO_EMAIL and TAGOIO_PASSWORD (and TAGOIO_PIN with two-factor authentication), \
             or pass --lock=false where applies cannot overlap; nothing was changed"
        );
    };
    let settings = LockSettings {
        timeout: args.lock_timeout,
        ..LockSettings::default()
    };
    let timeout = args.lock_timeout.as_secs();
    let lock = lock::acquire(
        connected.access.account(),
        credentials,
        settings,
        |holders| {
            if !quiet {
                let holders: Vec<String> = holders.iter().map(ToString::to_string).collect();
                eprintln!(
                    "Waiting up to {timeout} s for the apply lock ({})...",
                    holders.join("; ")
                );
            }
        },
    )
    .await?;
    tracing::info!(
        "took the apply lock {} on profile {}",
        lock.run_id(),
        lock.profile()
    );
    Ok(Some(lock))
}

async fn run_connected(
    args: &ApplyArgs,
    quiet: bool,
    desired: &Desired,
    saved: Option<SavedPlan>,
    connected: &Connected,
    lock: Option<&AccountLock>,
) -> anyhow::Result<ExitCode> {
    let targets = match &saved {
        Some(saved) => saved.targets.clone(),
        None => args.reconcile.targets.clone(),
    };
    let targets = &targets[..];
    let fresh = compute_plan(desired, connected, args.reconcile.parallelism, targets).await?;
    let plan = match saved {
        Some(saved) => {
            let stale = stale_operations(&saved.plan, &fresh);
            if !stale.is_empty() {
                let mut message = String::from(
                    "saved plan is stale: what these operations touch changed since the plan was made; \
                     nothing was applied (run `tagoform plan` again):",
                );
                for operation in stale {
                    message.push_str(&format!("\n  {}", describe(operation)));
                }
                bail!(message);
            }
            saved.plan
        }
        None => fresh,
    };
    print(&plan, PlanFormat::Text, style(args.reconcile.color))?;
    if plan.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    check_safety(args, &plan, connected)?;
    if !confirmed(args)? {
        writeln!(std::io::stdout(), "Apply cancelled; nothing was changed.")?;
        return Ok(ExitCode::from(1));
    }
    if let Some(lock) = lock {
        lock.cover_deletions(&plan.deleted_profile_ids()).await?;
    }
    let guard: &dyn Guard = match lock {
        Some(lock) => lock,
        None => &Unguarded,
    };
    let parallelism = usize::from(args.reconcile.parallelism);
    let progress = ApplyProgress::new(plan.operations.len(), quiet);
    let report = apply::apply_guarded(
        &plan,
        &connected.access,
        guard,
        parallelism,
        args.tokens_out.as_deref(),
        |operation, status| {
            let line = describe(operation);
            match status {
                Status::Done => progress.line(&format!("  done: {line}"), false),
                Status::Failed(error) => progress.line(&format!("  FAILED: {line}: {error}"), true),
                // Operation numbers appear nowhere in the printed plan: name the blocker.
                Status::Skipped { because_of } => {
                    let text = match plan.operations.get(*because_of) {
                        Some(blocker) if blocker.index != operation.index => format!(
                            "  skipped: {line} (it needs: {}, which did not succeed)",
                            describe(blocker)
                        ),
                        _ => format!("  skipped: {line}"),
                    };
                    progress.line(&text, true);
                }
            }
            progress.advance(&line);
        },
    )
    .await;
    progress.finish();
    if let Some(path) = &args.tokens_out {
        if !report.created_tokens.is_empty() {
            // Each value was saved as it was made; writing them all once more makes the
            // count below true even if one of those writes failed.
            tokens_file::write(path, &report.created_tokens)?;
            eprintln!(
                "Wrote {} new token value(s) to {}.",
                report.created_tokens.len(),
                path.display()
            );
        }
    }
    let (done, failed, skipped) = report.counts();
    let mut out = std::io::stdout();
    writeln!(
        out,
        "Apply finished: {done} done, {failed} failed, {skipped} skipped."
    )?;
    if failed + skipped > 0 {
        writeln!(
            out,
            "Run `tagoform apply` again to finish: operations are safe to repeat."
        )?;
        return Ok(ExitCode::from(1));
    }
    if args.verify {
        return verify(args, desired, connected, targets).await;
    }
    Ok(ExitCode::SUCCESS)
}

/// Plans again after a complete apply. What remains was changed by someone else meanwhile
/// (a person, a script, a run without the lock) or not taken by TagoIO: drift, shown as such.
async fn verify(
    args: &ApplyArgs,
    desired: &Desired,
    connected: &Connected,
    targets: &[String],
) -> anyhow::Result<ExitCode> {
    let parallelism = args.reconcile.parallelism;
    let after = compute_plan(desired, connected, parallelism, targets)
        .await
        .context("cannot verify the apply")?;
    let mut out = std::io::stdout();
    if after.is_empty() {
        writeln!(out, "Verified: TagoIO matches the configuration.")?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "\nVerification: TagoIO still differs from the configuration after this apply:"
    )?;
    print(&after, PlanFormat::Text, style(args.reconcile.color))?;
    writeln!(
        out,
        "Something changed TagoIO while this apply ran, or TagoIO did not keep a change. \
         Run `tagoform plan` to look again."
    )?;
    Ok(ExitCode::from(1))
}

fn read_saved(file: &std::path::Path) -> anyhow::Result<SavedPlan> {
    let text = std::fs::read(file)
        .with_context(|| format!("cannot read the plan `{}`", file.display()))?;
    let saved: SavedPlan = serde_json::from_slice(&text).with_context(|| {
        format!(
            "`{}` is not a plan saved by `tagoform plan --out` of this version",
            file.display()
        )
    })?;
    if saved.saved_format_version != SAVED_FORMAT_VERSION
        || saved.plan.format_version != FORMAT_VERSION
    {
        bail!(
            "`{}` is a saved plan of format {} (plan format {}); this tagoform applies format \
             {SAVED_FORMAT_VERSION} (plan format {FORMAT_VERSION}) only: plan again with it; \
             nothing was changed",
            file.display(),
            saved.saved_format_version,
            saved.plan.format_version
        );
    }
    Ok(saved)
}

/// The rules that keep a mistaken YAML edit from locking people out or deleting things.
fn check_safety(args: &ApplyArgs, plan: &Plan, connected: &Connected) -> anyhow::Result<()> {
    let deletions: Vec<String> = plan.object_deletions().map(describe).collect();
    if !deletions.is_empty() && !args.allow_delete {
        bail!(
            "the plan deletes {} object(s) ({}); nothing was changed. Re-run with --allow-delete if that is intended",
            deletions.len(),
            deletions.join("; ")
        );
    }
    let removals = plan.access_removals();
    if removals > args.max_removals {
        bail!(
            "the plan removes {removals} team members and shares, more than --max-removals {}; \
             nothing was changed. Check the removals above, then raise --max-removals if they are intended",
            args.max_removals
        );
    }
    if plan.creates_tokens() {
        if args.tokens_out.is_none() {
            bail!(
                "the plan creates tokens, and their values are shown only once: pass --tokens-out FILE \
                 to keep them; nothing was changed"
            );
        }
        if connected.access.credentials().is_none() {
            bail!(
                "the plan creates tokens, which needs the account password: set TAGOIO_EMAIL and \
                 TAGOIO_PASSWORD (and TAGOIO_PIN with two-factor authentication); nothing was changed"
            );
        }
    }
    Ok(())
}

/// Asks on a terminal; without one, only `--auto-approve` goes ahead.
fn confirmed(args: &ApplyArgs) -> anyhow::Result<bool> {
    if args.auto_approve {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("no terminal to confirm on: re-run with --auto-approve to apply without asking; nothing was changed");
    }
    write!(
        std::io::stdout(),
        "Apply these changes to TagoIO? Only `yes` is accepted: "
    )?;
    std::io::stdout().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}
