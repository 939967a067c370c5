//! The account's subscription (plan, service limits, add-ons) and each profile's share of
//! those limits, as plain data (sdk-js `billing.types.ts`: `BillingSubscription`,
//! `BillingProfileResourceAllocation`). Kept beside [`super::model`], which holds the
//! fields; the routes are `routes/billing.rs`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::limits::Tier;
use super::model::State;
use tagoform_wire::billing::{AddOn, Service};
use tagoform_wire::types::Id;

/// A TagoIO plan as the subscription names it (sdk-js `BillingPlan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubscriptionPlan {
    Free,
    Starter,
    Scale,
}

impl SubscriptionPlan {
    pub const ALL: [SubscriptionPlan; 3] = [Self::Free, Self::Starter, Self::Scale];

    /// The key TagoIO uses (`free`, `starter`, `scale`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Starter => "starter",
            Self::Scale => "scale",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|plan| plan.as_str() == key)
    }
}

/// An account's subscription. `services` holds every service's account limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub plan: SubscriptionPlan,
    pub services: BTreeMap<Service, u64>,
    /// The profiles that have each add-on, in the order they were given; a profile whose
    /// removal is scheduled stays here until [`Self::settle`] passes its date.
    #[serde(default)]
    pub addons: BTreeMap<AddOn, Vec<Id>>,
    /// Removals asked for by `DELETE /profile/{id}/{addon}`: they take effect at the end of
    /// the billing cycle they were asked in (sdk-js `Profile.removeAddOn`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removals: Vec<ScheduledRemoval>,
}

/// An add-on a profile keeps until `at`, the end of the cycle its removal was asked in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledRemoval {
    pub addon: AddOn,
    pub profile: Id,
    pub at: DateTime<Utc>,
}

impl Subscription {
    /// The subscription an account starts with under the emulator's `--plan`.
    pub fn for_plan(plan: Tier) -> Self {
        Self {
            plan: plan.subscription_plan(),
            services: Service::ALL
                .into_iter()
                .map(|service| (service, plan.service_limit(service)))
                .collect(),
            addons: BTreeMap::new(),
            removals: Vec::new(),
        }
    }

    /// The account limit of `service`.
    pub fn limit(&self, service: Service) -> u64 {
        self.services.get(&service).copied().unwrap_or(0)
    }

    /// The profiles that have `addon` at `now`: a scheduled removal counts once its date
    /// has come, whether or not a write has settled it yet.
    pub fn holders(&self, addon: AddOn, now: DateTime<Utc>) -> Vec<Id> {
        let mut ids = self.addons.get(&addon).cloned().unwrap_or_default();
        ids.retain(|id| !self.removal_due(addon, id, now));
        ids
    }

    /// Whether `profile` has `addon` at `now`.
    pub fn has_addon(&self, addon: AddOn, profile: &str, now: DateTime<Utc>) -> bool {
        self.holders(addon, now).iter().any(|id| id == profile)
    }

    /// The removal of `addon` from `profile` still to come at `now`, if one is scheduled.
    pub fn pending_removal(
        &self,
        addon: AddOn,
        profile: &str,
        now: DateTime<Utc>,
    ) -> Option<&ScheduledRemoval> {
        self.removals
            .iter()
            .find(|r| r.addon == addon && r.profile == profile && r.at > now)
    }

    fn removal_due(&self, addon: AddOn, profile: &str, now: DateTime<Utc>) -> bool {
        self.removals
            .iter()
            .any(|r| r.addon == addon && r.profile == profile && r.at <= now)
    }

    /// Carries out the removals whose date has come, before a write reads the lists.
    pub fn settle(&mut self, now: DateTime<Utc>) {
        let due: Vec<ScheduledRemoval> = self
            .removals
            .iter()
            .filter(|r| r.at <= now)
            .cloned()
            .collect();
        for removal in &due {
            if let Some(ids) = self.addons.get_mut(&removal.addon) {
                ids.retain(|id| *id != removal.profile);
            }
        }
        self.removals.retain(|r| r.at > now);
    }
}

