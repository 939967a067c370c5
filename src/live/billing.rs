//! The account's billing state, read only when a profile manages `allocation` or `addons`:
//! one `GET /account/allocation` (every profile's share), one `GET /account/subscription`
//! (the limits, the add-on holders, the cycle's end), `GET /pricing` only when the plan may
//! buy an add-on, whose price the reviewer should see, and `GET /account/subscription/schedule`
//! only when it may remove one: a removal waits for the end of the cycle, and one already
//! scheduled must not be asked for again.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use tokio::sync::Semaphore;

use super::fetch::{in_slot, reading, unique_ids, FetchError};
use super::snapshot::{Id, LiveBilling, ScheduledRemovals};
use crate::api::types::{AllocationItem, Prices, Subscription, SubscriptionSchedule};
use crate::api::Client;
use crate::billing::{AddOn, Service};
use crate::config::Desired;

/// True when some profile the configuration keeps manages its allocation or add-ons.
pub fn is_managed(desired: &Desired) -> bool {
    desired
        .profiles
        .values()
        .any(|p| !p.delete && (p.allocation.is_some() || p.addons.is_some()))
}

/// Only the add-on holders (`GET /account/subscription`), for a plan that deletes profiles
/// but manages no billing: a deleted profile's add-ons leave the subscription with it, which
/// the plan must show and `--allow-billing` allow.
pub async fn read_holders(client: &Client, slots: &Semaphore) -> Result<LiveBilling, FetchError> {
    let subscription = in_slot(slots, client.subscription())
        .await
        .map_err(reading("the account's subscription"))?;
    Ok(LiveBilling {
        allocation: BTreeMap::new(),
        limits: BTreeMap::new(),
        addons: holders(&subscription)?,
        addon_prices: None,
        cycle_end: cycle_end(&subscription)?,
        removals: BTreeMap::new(),
    })
}

/// Reads allocation and subscription (and prices when `ids` show an add-on to buy). `ids`
/// are the live ids of the configured profiles that exist, by key.
pub async fn read(
    desired: &Desired,
    client: &Client,
    ids: &HashMap<&str, &Id>,
    slots: &Semaphore,
) -> Result<LiveBilling, FetchError> {
    let (allocation, subscription) = tokio::try_join!(
        async {
            in_slot(slots, client.allocation())
                .await
                .map_err(reading("the account's service allocation"))
        },
        async {
            in_slot(slots, client.subscription())
                .await
                .map_err(reading("the account's subscription"))
        },
    )?;
    let mut billing = LiveBilling {
        allocation: allocation_by_profile(allocation)?,
        limits: limits(&subscription)?,
        addons: holders(&subscription)?,
        addon_prices: None,
        cycle_end: cycle_end(&subscription)?,
        removals: BTreeMap::new(),
    };
    if removes_an_addon(desired, ids, &billing.addons) {
        let schedule = in_slot(slots, client.subscription_schedule())
            .await
            .map_err(reading("the account's subscription schedule"))?;
        billing.removals = scheduled_removals(&schedule, &billing.addons)?;
    }
    if buys_an_addon(desired, ids, &billing.addons) {
        let prices = in_slot(slots, client.pricing())
            .await
            .map_err(reading("TagoIO's prices"))?;
        billing.addon_prices = Some(addon_prices(prices)?);
    }
    Ok(billing)
}

/// The list price of each add-on tagoform knows. A price list that names one add-on twice, or
/// gives one a price that is not a number of 0 or more, is malformed: which of two prices
/// would be charged is not for tagoform to guess.
fn addon_prices(prices: Prices) -> Result<BTreeMap<AddOn, f64>, FetchError> {
    const WHAT: &str = "TagoIO's prices (GET /pricing)";
    let mut by_addon = BTreeMap::new();
    for price in prices.addons {
        let Some(addon) = AddOn::from_key(&price.name) else {
            continue;
        };
        if !(price.price.is_finite() && price.price >= 0.0) {
            return Err(malformed(
                WHAT,
                format!("the add-on {addon} has the price {}", price.price),
            ));
        }
        if by_addon.insert(addon, price.price).is_some() {
            return Err(malformed(
                WHAT,
                format!("the add-on {addon} is listed twice"),
            ));
        }
    }
    Ok(by_addon)
}

