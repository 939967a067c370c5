//! The apply lock: two applies of different configurations must not interleave.
//!
//! TagoIO has no lock to take, so tagoform makes one: a read-only account token named for the
//! run ([`holder::token_name`]) on the account's oldest profile, the *lock profile*. A run
//! creates its token, then lists the profile's tokens: it holds the lock when no other live
//! lock token is there ([`holder::Judgement::holds`]); otherwise it removes its own, reads the
//! list after random pauses until no other lock is there, and tries again, until
//! `--lock-timeout`. The token's expiry is the lease (`--lock-lease`), long enough for the
//! whole apply: it is never renewed, because every token creation needs a two-factor code on an
//! account with two-factor on, and the lock should cost one. A run that crashes frees the
//! account when the lease ends; a holder stops starting operations before it can lapse
//! ([`AccountLock::check`]), and learns by reading the token list (no code needed) when its
//! token was removed (`tagoform unlock`).
//!
//! Creating an account token needs the account password, so locking does too.

mod held;
pub mod holder;

use std::time::{Duration, Instant};

use chrono::Utc;
use rand::RngExt;

use crate::access::Credentials;
use crate::api::types::{Permission, TokenCreateRequest, TokenListItem};
use crate::api::{ApiError, Client, Token};
use crate::live::Id;
pub use held::AccountLock;
use held::Held;
pub use holder::{Holder, LOCK_TOKEN_PREFIX};

/// How a run takes and keeps the lock.
#[derive(Debug, Clone)]
pub struct LockSettings {
    /// How long to wait for another run's lock; zero gives up at once.
    pub timeout: Duration,
    /// The lease (the lock token's expiry), in minutes from the server's clock: the longest
    /// an apply may run, and how long a crashed apply keeps the account locked.
    pub lease_minutes: u32,
    /// How often the holder reads the token list to confirm its token is still there.
    pub confirm_every: Duration,
    /// Bounds of the random pause between reads of the token list while another run holds
    /// the lock.
    pub pause: (Duration, Duration),
}

impl Default for LockSettings {
    fn default() -> Self {
        LockSettings {
            timeout: Duration::ZERO,
            lease_minutes: DEFAULT_LEASE_MINUTES,
            confirm_every: Duration::from_secs(45),
            pause: (Duration::from_secs(1), Duration::from_secs(4)),
        }
    }
}

/// The default lease: room for a large apply, and not so long that a crashed one blocks the
/// next for long (`tagoform unlock` frees it at once).
pub const DEFAULT_LEASE_MINUTES: u32 = 15;

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
        join(holders), waited_text(*waited), holders.first().map_or("RUN_ID".into(), |h| crate::text::visible(&h.run_id))
    )]
    Held {
        holders: Vec<Holder>,
        waited: Duration,
    },
    #[error("the account owns no profile to keep the apply lock on; pass --lock=false")]
    NoProfile,
    #[error("could not list the account's profiles to find where the apply lock is kept")]
    Profiles(#[source] ApiError),
    #[error("could not take the apply lock on profile {profile}: {hint}; nothing was changed")]
    Pin {
        profile: Id,
        hint: &'static str,
        #[source]
        source: ApiError,
    },
    #[error("could not take the apply lock on profile {profile}; nothing was changed")]
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

/// What one attempt on a profile found.
enum Attempt {
    Taken(Held),
    Busy(Vec<Holder>),
    /// The profile was deleted meanwhile, or the list did not show the token just made.
    Empty,
}

/// Takes the lock of the account that `client`'s token belongs to, waiting as `settings`
/// say; `who` names this run to others ([`holder::who`]). `waiting` is called once, with the
/// holders, when the run starts to wait.
pub async fn acquire(
    client: &Client,
    credentials: &Credentials,
    settings: LockSettings,
    who: &str,
    mut waiting: impl FnMut(&[Holder]),
) -> Result<AccountLock, LockError> {
    let run_id = format!("{:016x}", rand::rng().random::<u64>());
    let request = TokenCreateRequest {
        name: holder::token_name(&run_id, who),
        permission: Permission::Read,
        // Set at each sending: the lease ends at an instant ([`leased`]).
        expire_time: None,
        email: credentials.email.clone(),
        password: credentials.password.expose().into(),
        // Set at each sending: a fresh two-factor code.
        otp_type: None,
        pin_code: None,
    };
    let taking = Taking {
        client,
        credentials,
        request: &request,
        lease_minutes: settings.lease_minutes,
        run_id: &run_id,
    };
    let started = Instant::now();
    let mut empty = 0;
    let mut waited = false;
    loop {
        let profiles = owned_profiles(client).await?;
        let Some(profile) = profiles.first().cloned() else {
            return Err(LockError::NoProfile);
        };
        match attempt(&taking, &profile).await? {
            Attempt::Taken(held) => {
                let credentials = credentials.clone();
                return Ok(AccountLock::start(
                    client.clone(),
                    (credentials, request),
                    run_id,
                    settings,
                    profiles,
                    held,
                ));
            }
            Attempt::Empty if empty < MAX_EMPTY_ATTEMPTS => empty += 1,
            Attempt::Empty => {
                return Err(LockError::Held {
                    holders: Vec::new(),
                    waited: started.elapsed(),
                })
            }
            Attempt::Busy(holders) => {
                if started.elapsed() + settings.pause.0 > settings.timeout {
                    return Err(LockError::Held {
                        holders,
                        waited: started.elapsed(),
                    });
                }
                if !waited {
                    waiting(&holders);
                    waited = true;
                }
                let deadline = Deadline {
                    started,
                    timeout: settings.timeout,
                };
                wait_until_free(client, &run_id, &profile, &settings, deadline, holders).await?;
            }
        }
    }
}

/// When a wait started and how long it may last.
#[derive(Clone, Copy)]
struct Deadline {
    started: Instant,
    timeout: Duration,
}

/// Waits, reading only, until the lock profile lists no live lock of another run (or is gone):
/// a waiting run makes no tokens, so it spends none of the write budget the holder needs.
async fn wait_until_free(
    client: &Client,
    run_id: &str,
    profile: &str,
    settings: &LockSettings,
    deadline: Deadline,
    mut holders: Vec<Holder>,
) -> Result<(), LockError> {
    loop {
        let pause = random_pause(settings);
        if deadline.started.elapsed() + pause > deadline.timeout {
            return Err(LockError::Held {
                holders,
                waited: deadline.started.elapsed(),
            });
        }
        tokio::time::sleep(pause).await;
        let tokens = match client.tokens_list(profile).await {
            Ok(tokens) => tokens,
            Err(error) if error.is_not_found() => return Ok(()),
            Err(source) => {
                return Err(LockError::Api {
                    profile: profile.to_owned(),
                    source,
                })
            }
        };
        let now = client.server_time().unwrap_or_else(Utc::now);
        let others = holder::judge(run_id, &tokens, now).others;
        if others.is_empty() {
            return Ok(());
        }
        holders = others;
    }
}

/// What every attempt to take the lock sends, and as whom.
pub(super) struct Taking<'a> {
    pub(super) client: &'a Client,
    pub(super) credentials: &'a Credentials,
    /// The token request, without its expiry and two-factor code (set at each sending).
    pub(super) request: &'a TokenCreateRequest,
    pub(super) lease_minutes: u32,
    pub(super) run_id: &'a str,
}

