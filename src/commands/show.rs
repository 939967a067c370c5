//! `tagoform show PLAN_FILE`: a saved plan, printed as `plan` printed it when it saved it,
//! without reading TagoIO: a reviewer looks at exactly what `apply --plan` would be asked to do.
//!
//! Exit codes: 0 shown, 1 error (unreadable, not a saved plan, or of another format).

use std::process::ExitCode;

use super::plan::{check_max_chars, print_with, PrintOptions};
use super::reconcile::style;
use crate::cli::ShowArgs;

pub fn run(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    check_max_chars(args.max_chars, args.format)?;
    // The same checks as `apply --plan`; here a bad file is an error, not a refusal.
    let saved = super::apply::read_saved(&args.plan).map_err(|e| anyhow::anyhow!("{e:#}"))?;
    let options = PrintOptions {
        format: args.format,
        style: style(args.color),
        max_chars: args.max_chars,
        split: saved.split.as_ref(),
    };
    print_with(&saved.plan, &options)?;
    Ok(ExitCode::SUCCESS)
}
