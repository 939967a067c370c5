//! `plan --baseline`: one read of TagoIO, planned against both configurations.
//!
//! The live read covers what either configuration manages: the change's configuration,
//! widened with the baseline's profiles and objects. A baseline profile that is the same live
//! profile as one of the change's (same pin, or the same name where one profile has it) is
//! merged into it, so no live profile is read twice with different needs.

use anyhow::Context;

use super::reconcile::Connected;
use crate::config::Desired;
use crate::live;
use crate::plan::{self, Plan};

/// The change's plan and the baseline's, from the same live snapshot, both restricted to
/// `targets`.
pub async fn plan_both(
    desired: &Desired,
    baseline: &Desired,
    read: &Desired,
    connected: &Connected,
    parallelism: u16,
    targets: &[String],
) -> anyhow::Result<(Plan, Plan)> {
    // A mistyped key is known from the YAML alone: refuse it before reading anything.
    super::reconcile::check_targets(desired, targets)?;
    let live = live::fetch(read, &connected.access, usize::from(parallelism))
        .await
        .context("cannot read the live state from TagoIO")?;
    let now = connected
        .session
        .client
        .server_time()
        .unwrap_or_else(chrono::Utc::now);
    let plan = plan::plan(desired, &live, now)?;
    let base = plan::plan(baseline, &live, now)
        .context("cannot plan the baseline configuration (the target branch) against TagoIO")?;
    Ok((plan::restrict(plan, targets), plan::restrict(base, targets)))
}
