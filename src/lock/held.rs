//! The lock once taken: its lease, renewed in the background, the check that each operation
//! asks, the move to a second profile before the first is deleted, and the release.

use std::sync::{Arc, Mutex as StdMutex};
use std::time::Instant;

use chrono::Utc;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use super::{
    attempt, holder, lease_length, leased, random_pause, remove, values, Attempt, LockError,
};
use super::{LockSettings, MAX_EMPTY_ATTEMPTS};
use crate::api::types::TokenCreateRequest;
use crate::api::{ApiError, Client, Token};
use crate::live::Id;

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
pub(super) struct Held {
    pub(super) profile: Id,
    pub(super) tokens: Vec<Token>,
    /// When the request that made the newest token left: its lease started after that.
    pub(super) renewed: Instant,
}

struct Lease {
    valid_until: Instant,
    lost: Option<String>,
}

impl AccountLock {
    /// Starts renewing the lease of `held`, just taken.
    pub(super) fn start(
        client: Client,
        request: TokenCreateRequest,
        run_id: String,
        settings: LockSettings,
        profiles: Vec<Id>,
        held: Held,
    ) -> AccountLock {
        let lease = Lease {
            valid_until: held.renewed + lease_length(&settings),
            lost: None,
        };
        let shared = Arc::new(Shared {
            client,
            request,
            run_id,
            settings,
            profiles,
            held: Mutex::new(vec![held]),
            lease: StdMutex::new(lease),
        });
        let renewer = tokio::spawn(renew_until_released(shared.clone()));
        AccountLock {
            shared,
            renewer: Some(renewer),
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
            let minutes = shared.settings.lease_minutes;
            match attempt(
                &shared.client,
                &shared.request,
                minutes,
                &shared.run_id,
                successor,
            )
            .await?
            {
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
        // A renewal holds `held` from its token's creation to its record: taking `held` first
        // waits for one in flight, so that no token it made is left out of the removal.
        let held = {
            let mut held = self.shared.held.lock().await;
            if let Some(renewer) = self.renewer.take() {
                renewer.abort();
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
        // A lock profile this run deleted, after it took the lock on the next oldest
        // ([`AccountLock::cover_deletions`]): its token went with it, and the next one holds.
        let mut deleted = Vec::new();
        for entry in held.iter_mut() {
            let profile = entry.profile.clone();
            let api = |source| LockError::Api {
                profile: profile.clone(),
                source,
            };
            let sent = Instant::now();
            let request = leased(&self.client, &self.request, self.settings.lease_minutes);
            let made = match self.client.token_create(&profile, &request).await {
                Ok(made) => Some(Token::new(made.token)),
                Err(error) if error.is_not_found() => {
                    deleted.push(profile);
                    continue;
                }
                Err(error) if error.answer_lost() => None,
                Err(error) => return Err(api(error)),
            };
            let tokens = self.client.tokens_list(&profile).await.map_err(api)?;
            let now = self.client.server_time().unwrap_or_else(Utc::now);
            let judgement = holder::judge(&self.run_id, &tokens, now);
            let kept = entry
                .tokens
                .iter()
                .any(|old| judgement.mine.iter().any(|t| *t.token == *old.expose()));
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
        if deleted.len() == held.len() {
            let reason = "its lock profile was deleted".to_owned();
            self.lose(&reason);
            return Err(LockError::Lost(reason));
        }
        held.retain(|entry| !deleted.contains(&entry.profile));
        let valid_until = held.iter().map(|entry| entry.renewed).min();
        if let Some(renewed) = valid_until {
            let mut lease = self.lease();
            lease.valid_until = renewed + lease_length(&self.settings);
        }
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
