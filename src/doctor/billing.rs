//! Checks of the billing routes, run only when a profile manages `allocation` or `addons`:
//! the allocation lists whole amounts of the nine services for the account's own profiles,
//! and the subscription gives a whole limit for each service and the add-on holders as lists.
//! Reads only; a purchase's semantics (the list sent replaces the holders) cannot be checked
//! without buying, so apply confirms each purchase by reading the subscription again. Nor can
//! a removal's: the schedule, which apply reads to confirm one, is checked for its shape.

use std::collections::BTreeSet;

use super::{Outcome, Report};
use crate::api::Client;
use crate::billing::{AddOn, Service};
use crate::live::Id;

/// Reads both billing routes and adds a row for each; `owned` are the account's profiles.
pub async fn probe(report: &mut Report, account: &Client, owned: &BTreeSet<Id>) {
    let outcome = match account.allocation().await {
        Err(error) => Outcome::Fails(error.to_string()),
        Ok(items) => {
            let mut problems = Vec::new();
            for item in &items {
                if !owned.contains(&item.profile) {
                    problems.push(format!("{} is not a profile of this account", item.profile));
                }
                for service in Service::ALL {
                    match item.amount(service) {
                        Ok(Some(_)) => {}
                        Ok(None) => problems.push(format!("{} has no {service}", item.profile)),
                        Err(value) => {
                            problems.push(format!("{} has {service} {value}", item.profile))
                        }
                    }
                }
            }
            match problems.first() {
                None => Outcome::Holds(format!("{} profiles, all nine services", items.len())),
                Some(first) => {
                    Outcome::Fails(format!("{first} ({} problem(s) in all)", problems.len()))
                }
            }
        }
    };
    report.push(
        "GET /account/allocation",
        "one item per profile: `{profile, input, output, ..., file_storage}`, whole amounts",
        "spec /account/allocation; sdk-js billing.types.ts",
        outcome,
    );
    let outcome = match account.subscription().await {
        Err(error) => Outcome::Fails(error.to_string()),
        Ok(subscription) => {
            let missing: Vec<&str> = Service::ALL
                .into_iter()
                .filter(|s| !matches!(subscription.limit(*s), Ok(Some(_))))
                .map(Service::as_str)
                .collect();
            let holders: usize = AddOn::ALL
                .into_iter()
                .map(|a| subscription.holders(a).len())
                .sum();
            let end = subscription
                .current_cycle
                .as_ref()
                .and_then(|cycle| cycle.end.as_deref());
            match end.map(|end| (end, chrono::DateTime::parse_from_rfc3339(end))) {
                _ if !missing.is_empty() => {
                    Outcome::Fails(format!("no whole limit for {}", missing.join(", ")))
                }
                None => Outcome::Fails("no `current_cycle.end`".to_owned()),
                Some((end, Err(_))) => Outcome::Fails(format!(
                    "`current_cycle.end` is {}, not a date",
                    crate::text::visible(end)
                )),
                Some((end, Ok(_))) => Outcome::Holds(format!(
                    "plan {}, nine limits, {holders} add-on holder(s), cycle ends {end}",
                    subscription.plan.as_deref().unwrap_or("?")
                )),
            }
        }
    };
    report.push(
        "GET /account/subscription",
        "`services.<service>.limit` for the nine services, `addons.<add-on>` lists of profile ids, `current_cycle.end` a date",
        "sdk-js billing.types.ts, BillingSubscription",
        outcome,
    );
    let outcome = match account.subscription_schedule().await {
        Err(error) => Outcome::Fails(error.to_string()),
        Ok(schedule) => match schedule.release_at.as_deref() {
            None => Outcome::Holds("nothing scheduled".to_owned()),
            Some(at) if chrono::DateTime::parse_from_rfc3339(at).is_err() => Outcome::Fails(
                format!("`release_at` is {}, not a date", crate::text::visible(at)),
            ),
            Some(at) => Outcome::Holds(format!("changes scheduled for {at}")),
        },
    };
    report.push(
        "GET /account/subscription/schedule",
        "`release_at` null or a date (add-on removals wait for it; apply confirms one here)",
        "sdk-js Billing.ts getSubscriptionSchedule, BillingSchedule",
        outcome,
    );
}
