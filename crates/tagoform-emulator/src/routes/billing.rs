//! The account's billing: service allocation among its profiles (`/account/allocation`),
//! its subscription (`/account/subscription`) and prices (`/pricing`); removing an add-on
//! is `addons.rs`. Sources: sdk-js `Billing.ts`,
//! `billing.types.ts`, `Profile.ts`; spec `/account/allocation`. The token's account is the
//! account billed, as `GET /profile` lists the token's account's profiles.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{ok, shorten, Auth, Body};
use crate::billing::{current_cycle, Subscription, SubscriptionPlan};
use crate::error::{ErrorReply, ReplyResult};
use crate::limits::{addon_price, plan_price, service_tiers};
use crate::model::{timestamp, State as Data};
use crate::store::AppState;
use tagoform_wire::billing::{AddOn, Service};
use tagoform_wire::types::{ApiSuccess, Id};

/// `POST /account/allocation`'s answer (docs `update-the-account-resources-allocation`).
pub const ALLOCATION_UPDATED: &str = "Profile resource allocation Successfully Updated";
/// `POST /account/subscription`'s answer (*unverified*).
pub const SUBSCRIPTION_UPDATED: &str = "Subscription Successfully Updated";

fn subscription_of<'a>(data: &'a Data, account: &str) -> ReplyResult<&'a Subscription> {
    data.subscription(account)
        .ok_or_else(|| ErrorReply::internal("the account has no subscription"))
}

/// `GET /account/allocation`: one item per profile the account owns, in id order.
pub async fn allocation(
    State(state): State<AppState>,
    auth: Auth,
) -> ReplyResult<Json<ApiSuccess<Vec<Value>>>> {
    let items = state.read(|data, now| {
        Ok(data
            .owned_profiles(&auth.account)
            .iter()
            .filter_map(|id| data.profiles.get(id))
            .map(|profile| {
                let (mut item, updated_at) = match &profile.allocation {
                    Some(allocation) => (allocation.to_json(), allocation.updated_at),
                    None => (crate::billing::Allocation::zero(now).to_json(), now),
                };
                item.insert("profile".into(), profile.id.clone().into());
                item.insert("updated_at".into(), timestamp(updated_at).into());
                Value::Object(item)
            })
            .collect())
    })?;
    Ok(ok(items))
}

/// `POST /account/allocation`: a body `[{profile, <service>: amount, ...}]`; all or nothing.
pub async fn edit_allocation(
    State(state): State<AppState>,
    auth: Auth,
    Body(body): Body<Value>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    let Value::Array(items) = body else {
        return Err(ErrorReply::bad_request(
            "Invalid request body: expected an array of {profile, <service>: amount}",
        ));
    };
    let changes = items
        .iter()
        .map(parse_allocation_item)
        .collect::<ReplyResult<Vec<_>>>()?;
    state
        .write(|context| {
            let data = &*context.state;
            let owned = data.owned_profiles(&auth.account);
            if owned.len() < 2 {
                return Err(ErrorReply::bad_request(
                    "The account has only one profile: there is nothing to allocate",
                ));
            }
            let mut seen = BTreeSet::new();
            for (profile, _) in &changes {
                if !owned.contains(profile) {
                    return Err(ErrorReply::bad_request(format!(
                        "Profile `{}` is not one of the account's profiles",
                        shorten(profile)
                    )));
                }
                if !seen.insert(profile.clone()) {
                    return Err(ErrorReply::bad_request(format!(
                        "Profile `{profile}` appears more than once in the allocation"
                    )));
                }
            }
            let subscription = subscription_of(data, &auth.account)?;
            for service in Service::ALL {
                let sum: u64 = owned
                    .iter()
                    .map(|id| {
                        let changed = changes
                            .iter()
                            .find(|(profile, _)| profile == id)
                            .and_then(|(_, amounts)| amounts.get(&service).copied());
                        changed.unwrap_or_else(|| {
                            data.profiles
                                .get(id)
                                .and_then(|p| p.allocation.as_ref())
                                .map_or(0, |a| a.amount(service))
                        })
                    })
                    .fold(0u64, u64::saturating_add);
                let limit = subscription.limit(service);
                if sum > limit {
                    return Err(ErrorReply::bad_request(format!(
                        "The allocation of `{service}` exceeds the account's limit: {sum} over all \
                         profiles, limit {limit}"
                    )));
                }
            }
            let now = context.now;
            for (id, amounts) in changes {
                let account = auth.account.clone();
                let fresh = context.state.new_profile_allocation(&account, now);
                if let Some(profile) = context.state.profiles.get_mut(&id) {
                    let allocation = profile.allocation.get_or_insert(fresh);
                    allocation.services.extend(amounts);
                    allocation.updated_at = now;
                }
            }
            Ok(())
        })
        .await?;
    Ok(ok(ALLOCATION_UPDATED.to_string()))
}

