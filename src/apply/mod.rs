//! Executing a plan: every operation once, in dependency order, independent ones concurrently.
//!
//! Apply collects, it does not stop: a failed operation is recorded, the operations that
//! depend on it are skipped (and say why), and every independent one still runs. Each step is
//! idempotent against a re-run, so a second `apply` after a failure or a crash finishes the
//! job: a create whose answer was lost looks before it creates again, and "already there" or
//! "already gone" answers count as done.

mod body;
mod execute;
mod groups;
pub mod tokens_file;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, VecDeque};
use std::path::Path;

use futures_util::future::FutureExt;
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::Serialize;

use crate::access::Access;
use crate::api::Secret;
use crate::plan::{Operation, Plan};

pub use execute::ExecuteError;
use execute::Ran;
use groups::Groups;

/// What happened to one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Done,
    Failed(Failure),
    /// Not attempted because an operation it depends on failed or was skipped.
    Skipped {
        because_of: usize,
    },
}

/// Why an operation failed, and whether running again may succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The error and its causes, one after the other.
    pub message: String,
    /// A failure TagoIO may not repeat (no answer, 429, 5xx, the apply lock lost); a
    /// permanent one (a refusal, a resource limit, an unknown email) needs a change first.
    pub transient: bool,
}

impl Failure {
    fn of(error: &ExecuteError) -> Self {
        Failure {
            message: error_chain(error),
            transient: error.is_transient(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The outcome of one operation, in plan order.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub index: usize,
    pub status: Status,
}

/// A token value created by this apply: written to `--tokens-out` and nowhere else. `Debug`
/// is derived: the value is a [`Secret`], which prints `***`.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedToken {
    pub profile: String,
    pub name: String,
    #[serde(serialize_with = "expose")]
    pub token: Secret,
    pub expires: String,
}

fn expose<S: serde::Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose())
}

/// Everything an apply did.
#[derive(Debug, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    pub created_tokens: Vec<CreatedToken>,
}

impl Report {
    /// True when every failure may pass on its own: running again may finish the job.
    pub fn only_transient_failures(&self) -> bool {
        self.outcomes.iter().all(|outcome| match &outcome.status {
            Status::Failed(failure) => failure.transient,
            _ => true,
        })
    }

    /// (done, failed, skipped)
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for outcome in &self.outcomes {
            match outcome.status {
                Status::Done => counts.0 += 1,
                Status::Failed(_) => counts.1 += 1,
                Status::Skipped { .. } => counts.2 += 1,
            }
        }
        counts
    }

    /// True when every operation succeeded.
    pub fn succeeded(&self) -> bool {
        self.outcomes.iter().all(|o| o.status == Status::Done)
    }
}

/// Runs `plan` through `access`, at most `parallelism` operations at a time. `progress` is
/// called as each operation ends, in completion order, so the caller can report as it goes.
/// Each new token value is written to `tokens_out` as soon as it exists, so that a crash
/// later in the run cannot lose it.
///
/// Ready operations start in plan order. Each operation's dependencies are counted once up
/// front, so scheduling costs time in proportion to the plan's size and its dependency
/// edges, not its square (plans of tens of thousands of operations are normal at scale).
/// A created network or connector counts as done, and its dependents start, once one list
/// has checked it, with the rest of its profile's creates of that kind, against copies made
/// by another apply at the same time; a share or an unshare, once one read of its object's
/// share list after all of the object's shares shows it (see `groups`).
pub async fn apply(
    plan: &Plan,
    access: &Access,
    parallelism: usize,
    tokens_out: Option<&Path>,
    progress: impl FnMut(&Operation, &Status),
) -> Report {
    apply_guarded(plan, access, &Unguarded, parallelism, tokens_out, progress).await
}

/// Asked before each operation starts: an apply that no longer holds its lock
/// ([`crate::lock::AccountLock`]) must not write, since another run may be writing.
pub trait Guard: Sync {
    /// `Err` with the reason when no operation may start.
    fn check(&self) -> Result<(), String>;
}

