//! Service allocation, subscription, prices and add-ons (sdk-js `billing.types.ts`).
//!
//! Amounts are read leniently: TagoIO's spec types them as `number`, so a whole number sent
//! as `1000.0` is accepted, and keys tagoform does not know are kept aside, not refused.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::scalars::Id;
use crate::billing::{AddOn, Service};

/// One item of `GET /account/allocation`: a profile's share of each service.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllocationItem {
    pub profile: Id,
    pub updated_at: Option<String>,
    /// The services, by TagoIO's key (other keys TagoIO may add are kept too).
    #[serde(flatten)]
    pub services: BTreeMap<String, Value>,
}

impl AllocationItem {
    /// The amount of `service`: `Ok(None)` when absent, `Err` with the raw value when it is
    /// not a whole number of 0 or more.
    pub fn amount(&self, service: Service) -> Result<Option<u64>, Value> {
        match self.services.get(service.as_str()) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => whole_number(value).map(Some).ok_or_else(|| value.clone()),
        }
    }
}

/// One entry of the `POST /account/allocation` body: a profile and only the services that
/// change (spec: `profile` required, every service optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationEdit {
    pub profile: Id,
    #[serde(flatten)]
    pub services: BTreeMap<Service, u64>,
}

/// `GET /account/subscription`, reduced to what tagoform reads.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub account: Option<Id>,
    pub plan: Option<String>,
    /// `services.<name>.limit`: the account's limit of each service.
    #[serde(default)]
    pub services: BTreeMap<String, ServiceLimit>,
    /// The profiles holding each add-on.
    #[serde(default)]
    pub addons: BTreeMap<String, Vec<Id>>,
    /// The billing cycle: an add-on whose removal is asked for goes at its `end`.
    pub current_cycle: Option<Cycle>,
}

/// `current_cycle` of [`Subscription`] (sdk-js `BillingSubscription`: "Date when the
/// current cycle ends").
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cycle {
    pub start: Option<String>,
    pub end: Option<String>,
}

/// `GET /account/subscription/schedule` (sdk-js `BillingSchedule`): the downgrades waiting
/// for the end of the cycle, such as an add-on's removal.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionSchedule {
    /// When the scheduled changes take effect; `None` when nothing is scheduled.
    pub release_at: Option<String>,
    /// The whole subscription as it will be then.
    pub subscription: Option<ScheduledSubscription>,
}

/// `subscription` of [`SubscriptionSchedule`], reduced to the add-ons.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduledSubscription {
    pub addons: Option<BTreeMap<String, Vec<Id>>>,
}

impl SubscriptionSchedule {
    /// The profiles that will hold `addon` after the schedule, when it says.
    pub fn holders_after(&self, addon: AddOn) -> Option<&[Id]> {
        let addons = self.subscription.as_ref()?.addons.as_ref()?;
        addons.get(addon.as_str()).map(Vec::as_slice)
    }
}

impl Subscription {
    /// The account's limit of `service`, or `Err` with the raw value when it is not a whole
    /// number; `Ok(None)` when TagoIO lists no limit for it.
    pub fn limit(&self, service: Service) -> Result<Option<u64>, Value> {
        match self.services.get(service.as_str()) {
            None => Ok(None),
            Some(limit) => whole_number(&limit.limit)
                .map(Some)
                .ok_or_else(|| limit.limit.clone()),
        }
    }

    /// The profiles that have `addon`.
    pub fn holders(&self, addon: AddOn) -> &[Id] {
        self.addons
            .get(addon.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// `services.<name>` of [`Subscription`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLimit {
    pub limit: Value,
}

/// `POST /account/subscription` with `addons` only: the new list of profiles of each add-on
/// named (sdk-js `BillingEditSubscription`: one of `plan`, `services`, `addons` per call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionAddOnsEdit {
    pub addons: BTreeMap<AddOn, Vec<Id>>,
}

/// `GET /pricing`, reduced to the add-on prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prices {
    #[serde(default)]
    pub addons: Vec<AddOnPrice>,
}

/// One entry of `addons` in [`Prices`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddOnPrice {
    pub name: String,
    pub price: f64,
}

/// A JSON number that is a whole number of 0 or more (`1000` or `1000.0`).
fn whole_number(value: &Value) -> Option<u64> {
    if let Some(n) = value.as_u64() {
        return Some(n);
    }
    let f = value.as_f64()?;
    // 2^53: beyond it an f64 no longer holds every whole number exactly.
    (f >= 0.0 && f.fract() == 0.0 && f < 9_007_199_254_740_992.0).then_some(f as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn amounts_accept_whole_floats_and_refuse_the_rest() {
        let item: AllocationItem = serde_json::from_value(json!({
            "profile": "62cdb70512b7320012dc0880", "input": 33334, "output": 100000.0,
            "sms": -1, "email": 1.5, "tcore": 3, "updated_at": "2022-07-15T12:11:07.521Z"
        }))
        .unwrap();
        assert_eq!(item.amount(Service::Input), Ok(Some(33334)));
        assert_eq!(item.amount(Service::Output), Ok(Some(100000)));
        assert_eq!(item.amount(Service::Sms), Err(json!(-1)));
        assert_eq!(item.amount(Service::Email), Err(json!(1.5)));
        assert_eq!(item.amount(Service::RunUsers), Ok(None));
    }

    #[test]
    fn an_edit_carries_only_the_services_given() {
        let edit = AllocationEdit {
            profile: "62cdb70512b7320012dc0880".into(),
            services: [(Service::DataRecords, 10)].into(),
        };
        assert_eq!(
            serde_json::to_value(&edit).unwrap(),
            json!({"profile": "62cdb70512b7320012dc0880", "data_records": 10})
        );
    }
}
