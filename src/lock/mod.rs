//! The apply lock: two applies of different configurations must not interleave.
//!
//! TagoIO has no lock to take, so tagoform makes one: a read-only account token named for the
//! run ([`holder::token_name`]) on the account's oldest profile, the *lock profile*. A run
//! creates its token, then lists the profile's tokens: it holds the lock when no other live
//! lock token is there ([`holder::Judgement::holds`]); otherwise it removes its own and tries
//! again after a random pause, until `--lock-timeout`. The token's expiry is a lease, renewed
//! while the run works, so a run that crashes frees the account within the lease. A holder
//! that cannot renew stops starting operations before its lease can lapse ([`AccountLock::check`]).
//!
//! Creating an account token needs the account password, so locking does too.

pub mod holder;

use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use rand::Rng;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::api::types::{Permission, TokenCreateRequest, TokenListItem};
use crate::api::{ApiError, Client, Token};
use crate::live::{Credentials, Id};
pub use holder::{Holder, LOCK_TOKEN_PREFIX};

/// How a run takes and keeps the lock.
#[derive(Debug, Clone)]
pub struct LockSettings {
    /// How long to wait for another run's lock; zero gives up at once.
    pub timeout: Duration,
    /// The lease (the lock token's expiry), in minutes: TagoIO takes expiries as periods.
    pub lease_minutes: u32,
    /// How often the holder renews its lease while it works.
    pub renew_every: Duration,
    /// Bounds of the random pause between attempts while another run holds the lock.
    pub pause: (Duration, Duration),
}

impl Default for LockSettings {
    fn default() -> Self {
        LockSettings {
            timeout: Duration::ZERO,
            lease_minutes: 3,
            renew_every: Duration::from_secs(45),
            pause: (Duration::from_millis(500), Duration::from_secs(3)),
        }
    }
}

/// How far before the lease's end a holder stops starting operations: its lease began at the
/// server a little after the request left, so the local count runs ahead, never behind.
const LEASE_MARGIN: Duration = Duration::from_secs(30);
/// Attempts in a row that may find the lock profile gone (deleted meanwhile) or a list that
/// does not show a token just made, before giving up.
const MAX_EMPTY_ATTEMPTS: u32 = 5;

/// Why the lock was not taken or kept.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another apply holds the lock on this account ({}){}; nothing was changed. Wait for it \
         to finish (or pass --lock-timeout 10m to wait), or, if it crashed, run `tagoform unlock {}` \
         (it also lapses on its own)",
        join(holders), waited_text(*waited), holders.first().map_or("RUN_ID", |h| h.run_id.as_str())
    )]
    Held {
        holders: Vec<Holder>,
        waited: Duration,
    },
    #[error("the account owns no profile to keep the apply lock on; pass --lock=false")]
    NoProfile,
    #[error("could not list the account's profiles to find where the apply lock is kept")]
    Profiles(#[source] ApiError),
    #[error("could not take the apply lock on profile {profile}")]
    Api {
        profile: Id,
        #[source]
        source: ApiError,
    },
    #[error("the apply lock was lost: {0}")]
    Lost(String),
}

fn join(holders: &[Holder]) -> String {
    if holders.is_empty() {
        return "another run was taking it at the same moment".to_owned();
    }
    let texts: Vec<String> = holders.iter().map(Holder::to_string).collect();
    texts.join("; ")
}

fn waited_text(waited: Duration) -> String {
    match waited.as_secs() {
        0 => String::new(),
        seconds => format!(" after waiting {seconds} s"),
    }
}

/// The lock, held. [`AccountLock::release`] gives it back; dropped without that, it lapses
/// at the end of its lease.
pub struct AccountLock {
    shared: Arc<Shared>,
    renewer: Option<JoinHandle<()>>,
}

struct Shared {
    client: Client,
    request: TokenCreateRequest,
    run_id: String,
    settings: LockSettings,
    /// The account's profiles, oldest first, as listed when the lock was taken.
    profiles: Vec<Id>,
    held: Mutex<Vec<Held>>,
    lease: StdMutex<Lease>,
}

/// This run's tokens on one profile; the newest is the current lease, older ones go.
struct Held {
    profile: Id,
    tokens: Vec<Token>,
    /// When the request that made the newest token left: its lease started after that.
    renewed: Instant,
}

