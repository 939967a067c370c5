//! Which token talks to which profile: the credential broker that reads, plans and applies
//! all go through. It signs in, makes and removes short-lived tokens, and hands out one
//! client per profile; the live snapshot (`live`) only reads through it.
//!
//! Account routes (profiles, teams, account tokens) take the account token (`TAGOIO_TOKEN`).
//! Profile-scoped routes (networks, connectors, shares) take a token of that profile: the one in
//! the variable the profile's `token_env` names, or else a short-lived token tagoform obtains
//! with `TAGOIO_EMAIL` and `TAGOIO_PASSWORD` and removes when done.

use std::collections::BTreeMap;

use futures_util::stream::{self, StreamExt};
use tokio::sync::{Mutex, OnceCell};

use crate::api::types::ProfileTokenRequest;
use crate::api::{ApiError, Client, Token};
mod credentials;

use crate::api::types::Id;
pub use credentials::{Code, Credentials, SecondFactor};

/// How long a short-lived profile token lives if tagoform cannot remove it (a crash). Sent
/// as an instant: TagoIO documents `expire_time` as `"never"` or a date.
const SHORT_LIVED_HOURS: i64 = 1;
/// How many times a short-lived token is asked for when answers are lost.
const SHORT_LIVED_ATTEMPTS: u32 = 5;
/// The name of short-lived tokens, so a person who finds one knows what made it.
pub const SHORT_LIVED_TOKEN_NAME: &str = "tagoform (short-lived)";

/// Why a profile cannot be reached.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(
        "profile `{key}` needs a token of its own for networks, connectors and shares: \
         set `token_env:` on it to a variable holding one, or set TAGOIO_EMAIL and \
         TAGOIO_PASSWORD so tagoform can obtain a short-lived token"
    )]
    NoProfileToken { key: String },
    #[error(
        "could not obtain a short-lived token for profile `{key}` ({id}): {}",
        credentials::refusal_hint(*secret)
    )]
    Pin {
        key: String,
        id: Id,
        /// The code came from `TAGOIO_TOTP_SECRET`.
        secret: bool,
        #[source]
        source: ApiError,
    },
    #[error(transparent)]
    WrongProfile(Box<WrongProfile>),
    #[error(
        "profile `{key}`: the token in {variable} (its `token_env`) may not read: TagoIO \
         refused GET /profile/current with 403, as it refuses a `write` token (\"Write only – \
         create and update\") or a `deny` one; nothing was changed: set {variable} to a `read` \
         token (plan) or a `full` token (plan and apply) of the profile"
    )]
    CannotRead {
        key: String,
        variable: String,
        #[source]
        source: ApiError,
    },
    #[error(
        "profile `{key}`: could not check which profile the token in {variable} (its \
         `token_env`) belongs to (GET /profile/current)"
    )]
    TokenCheck {
        key: String,
        variable: String,
        #[source]
        source: ApiError,
    },
    #[error("could not obtain a short-lived token for profile `{key}` ({id})")]
    ShortLivedToken {
        key: String,
        id: Id,
        #[source]
        source: ApiError,
    },
}

/// A `token_env` token that belongs to another profile than the one it is configured for.
#[derive(Debug, thiserror::Error)]
#[error(
    "profile `{key}` ({id}): the token in {variable} (its `token_env`) belongs to profile \
     `{other_name}` ({other}) of account {other_account}; nothing was changed: set {variable} \
     to a token of profile {id}"
)]
pub struct WrongProfile {
    pub key: String,
    pub id: Id,
    pub variable: String,
    pub other: Id,
    pub other_name: String,
    pub other_account: Id,
}

/// A token from the variable a profile's `token_env` names.
#[derive(Debug, Clone)]
pub struct ProfileToken {
    /// The variable's name, for messages.
    pub variable: String,
    pub token: Token,
}

/// The clients tagoform talks through, one per profile, made on first use.
pub struct Access {
    account: Client,
    credentials: Option<Credentials>,
    /// Tokens from the variables that `token_env` names, by profile key.
    profile_tokens: BTreeMap<String, ProfileToken>,
    /// One cell per profile, so that obtaining one profile's token never waits for another's.
    clients: Mutex<BTreeMap<Id, std::sync::Arc<OnceCell<Client>>>>,
    /// Short-lived tokens made so far, with the client that holds each.
    short_lived: Mutex<Vec<(Id, Token, Client)>>,
}

impl Access {
    /// `profile_tokens` holds the values of the `token_env` variables, by profile key.
    pub fn new(
        account: Client,
        credentials: Option<Credentials>,
        profile_tokens: BTreeMap<String, ProfileToken>,
    ) -> Self {
        Access {
            account,
            credentials,
            profile_tokens,
            clients: Mutex::new(BTreeMap::new()),
            short_lived: Mutex::new(Vec::new()),
        }
    }

    /// The client for account routes.
    pub fn account(&self) -> &Client {
        &self.account
    }

    /// The account credentials, when given.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// True when this run authenticates with the token `value` (`TAGOIO_TOKEN` or a
    /// `token_env` variable): deleting it would cut off every request that follows.
    pub fn authenticates_with(&self, value: &str) -> bool {
        let account = self.account.inner.token.iter();
        account
            .chain(self.profile_tokens.values().map(|t| &t.token))
            .any(|token| token.expose() == value)
    }

    /// A client for each `token_env` token as given, unchecked: (profile key, variable,
    /// client). For `tagoform doctor`, which checks them itself.
    pub fn token_env_clients(&self) -> Vec<(String, String, Client)> {
        self.profile_tokens
            .iter()
            .map(|(key, token)| {
                let client = self.account.with_token(token.token.clone(), key.clone());
                (key.clone(), token.variable.clone(), client)
            })
            .collect()
    }