/// No guard: `--lock=false`, or a caller that orders its runs itself.
pub struct Unguarded;

impl Guard for Unguarded {
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

impl Guard for crate::lock::AccountLock {
    fn check(&self) -> Result<(), String> {
        crate::lock::AccountLock::check(self)
    }
}

/// [`apply`], asking `guard` before each operation: once it refuses, every operation not yet
/// started fails without a request, and what depends on them is skipped. Long because the
/// scheduling loop (start what is ready, collect what ends, skip what depended on a
/// failure) reads best as one loop.
pub async fn apply_guarded(
    plan: &Plan,
    access: &Access,
    guard: &dyn Guard,
    parallelism: usize,
    tokens_out: Option<&Path>,
    mut progress: impl FnMut(&Operation, &Status),
) -> Report {
    let executor = execute::Executor::new(access, guard, tokens_out);
    let operations = &plan.operations;
    let mut run = Run {
        graph: Graph::new(operations),
        groups: Groups::new(operations),
        status: BTreeMap::new(),
        checks: VecDeque::new(),
    };
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < parallelism.max(1) {
            if let Some(group) = run.checks.pop_front() {
                if let Some(check) = run.groups.check(group, operations) {
                    let executor = &executor;
                    running.push(
                        async move {
                            let positions = check.positions();
                            Task::Checked(positions, executor.check(&check).await)
                        }
                        .right_future(),
                    );
                }
                continue;
            }
            let Some(position) = run.graph.next_ready() else {
                break;
            };
            let operation = &operations[position];
            let executor = &executor;
            running.push(
                async move { Task::Ran(position, executor.run(operation).await) }.left_future(),
            );
        }
        let Some(task) = running.next().await else {
            run.checks.extend(run.groups.stalled());
            if run.checks.is_empty() {
                break;
            }
            continue;
        };
        match task {
            Task::Ran(position, Ok(Ran::Created(id) | Ran::Sent(id)))
                if run.groups.is_member(position) =>
            {
                run.checks.extend(run.groups.ran(position, id));
            }
            Task::Ran(position, Ok(Ran::Sent(_))) => {
                // Every share is a group member; one that is not was never confirmed.
                let outcome = Status::Failed(Failure {
                    message: "the share was sent but its share list was never read".into(),
                    transient: true,
                });
                run.finish(operations, position, outcome, &mut progress);
            }
            Task::Ran(position, result) => {
                let outcome = match result {
                    Ok(_) => Status::Done,
                    Err(error) => {
                        run.checks.extend(run.groups.settled(position));
                        Status::Failed(Failure::of(&error))
                    }
                };
                run.finish(operations, position, outcome, &mut progress);
            }
            Task::Checked(created, result) => {
                // One result per create; a short answer fails the rest, never a panic.
                let mut results: Vec<Option<Result<(), ExecuteError>>> = match result {
                    Ok(results) => results.into_iter().map(Some).collect(),
                    Err(error) => {
                        let failed = Status::Failed(Failure::of(&error));
                        for position in created {
                            run.finish(operations, position, failed.clone(), &mut progress);
                        }
                        continue;
                    }
                };
                for (at, position) in created.into_iter().enumerate() {
                    let outcome = match results.get_mut(at).and_then(Option::take) {
                        Some(Ok(())) => Status::Done,
                        Some(Err(error)) => Status::Failed(Failure::of(&error)),
                        None => Status::Failed(Failure {
                            message: "the check after the write gave no answer".into(),
                            transient: true,
                        }),
                    };
                    run.finish(operations, position, outcome, &mut progress);
                }
            }
        }
    }
    drop(running);
    let mut status = run.status;
    Report {
        outcomes: operations
            .iter()
            .map(|op| Outcome {
                index: op.index,
                status: status.remove(&op.index).unwrap_or(Status::Skipped {
                    because_of: op.index,
                }),
            })
            .collect(),
        created_tokens: executor.into_created_tokens(),
    }
}