struct Lease {
    valid_until: Instant,
    lost: Option<String>,
}

/// What one attempt on a profile found.
enum Attempt {
    Taken(Held),
    Busy(Vec<Holder>),
    /// The profile was deleted meanwhile, or the list did not show the token just made.
    Empty,
}

/// Takes the lock of the account that `client`'s token belongs to, waiting as `settings`
/// say. `waiting` is called once, with the holders, when the run starts to wait.
pub async fn acquire(
    client: &Client,
    credentials: &Credentials,
    settings: LockSettings,
    mut waiting: impl FnMut(&[Holder]),
) -> Result<AccountLock, LockError> {
    let run_id = format!("{:016x}", rand::thread_rng().gen::<u64>());
    // Shells set HOSTNAME without exporting it; /etc/hostname names the machine then.
    let env = |name: &str| {
        let value = std::env::var(name).ok().filter(|v| !v.is_empty());
        match (value, name) {
            (None, "HOSTNAME") => std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|host| host.trim().to_owned())
                .filter(|host| !host.is_empty()),
            (value, _) => value,
        }
    };
    let request = TokenCreateRequest {
        name: holder::token_name(&run_id, &holder::who(env)),
        permission: Permission::Read,
        expire_time: Some(format!("{} minutes", settings.lease_minutes)),
        email: credentials.email.clone(),
        password: credentials.password.expose().to_owned(),
        otp_type: None,
        pin_code: credentials.pin.as_ref().map(|pin| pin.expose().to_owned()),
    };
    let started = Instant::now();
    let mut empty = 0;
    let mut waited = false;
    loop {
        let profiles = owned_profiles(client).await?;
        let Some(profile) = profiles.first().cloned() else {
            return Err(LockError::NoProfile);
        };
        match attempt(client, &request, &run_id, &profile).await? {
            Attempt::Taken(held) => {
                let lease = Lease {
                    valid_until: held.renewed + lease_length(&settings),
                    lost: None,
                };
                let shared = Arc::new(Shared {
                    client: client.clone(),
                    request,
                    run_id,
                    settings,
                    profiles,
                    held: Mutex::new(vec![held]),
                    lease: StdMutex::new(lease),
                });
                let renewer = tokio::spawn(renew_until_released(shared.clone()));
                return Ok(AccountLock {
                    shared,
                    renewer: Some(renewer),
                });
            }
            Attempt::Empty if empty < MAX_EMPTY_ATTEMPTS => empty += 1,
            Attempt::Empty => {
                return Err(LockError::Held {
                    holders: Vec::new(),
                    waited: started.elapsed(),
                })
            }
            Attempt::Busy(holders) => {
                let pause = random_pause(&settings);
                if started.elapsed() + pause > settings.timeout {
                    return Err(LockError::Held {
                        holders,
                        waited: started.elapsed(),
                    });
                }
                if !waited {
                    waiting(&holders);
                    waited = true;
                }
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// One try: make this run's token on `profile`, list, and keep it only if no one else is there.
async fn attempt(
    client: &Client,
    request: &TokenCreateRequest,
    run_id: &str,
    profile: &str,
) -> Result<Attempt, LockError> {
    let api = |source| LockError::Api {
        profile: profile.to_owned(),
        source,
    };
    let sent = Instant::now();
    let made = match client.token_create(profile, request).await {
        Ok(made) => Some(Token::new(made.token)),
        Err(error) if error.is_not_found() => return Ok(Attempt::Empty),
        // It may exist: the list below finds it by this run's name.
        Err(error) if error.answer_lost() => None,
        Err(error) => return Err(api(error)),
    };
    let tokens = match client.tokens_list(profile).await {
        Ok(tokens) => tokens,
        Err(error) if error.is_not_found() => return Ok(Attempt::Empty),
        Err(error) => {
            if let Some(token) = made {
                remove(client, profile, &[token]).await;
            }
            return Err(api(error));
        }
    };
    let now = client.server_time().unwrap_or_else(Utc::now);
    let judgement = holder::judge(run_id, &tokens, now);
    let mut mine = values(&judgement.mine);
    if let Some(token) = made {
        if !mine.iter().any(|t| t.expose() == token.expose()) {
            mine.push(token);
        }
    }
    if judgement.holds() {
        let lapsed = values(&judgement.lapsed);
        remove(client, profile, &lapsed).await;
        return Ok(Attempt::Taken(Held {
            profile: profile.to_owned(),
            tokens: mine,
            renewed: sent,
        }));
    }
    let others = judgement.others;
    remove(client, profile, &mine).await;
    Ok(if others.is_empty() {
        Attempt::Empty
    } else {
        Attempt::Busy(others)
    })
}

impl AccountLock {
    /// This run's id, as `tagoform unlock` takes it and other runs print it.
    pub fn run_id(&self) -> &str {
        &self.shared.run_id
    }

    /// The profile the lock is kept on.
    pub fn profile(&self) -> &str {
        self.shared
            .profiles
            .first()
            .map_or("", |profile| profile.as_str())
    }

    /// `Ok` while the lock is surely held: not lost, and the lease has time left.
    pub fn check(&self) -> Result<(), String> {
        let lease = match self.shared.lease.lock() {
            Ok(lease) => lease,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(reason) = &lease.lost {
            return Err(format!("the apply lock was lost ({reason})"));
        }
        if Instant::now() >= lease.valid_until {
            return Err("the apply lock's lease ran out before it could be renewed".to_owned());
        }
        Ok(())
    }

    /// Before this run deletes the lock profile, it also takes the lock on the profile that
    /// becomes the oldest, so that runs starting after the deletion find it held there.
    /// `deleted` holds the ids of the profiles the plan deletes.
    pub async fn cover_deletions(&self, deleted: &[Id]) -> Result<(), LockError> {
        let shared = &self.shared;
        if !deleted.iter().any(|id| id == self.profile()) {
            return Ok(());
        }
        let Some(successor) = shared.profiles.iter().find(|id| !deleted.contains(id)) else {
            return Ok(());
        };
        for _ in 0..=MAX_EMPTY_ATTEMPTS {
            match attempt(&shared.client, &shared.request, &shared.run_id, successor).await? {
                Attempt::Taken(held) => {
                    self.shared.held.lock().await.push(held);
                    return Ok(());
                }
                // Only a run that has not seen this run's lock can be there, and it gives way.
                Attempt::Busy(_) | Attempt::Empty => {
                    tokio::time::sleep(random_pause(&shared.settings)).await;
                }
            }
        }
        Err(LockError::Lost(format!(
            "could not also take it on profile {successor}, which becomes the oldest when the \
             plan deletes {}",
            self.profile()
        )))
    }

    /// Renews the lease now (the background task does this every `renew_every`).
    pub async fn renew(&self) -> Result<(), LockError> {
        self.shared.renew().await
    }

    /// Gives the lock back. Returns what could not be removed (it lapses with its lease).
    pub async fn release(mut self) -> Vec<ApiError> {
        if let Some(renewer) = self.renewer.take() {
            renewer.abort();
        }
        let held = std::mem::take(&mut *self.shared.held.lock().await);
        let mut failures = Vec::new();
        for entry in held {
            for token in &entry.tokens {
                match self.shared.client.token_delete(&entry.profile, token).await {
                    Err(error) if !error.is_not_found() => failures.push(error),
                    _ => {}
                }
            }
        }
        failures
    }
}

impl Drop for AccountLock {
    fn drop(&mut self) {
        if let Some(renewer) = self.renewer.take() {
            renewer.abort();
        }
    }
}

impl Shared {
    /// Makes a fresh token on each held profile, then checks that the previous one is still
    /// there and live: if it is not (removed by `tagoform unlock`, or its lease ran out),
    /// another run may hold the lock now, and this one is lost for good.
    async fn renew(&self) -> Result<(), LockError> {
        let mut held = self.held.lock().await;
        for entry in held.iter_mut() {
            let profile = entry.profile.clone();
            let api = |source| LockError::Api {
                profile: profile.clone(),
                source,
            };
            let sent = Instant::now();
            let made = match self.client.token_create(&profile, &self.request).await {
                Ok(made) => Some(Token::new(made.token)),
                Err(error) if error.answer_lost() => None,
                Err(error) => return Err(api(error)),
            };
            let tokens = self.client.tokens_list(&profile).await.map_err(api)?;
            let now = self.client.server_time().unwrap_or_else(Utc::now);
            let judgement = holder::judge(&self.run_id, &tokens, now);
            let kept = entry
                .tokens
                .iter()
                .any(|old| judgement.mine.iter().any(|t| t.token == old.expose()));
            if !kept {
                let reason = format!(
                    "its token on profile {profile} was removed or lapsed, so another run may \
                     hold the lock now"
                );
                self.lose(&reason);
                let mut fresh = values(&judgement.mine);
                fresh.extend(made);
                remove(&self.client, &profile, &fresh).await;
                return Err(LockError::Lost(reason));
            }
            let Some(newest) = judgement.mine.iter().max_by_key(|t| t.created_at) else {
                continue;
            };
            let newest = Token::new(newest.token.clone());
            let older: Vec<Token> = values(&judgement.mine)
                .into_iter()
                .filter(|t| t.expose() != newest.expose())
                .collect();
            remove(&self.client, &profile, &older).await;
            entry.tokens = vec![newest];
            entry.renewed = sent;
        }
        let valid_until = held.iter().map(|entry| entry.renewed).min();
        if let Some(renewed) = valid_until {
            let mut lease = match self.lease.lock() {
                Ok(lease) => lease,
                Err(poisoned) => poisoned.into_inner(),
            };
            lease.valid_until = renewed + lease_length(&self.settings);
        }
        Ok(())
    }

    fn lose(&self, reason: &str) {
        let mut lease = match self.lease.lock() {
            Ok(lease) => lease,
            Err(poisoned) => poisoned.into_inner(),
        };
        lease.lost.get_or_insert_with(|| reason.to_owned());
    }
}

/// Renews every `renew_every`, and sooner after a failure, until aborted or lost.
async fn renew_until_released(shared: Arc<Shared>) {
    let mut wait = shared.settings.renew_every;
    loop {
        tokio::time::sleep(wait).await;
        match shared.renew().await {
            Ok(()) => wait = shared.settings.renew_every,
            Err(LockError::Lost(reason)) => {
                tracing::warn!("the apply lock was lost: {reason}");
                return;
            }
            Err(error) => {
                tracing::warn!("could not renew the apply lock yet: {error}");
                wait = shared.settings.renew_every / 6;
            }
        }
    }
}

fn lease_length(settings: &LockSettings) -> Duration {
    let lease = Duration::from_secs(u64::from(settings.lease_minutes) * 60);
    lease.saturating_sub(LEASE_MARGIN)
}

fn random_pause(settings: &LockSettings) -> Duration {
    let (low, high) = settings.pause;
    if high <= low {
        return low;
    }
    rand::thread_rng().gen_range(low..high)
}

fn values(items: &[&TokenListItem]) -> Vec<Token> {
    items.iter().map(|item| Token::new(&item.token)).collect()
}

/// Removes tokens, best effort: one that stays lapses with its lease.
async fn remove(client: &Client, profile: &str, tokens: &[Token]) {
    for token in tokens {
        if let Err(error) = client.token_delete(profile, token).await {
            if !error.is_not_found() {
                tracing::warn!("could not remove a lock token on profile {profile}: {error}");
            }
        }
    }
}

/// The account's own profiles, oldest first: ids grow with creation time, and every run
/// sorts them alike, so every run picks the same lock profile.
pub async fn owned_profiles(client: &Client) -> Result<Vec<Id>, LockError> {
    let listed = client.profiles_list().await.map_err(LockError::Profiles)?;
    let mut ids: Vec<Id> = listed
        .into_iter()
        .filter(|profile| profile.from_share != Some(true))
        .map(|profile| profile.id)
        .collect();
    ids.sort();
    Ok(ids)
}

/// Every live lock token of the account, with the profile it is on: for `tagoform unlock`.
pub async fn list(client: &Client) -> Result<Vec<(Id, TokenListItem)>, LockError> {
    let mut found = Vec::new();
    for profile in owned_profiles(client).await? {
        let tokens = client
            .tokens_list(&profile)
            .await
            .map_err(|source| LockError::Api {
                profile: profile.clone(),
                source,
            })?;
        let now = client.server_time().unwrap_or_else(Utc::now);
        found.extend(
            tokens
                .into_iter()
                .filter(|t| holder::holder(t).is_some() && holder::is_live(t, now))
                .map(|t| (profile.clone(), t)),
        );
    }
    Ok(found)
}
