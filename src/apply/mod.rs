//! Executing a plan: every operation once, in dependency order, independent ones concurrently.
//!
//! Apply collects, it does not stop: a failed operation is recorded, the operations that
//! depend on it are skipped (and say why), and every independent one still runs. Each step is
//! idempotent against a re-run, so a second `apply` after a failure or a crash finishes the
//! job: a create whose answer was lost looks before it creates again, and "already there" or
//! "already gone" answers count as done.

mod body;
mod execute;
pub mod tokens_file;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::Serialize;

use crate::api::Secret;
use crate::live::Access;
use crate::plan::{Operation, Plan};

pub use execute::ExecuteError;

/// What happened to one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Done,
    Failed(String),
    /// Not attempted because an operation it depends on failed or was skipped.
    Skipped {
        because_of: usize,
    },
}

/// The outcome of one operation, in plan order.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub index: usize,
    pub status: Status,
}

/// A token value created by this apply: written to `--tokens-out` and nowhere else.
#[derive(Clone, Serialize)]
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

impl fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedToken")
            .field("profile", &self.profile)
            .field("name", &self.name)
            .field("token", &self.token)
            .field("expires", &self.expires)
            .finish()
    }
}

/// Everything an apply did.
#[derive(Debug, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    pub created_tokens: Vec<CreatedToken>,
}

impl Report {
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
pub async fn apply(
    plan: &Plan,
    access: &Access,
    parallelism: usize,
    tokens_out: Option<&Path>,
    mut progress: impl FnMut(&Operation, &Status),
) -> Report {
    let executor = execute::Executor::new(access, tokens_out);
    let operations = &plan.operations;
    let mut status: BTreeMap<usize, Status> = BTreeMap::new();
    let mut started = vec![false; operations.len()];
    let mut running = FuturesUnordered::new();
    loop {
        skip_blocked(operations, &mut status, &mut started, &mut progress);
        for operation in operations {
            if running.len() >= parallelism.max(1) {
                break;
            }
            let ready = !started[operation.index]
                && operation
                    .depends_on
                    .iter()
                    .all(|d| status.get(d) == Some(&Status::Done));
            if ready {
                started[operation.index] = true;
                let executor = &executor;
                running.push(async move { (operation, executor.run(operation).await) });
            }
        }
        let Some((operation, result)) = running.next().await else {
            break;
        };
        let outcome = match result {
            Ok(()) => Status::Done,
            Err(error) => Status::Failed(error_chain(&error)),
        };
        progress(operation, &outcome);
        status.insert(operation.index, outcome);
    }
    drop(running);
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

/// Marks as skipped every operation that waits on a failed or skipped one.
fn skip_blocked(
    operations: &[Operation],
    status: &mut BTreeMap<usize, Status>,
    started: &mut [bool],
    progress: &mut impl FnMut(&Operation, &Status),
) {
    loop {
        let mut changed = false;
        for operation in operations {
            if started[operation.index] {
                continue;
            }
            let blocker = operation.depends_on.iter().find(|d| {
                matches!(
                    status.get(d),
                    Some(Status::Failed(_)) | Some(Status::Skipped { .. })
                )
            });
            if let Some(&because_of) = blocker {
                started[operation.index] = true;
                let skipped = Status::Skipped { because_of };
                progress(operation, &skipped);
                status.insert(operation.index, skipped);
                changed = true;
            }
        }
        if !changed {
            return;
        }
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
