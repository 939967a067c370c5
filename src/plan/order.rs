//! Drafting operations and putting them in review order.
//!
//! Operations are drafted in the order the diff finds them, with dependencies as draft indices.
//! [`Drafts::finish`] then sorts them for the reviewer (removals first, then by profile, kind and
//! name) and renumbers every dependency, so the output is deterministic whatever the drafting
//! order was.

use super::operation::{Action, FieldChange, Notice, Operation, OperationKind, Plan};
use crate::config::Origin;

/// An operation before its final position is known.
pub struct Draft {
    pub profile: String,
    pub kind: OperationKind,
    pub changes: Vec<FieldChange>,
    pub origin: Option<Origin>,
    pub depends_on: Vec<usize>,
}

/// The operations and notices found so far.
#[derive(Default)]
pub struct Drafts {
    drafts: Vec<Draft>,
    notices: Vec<Notice>,
}

impl Drafts {
    /// Adds an operation and returns its draft index, for later dependencies.
    pub fn push(&mut self, draft: Draft) -> usize {
        self.drafts.push(draft);
        self.drafts.len() - 1
    }

    /// Adds a dependency to an already drafted operation.
    pub fn add_dependency(&mut self, draft: usize, on: usize) {
        if let Some(entry) = self.drafts.get_mut(draft) {
            if !entry.depends_on.contains(&on) {
                entry.depends_on.push(on);
            }
        }
    }

    pub fn notice(&mut self, notice: Notice) {
        self.notices.push(notice);
    }

    /// Sorts into review order and renumbers dependencies.
    pub fn finish(self) -> Plan {
        let mut order: Vec<usize> = (0..self.drafts.len()).collect();
        // Each draft's key is made once (its subject is a new string), not at every comparison.
        order.sort_by_cached_key(|&index| (review_key(&self.drafts[index]), index));
        let mut position = vec![0; self.drafts.len()];
        for (new, &old) in order.iter().enumerate() {
            position[old] = new;
        }
        let mut drafts: Vec<Option<Draft>> = self.drafts.into_iter().map(Some).collect();
        let operations = order
            .iter()
            .enumerate()
            .filter_map(|(index, &old)| {
                let draft = drafts[old].take()?;
                let mut depends_on: Vec<usize> =
                    draft.depends_on.iter().map(|&d| position[d]).collect();
                depends_on.sort_unstable();
                depends_on.dedup();
                Some(Operation {
                    index,
                    profile: draft.profile,
                    kind: draft.kind,
                    changes: draft.changes,
                    origin: draft.origin,
                    depends_on,
                })
            })
            .collect();
        Plan::new(operations, self.notices)
    }
}

/// Removals first (a reviewer must see them), then replacements, changes and additions;
/// within each, by profile, kind of object and name.
fn review_key(draft: &Draft) -> (u8, &str, u8, String) {
    (
        action_rank(draft.kind.action()),
        &draft.profile,
        kind_rank(&draft.kind),
        subject(&draft.kind),
    )
}

fn action_rank(action: Action) -> u8 {
    match action {
        Action::Delete => 0,
        Action::Replace => 1,
        Action::Update => 2,
        Action::Create => 3,
    }
}

fn kind_rank(kind: &OperationKind) -> u8 {
    match kind {
        OperationKind::CreateProfile { .. }
        | OperationKind::UpdateProfile { .. }
        | OperationKind::DeleteProfile { .. } => 0,
        OperationKind::InviteMember { .. } | OperationKind::RemoveMember { .. } => 1,
        OperationKind::CreateToken { .. }
        | OperationKind::ReplaceToken { .. }
        | OperationKind::DeleteToken { .. } => 2,
        OperationKind::CreateObject { object, .. }
        | OperationKind::UpdateObject { object, .. }
        | OperationKind::DeleteObject { object, .. } => 3 + object.kind as u8,
        OperationKind::Share { .. } | OperationKind::Unshare { .. } => 5,
        OperationKind::BuyAddon { .. } | OperationKind::RemoveAddon { .. } => 6,
        OperationKind::Allocate { .. } => 7,
    }
}

/// The name an operation is about, for a stable order within a kind.
fn subject(kind: &OperationKind) -> String {
    match kind {
        OperationKind::CreateProfile { target, .. }
        | OperationKind::UpdateProfile { target }
        | OperationKind::DeleteProfile { target, .. } => target.key.clone(),
        OperationKind::InviteMember { email, .. } | OperationKind::RemoveMember { email, .. } => {
            email.to_lowercase()
        }
        OperationKind::CreateToken { name, .. }
        | OperationKind::ReplaceToken { name, .. }
        | OperationKind::DeleteToken { name, .. } => name.clone(),
        OperationKind::CreateObject { object, .. }
        | OperationKind::UpdateObject { object, .. }
        | OperationKind::DeleteObject { object, .. } => object.key.clone(),
        OperationKind::Share {
            object, recipient, ..
        } => format!("{} {}", object.key, recipient.key),
        OperationKind::Unshare {
            object,
            recipient_id,
            ..
        } => format!("{} {}", object.key, recipient_id),
        OperationKind::BuyAddon { addon, .. } | OperationKind::RemoveAddon { addon, .. } => {
            addon.as_str().to_owned()
        }
        OperationKind::Allocate { .. } => String::new(),
    }
}
