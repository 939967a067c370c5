//! TagoIO's per-plan limits: requests per minute per profile and route ("Rate Limits
//! (Hard limits)") and how many objects may exist ("Resource Limits"). Figures TagoIO
//! publishes are used as published; routes its table leaves out get a documented
//! placeholder (see docs/api.md, "Limits").

use std::collections::HashMap;

use chrono::{DateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::billing::SubscriptionPlan;
use tagoform_wire::billing::{AddOn, Service};

/// The TagoIO plan whose limits the emulator enforces (`--plan`). `Unlimited` enforces none.
/// Named a tier so that it is not taken for tagoform's plan of operations (`plan::Plan`) or
/// for the plan a subscription names ([`super::billing::SubscriptionPlan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// TagoIO's Free plan limits.
    Free,
    /// TagoIO's Starter plan limits.
    Starter,
    /// TagoIO's Scale plan limits.
    Scale,
    /// No rate or resource limits (demos and tests).
    #[default]
    Unlimited,
}

impl Tier {
    /// The plan's name as TagoIO writes it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Free => "Free",
            Self::Starter => "Starter",
            Self::Scale => "Scale",
            Self::Unlimited => "Unlimited",
        }
    }

    fn pick(self, free: u32, starter: u32, scale: u32) -> Option<u32> {
        match self {
            Self::Free => Some(free),
            Self::Starter => Some(starter),
            Self::Scale => Some(scale),
            Self::Unlimited => None,
        }
    }

    /// The plan the account's subscription reports: `Unlimited` reports `scale`.
    pub fn subscription_plan(self) -> SubscriptionPlan {
        match self {
            Self::Free => SubscriptionPlan::Free,
            Self::Starter => SubscriptionPlan::Starter,
            Self::Scale | Self::Unlimited => SubscriptionPlan::Scale,
        }
    }

    /// The account limit of `service` a subscription starts with. *Unverified* round
    /// placeholders: TagoIO's public sources give no figures (docs/api.md, "Billing").
    /// `Unlimited` has the Scale figures.
    pub fn service_limit(self, service: Service) -> u64 {
        let (free, starter, scale) = match service {
            Service::Input => (10_000, 100_000, 1_000_000),
            Service::Output => (20_000, 200_000, 2_000_000),
            Service::Analysis => (100, 1_000, 10_000),
            Service::DataRecords => (50_000, 500_000, 5_000_000),
            Service::Sms => (0, 10, 100),
            Service::Email => (100, 1_000, 10_000),
            Service::RunUsers => (10, 100, 1_000),
            Service::PushNotification => (100, 1_000, 10_000),
            Service::FileStorage => (100, 1_000, 10_000),
        };
        match self.subscription_plan() {
            SubscriptionPlan::Free => free,
            SubscriptionPlan::Starter => starter,
            SubscriptionPlan::Scale => scale,
        }
    }

    /// Requests a minute allowed for one profile on `route` (`METHOD /template`).
    pub fn rate_limit(self, route: &str) -> Option<u32> {
        let (method, path) = route.split_once(' ').unwrap_or(("GET", route));
        match (method, path) {
            // Published: PROFILE rows.
            ("POST", "/profile") | ("PUT", "/profile/{id}") | ("DELETE", "/profile/{id}") => {
                self.pick(60, 100, 200)
            }
            // Published: INTEGRATION row (POST /integration/network); the other integration
            // writes use the same figures as a placeholder.
            ("GET", _) => self.pick(60, 1_000, 2_000),
            // Published: the NOTIFICATION row of "Rate Limits (Hard limits)".
            ("PUT", "/notification/{id}/{button_id}") => self.pick(60, 100, 1_000),
            (_, path) if path.starts_with("/integration/") => self.pick(60, 100, 500),
            // Placeholder for the remaining writes: the PROFILE row's figures.
            _ => self.pick(60, 100, 200),
        }
    }

    /// How many objects of `resource` may exist (per account for profiles, else per profile).
    pub fn resource_limit(self, resource: Resource) -> Option<u32> {
        match resource {
            Resource::Profile => self.pick(1, 2, 5),
            Resource::TeamMember => self.pick(0, 1, 5),
            Resource::CustomConnector => self.pick(3, 20, 50),
            Resource::CustomNetwork => self.pick(1, 5, 10),
        }
    }

    /// `Some(message)` when one more `resource` would go over the limit.
    pub fn check_resource(self, resource: Resource, existing: usize) -> Option<String> {
        let limit = self.resource_limit(resource)?;
        if existing < limit as usize {
            return None;
        }
        let scope = if resource == Resource::Profile {
            "account"
        } else {
            "profile"
        };
        Some(format!(
            "Resource limit reached: {} ({limit} per {scope} on the {} plan)",
            resource.title(),
            self.title()
        ))
    }
}

