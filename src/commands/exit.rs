//! Exit codes, in one place: what a pipeline reads. README's "Exit codes" table lists them.

use std::process::ExitCode;

/// Everything went as asked (plan: with `--detailed-exitcode`, no changes).
pub const SUCCESS: u8 = 0;
/// An error: the configuration, the command line, the API, a credential.
pub const ERROR: u8 = 1;
/// `plan --detailed-exitcode`: there are changes to apply.
pub const CHANGES: u8 = 2;
/// `apply`: an operation failed (those that did not depend on it were done).
pub const OPERATION_FAILED: u8 = 3;
/// `apply`: refused before any write (a safety rule, the lock held, a stale or foreign saved
/// plan, no terminal to confirm on, or cancelled); `plan` and `apply`: the configured
/// allocation exceeds the account's limits.
pub const REFUSED: u8 = 4;
/// `apply --verify`: TagoIO still differs from the configuration after a complete apply.
pub const VERIFY_FOUND_CHANGES: u8 = 5;

/// A refusal before any write: exits [`REFUSED`] wherever it is raised.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// The exit code of a command that ended in `error`.
pub fn for_error(error: &anyhow::Error) -> ExitCode {
    let refused = error.chain().any(|cause| {
        cause.downcast_ref::<Refused>().is_some()
            || cause
                .downcast_ref::<crate::plan::PlanError>()
                .is_some_and(|e| !e.over_limits.is_empty() && e.errors.is_empty())
            || matches!(
                cause.downcast_ref::<crate::lock::LockError>(),
                Some(crate::lock::LockError::Held { .. })
            )
    });
    ExitCode::from(if refused { REFUSED } else { ERROR })
}

/// The exit code of an apply that ran: [`OPERATION_FAILED`] when any operation failed or was
/// skipped.
pub fn for_report(report: &crate::apply::Report) -> u8 {
    let (_, failed, skipped) = report.counts();
    if failed + skipped > 0 {
        OPERATION_FAILED
    } else {
        SUCCESS
    }
}
