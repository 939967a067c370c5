//! Renderers: functions over `&Plan` writing to any `io::Write`. Only these and `main` decide
//! what a person sees; the plan itself stays data.

pub mod baseline;
mod describe;
pub mod doctor;
pub mod markdown;
pub mod report;
pub mod text;

use std::io::{self, Write};

use serde::Serialize;

use crate::plan::{Plan, Summary};

pub use crate::text::{is_bidi_control, visible};
pub use describe::{describe, describe_notice, refusal, symbol};
pub use text::Style;

/// The documented JSON form of a plan (`docs/plan-format.md`): the plan with its counts.
/// With `plan --baseline`, `baseline` says which operations the change causes.
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
struct JsonPlan<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    summary: Summary,
    baseline: Option<&'a baseline::Split>,
}

/// Writes the plan as one JSON document, for other tools.
pub fn json(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    json_split(plan, None, out)
}

/// [`json`], with the operations split by cause when a baseline was planned too.
pub fn json_split(
    plan: &Plan,
    split: Option<&baseline::Split>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let document = JsonPlan {
        plan,
        summary: plan.summary(),
        baseline: split,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[cfg(test)]
mod tests;
