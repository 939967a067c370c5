//! `plan --baseline`: which operations a change causes, and which were already due.
//!
//! The same live snapshot is planned twice: against the configuration of the pull request
//! and against the target branch's (the baseline). An operation the baseline would make too
//! is drift that was already there (someone changed TagoIO by hand, or an earlier apply did
//! not finish): reviewers are warned about it, but it is not what they approve. The rest is
//! what the change causes. Operations match when they do the same thing with the same
//! field changes; where they come from in the YAML does not matter.

use std::io::{self, Write};

use serde_json::Value;

use super::markdown::{sections, summary_line, Comment};
use super::text::{write_body, write_notices, Style};
use crate::plan::{Operation, Plan};

pub use crate::plan::Split;

/// Splits `plan` (of the change) by the operations of `baseline` (of the target branch).
pub fn split(plan: &Plan, baseline: &Plan) -> Split {
    let mut unmatched: Vec<Option<Value>> = baseline
        .operations
        .iter()
        .map(|op| Some(identity(op)))
        .collect();
    let mut caused_by_change = Vec::new();
    let mut drift = Vec::new();
    for operation in &plan.operations {
        let wanted = identity(operation);
        let found = unmatched
            .iter_mut()
            .find(|candidate| candidate.as_ref() == Some(&wanted));
        match found {
            Some(slot) => {
                *slot = None;
                drift.push(operation.index);
            }
            None => caused_by_change.push(operation.index),
        }
    }
    Split {
        caused_by_change,
        drift,
        settled: unmatched.iter().flatten().count(),
    }
}

/// What an operation does, without where it sits in a plan or in the YAML.
fn identity(operation: &Operation) -> Value {
    let kind = serde_json::to_value(&operation.kind).unwrap_or(Value::Null);
    let changes = serde_json::to_value(&operation.changes).unwrap_or(Value::Null);
    serde_json::json!([operation.profile, kind, changes])
}

fn pick<'a>(plan: &'a Plan, indices: &[usize]) -> Vec<&'a Operation> {
    plan.operations
        .iter()
        .filter(|op| indices.contains(&op.index))
        .collect()
}

/// The text plan in two parts.
pub fn text(plan: &Plan, split: &Split, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let caused = pick(plan, &split.caused_by_change);
    let drift = pick(plan, &split.drift);
    if caused.is_empty() {
        writeln!(out, "Caused by this change: nothing.")?;
    } else {
        writeln!(out, "Caused by this change ({}):", caused.len())?;
        write_body(&caused, style, out)?;
    }
    if drift.is_empty() {
        writeln!(out, "Drift already there: none.")?;
    } else {
        writeln!(
            out,
            "Drift already there ({}): the target branch's configuration would change these too \
             (TagoIO was changed by hand, or an earlier apply did not finish):",
            drift.len()
        )?;
        write_body(&drift, style, out)?;
    }
    if split.settled > 0 {
        writeln!(
            out,
            "This change also settles {} drift operation(s) the target branch would make.",
            split.settled
        )?;
    }
    write_notices(plan, out)?;
    let summary = plan.summary();
    writeln!(
        out,
        "Plan: {} to add, {} to change, {} to remove ({} caused by this change, {} drift already there).",
        summary.add,
        summary.change,
        summary.remove,
        caused.len(),
        drift.len()
    )
}

/// The markdown comment in two parts; with `max_chars`, cut as [`super::markdown`] says.
pub fn markdown(
    plan: &Plan,
    split: &Split,
    max_chars: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let caused = pick(plan, &split.caused_by_change);
    let drift = pick(plan, &split.drift);
    let mut head = String::from("### tagoform plan\n\n");
    if plan.is_empty() {
        head.push_str("**No changes.** TagoIO matches the configuration.\n");
    } else {
        head.push_str(&summary_line(plan.summary()));
        head.push_str(&format!(
            "\n{} caused by this change, {} drift already there.\n",
            caused.len(),
            drift.len()
        ));
    }
    if split.settled > 0 {
        head.push_str(&format!(
            "\nThis change also settles {} drift operation(s) the target branch would make.\n",
            split.settled
        ));
    }
    let mut all = Vec::new();
    let mut caused_sections = sections(&caused, "");
    if let Some(first) = caused_sections.first_mut() {
        first.open = format!(
            "\n#### Caused by this change ({})\n{}",
            caused.len(),
            first.open
        );
    }
    all.extend(caused_sections);
    let mut drift_sections = sections(&drift, "Drift: ");
    if let Some(first) = drift_sections.first_mut() {
        first.open = format!(
            "\n#### ⚠️ Drift already there ({})\n\nThe target branch's configuration would \
             change these too: TagoIO was changed by hand, or an earlier apply did not finish. \
             This change does not cause them; applying it repairs them.\n{}",
            drift.len(),
            first.open
        );
    }
    all.extend(drift_sections);
    let comment = Comment {
        head,
        sections: all,
        notes: super::markdown::notes(plan),
        total: plan.operations.len(),
    };
    let text = match max_chars {
        Some(max) => comment.limited(max),
        None => comment.full(),
    };
    out.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::config::Origin;
    use crate::plan::{FieldChange, OperationKind, ProfileRef};

    fn invite(index: usize, email: &str, line: usize) -> Operation {
        Operation {
            index,
            profile: "acme".into(),
            kind: OperationKind::InviteMember {
                target: ProfileRef {
                    key: "acme".into(),
                    id: Some("aaaaaaaaaaaaaaaaaaaaaaa1".into()),
                },
                email: email.into(),
                reinvite: false,
            },
            changes: vec![],
            origin: Some(Origin {
                file: "tagoform.yaml".into(),
                line,
                column: 7,
            }),
            depends_on: vec![],
        }
    }

    fn plan(operations: Vec<Operation>) -> Plan {
        Plan::new(operations, vec![])
    }

    #[test]
    fn operations_the_baseline_makes_too_are_drift_wherever_they_are_written() {
        let change = plan(vec![
            invite(0, "alice@acme.example", 10),
            invite(1, "bob@acme.example", 11),
            invite(2, "carol@acme.example", 12),
        ]);
        let baseline = plan(vec![
            invite(0, "bob@acme.example", 40),
            invite(1, "dave@acme.example", 41),
            invite(2, "erin@acme.example", 42),
        ]);
        assert_eq!(
            split(&change, &baseline),
            Split {
                caused_by_change: vec![0, 2],
                drift: vec![1],
                settled: 2,
            }
        );
    }

    #[test]
    fn the_same_operation_with_other_field_changes_is_caused_by_the_change() {
        let mut ours = invite(0, "alice@acme.example", 10);
        ours.changes = vec![FieldChange::new(
            "description",
            Some(json!("a")),
            json!("b"),
        )];
        let mut theirs = ours.clone();
        theirs.changes = vec![FieldChange::new(
            "description",
            Some(json!("a")),
            json!("c"),
        )];
        let result = split(&plan(vec![ours]), &plan(vec![theirs]));
        assert_eq!(
            (result.caused_by_change, result.drift, result.settled),
            (vec![0], vec![], 1)
        );
    }

    #[test]
    fn each_baseline_operation_matches_once() {
        let change = plan(vec![
            invite(0, "a@b.example", 1),
            invite(1, "a@b.example", 2),
        ]);
        let baseline = plan(vec![invite(0, "a@b.example", 1)]);
        let result = split(&change, &baseline);
        assert_eq!((result.caused_by_change, result.drift), (vec![1], vec![0]));
    }
}
