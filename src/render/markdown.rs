//! The plan as a pull-request comment: a summary line, removals first, then a collapsible
//! section per profile. Decoder changes appear as `diff` blocks.

use std::io::{self, Write};

use serde_json::Value;

use super::describe::{describe, describe_notice, is_about_the_profile, symbol};
use super::text::{show, unified_diff};
use crate::plan::{Action, Operation, Plan};

/// Writes the plan as GitHub-flavoured markdown.
pub fn render(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "### tagoform plan")?;
    writeln!(out)?;
    if plan.is_empty() {
        writeln!(out, "**No changes.** TagoIO matches the configuration.")?;
    } else {
        let summary = plan.summary();
        writeln!(
            out,
            "**Plan: {} to add, {} to change, {} to remove.**",
            summary.add, summary.change, summary.remove
        )?;
    }
    let (removals, rest): (Vec<&Operation>, Vec<&Operation>) = plan
        .operations
        .iter()
        .partition(|op| op.action() == Action::Delete);
    if !removals.is_empty() {
        writeln!(out)?;
        writeln!(out, "#### ⚠️ Removals ({})", removals.len())?;
        writeln!(out)?;
        for operation in removals {
            write_operation(operation, true, out)?;
        }
    }
    let mut profiles: Vec<&str> = rest.iter().map(|op| op.profile.as_str()).collect();
    profiles.sort_unstable();
    profiles.dedup();
    for profile in profiles {
        let operations: Vec<&&Operation> = rest.iter().filter(|op| op.profile == profile).collect();
        writeln!(out)?;
        writeln!(
            out,
            "<details><summary>Profile <code>{}</code>: {} operation{}</summary>",
            escape_html(profile),
            operations.len(),
            if operations.len() == 1 { "" } else { "s" }
        )?;
        writeln!(out)?;
        for operation in operations {
            write_operation(operation, false, out)?;
        }
        writeln!(out)?;
        writeln!(out, "</details>")?;
    }
    if !plan.notices.is_empty() {
        writeln!(out)?;
        writeln!(out, "#### Notes")?;
        writeln!(out)?;
        for notice in &plan.notices {
            writeln!(out, "- {}", describe_notice(notice))?;
        }
    }
    Ok(())
}

fn write_operation(
    operation: &Operation,
    with_profile: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut line = format!("- `{}` {}", symbol(operation.action()), describe(operation));
    if with_profile && !is_about_the_profile(operation) {
        line.push_str(&format!(" in profile `{}`", operation.profile));
    }
    if let Some(origin) = &operation.origin {
        line.push_str(&format!(" (`{origin}`)"));
    }
    writeln!(out, "{line}")?;
    let (blocks, fields): (Vec<_>, Vec<_>) = operation.changes.iter().partition(|change| {
        [change.old.as_ref(), Some(&change.new)]
            .into_iter()
            .flatten()
            .any(|v| v.as_str().is_some_and(|s| s.contains('\n')))
    });
    if !fields.is_empty() {
        writeln!(out, "  ```")?;
        for change in fields {
            match &change.old {
                Some(old) => writeln!(
                    out,
                    "  {}: {} → {}",
                    change.field,
                    show(old),
                    show(&change.new)
                )?,
                None => writeln!(out, "  {}: {}", change.field, show(&change.new))?,
            }
        }
        writeln!(out, "  ```")?;
    }
    for change in blocks {
        let old = change.old.as_ref().and_then(Value::as_str).unwrap_or("");
        let new = change.new.as_str().unwrap_or("");
        writeln!(out, "  `{}`:", change.field)?;
        writeln!(out, "  ```diff")?;
        for line in unified_diff(old, new).lines() {
            writeln!(out, "  {}", line.replace("```", "`\u{200b}``"))?;
        }
        writeln!(out, "  ```")?;
    }
    Ok(())
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