/// What a running task reports: an operation, or the check of a group (the positions it
/// settles, and one result for each).
enum Task {
    Ran(usize, Result<Ran, ExecuteError>),
    Checked(
        Vec<usize>,
        Result<Vec<Result<(), ExecuteError>>, ExecuteError>,
    ),
}

/// The state of one apply: what may start, what is checked together, what happened.
struct Run {
    graph: Graph,
    groups: Groups,
    status: BTreeMap<usize, Status>,
    /// Groups ready for their check.
    checks: VecDeque<usize>,
}

impl Run {
    /// Records an operation's outcome and starts or skips what depends on it.
    fn finish(
        &mut self,
        operations: &[Operation],
        position: usize,
        outcome: Status,
        progress: &mut impl FnMut(&Operation, &Status),
    ) {
        let operation = &operations[position];
        progress(operation, &outcome);
        let done = outcome == Status::Done;
        self.status.insert(operation.index, outcome);
        if done {
            self.graph.finished(position);
            return;
        }
        let skipped = self
            .graph
            .skip_dependents(position, operations, &mut self.status, progress);
        for at in skipped {
            self.checks.extend(self.groups.settled(at));
        }
    }
}

/// The dependency graph by position in the plan: what each operation waits for, what waits
/// for it, and what is ready to start.
struct Graph {
    waiting: Vec<usize>,
    dependents: Vec<Vec<usize>>,
    started: Vec<bool>,
    ready: BinaryHeap<Reverse<usize>>,
}

impl Graph {
    fn new(operations: &[Operation]) -> Self {
        let position: HashMap<usize, usize> = operations
            .iter()
            .enumerate()
            .map(|(position, op)| (op.index, position))
            .collect();
        let mut waiting = vec![0; operations.len()];
        let mut dependents = vec![Vec::new(); operations.len()];
        for (at, operation) in operations.iter().enumerate() {
            for dependency in &operation.depends_on {
                waiting[at] += 1;
                // A dependency outside the plan never finishes: the operation never starts
                // and is reported as skipped.
                if let Some(&before) = position.get(dependency) {
                    dependents[before].push(at);
                }
            }
        }
        let ready = (0..operations.len())
            .filter(|&at| waiting[at] == 0)
            .map(Reverse)
            .collect();
        Graph {
            waiting,
            dependents,
            started: vec![false; operations.len()],
            ready,
        }
    }

    fn next_ready(&mut self) -> Option<usize> {
        while let Some(Reverse(at)) = self.ready.pop() {
            if !self.started[at] {
                self.started[at] = true;
                return Some(at);
            }
        }
        None
    }

    fn finished(&mut self, position: usize) {
        for &dependent in &self.dependents[position] {
            self.waiting[dependent] -= 1;
            if self.waiting[dependent] == 0 {
                self.ready.push(Reverse(dependent));
            }
        }
    }

    /// Marks as skipped every operation that waits, directly or not, on the failed one at
    /// `position`, naming the first of its dependencies that did not succeed; returns their
    /// positions.
    fn skip_dependents(
        &mut self,
        position: usize,
        operations: &[Operation],
        status: &mut BTreeMap<usize, Status>,
        progress: &mut impl FnMut(&Operation, &Status),
    ) -> Vec<usize> {
        let mut skipped_positions = Vec::new();
        let mut candidates: BTreeSet<usize> = self.dependents[position].iter().copied().collect();
        while let Some(at) = candidates.pop_first() {
            if self.started[at] {
                continue;
            }
            let operation = &operations[at];
            let blocker = operation.depends_on.iter().find(|d| {
                matches!(
                    status.get(d),
                    Some(Status::Failed(_)) | Some(Status::Skipped { .. })
                )
            });
            let Some(&because_of) = blocker else {
                continue;
            };
            self.started[at] = true;
            let skipped = Status::Skipped { because_of };
            progress(operation, &skipped);
            status.insert(operation.index, skipped);
            skipped_positions.push(at);
            candidates.extend(self.dependents[at].iter().copied());
        }
        skipped_positions
    }
}

/// An error and its causes on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
