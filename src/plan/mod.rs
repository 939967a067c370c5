//! The plan: a pure function from (desired state, live snapshot, now) to ordered operations.
//!
//! Nothing here does I/O, awaits, or knows about HTTP: [`plan`] takes two plain values and a
//! clock reading and returns data. That is what makes a plan reviewable (the same inputs give
//! byte-identical plans), testable with plain values, and savable (`plan --out`, `apply --plan`
//! share the one serializable [`Plan`] type).

mod billing;
mod diff;
mod identity;
mod objects;
mod operation;
mod order;
pub mod safety;
mod saved;
mod team;
mod tokens;
mod touched;
mod union;

pub use billing::{over_limits, OverLimit, OverLimitTable};
pub use diff::plan;
pub use identity::{IdentityError, PlanError};
pub use objects::without_nulls;
pub use operation::{
    Action, AllocationEntry, FieldChange, NetworkRef, Notice, ObjectRef, Operation, OperationKind,
    Plan, ProfileRef, PublicationStatus, Summary, TokenStamp, ACCOUNT, FORMAT_VERSION,
};
pub use saved::{
    check_saved, differences, restrict, stale_operations, Difference, SavedPlan, SavedPlanError,
    Split, SAVED_FORMAT_VERSION,
};
pub use tokens::add_period;
pub use touched::touched;
pub use union::union;

#[cfg(test)]
mod billing_tests;
#[cfg(test)]
mod objects_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tokens_tests;