/// A profile's share of the account's service limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub services: BTreeMap<Service, u64>,
    pub updated_at: DateTime<Utc>,
}

impl Allocation {
    /// Nothing allocated.
    pub fn zero(now: DateTime<Utc>) -> Self {
        Self {
            services: BTreeMap::new(),
            updated_at: now,
        }
    }

    /// The whole of `subscription`'s limits.
    pub fn all_of(subscription: &Subscription, now: DateTime<Utc>) -> Self {
        Self {
            services: subscription.services.clone(),
            updated_at: now,
        }
    }

    pub fn amount(&self, service: Service) -> u64 {
        self.services.get(&service).copied().unwrap_or(0)
    }

    /// `{input, output, ...}`: every service's amount.
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        Service::ALL
            .into_iter()
            .map(|service| (service.as_str().to_string(), self.amount(service).into()))
            .collect()
    }
}

/// The billing cycle `now` falls in: the calendar month, in UTC (*unverified*).
pub fn current_cycle(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = Utc
        .with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(now);
    let (year, month) = if now.month() == 12 {
        (now.year() + 1, 1)
    } else {
        (now.year(), now.month() + 1)
    };
    let end = Utc
        .with_ymd_and_hms(year, month, 1, 0, 0, 0)
        .single()
        .unwrap_or(now);
    (start, end)
}

impl State {
    /// Gives every account without a subscription the one `plan` starts with, and every
    /// profile without an allocation its share: an account's first profile (by creation,
    /// then id) all of the account's limits, the others nothing. Run on every state the
    /// emulator serves (seeded, reset or loaded from a file written before billing existed).
    pub fn complete_billing(&mut self, plan: Tier, now: DateTime<Utc>) {
        for account in self.accounts.values_mut() {
            if account.subscription.is_none() {
                account.subscription = Some(Subscription::for_plan(plan));
            }
        }
        let mut first_seen: BTreeSet<Id> = BTreeSet::new();
        let mut order: Vec<(DateTime<Utc>, Id)> = self
            .profiles
            .values()
            .map(|profile| (profile.created_at, profile.id.clone()))
            .collect();
        order.sort();
        for (_, id) in order {
            let Some(profile) = self.profiles.get(&id) else {
                continue;
            };
            let first = first_seen.insert(profile.account.clone());
            if profile.allocation.is_some() {
                continue;
            }
            let allocation = match self.subscription(&profile.account) {
                Some(subscription) if first => Allocation::all_of(subscription, now),
                _ => Allocation::zero(now),
            };
            if let Some(profile) = self.profiles.get_mut(&id) {
                profile.allocation = Some(allocation);
            }
        }
    }

    /// The subscription of `account`.
    pub fn subscription(&self, account: &str) -> Option<&Subscription> {
        self.accounts.get(account)?.subscription.as_ref()
    }

    /// The ids of the profiles `account` owns, in id order.
    pub fn owned_profiles(&self, account: &str) -> Vec<Id> {
        self.profiles
            .values()
            .filter(|profile| profile.account == account)
            .map(|profile| profile.id.clone())
            .collect()
    }

    /// How much of `service` the profiles of `account` hold together.
    pub fn allocated(&self, account: &str, service: Service) -> u64 {
        self.profiles
            .values()
            .filter(|profile| profile.account == account)
            .filter_map(|profile| profile.allocation.as_ref())
            .map(|allocation| allocation.amount(service))
            .fold(0, u64::saturating_add)
    }

    /// The allocation a new profile of `account` starts with: everything when it is the
    /// account's only profile, else nothing.
    pub fn new_profile_allocation(&self, account: &str, now: DateTime<Utc>) -> Allocation {
        let alone = !self.profiles.values().any(|p| p.account == account);
        match self.subscription(account) {
            Some(subscription) if alone => Allocation::all_of(subscription, now),
            _ => Allocation::zero(now),
        }
    }