/// One item of an allocation body: its profile and the amounts it sets.
fn parse_allocation_item(item: &Value) -> ReplyResult<(Id, BTreeMap<Service, u64>)> {
    let Value::Object(fields) = item else {
        return Err(ErrorReply::bad_request(
            "Invalid request body: each allocation item is an object {profile, <service>: amount}",
        ));
    };
    let profile = match fields.get("profile") {
        Some(Value::String(id)) => id.clone(),
        _ => {
            return Err(ErrorReply::bad_request(
                "Each allocation item needs a `profile` id",
            ))
        }
    };
    let mut amounts = BTreeMap::new();
    for (key, value) in fields {
        if key == "profile" {
            continue;
        }
        let Some(service) = Service::from_key(key) else {
            return Err(ErrorReply::bad_request(format!(
                "Unknown key `{}` in the allocation of profile `{}`: use `profile` and the \
                 services {}",
                shorten(key),
                shorten(&profile),
                service_names()
            )));
        };
        let amount = whole_number(value).ok_or_else(|| {
            ErrorReply::bad_request(format!(
                "Invalid amount of `{service}` for profile `{}`: must be a whole number, 0 or more",
                shorten(&profile)
            ))
        })?;
        amounts.insert(service, amount);
    }
    Ok((profile, amounts))
}

/// A JSON number that is a whole number, 0 or more (`5` or `5.0`).
fn whole_number(value: &Value) -> Option<u64> {
    if let Some(amount) = value.as_u64() {
        return Some(amount);
    }
    let float = value.as_f64()?;
    // Up to 2^53, where every whole f64 is exact.
    if float >= 0.0 && float.fract() == 0.0 && float <= 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return Some(float as u64);
    }
    None
}

fn service_names() -> String {
    Service::ALL.map(Service::as_str).join(", ")
}

/// `GET /account/subscription` (sdk-js `BillingSubscription`).
pub async fn subscription(
    State(state): State<AppState>,
    auth: Auth,
) -> ReplyResult<Json<ApiSuccess<Value>>> {
    let answer = state.read(|data, now| {
        let subscription = subscription_of(data, &auth.account)?;
        let (start, end) = current_cycle(now);
        Ok(json!({
            "account": auth.account,
            "plan": subscription.plan,
            "services": services_json(subscription),
            "addons": addons_json(|addon| subscription.holders(addon, now)),
            "current_cycle": {"start": timestamp(start), "end": timestamp(end)},
            "processing": false,
            "upcoming_invoice_total": upcoming_invoice_total(subscription, now),
            "trial_end": null,
        }))
    })?;
    Ok(ok(answer))
}

/// `{<service>: {limit}}` for all nine services (sdk-js `BillingSubscriptionServices`).
pub(super) fn services_json(subscription: &Subscription) -> Map<String, Value> {
    Service::ALL
        .into_iter()
        .map(|s| (s.as_str().into(), json!({"limit": subscription.limit(s)})))
        .collect()
}

/// `{<addon>: [profile ids]}` for both add-ons (sdk-js `BillingSubscriptionAddOns`).
pub(super) fn addons_json(holders: impl Fn(AddOn) -> Vec<Id>) -> Map<String, Value> {
    AddOn::ALL
        .into_iter()
        .map(|addon| (addon.as_str().into(), json!(holders(addon))))
        .collect()
}

/// The plan's price plus each add-on's price per profile that keeps it into the next cycle
/// (a scheduled removal is not billed again) (*unverified*).
fn upcoming_invoice_total(subscription: &Subscription, now: DateTime<Utc>) -> u64 {
    let addons: u64 = AddOn::ALL
        .into_iter()
        .map(|addon| {
            let kept = subscription
                .holders(addon, now)
                .iter()
                .filter(|id| subscription.pending_removal(addon, id, now).is_none())
                .count();
            addon_price(addon) * kept as u64
        })
        .sum();
    plan_price(subscription.plan) + addons
}

/// `POST /account/subscription` body (sdk-js `BillingEditSubscription`).
#[derive(Debug, Deserialize)]
pub struct EditSubscription {
    #[serde(default)]
    plan: Option<Value>,
    #[serde(default)]
    services: Option<Value>,
    #[serde(default)]
    addons: Option<Value>,
    /// Accepted and ignored: the emulator has no coupons (*unverified*).
    #[serde(default)]
    #[allow(dead_code)]
    coupon: Option<Value>,
}

/// `POST /account/subscription`: exactly one of `plan`, `services`, `addons`.
pub async fn edit_subscription(
    State(state): State<AppState>,
    auth: Auth,
    Body(request): Body<EditSubscription>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    let given = [&request.plan, &request.services, &request.addons]
        .iter()
        .filter(|part| part.is_some())
        .count();
    if given != 1 {
        return Err(ErrorReply::bad_request(
            "Send exactly one of `plan`, `services` and `addons`",
        ));
    }
    state
        .write(|context| {
            let data = &*context.state;
            let mut subscription = subscription_of(data, &auth.account)?.clone();
            subscription.settle(context.now);
            if let Some(plan) = &request.plan {
                subscription.plan = plan
                    .as_str()
                    .and_then(SubscriptionPlan::from_key)
                    .ok_or_else(|| {
                        ErrorReply::bad_request("Invalid plan: use free, starter or scale")
                    })?;
            }
            if let Some(services) = &request.services {
                edit_limits(data, &auth.account, &mut subscription, services)?;
            }
            if let Some(addons) = &request.addons {
                edit_addons(data, &auth.account, &mut subscription, addons)?;
            }
            if let Some(account) = context.state.accounts.get_mut(&auth.account) {
                account.subscription = Some(subscription);
            }
            Ok(())
        })
        .await?;
    Ok(ok(SUBSCRIPTION_UPDATED.to_string()))
}

