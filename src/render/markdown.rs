//! The plan as a pull-request comment: a summary line, removals first, then a collapsible
//! section per profile. Decoder changes appear as `diff` blocks.
//!
//! A comment has a size limit (65,536 characters on GitHub), so [`render_limited`] cuts a
//! long plan to fit: the summary still counts every operation, operations are kept in order
//! (in full, or as one line when their details do not fit), and a closing line counts what
//! was left out and points at the whole plan (the build artifact).

use std::io::{self, Write};

use serde_json::Value;

use super::describe::{describe, describe_notice, group_order, is_about_the_profile, symbol};
use super::text::{show, unified_diff};
use super::visible;
use crate::plan::ACCOUNT;
use crate::plan::{Action, Operation, Plan, Summary};

/// Writes the plan as GitHub-flavoured markdown.
pub fn render(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(Comment::of(plan).full().as_bytes())
}

/// Writes the plan in at most `max_chars` characters (Unicode scalar values, as GitHub
/// counts them), cutting it as the module says when it is longer. A limit too small for even
/// the summary gives the summary and the closing line alone.
pub fn render_limited(plan: &Plan, max_chars: usize, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(Comment::of(plan).limited(max_chars).as_bytes())
}

/// A comment in pieces, so that it can be cut between operations.
pub(super) struct Comment {
    pub head: String,
    pub sections: Vec<Section>,
    pub notes: Vec<String>,
    pub total: usize,
}

/// A heading, its operations, and what closes it.
pub(super) struct Section {
    pub open: String,
    pub operations: Vec<Piece>,
    pub close: String,
}

/// One operation, in full and as a single line.
pub(super) struct Piece {
    pub full: String,
    pub short: String,
    pub action: Action,
}

impl Comment {
    fn of(plan: &Plan) -> Comment {
        let mut head = String::from("### tagoform plan\n\n");
        if plan.is_empty() {
            head.push_str("**No changes.** TagoIO matches the configuration.\n");
        } else {
            head.push_str(&summary_line(plan.summary()));
        }
        let operations: Vec<&Operation> = plan.operations.iter().collect();
        Comment {
            head,
            sections: sections(&operations, ""),
            notes: notes(plan),
            total: plan.operations.len(),
        }
    }

    pub(super) fn full(&self) -> String {
        let mut text = self.head.clone();
        for section in &self.sections {
            text.push_str(&section.open);
            for piece in &section.operations {
                text.push_str(&piece.full);
            }
            text.push_str(&section.close);
        }
        if !self.notes.is_empty() {
            text.push_str("\n#### Notes\n\n");
            for note in &self.notes {
                text.push_str(note);
            }
        }
        text
    }

    pub(super) fn limited(&self, max_chars: usize) -> String {
        let full = self.full();
        if full.chars().count() <= max_chars {
            return full;
        }
        // Room for the closing line, whatever it ends up saying.
        let worst = Summary {
            add: self.total,
            change: self.total,
            remove: self.total,
        };
        let reserve = closing_line(self.total, &worst, self.total * 10, self.notes.len())
            .chars()
            .count();
        let budget = max_chars.saturating_sub(reserve);
        let mut text = self.head.clone();
        let mut used = text.chars().count();
        let mut shown = 0;
        let mut left_out = Summary::default();
        let mut stopped = false;
        for section in &self.sections {
            let fixed = section.open.chars().count() + section.close.chars().count();
            let mut opened = false;
            for piece in &section.operations {
                let opening = if opened { 0 } else { fixed };
                let full = piece.full.chars().count();
                let short = piece.short.chars().count();
                let fits = |size: usize| !stopped && used + opening + size <= budget;
                let chosen = if fits(full) {
                    Some(&piece.full)
                } else if fits(short) {
                    Some(&piece.short)
                } else {
                    stopped = true;
                    None
                };
                match chosen {
                    Some(piece_text) => {
                        if !opened {
                            text.push_str(&section.open);
                            used += section.open.chars().count();
                            // The close is counted now, so it always fits.
                            used += section.close.chars().count();
                            opened = true;
                        }
                        text.push_str(piece_text);
                        used += piece_text.chars().count();
                        shown += 1;
                    }
                    None => left_out.count(piece.action),
                }
            }
            if opened {
                text.push_str(&section.close);
            }
        }
        let mut notes_left_out = 0;
        if !self.notes.is_empty() {
            let heading = "\n#### Notes\n\n";
            let mut opened = false;
            for note in &self.notes {
                let opening = if opened { 0 } else { heading.chars().count() };
                let size = note.chars().count();
                if !stopped && used + opening + size <= budget {
                    if !opened {
                        text.push_str(heading);
                        used += opening;
                        opened = true;
                    }
                    text.push_str(note);
                    used += size;
                } else {
                    stopped = true;
                    notes_left_out += 1;
                }
            }
        }
        text.push_str(&closing_line(shown, &left_out, self.total, notes_left_out));
        text
    }
}

/// The plan's notices as list items.
pub(super) fn notes(plan: &Plan) -> Vec<String> {
    plan.notices
        .iter()
        .map(|notice| format!("- {}\n", escape_markdown(&describe_notice(notice))))
        .collect()
}

