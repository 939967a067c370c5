//! Service allocation and add-ons: one account-level [`OperationKind::Allocate`] carrying
//! every profile's changed services, one operation per add-on bought or removed, and the
//! check that no service's sum over all profiles exceeds the account's limit.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde_json::json;

use super::identity::ProfileIds;
use super::operation::{
    AllocationEntry, FieldChange, Notice, OperationKind, Plan, ProfileRef, ACCOUNT,
};
use super::order::{Draft, Drafts};
use crate::billing::{AddOn, Service};
use crate::config::{Desired, Profile};
use crate::live::{Id, LiveBilling, LiveSnapshot};
use crate::text::{thousands, visible};

/// What the billing diff needs from the rest of the plan.
pub(super) struct Context<'a> {
    pub desired: &'a Desired,
    pub billing: Option<&'a LiveBilling>,
    pub profile_ids: &'a ProfileIds,
    /// Draft of each profile this plan creates, by key.
    pub created: &'a BTreeMap<String, usize>,
    /// Draft of each live profile this plan deletes, by live id.
    pub deleted: &'a BTreeMap<Id, usize>,
}

/// A service whose allocation would exceed the account's limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverLimit {
    pub service: Service,
    pub limit: u64,
    /// Wide enough that no sum of amounts wraps (a wrapped sum would pass as small).
    pub sum: u128,
    /// The largest shares, largest first: (profile, amount).
    pub largest: Vec<(String, u64)>,
}

/// How many of the largest shares a refusal names.
const LARGEST_SHOWN: usize = 3;

/// Drafts the allocation and add-on operations.
pub(super) fn diff(cx: &Context<'_>, drafts: &mut Drafts) {
    let kept = || cx.desired.profiles.values().filter(|p| !p.delete);
    for profile in kept() {
        if let Some(addons) = &profile.addons {
            addon_changes(cx, profile, addons, drafts);
        }
    }
    let mut entries = Vec::new();
    let mut changes = Vec::new();
    let mut origin = None;
    let mut depends_on: Vec<usize> = cx.deleted.values().copied().collect();
    for profile in kept() {
        let Some(wanted) = &profile.allocation else {
            continue;
        };
        let live = live_allocation(cx, profile);
        let mut services = BTreeMap::new();
        for (&service, &amount) in wanted {
            let old = live.and_then(|l| l.get(&service)).copied();
            if old != Some(amount) {
                services.insert(service, amount);
                let field = format!("{}.{service}", profile.key);
                changes.push(FieldChange::new(
                    &field,
                    old.map(|o| json!(o)),
                    json!(amount),
                ));
            }
        }
        if services.is_empty() {
            continue;
        }
        origin = origin.or_else(|| {
            let at = profile.field_origins.get("allocation");
            Some(at.unwrap_or(&profile.origin).clone())
        });
        depends_on.extend(cx.created.get(&profile.key));
        entries.push(AllocationEntry {
            target: target(cx, profile),
            services,
        });
    }
    if entries.is_empty() {
        return;
    }
    drafts.push(Draft {
        profile: ACCOUNT.to_owned(),
        kind: OperationKind::Allocate { entries },
        changes,
        origin,
        depends_on,
    });
}

fn target(cx: &Context<'_>, profile: &Profile) -> ProfileRef {
    ProfileRef {
        key: profile.key.clone(),
        id: cx.profile_ids.get(&profile.key).cloned(),
    }
}

fn live_allocation<'a>(cx: &Context<'a>, profile: &Profile) -> Option<&'a BTreeMap<Service, u64>> {
    let id = cx.profile_ids.get(&profile.key)?;
    cx.billing?.allocation.get(id)
}

fn addon_changes(
    cx: &Context<'_>,
    profile: &Profile,
    wanted: &std::collections::BTreeSet<AddOn>,
    drafts: &mut Drafts,
) {
    let id = cx.profile_ids.get(&profile.key);
    let origin = profile
        .field_origins
        .get("addons")
        .unwrap_or(&profile.origin);
    for addon in AddOn::ALL {
        let has = id.is_some_and(|id| {
            cx.billing
                .and_then(|b| b.addons.get(&addon))
                .is_some_and(|holders| holders.contains(id))
        });
        let kind = match (wanted.contains(&addon), has) {
            (true, false) => OperationKind::BuyAddon {
                target: target(cx, profile),
                addon,
                price: cx
                    .billing
                    .and_then(|b| b.addon_prices.as_ref())
                    .and_then(|prices| prices.get(&addon))
                    .copied(),
            },
            (false, true) => {
                let scheduled = id.and_then(|id| {
                    cx.billing
                        .and_then(|b| b.removals.get(&addon))
                        .and_then(|going| going.get(id))
                });
                if let Some(at) = scheduled {
                    drafts.notice(Notice::AddonRemovalScheduled {
                        profile: profile.key.clone(),
                        addon,
                        at: *at,
                    });
                    continue;
                }
                OperationKind::RemoveAddon {
                    target: target(cx, profile),
                    addon,
                    at: cx.billing.and_then(|b| b.cycle_end),
                }
            }
            _ => continue,
        };
        drafts.push(Draft {
            profile: profile.key.clone(),
            kind,
            changes: Vec::new(),
            origin: Some(origin.clone()),
            depends_on: cx.created.get(&profile.key).copied().into_iter().collect(),
        });
    }
}

