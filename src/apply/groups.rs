//! Operations whose outcome waits for one read shared with others of their group.
//!
//! - **Creates.** Each network or connector an apply creates is checked against copies
//!   another apply made at the same time (see
//!   [`super::execute::Executor::keep_earliest_objects`]). One list per profile and kind,
//!   after all of that profile's creates of that kind, does for all of them what one list per
//!   create did.
//! - **Shares.** A share or an unshare counts as done only once the object's share list shows
//!   it (`api::share`). One read of the list, after all of the object's shares and unshares,
//!   settles them all.
//!
//! A member counts as done, and its dependents start, only once its group is checked. So no
//! member of a group may wait for another member, directly or through other operations; when
//! a plan would make one, every member is checked on its own instead.

use std::collections::{HashMap, VecDeque};

use crate::api::ShareAction;
use crate::live::{Id, ObjectKind};
use crate::plan::{ObjectRef, Operation, OperationKind, ProfileRef};

/// One group: its members and what they reported so far.
struct Group {
    members: Vec<usize>,
    /// Members that have not yet run, failed or been skipped.
    unsettled: usize,
    /// Members that ran and wait for the check: the id each create made, or the recipient
    /// id of each share or unshare.
    ran: Vec<(usize, Id)>,
    checked: bool,
}

/// The check a group needs.
pub enum Check<'p> {
    /// One list of `target`'s objects of `kind`: positions in the plan, with the object and
    /// the id each create made.
    Copies {
        target: &'p ProfileRef,
        kind: ObjectKind,
        created: Vec<(usize, &'p ObjectRef, Id)>,
    },
    /// One read of `object`'s share list: positions in the plan, with the action and the
    /// recipient id each sent.
    Shares {
        target: &'p ProfileRef,
        object: &'p ObjectRef,
        sent: Vec<(usize, ShareAction, Id)>,
    },
}

impl Check<'_> {
    /// The positions in the plan this check settles, in the order of its results.
    pub fn positions(&self) -> Vec<usize> {
        match self {
            Check::Copies { created, .. } => created.iter().map(|(at, _, _)| *at).collect(),
            Check::Shares { sent, .. } => sent.iter().map(|(at, _, _)| *at).collect(),
        }
    }
}

/// What groups operations: creates by (profile, kind), shares by object.
#[derive(Hash, PartialEq, Eq)]
enum Key {
    Creates(String, ObjectKind),
    Shares(String, ObjectKind, String),
    /// A member on its own (a plan whose members would wait for each other).
    Alone(usize),
}

/// The group key of an operation that has one.
fn key_of(operation: &Operation) -> Option<Key> {
    match &operation.kind {
        OperationKind::CreateObject { target, object, .. } => {
            Some(Key::Creates(target.key.clone(), object.kind))
        }
        OperationKind::Share { target, object, .. }
        | OperationKind::Unshare { target, object, .. } => Some(Key::Shares(
            target.key.clone(),
            object.kind,
            object.key.clone(),
        )),
        _ => None,
    }
}

/// The groups of a plan's object creates and shares, by position in the plan.
pub struct Groups {
    of: Vec<Option<usize>>,
    groups: Vec<Group>,
}

impl Groups {
    pub fn new(operations: &[Operation]) -> Self {
        let shared = Groups::build(operations, |_, key| key);
        if shared.can_wait_for_each_other(operations) {
            shared
        } else {
            Groups::build(operations, |position, _| Key::Alone(position))
        }
    }

    /// Groups the operations that have a key by `key`.
    fn build(operations: &[Operation], key: impl Fn(usize, Key) -> Key) -> Self {
        let mut keys: HashMap<Key, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut of = vec![None; operations.len()];
        for (position, operation) in operations.iter().enumerate() {
            let Some(found) = key_of(operation) else {
                continue;
            };
            let group = *keys.entry(key(position, found)).or_insert_with(|| {
                groups.push(Group {
                    members: Vec::new(),
                    unsettled: 0,
                    ran: Vec::new(),
                    checked: false,
                });
                groups.len() - 1
            });
            groups[group].members.push(position);
            groups[group].unsettled += 1;
            of[position] = Some(group);
        }
        Groups { of, groups }
    }

