//! Networks and connectors made by one apply, checked against concurrent copies in groups.
//!
//! Each object an apply creates is checked against copies another apply made at the same time
//! (see [`super::execute::Executor::keep_earliest_objects`]). One list per profile and kind,
//! after all of that profile's creates of that kind, does for all of them what one list per
//! create did: a create counts as done, and its dependents start, only once its group is
//! checked. So no member of a group may wait for another member, directly or through other
//! operations; when a plan would make one, every create is checked on its own instead.

use std::collections::{HashMap, VecDeque};

use crate::live::{Id, ObjectKind};
use crate::plan::{ObjectRef, Operation, OperationKind, ProfileRef};

/// One profile's creates of one kind, checked with one list.
struct Group {
    members: Vec<usize>,
    /// Members that have not yet been created, failed or been skipped.
    unsettled: usize,
    /// Members created and waiting for the check, with the id each made.
    created: Vec<(usize, Id)>,
    checked: bool,
}

/// The check a group needs: where, what kind, and which creates.
pub struct Check<'p> {
    pub target: &'p ProfileRef,
    pub kind: ObjectKind,
    /// Positions in the plan, with the object and the id each create made.
    pub created: Vec<(usize, &'p ObjectRef, Id)>,
}

/// The groups of a plan's object creates, by position in the plan.
pub struct Groups {
    of: Vec<Option<usize>>,
    groups: Vec<Group>,
}

impl Groups {
    pub fn new(operations: &[Operation]) -> Self {
        let shared = Groups::build(operations, |target, kind| (target.key.clone(), kind));
        if shared.can_wait_for_each_other(operations) {
            shared
        } else {
            let mut next = 0usize;
            Groups::build(operations, |_, _| {
                next += 1;
                (next.to_string(), ObjectKind::Network)
            })
        }
    }

    /// Groups the object creates by `key`.
    fn build(
        operations: &[Operation],
        mut key: impl FnMut(&ProfileRef, ObjectKind) -> (String, ObjectKind),
    ) -> Self {
        let mut keys: HashMap<(String, ObjectKind), usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut of = vec![None; operations.len()];
        for (position, operation) in operations.iter().enumerate() {
            let OperationKind::CreateObject { target, object, .. } = &operation.kind else {
                continue;
            };
            let key = key(target, object.kind);
            let group = *keys.entry(key).or_insert_with(|| {
                groups.push(Group {
                    members: Vec::new(),
                    unsettled: 0,
                    created: Vec::new(),
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

    /// Records the id a member made; returns its group when that is now ready to check.
    pub fn created(&mut self, position: usize, id: Id) -> Option<usize> {
        let group = self.of.get(position).copied().flatten()?;
        self.groups[group].created.push((position, id));
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
        (entry.unsettled == 0 && !entry.created.is_empty() && !entry.checked).then_some(group)
    }

    /// Groups holding creates that will never be checked otherwise, because some member can
    /// no longer run (a dependency outside the plan): they are checked with what they have.
    pub fn stalled(&self) -> Vec<usize> {
        (0..self.groups.len())
            .filter(|&g| !self.groups[g].checked && !self.groups[g].created.is_empty())
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
        let OperationKind::CreateObject { target, object, .. } = &operations[first].kind else {
            return None;
        };
        let mut created = Vec::with_capacity(entry.created.len());
        for (position, id) in std::mem::take(&mut entry.created) {
            if let OperationKind::CreateObject { object, .. } = &operations[position].kind {
                created.push((position, object, id));
            }
        }
        Some(Check {
            target,
            kind: object.kind,
            created,
        })
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
        assert_eq!(groups.created(0, "a".into()), None);
        assert_eq!(groups.created(1, "b".into()), Some(0));
        let check = groups.check(0, &plan).unwrap();
        assert_eq!(check.kind, ObjectKind::Network);
        let created: Vec<(usize, &str)> = check
            .created
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
        assert_eq!(groups.created(0, "a".into()), None);
        assert_eq!(groups.settled(1), Some(0));
        let check = groups.check(0, &plan).unwrap();
        assert_eq!(check.created.len(), 1);
        assert_eq!(check.created[0].0, 0);
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
        assert_eq!(groups.created(0, "a".into()), Some(0));
        assert_eq!(groups.created(1, "b".into()), Some(1));
    }
}
