//! Saved plans (`plan --out`, `apply --plan`) and `--target`.
//!
//! A saved plan carries the desired state it was computed from, so that `apply --plan` can read
//! the live state again, plan again, and refuse when any saved operation is no longer exactly
//! what the live state calls for: something it touches changed since the plan was reviewed.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::operation::{Operation, OperationKind, Plan};
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