fn malformed(what: &str, detail: String) -> FetchError {
    FetchError::Malformed {
        what: what.to_owned(),
        detail,
    }
}

fn allocation_by_profile(
    items: Vec<AllocationItem>,
) -> Result<BTreeMap<Id, BTreeMap<Service, u64>>, FetchError> {
    const WHAT: &str = "the account's service allocation";
    unique_ids(items.iter().map(|i| i.profile.as_str()), WHAT)?;
    let mut by_profile = BTreeMap::new();
    for item in &items {
        let mut amounts = BTreeMap::new();
        for service in Service::ALL {
            match item.amount(service) {
                Ok(Some(amount)) => {
                    amounts.insert(service, amount);
                }
                Ok(None) => {}
                Err(value) => {
                    return Err(malformed(
                        WHAT,
                        format!(
                            "profile {} has {service} {value}, not a whole number of 0 or more",
                            item.profile
                        ),
                    ))
                }
            }
        }
        by_profile.insert(item.profile.clone(), amounts);
    }
    Ok(by_profile)
}

fn limits(subscription: &Subscription) -> Result<BTreeMap<Service, u64>, FetchError> {
    let mut limits = BTreeMap::new();
    for service in Service::ALL {
        match subscription.limit(service) {
            Ok(Some(limit)) => {
                limits.insert(service, limit);
            }
            Ok(None) => {}
            Err(value) => {
                return Err(malformed(
                    "the account's subscription",
                    format!("the limit of {service} is {value}, not a whole number of 0 or more"),
                ))
            }
        }
    }
    Ok(limits)
}

fn holders(subscription: &Subscription) -> Result<BTreeMap<AddOn, BTreeSet<Id>>, FetchError> {
    let mut holders = BTreeMap::new();
    for addon in AddOn::ALL {
        let ids = subscription.holders(addon);
        unique_ids(
            ids.iter().map(String::as_str),
            &format!("the profiles with the {addon} add-on"),
        )?;
        holders.insert(addon, ids.iter().cloned().collect());
    }
    Ok(holders)
}

/// `current_cycle.end` of the subscription; a date that does not read is malformed (a
/// removal's date would be a guess).
fn cycle_end(subscription: &Subscription) -> Result<Option<DateTime<Utc>>, FetchError> {
    let Some(end) = subscription
        .current_cycle
        .as_ref()
        .and_then(|c| c.end.as_ref())
    else {
        return Ok(None);
    };
    instant(end).map(Some).ok_or_else(|| {
        malformed(
            "the account's subscription",
            format!("current_cycle.end is {end:?}, not a date"),
        )
    })
}

fn instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// The holders whose add-on the schedule no longer lists: their removal is scheduled for
/// `release_at`. An add-on the schedule does not name is not changing.
pub fn scheduled_removals(
    schedule: &SubscriptionSchedule,
    holders: &BTreeMap<AddOn, BTreeSet<Id>>,
) -> Result<ScheduledRemovals, FetchError> {
    let release_at = match &schedule.release_at {
        None => None,
        Some(text) => Some(instant(text).ok_or_else(|| {
            malformed(
                "the account's subscription schedule",
                format!("release_at is {text:?}, not a date"),
            )
        })?),
    };
    let mut removals = BTreeMap::new();
    for addon in AddOn::ALL {
        let Some(after) = schedule.holders_after(addon) else {
            continue;
        };
        let going: BTreeMap<Id, Option<DateTime<Utc>>> = holders
            .get(&addon)
            .into_iter()
            .flatten()
            .filter(|id| !after.contains(id))
            .map(|id| (id.clone(), release_at))
            .collect();
        if !going.is_empty() {
            removals.insert(addon, going);
        }
    }
    Ok(removals)
}

/// Each kept profile that manages `addons`: its list, and its live id (`None` for a profile
/// still to be created, which holds none).
fn managed_addons<'a>(
    desired: &'a Desired,
    ids: &'a HashMap<&str, &Id>,
) -> impl Iterator<Item = (&'a BTreeSet<AddOn>, Option<&'a Id>)> + 'a {
    desired
        .profiles
        .values()
        .filter(|p| !p.delete)
        .filter_map(move |profile| {
            let wanted = profile.addons.as_ref()?;
            Some((wanted, ids.get(profile.key.as_str()).copied()))
        })
}

