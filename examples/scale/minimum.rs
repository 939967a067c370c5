//! The fewest requests each phase needs, as a set of [`Job`]s for the ideal schedule.
//!
//! The count (see docs/performance.md):
//! - the profile list (`GET /profile`) is one request: TagoIO does not paginate it;
//! - any other list of `n` items costs `pages(n) = n / 1000 + 1` requests (pages of the maximum
//!   size, 1000, stop at the first short page, and nothing tells the total in advance);
//! - one request per change;
//! - per customer profile, a short-lived token: one `POST /account/profile/token` before its
//!   first profile-scoped request and one `DELETE /profile/{id}/token/{token}` after its last
//!   (the price of signing in with email and password; with `token_env` tokens it is zero);
//! - reading a profile takes its team, network and connector lists, and the share list of each
//!   network and connector whose `shared_with` is managed (no TagoIO list carries shares);
//! - the share routes are not in TagoIO's public sources, so a share is done only once the
//!   share list shows it: one read per object after all of its shares.
//!
//! Buckets: the account token's requests (`GET /profile`, `POST /profile`) count against the
//! integrator's own profile; everything else against the customer profile whose token the
//! best client would use. Changes of a profile wait only on that profile's reads.

use std::collections::HashMap;

use tagoform::emulator::Tier;

use super::drift::Drift;
use super::generate::{self, Size};
use super::schedule::{ideal_seconds, Job};

/// The integrator's bucket key.
pub const MAIN: &str = "Integrator";
const PAGE: usize = 1000;

/// Requests per list of `items`.
pub fn pages(items: usize) -> usize {
    items / PAGE + 1
}

/// A growing set of jobs and their buckets.
pub struct Requests {
    plan: Tier,
    pub jobs: Vec<Job>,
    pub budgets: Vec<u32>,
    buckets: HashMap<(String, &'static str), usize>,
}

impl Requests {
    pub fn new(plan: Tier) -> Self {
        Requests {
            plan,
            jobs: Vec::new(),
            budgets: Vec::new(),
            buckets: HashMap::new(),
        }
    }

    /// Adds a request of `route` counted against `profile` (`None`: a route without a token).
    pub fn add(&mut self, profile: Option<&str>, route: &'static str, after: Vec<usize>) -> usize {
        let bucket = profile.and_then(|profile| {
            let budget = self.plan.rate_limit(route)?;
            let next = self.budgets.len();
            let index = *self
                .buckets
                .entry((profile.to_owned(), route))
                .or_insert(next);
            if index == next {
                self.budgets.push(budget);
            }
            Some(index)
        });
        self.jobs.push(Job { bucket, after });
        self.jobs.len() - 1
    }

    /// `count` requests one after the other (the pages of a list); returns the last.
    pub fn chain(
        &mut self,
        profile: &str,
        route: &'static str,
        count: usize,
        after: Vec<usize>,
    ) -> usize {
        let mut last = self.add(Some(profile), route, after);
        for _ in 1..count {
            last = self.add(Some(profile), route, vec![last]);
        }
        last
    }

    pub fn ideal(&self, parallelism: usize, latency_s: f64) -> f64 {
        ideal_seconds(&self.jobs, &self.budgets, parallelism, latency_s)
    }
}

const SHARE_NETWORK: &str = "POST /integration/network/{id}/share";
const SHARE_CONNECTOR: &str = "POST /integration/connector/{id}/share";
const TOKEN_DELETE: &str = "DELETE /profile/{id}/token/{token}";
const SHARES_OF_NETWORK: &str = "GET /integration/network/{id}/share";
const SHARES_OF_CONNECTOR: &str = "GET /integration/connector/{id}/share";

/// The read that confirms a share or an unshare of this route.
fn confirmation(route: &str) -> Option<&'static str> {
    match route {
        SHARE_NETWORK => Some(SHARES_OF_NETWORK),
        SHARE_CONNECTOR => Some(SHARES_OF_CONNECTOR),
        _ => None,
    }
}

/// Apply from an account holding only the integrator's own profile.
pub fn apply_from_empty(size: &Size, plan: Tier) -> Requests {
    let mut requests = Requests::new(plan);
    // The profile list is not paginated (docs/api.md): one request, whatever its length.
    let list = requests.add(Some(MAIN), "GET /profile", vec![]);
    for profile in 0..size.profiles {
        let key = generate::profile_name(profile);
        let key = key.as_str();
        let create = requests.add(Some(MAIN), "POST /profile", vec![list]);
        let token = requests.add(None, "POST /account/profile/token", vec![create]);
        let mut all = Vec::new();
        for _ in 0..size.members {
            all.push(requests.add(Some(key), "POST /profile/{id}/team", vec![token]));
        }
        let mut objects = Vec::new();
        for _ in 0..size.networks {
            objects.push(requests.add(Some(key), "POST /integration/network", vec![token]));
        }
        for connector in 0..size.connectors {
            let mut after = vec![token];
            if size.networks > 0 {
                after.push(objects[connector % size.networks]);
            }
            objects.push(requests.add(Some(key), "POST /integration/connector", after));
        }
        for (index, &object) in objects.iter().enumerate() {
            let route = if index < size.networks {
                SHARE_NETWORK
            } else {
                SHARE_CONNECTOR
            };
            let mut shares = Vec::new();
            for _ in size.recipients(profile, index) {
                shares.push(requests.add(Some(key), route, vec![object]));
            }
            if let (false, Some(read)) = (shares.is_empty(), confirmation(route)) {
                all.push(requests.add(Some(key), read, shares.clone()));
            }
            all.extend(shares);
        }
        all.extend(objects);
        all.push(token);
        requests.add(Some(key), TOKEN_DELETE, all);
    }
    requests
}

