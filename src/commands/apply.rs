//! `tagoform apply`: take the apply lock, plan (or load a saved plan), check the safety rules,
//! confirm, execute, give the lock back.
//!
//! Exit codes (`super::exit`): 0 every operation done (or nothing to do), 1 an error, 3 an
//! operation failed, 4 refused before any write (a safety rule, the lock held, a stale saved
//! plan), 5 `--verify` found something left.

use crate::environment::Environment;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::exit::{self, Refused};
use super::plan::print;
use super::progress::ApplyProgress;
use super::reconcile::{compute_plan, connect, load_desired, runtime, style, Connected};
use crate::apply::{self, tokens_file, Guard, Unguarded};
use crate::cli::{ApplyArgs, PlanFormat};
use crate::config::Desired;
use crate::lock::{self, AccountLock, LockSettings};
use crate::plan::{check_saved, differences, safety, Difference, Plan, SavedPlan};
use crate::render::{describe, report};

/// `quiet` (`-q`) keeps only failures on stderr.
pub fn run(args: &ApplyArgs, quiet: bool, env: &Environment) -> anyhow::Result<ExitCode> {
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
        let connected = connect(
            &desired,
            &args.reconcile.api,
            args.reconcile.parallelism,
            env,
        )
        .await?;
        let result = read_lock_and_apply(args, quiet, &desired, saved, &connected).await;
        let closed = connected.close().await;
        let code = result?;
        closed?;
        Ok(code)
    })
}

/// Reads and plans first, without the lock: an account that matches the configuration gets
/// no write at all (with `token_env` tokens; otherwise only the short-lived tokens). Only
/// when there is something to do is the lock taken, and the plan made again under it, from a
/// read of what the first plan touches (`plan::touched`): that one is shown and applied.
async fn read_lock_and_apply(
    args: &ApplyArgs,
    quiet: bool,
    desired: &Desired,
    saved: Option<SavedPlan>,
    connected: &Connected,
) -> anyhow::Result<ExitCode> {
    if args.lock && connected.access.credentials().is_none() {
        return Err(no_password_for_the_lock());
    }
    let targets = match &saved {
        Some(saved) => saved.targets.clone(),
        None => args.reconcile.targets.clone(),
    };
    let first = compute_plan(
        desired,
        connected,
        args.reconcile.parallelism,
        &targets,
        None,
    )
    .await?;
    if let Some(saved) = &saved {
        same_as_saved(saved, &first)?;
    }
    if first.is_empty() {
        print(&first, PlanFormat::Text, style(args.reconcile.color))?;
        return Ok(ExitCode::SUCCESS);
    }
    // A plan the safety rules refuse is refused now, without the lock's writes; the plan
    // made under the lock is checked again.
    if let Err(refusal) = check_safety(args, &first, connected) {
        print(&first, PlanFormat::Text, style(args.reconcile.color))?;
        return Err(refusal);
    }
    let lock = take_lock(args, quiet, connected).await?;
    // Under the lock, only what the plan touches is read and planned again: a change there
    // since the first read is still caught, and an untouched profile costs no second read.
    let touched = crate::plan::touched(desired, &first);
    let touched_targets: Vec<String> = targets
        .iter()
        .filter(|key| {
            touched.profiles.contains_key(*key)
                || touched.networks.contains_key(*key)
                || touched.connectors.contains_key(*key)
                || touched.external_profiles.contains_key(*key)
        })
        .cloned()
        .collect();
    let result = run_connected(
        args,
        quiet,
        Scope {
            desired,
            targets: &targets,
        },
        Scope {
            desired: &touched,
            targets: &touched_targets,
        },
        saved,
        connected,
        lock.as_ref(),
    )
    .await;
    if let Some(lock) = lock {
        let run_id = lock.run_id().to_owned();
        for failure in lock.release().await {
            tracing::warn!(
                "could not remove the apply lock {run_id} ({failure}); it lapses on its own \
                 within {} minutes, or run `tagoform unlock {run_id}`",
                lease_minutes(args)
            );
        }
    }
    result
}

/// A configuration and the `--target` keys it is planned with.
#[derive(Clone, Copy)]
struct Scope<'a> {
    desired: &'a Desired,
    targets: &'a [String],
}

/// `--lock-lease` in minutes (the parser allows whole minutes from 1 to a day only).
fn lease_minutes(args: &ApplyArgs) -> u32 {
    u32::try_from(args.lock_lease.as_secs() / 60).unwrap_or(u32::MAX)
}

fn no_password_for_the_lock() -> anyhow::Error {
    Refused(
        "apply takes a lock on the account so that two applies never interleave; the lock is \
         an account token, which TagoIO makes only with the account password: set \
         TAGOIO_EMAIL and TAGOIO_PASSWORD (and TAGOIO_TOTP_SECRET or TAGOIO_PIN with \
         two-factor authentication), or pass --lock=false where applies cannot overlap; nothing was changed"
            .to_owned(),
    )
    .into()
}