/// The monthly price of `plan` (`GET /pricing`). *Unverified* placeholder.
pub fn plan_price(plan: SubscriptionPlan) -> u64 {
    match plan {
        SubscriptionPlan::Free => 0,
        SubscriptionPlan::Starter => 50,
        SubscriptionPlan::Scale => 500,
    }
}

/// The monthly price of `addon` for one profile (`GET /pricing`). *Unverified* placeholder.
pub fn addon_price(addon: AddOn) -> u64 {
    match addon {
        AddOn::CustomDns => 100,
        AddOn::Mobile => 200,
    }
}

/// The price tiers of `service` (`GET /pricing`): `(amount, price)` pairs, the Starter,
/// Scale and ten times the Scale limit at 10, 50 and 250. *Unverified* placeholders.
pub fn service_tiers(service: Service) -> [(u64, u64); 3] {
    let scale = Tier::Scale.service_limit(service);
    [
        (Tier::Starter.service_limit(service), 10),
        (scale, 50),
        (scale * 10, 250),
    ]
}

/// The kinds of objects whose number TagoIO limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Profile,
    TeamMember,
    CustomConnector,
    CustomNetwork,
}

impl Resource {
    /// As TagoIO's "Resource Limits" table names it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Profile => "Profile",
            Self::TeamMember => "Team Member",
            Self::CustomConnector => "Custom Connector",
            Self::CustomNetwork => "Custom Network",
        }
    }
}

/// Counts requests per (profile, route) in the current calendar minute of the emulator's clock.
#[derive(Debug, Default)]
pub struct RateLimiter {
    counts: HashMap<(String, String), (i64, u32)>,
}

impl RateLimiter {
    /// Records one request; `Err(seconds)` until the next minute starts when over `limit`.
    pub fn hit(
        &mut self,
        profile: &str,
        route: &str,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<(), u64> {
        let minute = now.timestamp().div_euclid(60);
        let entry = self
            .counts
            .entry((profile.to_string(), route.to_string()))
            .or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= limit {
            return Err(60 - u64::from(now.second()));
        }
        entry.1 += 1;
        Ok(())
    }

    pub fn clear(&mut self) {
        self.counts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_figures() {
        assert_eq!(Tier::Free.rate_limit("POST /profile"), Some(60));
        assert_eq!(Tier::Starter.rate_limit("POST /profile"), Some(100));
        assert_eq!(Tier::Scale.rate_limit("POST /profile"), Some(200));
        assert_eq!(
            Tier::Scale.rate_limit("POST /integration/network"),
            Some(500)
        );
        assert_eq!(Tier::Unlimited.rate_limit("POST /profile"), None);
        assert_eq!(Tier::Free.resource_limit(Resource::CustomNetwork), Some(1));
        assert_eq!(Tier::Starter.resource_limit(Resource::Profile), Some(2));
    }

    #[test]
    fn limiter_resets_each_calendar_minute() {
        let mut limiter = RateLimiter::default();
        let at: DateTime<Utc> = "2026-01-01T12:45:09Z".parse().unwrap();
        assert_eq!(limiter.hit("p", "POST /profile", 1, at), Ok(()));
        assert_eq!(limiter.hit("p", "POST /profile", 1, at), Err(51));
        assert_eq!(limiter.hit("q", "POST /profile", 1, at), Ok(()));
        let next: DateTime<Utc> = "2026-01-01T12:46:00Z".parse().unwrap();
        assert_eq!(limiter.hit("p", "POST /profile", 1, next), Ok(()));
    }
}