/// Whether some configured profile holds an add-on it does not list.
fn removes_an_addon(
    desired: &Desired,
    ids: &HashMap<&str, &Id>,
    holders: &BTreeMap<AddOn, BTreeSet<Id>>,
) -> bool {
    managed_addons(desired, ids).any(|(wanted, id)| {
        id.is_some_and(|id| {
            holders
                .iter()
                .any(|(addon, h)| !wanted.contains(addon) && h.contains(id))
        })
    })
}

/// Whether some configured profile lists an add-on it does not have yet.
fn buys_an_addon(
    desired: &Desired,
    ids: &HashMap<&str, &Id>,
    holders: &BTreeMap<AddOn, BTreeSet<Id>>,
) -> bool {
    managed_addons(desired, ids).any(|(wanted, id)| {
        wanted.iter().any(|addon| match id {
            Some(id) => !holders.get(addon).is_some_and(|h| h.contains(id)),
            None => true,
        })
    })
}

#[cfg(test)]
mod price_tests {
    use super::*;
    use crate::api::types::AddOnPrice;

    fn prices(list: &[(&str, f64)]) -> Prices {
        Prices {
            addons: list
                .iter()
                .map(|(name, price)| AddOnPrice {
                    name: (*name).to_owned(),
                    price: *price,
                })
                .collect(),
        }
    }

    #[test]
    fn an_add_on_listed_twice_or_priced_below_zero_is_malformed() {
        assert_eq!(
            addon_prices(prices(&[
                ("mobile", 99.0),
                ("custom_dns", 10.0),
                ("other", 1.0)
            ]))
            .unwrap(),
            BTreeMap::from([(AddOn::Mobile, 99.0), (AddOn::CustomDns, 10.0)])
        );
        let twice = addon_prices(prices(&[("mobile", 99.0), ("mobile", 1.0)])).unwrap_err();
        assert!(
            twice
                .to_string()
                .contains("the add-on mobile is listed twice"),
            "{twice}"
        );
        let negative = addon_prices(prices(&[("mobile", -5.0)])).unwrap_err();
        assert!(
            negative
                .to_string()
                .contains("the add-on mobile has the price -5"),
            "{negative}"
        );
    }
}

#[cfg(test)]
mod schedule_tests {
    use super::*;
    use serde_json::json;

    fn holders() -> BTreeMap<AddOn, BTreeSet<Id>> {
        BTreeMap::from([
            (
                AddOn::Mobile,
                BTreeSet::from(["a".to_owned(), "b".to_owned()]),
            ),
            (AddOn::CustomDns, BTreeSet::from(["a".to_owned()])),
        ])
    }

    #[test]
    fn a_holder_the_schedule_leaves_out_is_going_at_release_at() {
        let schedule: SubscriptionSchedule = serde_json::from_value(json!({
            "account": "x", "release_at": "2027-04-01T00:00:00.000Z",
            "subscription": {"plan": "scale", "addons": {"mobile": ["b"]}}
        }))
        .unwrap();
        let at = "2027-04-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        // custom_dns is not named: not changing.
        assert_eq!(
            scheduled_removals(&schedule, &holders()).unwrap(),
            BTreeMap::from([(AddOn::Mobile, BTreeMap::from([("a".to_owned(), Some(at))]))])
        );
        let nothing: SubscriptionSchedule =
            serde_json::from_value(json!({"account": "x", "release_at": null})).unwrap();
        assert!(scheduled_removals(&nothing, &holders()).unwrap().is_empty());
    }

    #[test]
    fn a_release_date_that_does_not_read_is_malformed() {
        let schedule: SubscriptionSchedule = serde_json::from_value(json!({
            "release_at": "next month", "subscription": {"addons": {"mobile": []}}
        }))
        .unwrap();
        let error = scheduled_removals(&schedule, &holders()).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("release_at is \"next month\", not a date"),
            "{error}"
        );
    }
}
