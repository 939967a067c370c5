//! The lock once taken: its lease (never renewed), confirmed in the background by reading the
//! token list, the check that each operation asks, the move to a second profile before the
//! first is deleted, and the release.

use std::sync::{Arc, Mutex as StdMutex};
use std::time::Instant;

use chrono::Utc;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use super::{attempt, holder, lease_length, random_pause, Attempt, LockError, Taking};
use super::{LockSettings, MAX_EMPTY_ATTEMPTS};
use crate::access::Credentials;
use crate::api::types::TokenCreateRequest;
use crate::api::{ApiError, Client, Token};
use crate::live::Id;

/// The lock, held. [`AccountLock::release`] gives it back; dropped without that, it lapses
/// at the end of its lease.
pub struct AccountLock {
    shared: Arc<Shared>,
    confirmer: Option<JoinHandle<()>>,
}

struct Shared {
    client: Client,
    credentials: Credentials,
    /// The lock token's request, without expiry and code (for [`AccountLock::cover_deletions`]).
    request: TokenCreateRequest,
    run_id: String,
    settings: LockSettings,
    /// The account's profiles, oldest first, as listed when the lock was taken.
    profiles: Vec<Id>,
    held: Mutex<Vec<Held>>,
    lease: StdMutex<Lease>,
}

/// This run's tokens on one profile.
pub(super) struct Held {
    pub(super) profile: Id,
    pub(super) tokens: Vec<Token>,
    /// When the request that made the token left: its lease started after that.
    pub(super) taken: Instant,
}

struct Lease {
    valid_until: Instant,
    lost: Option<String>,
}

impl AccountLock {
    /// Starts confirming the lock of `held`, just taken.
    pub(super) fn start(
        client: Client,
        (credentials, request): (Credentials, TokenCreateRequest),
        run_id: String,
        settings: LockSettings,
        profiles: Vec<Id>,
        held: Held,
    ) -> AccountLock {
        let lease = Lease {
            valid_until: held.taken + lease_length(&settings),
            lost: None,
        };
        let shared = Arc::new(Shared {
            client,
            credentials,
            request,
            run_id,
            settings,
            profiles,
            held: Mutex::new(vec![held]),
            lease: StdMutex::new(lease),
        });
        let confirmer = tokio::spawn(confirm_until_released(shared.clone()));
        AccountLock {
            shared,
            confirmer: Some(confirmer),
        }
    }

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
        let lease = self.shared.lease();
        if let Some(reason) = &lease.lost {
            return Err(format!("the apply lock was lost ({reason})"));
        }
        if Instant::now() >= lease.valid_until {
            return Err(format!(
                "the apply lock's lease of {} minutes ran out (pass a longer --lock-lease)",
                self.shared.settings.lease_minutes
            ));
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
        let taking = Taking {
            client: &shared.client,
            credentials: &shared.credentials,
            request: &shared.request,
            lease_minutes: shared.settings.lease_minutes,
            run_id: &shared.run_id,
        };
        for _ in 0..=MAX_EMPTY_ATTEMPTS {
            match attempt(&taking, successor).await? {
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

    /// Confirms now that this run's token is still there (the background task does this
    /// every `confirm_every`); reads only.
    pub async fn confirm(&self) -> Result<(), LockError> {
        self.shared.confirm().await
    }

    /// Gives the lock back. Returns what could not be removed (it lapses with its lease).
    pub async fn release(mut self) -> Vec<ApiError> {
        let held = {
            let mut held = self.shared.held.lock().await;
            if let Some(confirmer) = self.confirmer.take() {
                confirmer.abort();
            }
            std::mem::take(&mut *held)
        };
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
        if let Some(confirmer) = self.confirmer.take() {
            confirmer.abort();
        }
    }
}

impl Shared {
    /// Reads each held profile's token list (a GET: no credential call, no two-factor code)
    /// and checks that this run's token is still there and live: if it is not (removed by
    /// `tagoform unlock`, or its lease ran out), another run may hold the lock now, and this
    /// one is lost for good.
    async fn confirm(&self) -> Result<(), LockError> {
        let mut held = self.held.lock().await;
        // A lock profile this run deleted, after it took the lock on the next oldest
        // ([`AccountLock::cover_deletions`]): its token went with it, and the next one holds.
        let mut deleted = Vec::new();
        for entry in held.iter() {
            let profile = entry.profile.clone();
            let tokens = match self.client.tokens_list(&profile).await {
                Ok(tokens) => tokens,
                Err(error) if error.is_not_found() => {
                    deleted.push(profile);
                    continue;
                }
                Err(source) => return Err(LockError::Api { profile, source }),
            };
            let now = self.client.server_time().unwrap_or_else(Utc::now);
            let judgement = holder::judge(&self.run_id, &tokens, now);
            let kept = entry
                .tokens
                .iter()
                .any(|old| judgement.mine.iter().any(|t| t.token == *old));
            if !kept {
                let reason = format!(
                    "its token on profile {profile} was removed or lapsed, so another run may \
                     hold the lock now"
                );
                self.lose(&reason);
                return Err(LockError::Lost(reason));
            }
        }
        if !deleted.is_empty() && deleted.len() == held.len() {
            let reason = "its lock profile was deleted".to_owned();
            self.lose(&reason);
            return Err(LockError::Lost(reason));
        }
        held.retain(|entry| !deleted.contains(&entry.profile));
        Ok(())
    }

    /// The lease state; a panic elsewhere while it was held leaves it as it was, still usable.
    fn lease(&self) -> std::sync::MutexGuard<'_, Lease> {
        match self.lease.lock() {
            Ok(lease) => lease,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn lose(&self, reason: &str) {
        let mut lease = self.lease();
        lease.lost.get_or_insert_with(|| reason.to_owned());
    }
}

/// Confirms every `confirm_every`, and sooner after a failure, until aborted or lost.
async fn confirm_until_released(shared: Arc<Shared>) {
    let mut wait = shared.settings.confirm_every;
    loop {
        tokio::time::sleep(wait).await;
        match shared.confirm().await {
            Ok(()) => wait = shared.settings.confirm_every,
            Err(LockError::Lost(reason)) => {
                tracing::warn!("the apply lock was lost: {reason}");
                return;
            }
            Err(error) => {
                tracing::warn!("could not confirm the apply lock yet: {error}");
                wait = shared.settings.confirm_every / 6;
            }
        }
    }
}
