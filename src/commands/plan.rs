//! `tagoform plan`: show what apply would change; optionally save it for `apply --plan`.
//!
//! Exit codes: 0 success (with `--detailed-exitcode`: 0 no changes, 2 changes), 1 error.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use super::reconcile::{compute_plan, connect, load_desired, runtime, style};
use crate::cli::{PlanArgs, PlanFormat};
use crate::plan::{Plan, SavedPlan, SAVED_FORMAT_VERSION};
use crate::render;

pub fn run(args: &PlanArgs) -> anyhow::Result<ExitCode> {
    let desired = load_desired(&args.path)?;
    let plan = runtime()?.block_on(async {
        let connected = connect(&desired, &args.reconcile.api).await?;
        let reconcile = &args.reconcile;
        let plan = compute_plan(
            &desired,
            &connected,
            reconcile.parallelism,
            &reconcile.targets,
        )
        .await;
        connected.close().await;
        plan
    })?;
    if let Some(out) = &args.out {
        let saved = SavedPlan {
            saved_format_version: SAVED_FORMAT_VERSION,
            plan: plan.clone(),
            targets: args.reconcile.targets.clone(),
            desired,
        };
        let json = serde_json::to_vec_pretty(&saved)?;
        std::fs::write(out, json)
            .with_context(|| format!("cannot write the plan to `{}`", out.display()))?;
    }
    print(&plan, args.format, style(args.reconcile.color))?;
    Ok(if args.detailed_exitcode && !plan.is_empty() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes the plan to stdout in the chosen format. A reader that stops early
/// (`tagoform plan | head`) is not an error.
pub fn print(plan: &Plan, format: PlanFormat, style: render::Style) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match format {
        PlanFormat::Text => render::text::render(plan, style, &mut out),
        PlanFormat::Json => render::json(plan, &mut out),
        PlanFormat::Markdown => render::markdown::render(plan, &mut out),
    }
    .and_then(|()| out.flush());
    match written {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