    /// With a profile deleted: it leaves every add-on list of its account.
    pub fn remove_profile_addons(&mut self, account: &str, profile: &str) {
        if let Some(subscription) = self
            .accounts
            .get_mut(account)
            .and_then(|account| account.subscription.as_mut())
        {
            for ids in subscription.addons.values_mut() {
                ids.retain(|id| id != profile);
            }
            subscription.removals.retain(|r| r.profile != profile);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycle_is_the_calendar_month() {
        let at: DateTime<Utc> = "2026-12-15T08:00:00Z".parse().unwrap();
        let (start, end) = current_cycle(at);
        assert_eq!(start.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2027-01-01T00:00:00+00:00");
    }

    #[test]
    fn states_written_before_billing_load_and_are_completed() {
        use crate::seed::{Seed, DEMO_PROFILE_ID, DEMO_STAGING_PROFILE_ID};
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1);
        let now = Utc::now();
        let state = Seed::demo().build(now, &mut rng).unwrap();
        let mut json = serde_json::to_value(&state).unwrap();
        let text = json.to_string();
        assert!(!text.contains("subscription") && !text.contains("allocation"));
        json["format"] = 2.into();
        let mut old: State = serde_json::from_value(json).unwrap();
        old.complete_billing(Tier::Starter, now);
        let starter = Subscription::for_plan(Tier::Starter);
        let account = &old.profiles[DEMO_PROFILE_ID].account.clone();
        assert_eq!(old.subscription(account), Some(&starter));
        let first = old.profiles[DEMO_PROFILE_ID].allocation.clone().unwrap();
        assert_eq!(first.services, starter.services);
        let second = old.profiles[DEMO_STAGING_PROFILE_ID].allocation.clone();
        assert_eq!(second.unwrap().amount(Service::Input), 0);
        // Completing again changes nothing already there.
        old.complete_billing(Tier::Free, now);
        assert_eq!(old.subscription(account), Some(&starter));
        let saved = serde_json::to_string(&old).unwrap();
        assert!(saved.contains("\"subscription\"") && saved.contains("\"allocation\""));
    }

    #[test]
    fn a_scheduled_removal_keeps_the_addon_until_its_date() {
        let mut subscription = Subscription::for_plan(Tier::Scale);
        subscription
            .addons
            .insert(AddOn::Mobile, vec!["a".into(), "b".into()]);
        let at: DateTime<Utc> = "2027-04-01T00:00:00Z".parse().unwrap();
        subscription.removals.push(ScheduledRemoval {
            addon: AddOn::Mobile,
            profile: "a".into(),
            at,
        });
        let before = at - chrono::Duration::seconds(1);
        assert_eq!(subscription.holders(AddOn::Mobile, before), ["a", "b"]);
        assert!(subscription
            .pending_removal(AddOn::Mobile, "a", before)
            .is_some());
        assert_eq!(subscription.holders(AddOn::Mobile, at), ["b"]);
        assert!(!subscription.has_addon(AddOn::Mobile, "a", at));
        assert!(subscription
            .pending_removal(AddOn::Mobile, "a", at)
            .is_none());
        subscription.settle(before);
        assert_eq!(subscription.removals.len(), 1);
        subscription.settle(at);
        assert!(subscription.removals.is_empty());
        assert_eq!(subscription.addons[&AddOn::Mobile], ["b"]);
    }

    #[test]
    fn unlimited_reports_scale_limits() {
        let unlimited = Subscription::for_plan(Tier::Unlimited);
        let scale = Subscription::for_plan(Tier::Scale);
        assert_eq!(unlimited, scale);
        assert_eq!(unlimited.plan, SubscriptionPlan::Scale);
        assert_eq!(unlimited.services.len(), 9);
        assert!(Tier::Free.service_limit(Service::Input) < scale.limit(Service::Input));
    }
}
