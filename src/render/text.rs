//! The human plan: removals first, then one group per profile, field changes under each
//! operation (text blocks such as decoders as a unified diff), notices, and a closing count.

use std::io::{self, Write};

use serde_json::Value;
use similar::TextDiff;

use super::describe::{
    describe, describe_notice, group_heading, group_order, is_about_the_profile, symbol,
};
use super::visible;
use crate::plan::{Action, FieldChange, Operation, Plan};

/// Whether to colour the output; decided once by the caller (`commands::color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

/// The styles of a plan.
const BOLD: anstyle::Style = anstyle::Style::new().bold();
const DIM: anstyle::Style = anstyle::Style::new().dimmed();

fn fg(color: anstyle::AnsiColor) -> anstyle::Style {
    anstyle::Style::new().fg_color(Some(anstyle::Color::Ansi(color)))
}

impl Style {
    fn paint(self, style: anstyle::Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }

    fn action(self, action: Action, text: &str) -> String {
        let color = match action {
            Action::Create => anstyle::AnsiColor::Green,
            Action::Update => anstyle::AnsiColor::Yellow,
            Action::Delete => anstyle::AnsiColor::Red,
            Action::Replace => anstyle::AnsiColor::Magenta,
        };
        self.paint(fg(color), text)
    }
}

/// Writes the plan for a person reading a terminal or a CI log.
pub fn render(plan: &Plan, style: Style, out: &mut dyn Write) -> io::Result<()> {
    if plan.is_empty() {
        writeln!(out, "No changes. TagoIO matches the configuration.")?;
        write_notices(plan, out)?;
        return Ok(());
    }
    let operations: Vec<&Operation> = plan.operations.iter().collect();
    write_body(&operations, style, out)?;
    write_notices(plan, out)?;
    let summary = plan.summary();
    writeln!(
        out,
        "Plan: {} to add, {} to change, {} to remove.",
        summary.add, summary.change, summary.remove
    )
}

/// Removals first (with their profile named), then one group per profile.
pub(super) fn write_body(
    operations: &[&Operation],
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (removals, rest): (Vec<&Operation>, Vec<&Operation>) = operations
        .iter()
        .partition(|op| op.action() == Action::Delete);
    if !removals.is_empty() {
        writeln!(
            out,
            "{}",
            style.paint(BOLD, "Removals (review these first):")
        )?;
        for operation in &removals {
            write_operation(operation, style, true, out)?;
        }
        writeln!(out)?;
    }
    let mut profiles: Vec<&str> = rest.iter().map(|op| op.profile.as_str()).collect();
    group_order(&mut profiles);
    for profile in profiles {
        writeln!(
            out,
            "{}",
            style.paint(BOLD, &format!("{}:", group_heading(profile)))
        )?;
        for operation in rest.iter().filter(|op| op.profile == profile) {
            write_operation(operation, style, false, out)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_operation(
    operation: &Operation,
    style: Style,
    with_profile: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let action = operation.action();
    let mut line = format!("  {} {}", symbol(action), describe(operation));
    if with_profile && !is_about_the_profile(operation) {
        line.push_str(&format!(" in profile {}", operation.profile));
    }
    write!(out, "{}", style.action(action, &line))?;
    match &operation.origin {
        Some(origin) => writeln!(out, "  {}", style.paint(DIM, &format!("# {origin}")))?,
        None => writeln!(out)?,
    }
    for change in &operation.changes {
        write_change(change, style, out)?;
    }
    Ok(())
}

fn write_change(change: &FieldChange, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let old_text = change.old.as_ref().and_then(Value::as_str);
    let new_text = change.new.as_str();
    let multiline = |text: Option<&str>| text.is_some_and(|t| t.contains('\n'));
    if multiline(old_text) || multiline(new_text) {
        writeln!(out, "      {}:", change.field)?;
        for line in unified_diff(old_text.unwrap_or(""), new_text.unwrap_or("")).lines() {
            let line = &*visible(line);
            let painted = match line.chars().next() {
                Some('+') if !line.starts_with("+++") => {
                    style.paint(fg(anstyle::AnsiColor::Green), line)
                }
                Some('-') if !line.starts_with("---") => {
                    style.paint(fg(anstyle::AnsiColor::Red), line)
                }
                _ => line.to_owned(),
            };
            writeln!(out, "        {painted}")?;
        }
        return Ok(());
    }
    match &change.old {
        Some(old) => writeln!(
            out,
            "      {}: {} → {}",
            change.field,
            show(old),
            show(&change.new)
        ),
        None => writeln!(out, "      {}: {}", change.field, show(&change.new)),
    }
}

/// A text block's change as a unified diff, live side first.
pub(super) fn unified_diff(old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header("live", "configuration")
        .to_string()
}

/// A value as a reviewer reads it: strings quoted, everything else as compact JSON.
pub(super) fn show(value: &Value) -> String {
    match value.as_u64() {
        Some(n) => crate::text::thousands(n),
        None => visible(&value.to_string()).into_owned(),
    }
}

pub(super) fn write_notices(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    if plan.notices.is_empty() {
        return Ok(());
    }
    writeln!(out, "Notes:")?;
    for notice in &plan.notices {
        writeln!(out, "  • {}", describe_notice(notice))?;
    }
    writeln!(out)
}
