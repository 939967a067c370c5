//! Pacing: stay under TagoIO's per-minute limits instead of running into 429s.
//!
//! TagoIO counts requests per profile and route in each calendar minute. The pacer keeps,
//! per (profile, method + route template), the send times of the last minute and makes a
//! request wait while the bucket is full. A sliding window of 60 s never holds more than
//! the budget, so no calendar minute can either, whatever the clocks' offset. A 429 still
//! slipping through (another program on the same profile) blocks the bucket for the
//! `Retry-After` the server gave. One [`Pacer`] can be shared by every client of a run.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::clock::Clock;
use super::route::Method;

const WINDOW: Duration = Duration::from_secs(60);
/// Routes sent without a token, which TagoIO's per-profile limits do not count (the
/// billing routes under `/account/` carry a token, and are counted).
const UNCOUNTED: [&str; 3] = [
    "/account/login",
    "/account/login/otp",
    "/account/profile/token",
];

/// Every (method, route template) the client sends, as TagoIO's rate limits name them.
pub const ROUTES: &[(Method, &str)] = &[
    (Method::Post, "/account/login"),
    (Method::Post, "/account/login/otp"),
    (Method::Post, "/account/profile/token"),
    (Method::Get, "/profile"),
    (Method::Post, "/profile"),
    (Method::Get, "/profile/current"),
    (Method::Get, "/profile/{id}"),
    (Method::Put, "/profile/{id}"),
    (Method::Delete, "/profile/{id}"),
    (Method::Get, "/profile/{id}/team"),
    (Method::Post, "/profile/{id}/team"),
    (Method::Delete, "/profile/{id}/team/{account_id}"),
    (Method::Get, "/profile/{id}/token"),
    (Method::Post, "/profile/{id}/token"),
    (Method::Delete, "/profile/{id}/token/{token}"),
    (Method::Delete, "/profile/{id}/custom_dns"),
    (Method::Delete, "/profile/{id}/mobile"),
    (Method::Get, "/account/allocation"),
    (Method::Post, "/account/allocation"),
    (Method::Get, "/account/subscription"),
    (Method::Post, "/account/subscription"),
    (Method::Get, "/pricing"),
    (Method::Get, "/integration/network"),
    (Method::Post, "/integration/network"),
    (Method::Get, "/integration/network/{id}"),
    (Method::Put, "/integration/network/{id}"),
    (Method::Delete, "/integration/network/{id}"),
    (Method::Get, "/integration/network/{id}/share"),
    (Method::Post, "/integration/network/{id}/share"),
    (
        Method::Delete,
        "/integration/network/{id}/share/{profile_id}",
    ),
    (Method::Get, "/integration/connector"),
    (Method::Post, "/integration/connector"),
    (Method::Get, "/integration/connector/{id}"),
    (Method::Put, "/integration/connector/{id}"),
    (Method::Delete, "/integration/connector/{id}"),
    (Method::Get, "/integration/connector/{id}/share"),
    (Method::Post, "/integration/connector/{id}/share"),
    (
        Method::Delete,
        "/integration/connector/{id}/share/{profile_id}",
    ),
];

/// Requests allowed per minute, per (method, route template); routes not listed use the
/// default (`None`: unpaced).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateBudgets {
    /// Budget of routes without their own entry.
    pub default: Option<u32>,
    /// Budgets by method and route template (`/integration/connector/{id}`).
    pub routes: BTreeMap<(Method, String), u32>,
}

impl RateBudgets {
    /// No pacing at all.
    pub fn unlimited() -> Self {
        Self::default()
    }

    /// Budgets for every route the client uses, from a lookup such as a plan's table
    /// (`|method, template| plan.rate_limit(&format!("{method} {template}"))`).
    ///
    /// Routes sent without a token (`/account/...`: sign-in and short-lived profile tokens)
    /// get no budget whatever the lookup says: TagoIO counts requests against the token's
    /// profile, so they count against none (docs/api.md, "Limits"). Pacing them would make a
    /// run over hundreds of profiles wait minutes for limits that do not exist.
    pub fn from_fn(lookup: impl Fn(Method, &str) -> Option<u32>) -> Self {
        let mut budgets = Self::default();
        for (method, template) in ROUTES {
            if UNCOUNTED.contains(template) {
                continue;
            }
            if let Some(per_minute) = lookup(*method, template) {
                budgets
                    .routes
                    .insert((*method, (*template).to_owned()), per_minute);
            }
        }
        budgets
    }

    /// Sets the budget of one route.
    pub fn route(mut self, method: Method, template: &str, per_minute: u32) -> Self {
        self.routes
            .insert((method, template.to_owned()), per_minute);
        self
    }

    /// Sets the budget of every other route.
    pub fn default_budget(mut self, per_minute: u32) -> Self {
        self.default = Some(per_minute);
        self
    }

