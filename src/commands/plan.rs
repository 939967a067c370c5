//! `tagoform plan`: show what apply would change; optionally save it for `apply --plan`.
//!
//! With `--baseline PATH` the same live read is also planned against the target branch's
//! configuration, and the plan is shown in two parts: what this change causes, and drift
//! that was already there. With `--max-chars N`, a markdown plan is cut to fit a comment.
//!
//! Exit codes: 0 success (with `--detailed-exitcode`: 0 no changes, 2 changes), 1 error.

use crate::environment::Environment;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::reconcile::{
    compute_plan, compute_plans, connect, load_desired, runtime, style, Baseline, Connected,
};
use crate::access::SecondFactor;
use crate::cli::{PlanArgs, PlanFormat};
use crate::config::Desired;
use crate::plan::union;
use crate::plan::{Plan, SavedPlan, SAVED_FORMAT_VERSION};
use crate::render::{self, baseline::Split};

pub fn run(args: &PlanArgs, env: &Environment) -> anyhow::Result<ExitCode> {
    check_max_chars(args.max_chars, args.format)?;
    let desired = load_desired(&args.path)?;
    let baseline = match &args.baseline {
        Some(path) => Some(
            load_desired(path)
                .with_context(|| format!("the baseline at `{}` is not valid", path.display()))?,
        ),
        None => None,
    };
    let (plan, split, codes) =
        runtime()?.block_on(plan_and_split(args, &desired, baseline.as_ref(), env))?;
    if let Some(out) = &args.out {
        let saved = SavedPlan {
            saved_format_version: SAVED_FORMAT_VERSION,
            plan: plan.clone(),
            targets: args.reconcile.targets.clone(),
            desired,
            split: split.clone(),
        };
        let json = serde_json::to_vec_pretty(&saved)?;
        std::fs::write(out, json)
            .with_context(|| format!("cannot write the plan to `{}`", out.display()))?;
    }
    let options = PrintOptions {
        format: args.format,
        style: style(args.reconcile.color),
        max_chars: args.max_chars,
        split: split.as_ref(),
    };
    if let Some(path) = &args.artifact {
        let whole = PrintOptions {
            style: render::Style { color: false },
            max_chars: None,
            ..options
        };
        let mut file = std::fs::File::create(path)
            .with_context(|| format!("cannot write the plan to `{}`", path.display()))?;
        write_plan(&plan, &whole, &mut file)
            .with_context(|| format!("cannot write the plan to `{}`", path.display()))?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write_plan(&plan, &options, &mut out)?;
    out.flush()?;
    if let Some(codes) = codes.filter(|_| !plan.is_empty() && !super::quiet()) {
        eprintln!("{}", codes.describe(&plan));
    }
    Ok(if args.detailed_exitcode && !plan.is_empty() {
        ExitCode::from(super::exit::CHANGES)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--max-chars` cuts a markdown comment; any other format is printed whole.
pub(super) fn check_max_chars(max_chars: Option<usize>, format: PlanFormat) -> anyhow::Result<()> {
    if max_chars.is_some() && format != PlanFormat::Markdown {
        bail!("--max-chars applies to --format markdown (a pull-request comment) only");
    }
    Ok(())
}

/// The plan, with a baseline its operations split by cause, and with two-factor in use what
/// the apply will need codes for.
async fn plan_and_split(
    args: &PlanArgs,
    desired: &Desired,
    baseline: Option<&Desired>,
    env: &Environment,
) -> anyhow::Result<(Plan, Option<Split>, Option<Codes>)> {
    let reconcile = &args.reconcile;
    let Some(baseline) = baseline else {
        let connected = connect(desired, &reconcile.api, reconcile.parallelism, env).await?;
        let plan = compute_plan(
            desired,
            &connected,
            reconcile.parallelism,
            &reconcile.targets,
            args.decoders_repo.as_deref(),
        )
        .await;
        let codes = Codes::of(&connected).await;
        let closed = connected.close().await;
        let plan = plan?;
        closed?;
        return Ok((plan, None, codes));
    };
    // Every token either configuration names, before knowing which profiles are the same.
    let connected = connect(
        &union(desired, baseline, &[]),
        &reconcile.api,
        reconcile.parallelism,
        env,
    )
    .await?;
    let planned = async {
        let live = crate::live::owned_profiles(&connected.access)
            .await
            .context("cannot read the live state from TagoIO")?;
        let read = union(desired, baseline, &live);
        let baseline = Baseline {
            desired: baseline,
            read: &read,
        };
        let (plan, base) = compute_plans(
            desired,
            Some(baseline),
            &connected,
            reconcile.parallelism,
            &reconcile.targets,
            args.decoders_repo.as_deref(),
        )
        .await?;
        let base = base.context("no plan of the baseline was made")?;
        anyhow::Ok((plan, base))
    }
    .await;
    let codes = Codes::of(&connected).await;
    let closed = connected.close().await;
    let (plan, base) = planned?;
    closed?;
    let split = render::baseline::split(&plan, &base);
    Ok((plan, Some(split), codes))
}

/// What an apply of a plan will need two-factor codes for, when two-factor is in use: one
/// per credential call, each being an account token TagoIO makes (or a profile deletion).
struct Codes {
    /// Profiles read with a short-lived token (no `token_env` token): one each.
    short_lived: usize,
    /// A fixed `TAGOIO_PIN` rather than the secret.
    pin: bool,
}

impl Codes {
    async fn of(connected: &Connected) -> Option<Codes> {
        let credentials = connected.access.credentials()?;
        let pin = match credentials.second.as_ref()? {
            SecondFactor::Pin { .. } => true,
            SecondFactor::Totp(_) => false,
        };
        let short_lived = connected.access.short_lived_count().await;
        Some(Codes { short_lived, pin })
    }

    /// One line: how many codes, and for what.
    fn describe(&self, plan: &Plan) -> String {
        let operations = plan.credential_calls();
        let total = 1 + operations + self.short_lived;
        let mut parts = vec!["1 for the apply lock".to_owned()];
        if operations > 0 {
            parts.push(format!(
                "{operations} for token creations and profile deletions"
            ));
        }
        if self.short_lived > 0 {
            parts.push(format!(
                "{} for short-lived profile tokens (give those profiles a `token_env` to save them)",
                self.short_lived
            ));
        }
        let mut line = format!(
            "Two-factor: applying this plan takes {total} code(s): {}.",
            parts.join(", ")
        );
        if self.pin && total > 1 {
            line.push_str(
                " One TAGOIO_PIN serves only while it is current; set TAGOIO_TOTP_SECRET for a \
                 fresh code each time.",
            );
        }
        line
    }
}

/// How to print a plan.
#[derive(Clone, Copy)]
pub struct PrintOptions<'a> {
    pub format: PlanFormat,
    pub style: render::Style,
    /// Markdown only: the most characters to print.
    pub max_chars: Option<usize>,
    /// From `--baseline`: the operations by cause.
    pub split: Option<&'a Split>,
}

/// Writes the plan to stdout in the chosen format. A reader that stops early
/// (`tagoform plan | head`) is not an error.
pub fn print(plan: &Plan, format: PlanFormat, style: render::Style) -> anyhow::Result<()> {
    print_with(
        plan,
        &PrintOptions {
            format,
            style,
            max_chars: None,
            split: None,
        },
    )
}

pub(super) fn print_with(plan: &Plan, options: &PrintOptions<'_>) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = write_plan(plan, options, &mut out).and_then(|()| out.flush());
    match written {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn write_plan(plan: &Plan, options: &PrintOptions<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    match (options.format, options.split) {
        (PlanFormat::Text, None) => render::text::render(plan, options.style, out),
        (PlanFormat::Text, Some(split)) => render::baseline::text(plan, split, options.style, out),
        (PlanFormat::Json, split) => render::json_split(plan, split, out),
        (PlanFormat::Markdown, Some(split)) => {
            render::baseline::markdown(plan, split, options.max_chars, out)
        }
        (PlanFormat::Markdown, None) => match options.max_chars {
            Some(max) => render::markdown::render_limited(plan, max, out),
            None => render::markdown::render(plan, out),
        },
    }
}