    /// True when the plan, with each member's dependents waiting for its whole group, has no
    /// cycle (Kahn's algorithm over the operations and the groups).
    fn can_wait_for_each_other(&self, operations: &[Operation]) -> bool {
        let count = operations.len();
        let node = |position: usize| match self.of[position] {
            Some(group) => count + group,
            None => position,
        };
        let position_of: HashMap<usize, usize> = operations
            .iter()
            .enumerate()
            .map(|(position, op)| (op.index, position))
            .collect();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); count + self.groups.len()];
        let mut waiting = vec![0usize; count + self.groups.len()];
        for (position, operation) in operations.iter().enumerate() {
            if let Some(group) = self.of[position] {
                edges[position].push(count + group);
                waiting[count + group] += 1;
            }
            for dependency in &operation.depends_on {
                if let Some(&before) = position_of.get(dependency) {
                    edges[node(before)].push(position);
                    waiting[position] += 1;
                }
            }
        }
        let mut ready: VecDeque<usize> = (0..waiting.len()).filter(|&n| waiting[n] == 0).collect();
        let mut seen = 0;
        while let Some(at) = ready.pop_front() {
            seen += 1;
            for &next in &edges[at] {
                waiting[next] -= 1;
                if waiting[next] == 0 {
                    ready.push_back(next);
                }
            }
        }
        seen == waiting.len()
    }

    /// True for an operation whose outcome waits for its group's check.
    pub fn is_member(&self, position: usize) -> bool {
        self.of.get(position).is_some_and(Option::is_some)
    }

    /// Records that a member ran, with the id it made or sent for; returns its group when
    /// that is now ready to check.
    pub fn ran(&mut self, position: usize, id: Id) -> Option<usize> {
        let group = self.of.get(position).copied().flatten()?;
        self.groups[group].ran.push((position, id));
        self.settle(group)
    }

    /// A member failed or was skipped; returns its group when that is now ready to check.
    pub fn settled(&mut self, position: usize) -> Option<usize> {
        let group = self.of.get(position).copied().flatten()?;
        self.settle(group)
    }

    fn settle(&mut self, group: usize) -> Option<usize> {
        let entry = &mut self.groups[group];
        entry.unsettled = entry.unsettled.saturating_sub(1);
        (entry.unsettled == 0 && !entry.ran.is_empty() && !entry.checked).then_some(group)
    }

    /// Groups holding members that will never be checked otherwise, because some member can
    /// no longer run (a dependency outside the plan): they are checked with what they have.
    pub fn stalled(&self) -> Vec<usize> {
        (0..self.groups.len())
            .filter(|&g| !self.groups[g].checked && !self.groups[g].ran.is_empty())
            .collect()
    }

    /// Takes what `group`'s check needs; each group is checked once.
    pub fn check<'p>(&mut self, group: usize, operations: &'p [Operation]) -> Option<Check<'p>> {
        let entry = self.groups.get_mut(group)?;
        if entry.checked {
            return None;
        }
        entry.checked = true;
        let first = *entry.members.first()?;
        let ran = std::mem::take(&mut entry.ran);
        match &operations[first].kind {
            OperationKind::CreateObject { target, object, .. } => {
                let mut created = Vec::with_capacity(ran.len());
                for (position, id) in ran {
                    if let OperationKind::CreateObject { object, .. } = &operations[position].kind {
                        created.push((position, object, id));
                    }
                }
                Some(Check::Copies {
                    target,
                    kind: object.kind,
                    created,
                })
            }
            OperationKind::Share { target, object, .. }
            | OperationKind::Unshare { target, object, .. } => {
                let mut sent = Vec::with_capacity(ran.len());
                for (position, id) in ran {
                    match &operations[position].kind {
                        OperationKind::Share { .. } => {
                            sent.push((position, ShareAction::Share, id))
                        }
                        OperationKind::Unshare { .. } => {
                            sent.push((position, ShareAction::Unshare, id))
                        }
                        _ => {}
                    }
                }
                Some(Check::Shares {
                    target,
                    object,
                    sent,
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(index: usize, kind: ObjectKind, key: &str, depends_on: Vec<usize>) -> Operation {
        Operation {
            index,
            profile: "acme".into(),
            kind: OperationKind::CreateObject {
                target: ProfileRef {
                    key: "acme".into(),
                    id: Some("6b8541a02591efbc87000001".into()),
                },
                object: ObjectRef {
                    kind,
                    key: key.into(),
                    name: key.into(),
                    id: None,
                },
                networks: Vec::new(),
            },
            changes: Vec::new(),
            origin: None,
            depends_on,
        }
    }

    #[test]
    fn one_profiles_creates_of_one_kind_are_checked_together() {
        let plan = [
            create(0, ObjectKind::Network, "net-a", vec![]),
            create(1, ObjectKind::Network, "net-b", vec![]),
            create(2, ObjectKind::Connector, "sensor", vec![0, 1]),
        ];
        let mut groups = Groups::new(&plan);
        assert_eq!(groups.ran(0, "a".into()), None);
        assert_eq!(groups.ran(1, "b".into()), Some(0));
        let Some(Check::Copies { kind, created, .. }) = groups.check(0, &plan) else {
            panic!("a group of creates is checked for copies");
        };
        assert_eq!(kind, ObjectKind::Network);
        let created: Vec<(usize, &str)> = created
            .iter()
            .map(|(position, _, id)| (*position, id.as_str()))
            .collect();
        assert_eq!(created, [(0, "a"), (1, "b")]);
        // Checked once only.
        assert!(groups.check(0, &plan).is_none());
    }

    #[test]
    fn a_failed_member_leaves_the_others_to_be_checked() {
        let plan = [
            create(0, ObjectKind::Network, "net-a", vec![]),
            create(1, ObjectKind::Network, "net-b", vec![]),
        ];
        let mut groups = Groups::new(&plan);
        assert_eq!(groups.ran(0, "a".into()), None);
        assert_eq!(groups.settled(1), Some(0));
        let check = groups.check(0, &plan).unwrap();
        assert_eq!(check.positions(), [0]);
    }

    #[test]
    fn a_group_whose_members_all_failed_needs_no_check() {
        let plan = [create(0, ObjectKind::Connector, "sensor", vec![])];
        let mut groups = Groups::new(&plan);
        assert_eq!(groups.settled(0), None);
        assert!(groups.stalled().is_empty());
    }

    #[test]
    fn members_that_wait_for_each_other_are_checked_one_by_one() {
        // net-b waits for net-a: held together, neither would ever finish.
        let plan = [
            create(0, ObjectKind::Network, "net-a", vec![]),
            create(1, ObjectKind::Network, "net-b", vec![0]),
        ];
        let mut groups = Groups::new(&plan);
        assert_eq!(groups.ran(0, "a".into()), Some(0));
        assert_eq!(groups.ran(1, "b".into()), Some(1));
    }

    fn share(index: usize, object: &str, recipient: &str) -> Operation {
        let mut operation = create(index, ObjectKind::Connector, object, vec![]);
        let OperationKind::CreateObject { target, object, .. } = operation.kind else {
            unreachable!()
        };
        operation.kind = OperationKind::Share {
            target,
            object,
            recipient: ProfileRef {
                key: recipient.into(),
                id: Some(recipient.into()),
            },
        };
        operation
    }

    #[test]
    fn an_objects_shares_and_unshares_are_settled_by_one_read_of_its_list() {
        let mut unshare = share(1, "sensor", "p2");
        let OperationKind::Share { target, object, .. } = unshare.kind else {
            unreachable!()
        };
        unshare.kind = OperationKind::Unshare {
            target,
            object,
            recipient_key: None,
            recipient_id: "p2".into(),
        };
        let plan = [share(0, "sensor", "p1"), unshare, share(2, "other", "p1")];
        let mut groups = Groups::new(&plan);
        assert_eq!(groups.ran(0, "p1".into()), None);
        assert_eq!(
            groups.ran(2, "p1".into()),
            Some(1),
            "another object: its own group"
        );
        assert_eq!(groups.ran(1, "p2".into()), Some(0));
        let Some(Check::Shares { object, sent, .. }) = groups.check(0, &plan) else {
            panic!("a group of shares is checked by its share list");
        };
        assert_eq!(object.key, "sensor");
        let sent: Vec<(usize, ShareAction, &str)> = sent
            .iter()
            .map(|(at, action, id)| (*at, *action, id.as_str()))
            .collect();
        assert_eq!(
            sent,
            [
                (0, ShareAction::Share, "p1"),
                (1, ShareAction::Unshare, "p2")
            ]
        );
    }

    #[test]
    fn shares_that_wait_for_each_other_are_settled_one_by_one() {
        let mut second = share(1, "sensor", "p2");
        second.depends_on = vec![0];
        let plan = [share(0, "sensor", "p1"), second];
        let mut groups = Groups::new(&plan);
        assert_eq!(groups.ran(0, "p1".into()), Some(0));
        assert_eq!(groups.ran(1, "p2".into()), Some(1));
    }
}