/// One try: make this run's token on `profile`, list, and keep it only if no one else is there.
/// The token's creation is the try's one credential call.
async fn attempt(taking: &Taking<'_>, profile: &str) -> Result<Attempt, LockError> {
    let Taking {
        client,
        credentials,
        request,
        lease_minutes,
        run_id,
    } = *taking;
    let api = |source: ApiError| match source.is_pin_refused() {
        true => LockError::Pin {
            profile: profile.to_owned(),
            hint: credentials.hint(),
            source,
        },
        false => LockError::Api {
            profile: profile.to_owned(),
            source,
        },
    };
    let sent = Instant::now();
    let created = credentials
        .call(client, |code| {
            let request = TokenCreateRequest {
                otp_type: code.otp_type,
                pin_code: code.pin_code,
                ..leased(client, request, lease_minutes)
            };
            async move { client.token_create(profile, &request).await }
        })
        .await;
    let made = match created {
        Ok(made) => Some(made.token),
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
            taken: sent,
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

/// `request` with its expiry `lease_minutes` from now by the server's clock, as an ISO-8601
/// instant: TagoIO documents `expire_time` as `"never"` or a date (sdk-js
/// `ExpireTimeOption`), and no TagoIO source shows a period in minutes.
pub(super) fn leased(
    client: &Client,
    request: &TokenCreateRequest,
    lease_minutes: u32,
) -> TokenCreateRequest {
    let now = client.server_now().unwrap_or_else(chrono::Utc::now);
    let until = now + chrono::Duration::minutes(i64::from(lease_minutes));
    TokenCreateRequest {
        expire_time: Some(crate::api::types::wire_instant(until)),
        ..request.clone()
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
    rand::rng().random_range(low..high)
}

fn values(items: &[&TokenListItem]) -> Vec<Token> {
    items
        .iter()
        .map(|item| Token::new(item.token.expose()))
        .collect()
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
        .filter(|profile| profile.is_own())
        .map(|profile| profile.id)
        .collect();
    ids.sort();
    Ok(ids)
}

/// Every live lock token of the account, with the profile it is on: for `tagoform unlock`.
/// Locks are made only on the oldest profile, and on the next oldest by a run about to delete
/// the oldest ([`AccountLock::cover_deletions`]), so those two are all that is read.
pub async fn list(client: &Client) -> Result<Vec<(Id, TokenListItem)>, LockError> {
    let mut found = Vec::new();
    for profile in owned_profiles(client).await?.into_iter().take(2) {
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