/// The reads of a plan over the applied configuration (no change needed), plus, with a
/// `drift`, the changes that repair it.
pub fn plan_reads(size: &Size, plan: Tier, drift: Option<&Drift>) -> Requests {
    let mut requests = Requests::new(plan);
    // The profile list is not paginated (docs/api.md): one request, whatever its length.
    let list = requests.add(Some(MAIN), "GET /profile", vec![]);
    for profile in 0..size.profiles {
        let name = generate::profile_name(profile);
        let key = name.as_str();
        let token = requests.add(None, "POST /account/profile/token", vec![list]);
        let mut reads = profile_reads(&mut requests, size, key, token);
        let changes: Vec<&'static str> =
            drift.map(|drift| drift.repairs_of(key)).unwrap_or_default();
        let mut last = repairs(&mut requests, key, &changes, &reads);
        reads.push(token);
        last.extend(reads);
        requests.add(Some(key), TOKEN_DELETE, last);
    }
    requests
}

/// `tagoform plan`, the command: the library's plan reads, nothing more.
pub fn command_plan(size: &Size, plan: Tier) -> Requests {
    plan_reads(size, plan, None)
}

/// `tagoform apply --auto-approve` of `drift`, the command: the whole plan's reads; the apply
/// lock (the profile list to find the integrator's profile, its lock token made, the token
/// list read to confirm it is the only holder); under the lock, the profile list and the
/// lists of each profile the drift touches read again (their short-lived tokens kept); the
/// repairs; then the short-lived tokens and the lock token removed.
pub fn command_apply(size: &Size, plan: Tier, drift: &Drift) -> Requests {
    let mut requests = Requests::new(plan);
    let list = requests.add(Some(MAIN), "GET /profile", vec![]);
    let mut first = Vec::new();
    for profile in 0..size.profiles {
        let name = generate::profile_name(profile);
        let token = requests.add(None, "POST /account/profile/token", vec![list]);
        let reads = profile_reads(&mut requests, size, &name, token);
        first.push((name, token, reads));
    }
    let everything: Vec<usize> = first
        .iter()
        .flat_map(|(_, token, reads)| reads.iter().chain([token]).copied())
        .collect();
    let find = requests.add(Some(MAIN), "GET /profile", everything);
    let make = requests.add(Some(MAIN), "POST /profile/{id}/token", vec![find]);
    let lock = requests.add(Some(MAIN), "GET /profile/{id}/token", vec![make]);
    let again = requests.add(Some(MAIN), "GET /profile", vec![lock]);
    let mut all = vec![lock, again];
    for (name, token, reads) in first {
        let changes = drift.repairs_of(&name);
        let mut last = reads;
        last.push(token);
        if !changes.is_empty() {
            let reread = profile_reads(&mut requests, size, &name, again);
            last.extend(repairs(&mut requests, &name, &changes, &reread));
            last.extend(reread);
        }
        all.push(requests.add(Some(&name), TOKEN_DELETE, last));
    }
    requests.add(Some(MAIN), TOKEN_DELETE, all);
    requests
}

/// One profile's reads after `after`: its team, network and connector lists, and the share
/// list of each of its objects. Returns the reads.
fn profile_reads(requests: &mut Requests, size: &Size, key: &str, after: usize) -> Vec<usize> {
    let networks = requests.chain(
        key,
        "GET /integration/network",
        pages(size.networks),
        vec![after],
    );
    let connectors = requests.chain(
        key,
        "GET /integration/connector",
        pages(size.connectors),
        vec![after],
    );
    let mut reads = vec![
        requests.chain(
            key,
            "GET /profile/{id}/team",
            pages(size.members),
            vec![after],
        ),
        networks,
        connectors,
    ];
    for _ in 0..size.networks {
        reads.push(requests.add(Some(key), SHARES_OF_NETWORK, vec![networks]));
    }
    for _ in 0..size.connectors {
        reads.push(requests.add(Some(key), SHARES_OF_CONNECTOR, vec![connectors]));
    }
    reads
}

/// The requests that repair a profile's drift, each after the profile's `reads`, with the
/// share-list read that confirms a share; returns them.
fn repairs(
    requests: &mut Requests,
    key: &str,
    changes: &[&'static str],
    reads: &[usize],
) -> Vec<usize> {
    let mut made = Vec::new();
    for &route in changes {
        let change = requests.add(Some(key), route, reads.to_vec());
        made.push(change);
        if let Some(read) = confirmation(route) {
            made.push(requests.add(Some(key), read, vec![change]));
        }
    }
    made
}