    fn budget(&self, method: Method, template: &str) -> Option<u32> {
        self.routes
            .get(&(method, template.to_owned()))
            .copied()
            .or(self.default)
    }
}

#[derive(Debug, Default)]
struct Bucket {
    sent: VecDeque<Duration>,
    blocked_until: Duration,
}

/// Per-bucket request windows, safe to share between concurrent calls and clients.
#[derive(Debug)]
pub struct Pacer {
    budgets: RateBudgets,
    clock: Arc<dyn Clock>,
    buckets: Mutex<HashMap<(String, Method, String), Bucket>>,
}

impl Pacer {
    /// A pacer over these budgets and this clock.
    pub fn new(budgets: RateBudgets, clock: Arc<dyn Clock>) -> Self {
        Self {
            budgets,
            clock,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until a request of `profile` on this route fits the budget, then counts it.
    pub async fn admit(&self, profile: &str, method: Method, template: &str) {
        let budget = self.budgets.budget(method, template);
        loop {
            let wait = self.try_admit(profile, method, template, budget);
            match wait {
                None => return,
                Some(wait) => {
                    tracing::debug!(%method, route = template, wait_ms = wait.as_millis() as u64, "pacing");
                    self.clock.sleep(wait).await;
                }
            }
        }
    }

    /// Blocks the bucket until `wait` from now, after the server answered 429.
    pub fn block(&self, profile: &str, method: Method, template: &str, wait: Duration) {
        let until = self.clock.now() + wait;
        if let Ok(mut buckets) = self.buckets.lock() {
            let bucket = buckets
                .entry((profile.to_owned(), method, template.to_owned()))
                .or_default();
            bucket.blocked_until = bucket.blocked_until.max(until);
        }
    }

    /// Counts the request and returns `None`, or returns how long to wait first.
    fn try_admit(
        &self,
        profile: &str,
        method: Method,
        template: &str,
        budget: Option<u32>,
    ) -> Option<Duration> {
        let now = self.clock.now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return None;
        };
        let bucket = buckets
            .entry((profile.to_owned(), method, template.to_owned()))
            .or_default();
        if bucket.blocked_until > now {
            return Some(bucket.blocked_until - now);
        }
        let budget = budget?;
        while bucket
            .sent
            .front()
            .is_some_and(|sent| *sent + WINDOW <= now)
        {
            bucket.sent.pop_front();
        }
        if (bucket.sent.len() as u64) < u64::from(budget.max(1)) {
            bucket.sent.push_back(now);
            return None;
        }
        bucket.sent.front().map(|oldest| *oldest + WINDOW - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::clock::ManualClock;

    #[tokio::test]
    async fn waits_for_the_oldest_request_to_leave_the_window() {
        let clock = ManualClock::shared();
        let budgets = RateBudgets::unlimited().route(Method::Post, "/profile", 2);
        let pacer = Pacer::new(budgets, clock.clone());
        pacer.admit("p1", Method::Post, "/profile").await;
        clock.advance(Duration::from_secs(10));
        pacer.admit("p1", Method::Post, "/profile").await;
        // Other buckets are independent: another profile, another route.
        pacer.admit("p2", Method::Post, "/profile").await;
        pacer.admit("p1", Method::Get, "/profile").await;
        assert!(clock.sleeps().is_empty());
        clock.advance(Duration::from_secs(5));
        pacer.admit("p1", Method::Post, "/profile").await;
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(45)]);
    }

    #[test]
    fn routes_without_a_token_get_no_budget_from_a_table() {
        let budgets = RateBudgets::from_fn(|_, _| Some(60));
        assert_eq!(budgets.budget(Method::Post, "/account/profile/token"), None);
        assert_eq!(budgets.budget(Method::Post, "/account/login"), None);
        assert_eq!(budgets.budget(Method::Post, "/profile"), Some(60));
        assert_eq!(budgets.budget(Method::Post, "/account/login/otp"), None);
        assert_eq!(budgets.routes.len(), ROUTES.len() - 3);
    }

    #[tokio::test]
    async fn a_blocked_bucket_waits_even_without_a_budget() {
        let clock = ManualClock::shared();
        let pacer = Pacer::new(RateBudgets::unlimited(), clock.clone());
        pacer.block("p1", Method::Get, "/profile", Duration::from_secs(8));
        pacer.admit("p1", Method::Get, "/profile").await;
        pacer.admit("p1", Method::Get, "/profile").await;
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(8)]);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_admissions_never_exceed_the_budget() {
        let clock = Arc::new(crate::api::clock::SystemClock::new());
        let budgets = RateBudgets::unlimited().default_budget(5);
        let pacer = Arc::new(Pacer::new(budgets, clock.clone()));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let pacer = pacer.clone();
                tokio::spawn(async move { pacer.admit("p", Method::Get, "/x").await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        // 12 requests at 5 a minute: 5 now, 5 after one minute, 2 after two.
        assert_eq!(clock.now(), Duration::from_secs(120));
    }
}