/// Each service the plan's allocation sets, summed over every profile after the plan: the
/// amount the allocation sends where it sends one, the live amount elsewhere, nothing for
/// profiles the plan deletes. Pure, and computed from the plan itself, so that a plan cut by
/// `--target` (fewer entries, fewer deletions) is checked as it will be sent. Long because
/// each source of an amount (sent, live, deleted, created) is read in turn into one sum.
pub fn over_limits(plan: &Plan, live: &LiveSnapshot) -> Vec<OverLimit> {
    let Some(billing) = &live.billing else {
        return Vec::new();
    };
    let Some(entries) = plan.operations.iter().find_map(|op| match &op.kind {
        OperationKind::Allocate { entries } => Some(entries),
        _ => None,
    }) else {
        return Vec::new();
    };
    let deleted: HashSet<&str> = plan
        .operations
        .iter()
        .filter_map(|op| match &op.kind {
            OperationKind::DeleteProfile { target, .. } => target.id.as_deref(),
            _ => None,
        })
        .collect();
    let names: HashMap<&str, &str> = live
        .profiles
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let sent: HashMap<&str, &AllocationEntry> = entries
        .iter()
        .filter_map(|e| Some((e.target.id.as_deref()?, e)))
        .collect();
    let mut services: Vec<Service> = entries
        .iter()
        .flat_map(|e| e.services.keys().copied())
        .collect();
    services.sort_unstable();
    services.dedup();
    let mut over = Vec::new();
    for service in services {
        let Some(&limit) = billing.limits.get(&service) else {
            continue;
        };
        let mut shares: Vec<(String, u64)> = Vec::new();
        for (id, amounts) in &billing.allocation {
            if deleted.contains(id.as_str()) {
                continue;
            }
            let share = match sent.get(id.as_str()) {
                Some(entry) if entry.services.contains_key(&service) => {
                    (entry.target.key.clone(), entry.services[&service])
                }
                Some(entry) => (
                    entry.target.key.clone(),
                    amounts.get(&service).copied().unwrap_or(0),
                ),
                None => (
                    format!("\"{}\"", names.get(id.as_str()).copied().unwrap_or(id)),
                    amounts.get(&service).copied().unwrap_or(0),
                ),
            };
            shares.push(share);
        }
        // Profiles the allocation list does not show: those this plan creates.
        for entry in entries {
            let listed = entry
                .target
                .id
                .as_ref()
                .is_some_and(|id| billing.allocation.contains_key(id));
            if let (false, Some(&amount)) = (listed, entry.services.get(&service)) {
                shares.push((entry.target.key.clone(), amount));
            }
        }
        let sum: u128 = shares.iter().map(|(_, amount)| u128::from(*amount)).sum();
        if sum > u128::from(limit) {
            shares.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            shares.truncate(LARGEST_SHOWN);
            over.push(OverLimit {
                service,
                limit,
                sum,
                largest: shares,
            });
        }
    }
    over
}

/// The refusal as a table: service, limit, sum, over by, and who holds the most.
pub struct OverLimitTable<'a>(pub &'a [OverLimit]);

impl fmt::Display for OverLimitTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rows = vec![[
            "service".to_owned(),
            "limit".to_owned(),
            "sum".to_owned(),
            "over by".to_owned(),
            "largest shares".to_owned(),
        ]];
        for over in self.0 {
            let largest: Vec<String> = over
                .largest
                .iter()
                .map(|(who, amount)| format!("{} {}", visible(who), thousands(*amount)))
                .collect();
            rows.push([
                over.service.to_string(),
                thousands(over.limit),
                thousands(over.sum),
                thousands(over.sum - u128::from(over.limit)),
                largest.join(", "),
            ]);
        }
        let widths: Vec<usize> = (0..4)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        writeln!(
            f,
            "the service allocation would exceed the account's limits, so nothing is planned:"
        )?;
        for row in &rows {
            write!(f, "  {:<w0$}", row[0], w0 = widths[0])?;
            for (cell, width) in row[1..4].iter().zip(&widths[1..]) {
                write!(f, "  {cell:>width$}")?;
            }
            writeln!(f, "  {}", row[4])?;
        }
        write!(
            f,
            "lower the `allocation` of these profiles, or raise the account's limits on TagoIO's Billing page"
        )
    }
}