/// `services: {<service>: {limit}}`: new account limits, never below what is allocated.
fn edit_limits(
    data: &Data,
    account: &str,
    subscription: &mut Subscription,
    services: &Value,
) -> ReplyResult<()> {
    let Value::Object(services) = services else {
        return Err(ErrorReply::bad_request(
            "Invalid `services`: expected {<service>: {limit}}",
        ));
    };
    if subscription.plan == SubscriptionPlan::Free {
        return Err(ErrorReply::bad_request(
            "Service limits cannot be changed on the Free plan",
        ));
    }
    for (key, value) in services {
        let service = Service::from_key(key).ok_or_else(|| {
            ErrorReply::bad_request(format!(
                "Unknown service `{}`: use {}",
                shorten(key),
                service_names()
            ))
        })?;
        let limit = value.get("limit").and_then(whole_number).ok_or_else(|| {
            ErrorReply::bad_request(format!(
                "Invalid limit of `{service}`: expected {{limit}} with a whole number, 0 or more"
            ))
        })?;
        let allocated = data.allocated(account, service);
        if limit < allocated {
            return Err(ErrorReply::bad_request(format!(
                "The limit of `{service}` cannot be {limit}: {allocated} is allocated to the \
                 account's profiles"
            )));
        }
        subscription.services.insert(service, limit);
    }
    Ok(())
}

/// `addons: {<addon>: [profile ids]}`: replaces the list of each add-on given.
fn edit_addons(
    data: &Data,
    account: &str,
    subscription: &mut Subscription,
    addons: &Value,
) -> ReplyResult<()> {
    let Value::Object(addons) = addons else {
        return Err(ErrorReply::bad_request(
            "Invalid `addons`: expected {<addon>: [profile ids]}",
        ));
    };
    let owned = data.owned_profiles(account);
    for (key, value) in addons {
        let addon = AddOn::from_key(key).ok_or_else(|| unknown_addon(key))?;
        let invalid = || {
            ErrorReply::bad_request(format!("Invalid `{addon}`: expected a list of profile ids"))
        };
        let Value::Array(values) = value else {
            return Err(invalid());
        };
        let mut ids: Vec<Id> = Vec::new();
        for value in values {
            let id = value.as_str().ok_or_else(invalid)?;
            if !owned.iter().any(|owned| owned == id) {
                return Err(ErrorReply::bad_request(format!(
                    "Profile `{}` is not one of the account's profiles",
                    shorten(id)
                )));
            }
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_string());
            }
        }
        let adds = ids.iter().any(|id| {
            !subscription
                .addons
                .get(&addon)
                .is_some_and(|has| has.contains(id))
        });
        if adds && subscription.plan == SubscriptionPlan::Free {
            return Err(ErrorReply::bad_request(
                "Add-ons cannot be purchased on the Free plan",
            ));
        }
        // The list is the add-on's from now on: a profile on it keeps the add-on (its
        // scheduled removal, if any, is called off), one left off loses it at once.
        subscription.removals.retain(|r| r.addon != addon);
        subscription.addons.insert(addon, ids);
    }
    Ok(())
}

pub(super) fn unknown_addon(key: &str) -> ErrorReply {
    ErrorReply::bad_request(format!(
        "Unknown add-on `{}`: use custom_dns or mobile",
        shorten(key)
    ))
}

/// `GET /pricing` (sdk-js `BillingPrices`); every figure is an *unverified* placeholder.
pub async fn pricing(_auth: Auth) -> ReplyResult<Json<ApiSuccess<Value>>> {
    let mut answer = Map::new();
    let plans: Vec<Value> = SubscriptionPlan::ALL
        .into_iter()
        .map(|plan| json!({"name": plan, "price": plan_price(plan)}))
        .collect();
    let addons: Vec<Value> = AddOn::ALL
        .into_iter()
        .map(|addon| json!({"name": addon, "price": addon_price(addon)}))
        .collect();
    answer.insert("plans".into(), plans.into());
    answer.insert("addons".into(), addons.into());
    for service in Service::ALL {
        let tiers: Vec<Value> = service_tiers(service)
            .into_iter()
            .map(|(amount, price)| json!({"amount": amount, "price": price}))
            .collect();
        answer.insert(service.as_str().into(), tiers.into());
    }
    Ok(ok(Value::Object(answer)))
}
