//! The account's billing state, read only when a profile manages `allocation` or `addons`:
//! one `GET /account/allocation` (every profile's share), one `GET /account/subscription`
//! (the limits and the add-on holders), and `GET /pricing` only when the plan may buy an
//! add-on, whose price the reviewer should see.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tokio::sync::Semaphore;

use super::fetch::{in_slot, reading, unique_ids, FetchError};
use super::snapshot::{Id, LiveBilling};
use crate::api::types::{AllocationItem, Prices, Subscription};
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
    };
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

/// Whether some configured profile lists an add-on it does not have yet (a profile still to
/// be created has none).
fn buys_an_addon(
    desired: &Desired,
    ids: &HashMap<&str, &Id>,
    holders: &BTreeMap<AddOn, BTreeSet<Id>>,
) -> bool {
    desired
        .profiles
        .values()
        .filter(|p| !p.delete)
        .any(|profile| {
            profile
                .addons
                .iter()
                .flatten()
                .any(|addon| match ids.get(profile.key.as_str()) {
                    Some(id) => !holders.get(addon).is_some_and(|h| h.contains(*id)),
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