/// Takes the account's apply lock; the plan is then made again under it, so that the plan
/// shown is the one applied: another apply that starts meanwhile waits or gives up.
async fn take_lock(
    args: &ApplyArgs,
    quiet: bool,
    connected: &Connected,
) -> anyhow::Result<Option<AccountLock>> {
    if !args.lock {
        return Ok(None);
    }
    let Some(credentials) = connected.access.credentials() else {
        return Err(no_password_for_the_lock());
    };
    let settings = LockSettings {
        timeout: args.lock_timeout,
        lease_minutes: lease_minutes(args),
        ..LockSettings::default()
    };
    let timeout = args.lock_timeout.as_secs();
    let lock = lock::acquire(
        connected.access.account(),
        credentials,
        settings,
        &connected.lock_holder,
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

/// The apply under the lock, step by step: plan again, compare with a saved plan, print,
/// safety, confirmation, then run and report. Long because each step's refusal must come
/// before the next step's first write, which reads best in order.
async fn run_connected(
    args: &ApplyArgs,
    quiet: bool,
    whole: Scope<'_>,
    touched: Scope<'_>,
    saved: Option<SavedPlan>,
    connected: &Connected,
    lock: Option<&AccountLock>,
) -> anyhow::Result<ExitCode> {
    let fresh = compute_plan(
        touched.desired,
        connected,
        args.reconcile.parallelism,
        touched.targets,
        None,
    )
    .await?;
    // The saved plan is what was reviewed: applied only when a plan made now, under the
    // lock, has exactly its operations. Then the fresh one is applied (the same operations),
    // and its notes are those of this read.
    if let Some(saved) = &saved {
        same_as_saved(saved, &fresh)?;
    }
    let plan = fresh;
    print(&plan, PlanFormat::Text, style(args.reconcile.color))?;
    if plan.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    check_safety(args, &plan, connected)?;
    if !confirmed(args)? {
        writeln!(std::io::stdout(), "Apply cancelled; nothing was changed.")?;
        return Ok(exit::REFUSED.into());
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
            let (text, failure) = report::outcome_line(&plan, operation, &line, status);
            progress.line(&text, failure);
            progress.advance(&line);
        },
    )
    .await;
    progress.finish();
    if let Some(path) = &args.tokens_out {
        // Each value was saved as its token was made; a token whose value could not be was
        // removed again, so every token counted here has its value in the file.
        if !report.created_tokens.is_empty() && !quiet {
            eprintln!(
                "Wrote {} new token value(s) to {}.",
                report.created_tokens.len(),
                path.display()
            );
        }
    }
    report::summary(&report, &mut std::io::stdout())?;
    let code = exit::for_report(&report);
    if code != exit::SUCCESS {
        return Ok(code.into());
    }
    if args.verify {
        return verify(args, whole.desired, connected, whole.targets).await;
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
    let after = compute_plan(desired, connected, parallelism, targets, None)
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
    Ok(exit::VERIFY_FOUND_CHANGES.into())
}

/// Refuses, before any write, when `fresh` (a plan made now) has other operations than the
/// saved plan that was reviewed.
fn same_as_saved(saved: &SavedPlan, fresh: &Plan) -> anyhow::Result<()> {
    let differences = differences(&saved.plan, fresh);
    if differences.is_empty() {
        return Ok(());
    }
    let mut message = String::from(
        "saved plan is stale: TagoIO changed since the plan was made; nothing was applied (run \
         `tagoform plan` again and review the difference):",
    );
    for difference in differences {
        let (word, operation) = match difference {
            Difference::Changed(operation) => ("changed since the review", operation),
            Difference::Gone(operation) => ("no longer called for", operation),
            Difference::New(operation) => ("called for now, not reviewed", operation),
        };
        message.push_str(&format!("\n  {word}: {}", describe(operation)));
    }
    Err(Refused(message).into())
}

/// Reads a saved plan's file (bounded) and checks it ([`check_saved`]).
pub(super) fn read_saved(file: &std::path::Path) -> anyhow::Result<SavedPlan> {
    let text = crate::bounded::read(file, crate::bounded::SAVED_PLAN_LIMIT, "a saved plan")
        .with_context(|| format!("cannot read the plan `{}`", file.display()))?;
    let saved: SavedPlan = serde_json::from_slice(&text).with_context(|| {
        format!(
            "`{}` is not a plan saved by `tagoform plan --out` of this version",
            file.display()
        )
    })?;
    check_saved(&saved).map_err(|error| Refused(format!("`{}` {error}", file.display())))?;
    Ok(saved)
}

/// The safety rules (`plan::safety`), with the limits this run allows.
fn check_safety(args: &ApplyArgs, plan: &Plan, connected: &Connected) -> anyhow::Result<()> {
    let limits = safety::Limits {
        allow_delete: args.allow_delete,
        allow_billing: args.allow_billing,
        max_removals: args.max_removals,
        tokens_out: args.tokens_out.is_some(),
        password: connected.access.credentials().is_some(),
    };
    safety::check(plan, &limits)
        .map_err(|refusal| Refused(crate::render::refusal(&refusal, plan)).into())
}

/// Asks on a terminal; without one, only `--auto-approve` goes ahead.
fn confirmed(args: &ApplyArgs) -> anyhow::Result<bool> {
    if args.auto_approve {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Refused(
            "no terminal to confirm on: re-run with --auto-approve to apply without asking; nothing was changed".to_owned(),
        )
        .into());
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
