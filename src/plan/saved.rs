//! Saved plans (`plan --out`, `apply --plan`) and `--target`.
//!
//! A saved plan carries the desired state it was computed from, so that `apply --plan` can read
//! the live state again, plan again, and refuse when any saved operation is no longer exactly
//! what the live state calls for: something it touches changed since the plan was reviewed.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::operation::{Operation, OperationKind, Plan, FORMAT_VERSION};
use crate::config::Desired;

/// Version of the saved-plan file format.
pub const SAVED_FORMAT_VERSION: u32 = 3;

/// What `plan --out` writes. Holds no secret: tokens are named, never valued.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SavedPlan {
    pub saved_format_version: u32,
    pub plan: Plan,
    pub targets: Vec<String>,
    pub desired: Desired,
    /// With `plan --baseline`: the operations by cause, so that `tagoform show` prints the
    /// plan as `plan` did. Not used by apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<Split>,
}

/// A plan's operations by cause, as indices into [`Plan::operations`] (`plan --baseline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// What the change causes: the baseline would not do these.
    pub caused_by_change: Vec<usize>,
    /// What the baseline would do as well: drift already there.
    pub drift: Vec<usize>,
    /// Operations the baseline would make that the change no longer needs (it adopts what
    /// is on TagoIO, or removes the configuration asking for it).
    pub settled: usize,
}

/// The saved operations that a fresh plan no longer contains as they are: the objects they
/// touch changed since the plan was made.
pub fn stale_operations<'a>(saved: &'a Plan, fresh: &Plan) -> Vec<&'a Operation> {
    saved
        .operations
        .iter()
        .filter(|op| {
            !fresh.operations.iter().any(|new| {
                new.kind == op.kind && new.changes == op.changes && new.profile == op.profile
            })
        })
        .collect()
}

/// How a fresh plan differs from a saved one, operation by operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Difference<'p> {
    /// Saved, and called for now with other field changes.
    Changed(&'p Operation),
    /// Saved, and no longer called for.
    Gone(&'p Operation),
    /// Called for now, and not in the saved plan.
    New(&'p Operation),
}

/// Every difference between the `saved` plan and a `fresh` one: none when the saved plan may
/// be applied as it was reviewed.
pub fn differences<'p>(saved: &'p Plan, fresh: &'p Plan) -> Vec<Difference<'p>> {
    let gone = stale_operations(saved, fresh);
    let new = stale_operations(fresh, saved);
    // The same operation with other field changes is one difference, not two.
    let same = |a: &Operation, b: &Operation| a.kind == b.kind && a.profile == b.profile;
    let mut differences: Vec<Difference<'p>> = gone
        .iter()
        .map(|&operation| {
            if new.iter().any(|now| same(now, operation)) {
                Difference::Changed(operation)
            } else {
                Difference::Gone(operation)
            }
        })
        .collect();
    differences.extend(
        new.iter()
            .filter(|now| !gone.iter().any(|op| same(op, now)))
            .map(|&operation| Difference::New(operation)),
    );
    differences
}

/// Why a saved plan's file cannot be applied, whatever TagoIO holds now.
#[derive(Debug, thiserror::Error)]
pub enum SavedPlanError {
    #[error(
        "is a saved plan of format {saved} (plan format {plan}); this tagoform applies format \
         {SAVED_FORMAT_VERSION} (plan format {FORMAT_VERSION}) only: plan again with it; \
         nothing was changed"
    )]
    Format { saved: u32, plan: u32 },
    #[error(
        "holds a configuration that is not valid, so it was not made by `tagoform plan --out`; \
         nothing was changed:\n  {}",
        .0.join("\n  ")
    )]
    InvalidConfiguration(Vec<String>),
}

/// Checks what a saved plan's file holds: this version's formats, and a configuration as
/// valid as YAML would have to be (the file is anyone's to edit).
pub fn check_saved(saved: &SavedPlan) -> Result<(), SavedPlanError> {
    if saved.saved_format_version != SAVED_FORMAT_VERSION
        || saved.plan.format_version != FORMAT_VERSION
    {
        return Err(SavedPlanError::Format {
            saved: saved.saved_format_version,
            plan: saved.plan.format_version,
        });
    }
    let errors: Vec<String> = crate::config::check_model(&saved.desired)
        .into_iter()
        .filter(|diagnostic| diagnostic.is_error())
        .map(|diagnostic| crate::text::visible(&diagnostic.message).into_owned())
        .collect();
    if !errors.is_empty() {
        return Err(SavedPlanError::InvalidConfiguration(errors));
    }
    Ok(())
}

/// Keeps the operations about the given keys (profiles, networks, connectors, share
/// recipients), and every operation they depend on. The account's allocation, one
/// operation for all profiles, keeps the targeted profiles' entries only.
pub fn restrict(plan: Plan, targets: &[String]) -> Plan {
    if targets.is_empty() {
        return plan;
    }
    let plan = only_targeted_allocation(plan, targets);
    let mut keep: BTreeSet<usize> = plan
        .operations
        .iter()
        .filter(|op| keys(op).iter().any(|key| targets.iter().any(|t| t == key)))
        .map(|op| op.index)
        .collect();
    let mut pending: Vec<usize> = keep.iter().copied().collect();
    while let Some(index) = pending.pop() {
        for &dependency in &plan.operations[index].depends_on {
            if keep.insert(dependency) {
                pending.push(dependency);
            }
        }
    }
    let renumber: BTreeMap<usize, usize> = keep
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, new))
        .collect();
    let operations = plan
        .operations
        .into_iter()
        .filter_map(|mut op| {
            op.index = *renumber.get(&op.index)?;
            op.depends_on = op
                .depends_on
                .iter()
                .filter_map(|d| renumber.get(d).copied())
                .collect();
            Some(op)
        })
        .collect();
    Plan { operations, ..plan }
}

/// The configuration keys an operation is about.
pub(super) fn keys(operation: &Operation) -> Vec<&str> {
    let mut keys = vec![operation.profile.as_str()];
    match &operation.kind {
        OperationKind::CreateObject { object, .. }
        | OperationKind::UpdateObject { object, .. }
        | OperationKind::DeleteObject { object, .. } => keys.push(&object.key),
        OperationKind::Share {
            object, recipient, ..
        } => {
            keys.push(&object.key);
            keys.push(&recipient.key);
        }
        OperationKind::Unshare {
            object,
            recipient_key,
            ..
        } => {
            keys.push(&object.key);
            keys.extend(recipient_key.as_deref());
        }
        OperationKind::Allocate { entries } => {
            keys.extend(entries.iter().map(|e| e.target.key.as_str()));
        }
        _ => {}
    }
    keys
}

/// The account's allocation carries only the targeted profiles' entries, and depends only on
/// operations about targeted keys (a profile it allocates to is created first; a deletion of
/// an untargeted profile is not pulled in). Without entries left, it is gone.
fn only_targeted_allocation(mut plan: Plan, targets: &[String]) -> Plan {
    let targeted = |key: &str| targets.iter().any(|t| t == key);
    let about_targets: Vec<bool> = plan
        .operations
        .iter()
        .map(|op| keys(op).iter().any(|key| targeted(key)))
        .collect();
    for operation in &mut plan.operations {
        let OperationKind::Allocate { entries } = &mut operation.kind else {
            continue;
        };
        entries.retain(|entry| targeted(&entry.target.key));
        operation.changes.retain(|change| {
            change
                .field
                .rsplit_once('.')
                .is_some_and(|(key, _)| targeted(key))
        });
        operation
            .depends_on
            .retain(|&d| about_targets.get(d).copied().unwrap_or(false));
    }
    plan
}