    /// A client holding a token of profile `id` (configured as `key`).
    pub async fn profile(&self, key: &str, id: &str) -> Result<Client, AccessError> {
        let cell = self
            .clients
            .lock()
            .await
            .entry(id.to_owned())
            .or_default()
            .clone();
        let client = cell
            .get_or_try_init(|| async {
                match self.profile_tokens.get(key) {
                    Some(token) => self.confirmed_client(key, id, token).await,
                    None => self.short_lived_client(key, id).await,
                }
            })
            .await?;
        Ok(client.clone())
    }

    /// The client for a profile's team routes. Those routes accept any token of the account,
    /// and TagoIO counts requests against the token's profile: a short-lived token of the
    /// profile itself (full permission) spreads them over each profile's own budget instead
    /// of spending the account token's. A `token_env` token may lack the permission, so
    /// those profiles, and profiles tagoform cannot get a token for, use the account token.
    pub async fn team(&self, key: &str, id: &str) -> Client {
        if self.profile_tokens.contains_key(key) || self.credentials.is_none() {
            return self.account.clone();
        }
        match self.profile(key, id).await {
            Ok(client) => client,
            Err(_) => self.account.clone(),
        }
    }

    /// A client with the `token_env` token of profile `key`, once `GET /profile/current`
    /// (sdk-js `profiles.info("current")`) shows the token is of profile `id`. A token of
    /// another profile, or of another account, would make every later request act there.
    async fn confirmed_client(
        &self,
        key: &str,
        id: &str,
        token: &ProfileToken,
    ) -> Result<Client, AccessError> {
        let client = self.account.with_token(token.token.clone(), id);
        let current = client.profile_current().await.map_err(|source| {
            let key = key.to_owned();
            let variable = token.variable.clone();
            if source.is_forbidden() {
                AccessError::CannotRead {
                    key,
                    variable,
                    source,
                }
            } else {
                AccessError::TokenCheck {
                    key,
                    variable,
                    source,
                }
            }
        })?;
        if current.info.id != id {
            return Err(AccessError::WrongProfile(Box::new(WrongProfile {
                key: key.to_owned(),
                id: id.to_owned(),
                variable: token.variable.clone(),
                other: current.info.id,
                other_name: current.info.name,
                other_account: current.info.account,
            })));
        }
        Ok(client)
    }

    async fn short_lived_client(&self, key: &str, id: &str) -> Result<Client, AccessError> {
        let credentials = self
            .credentials
            .as_ref()
            .ok_or_else(|| AccessError::NoProfileToken {
                key: key.to_owned(),
            })?;
        let request = ProfileTokenRequest {
            email: credentials.email.clone(),
            password: credentials.password.expose().into(),
            profile_id: id.to_owned(),
            name: SHORT_LIVED_TOKEN_NAME.to_owned(),
            expire_time: Some(short_lived_expiry(&self.account)),
            otp_type: None,
            pin_code: None,
        };
        let account = &self.account;
        let mut attempt = 1;
        let response = loop {
            // Each sending carries a fresh two-factor code.
            let sent = credentials
                .call(account, |code| {
                    let request = ProfileTokenRequest {
                        otp_type: code.otp_type,
                        pin_code: code.pin_code,
                        ..request.clone()
                    };
                    async move { account.profile_token_create(&request).await }
                })
                .await;
            match sent {
                Ok(response) => break response,
                // A lost answer leaves at most an unknown token that expires within the hour,
                // so asking again cannot pile anything up for long.
                Err(error) if error.answer_lost() && attempt < SHORT_LIVED_ATTEMPTS => {
                    attempt += 1;
                }
                Err(source) if source.is_pin_refused() => {
                    return Err(AccessError::Pin {
                        key: key.to_owned(),
                        id: id.to_owned(),
                        secret: credentials.uses_secret(),
                        source,
                    })
                }
                Err(source) => {
                    return Err(AccessError::ShortLivedToken {
                        key: key.to_owned(),
                        id: id.to_owned(),
                        source,
                    })
                }
            }
        };
        let token = response.token;
        let client = self.account.with_token(token.clone(), id);
        self.short_lived
            .lock()
            .await
            .push((id.to_owned(), token, client.clone()));
        Ok(client)
    }

    /// How many short-lived tokens this run has made (each one credential call).
    pub async fn short_lived_count(&self) -> usize {
        self.short_lived.lock().await.len()
    }

    /// Removes the short-lived tokens made so far; returns what could not be removed (they
    /// expire on their own within the hour). Each token removes itself, so the requests
    /// count against each profile's own rate limit, not all against the account token's.
    pub async fn close(&self) -> Vec<ApiError> {
        let tokens = std::mem::take(&mut *self.short_lived.lock().await);
        stream::iter(tokens)
            .map(|(profile_id, token, client)| async move {
                client.token_delete(&profile_id, &token).await.err()
            })
            // As many at once as the client's concurrency limit lets send.
            .buffer_unordered(self.account.concurrency_cap())
            .filter_map(|failure| async move { failure })
            .collect()
            .await
    }
}

/// When a short-lived token made now should lapse, by the server's clock, as ISO-8601.
fn short_lived_expiry(client: &Client) -> String {
    let now = client.server_now().unwrap_or_else(chrono::Utc::now);
    crate::api::types::wire_instant(now + chrono::Duration::hours(SHORT_LIVED_HOURS))
}