/// What a cut comment ends with: how much is shown, what is not, where the rest is.
fn closing_line(shown: usize, left_out: &Summary, total: usize, notes: usize) -> String {
    let missing = total - shown.min(total);
    let mut line =
        format!("\n---\n✂️ **Cut to fit a comment:** {shown} of {total} operations shown");
    if missing > 0 {
        line.push_str(&format!(
            "; not shown: {missing} ({} to add, {} to change, {} to remove)",
            left_out.add, left_out.change, left_out.remove
        ));
    }
    if notes > 0 {
        line.push_str(&format!("; {notes} note(s) not shown"));
    }
    line.push_str(". The whole plan is attached to the build as an artifact.\n");
    line
}

pub(super) fn summary_line(summary: Summary) -> String {
    format!(
        "**Plan: {} to add, {} to change, {} to remove.**\n",
        summary.add, summary.change, summary.remove
    )
}

/// Removals first (with their profile named), then one collapsible section per profile.
/// `title` prefixes the removals heading (empty, or the group a baseline split makes).
pub(super) fn sections(operations: &[&Operation], title: &str) -> Vec<Section> {
    let (removals, rest): (Vec<&Operation>, Vec<&Operation>) = operations
        .iter()
        .partition(|op| op.action() == Action::Delete);
    let mut sections = Vec::new();
    if !removals.is_empty() {
        sections.push(Section {
            open: format!("\n#### ⚠️ {title}Removals ({})\n\n", removals.len()),
            operations: removals.iter().map(|op| piece(op, true)).collect(),
            close: String::new(),
        });
    }
    let mut profiles: Vec<&str> = rest.iter().map(|op| op.profile.as_str()).collect();
    group_order(&mut profiles);
    for profile in profiles {
        let heading = match profile {
            ACCOUNT => "Account".to_owned(),
            _ => format!("Profile <code>{}</code>", escape_html(profile)),
        };
        let operations: Vec<&Operation> = rest
            .iter()
            .copied()
            .filter(|op| op.profile == profile)
            .collect();
        sections.push(Section {
            open: format!(
                "\n<details><summary>{heading}: {} operation{}</summary>\n\n",
                operations.len(),
                if operations.len() == 1 { "" } else { "s" }
            ),
            operations: operations.iter().map(|op| piece(op, false)).collect(),
            close: "\n</details>\n".to_owned(),
        });
    }
    sections
}

fn piece(operation: &Operation, with_profile: bool) -> Piece {
    let mut line = format!(
        "- `{}` {}",
        symbol(operation.action()),
        escape_markdown(&describe(operation))
    );
    if with_profile && !is_about_the_profile(operation) {
        line.push_str(&format!(" in profile {}", code(&operation.profile)));
    }
    if let Some(origin) = &operation.origin {
        line.push_str(&format!(" ({})", code(&origin.to_string())));
    }
    line.push('\n');
    let mut full = line.clone();
    let details = details(operation);
    full.push_str(&details);
    let short = if details.is_empty() {
        line
    } else {
        format!(
            "{}  _(details in the artifact)_\n",
            line.trim_end_matches('\n')
        )
    };
    Piece {
        full,
        short,
        action: operation.action(),
    }
}

fn details(operation: &Operation) -> String {
    let mut text = String::new();
    let (blocks, fields): (Vec<_>, Vec<_>) = operation.changes.iter().partition(|change| {
        [change.old.as_ref(), Some(&change.new)]
            .into_iter()
            .flatten()
            .any(|v| v.as_str().is_some_and(|s| s.contains('\n')))
    });
    if !fields.is_empty() {
        text.push_str("  ```\n");
        for change in fields {
            match &change.old {
                Some(old) => text.push_str(&format!(
                    "  {}: {} → {}\n",
                    change.field,
                    show(old),
                    show(&change.new)
                )),
                None => text.push_str(&format!("  {}: {}\n", change.field, show(&change.new))),
            }
        }
        text.push_str("  ```\n");
    }
    for change in blocks {
        let old = change.old.as_ref().and_then(Value::as_str).unwrap_or("");
        let new = change.new.as_str().unwrap_or("");
        text.push_str(&format!("  `{}`:\n", change.field));
        text.push_str("  ```diff\n");
        for line in unified_diff(old, new).lines() {
            text.push_str(&format!(
                "  {}\n",
                visible(line).replace("```", "`\u{200b}``")
            ));
        }
        text.push_str("  ```\n");
    }
    text
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('@', "@\u{2060}")
}

/// `text` as a code span, or escaped text when it holds a backtick (which would end it).
fn code(text: &str) -> String {
    if text.contains('`') || text.contains('\n') {
        escape_markdown(text)
    } else {
        format!("`{text}`")
    }
}

/// `text` as literal markdown: names and values come from a pull request or from TagoIO, so
/// nothing in them may open or close an element, start a link, end a code span, or mention
/// someone. HTML characters become entities, markdown punctuation is escaped with `\`, and
/// an invisible word joiner after `@` keeps GitHub from reading a mention. The text reads the
/// same once rendered (the quoting backticks of a description show as backticks).
pub(super) fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@\u{2060}"),
            // What opens or closes emphasis, code, links, tables and strikethrough. Line-start
            // markers (`#`, `-`, `+`) need nothing: this text never starts a line.
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
