//! Which token talks to which profile.
//!
//! Account routes (profiles, teams, account tokens) take the account token (`TAGOIO_TOKEN`).
//! Profile-scoped routes (networks, connectors, shares) take a token of that profile: the one in
//! the variable the profile's `token_env` names, or else a short-lived token tagoform obtains
//! with `TAGOIO_EMAIL` and `TAGOIO_PASSWORD` and removes when done.

use std::collections::BTreeMap;
use std::fmt;

use tokio::sync::Mutex;

use crate::api::types::ProfileTokenRequest;
use crate::api::{ApiError, Client, Secret, Token};
use crate::live::Id;

/// How long a short-lived profile token lives if tagoform cannot remove it (a crash).
const SHORT_LIVED_EXPIRY: &str = "1 hour";
/// How many times a short-lived token is asked for when answers are lost.
const SHORT_LIVED_ATTEMPTS: u32 = 5;
/// The name of short-lived tokens, so a person who finds one knows what made it.
pub const SHORT_LIVED_TOKEN_NAME: &str = "tagoform (short-lived)";

/// The account's email and password: needed for short-lived profile tokens, for creating
/// account tokens and for deleting profiles. Formats without the password.
#[derive(Clone)]
pub struct Credentials {
    pub email: String,
    pub password: Secret,
    /// The two-factor pin, when the account has two-factor authentication on.
    pub pin: Option<Secret>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .field("password", &self.password)
            .field("pin", &self.pin)
            .finish()
    }
}

/// Why a profile cannot be reached.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(
        "profile `{key}` needs a token of its own for networks, connectors and shares: \
         set `token_env:` on it to a variable holding one, or set TAGOIO_EMAIL and \
         TAGOIO_PASSWORD so tagoform can obtain a short-lived token"
    )]
    NoProfileToken { key: String },
    #[error("could not obtain a short-lived token for profile `{key}` ({id})")]
    ShortLivedToken {
        key: String,
        id: Id,
        #[source]
        source: ApiError,
    },
}

/// The clients tagoform talks through, one per profile, made on first use.
pub struct Access {
    account: Client,
    credentials: Option<Credentials>,
    /// Tokens from the variables that `token_env` names, by profile key.
    profile_tokens: BTreeMap<String, Token>,
    clients: Mutex<BTreeMap<Id, Client>>,
    short_lived: Mutex<Vec<(Id, Token)>>,
}

impl Access {
    /// `profile_tokens` holds the values of the `token_env` variables, by profile key.
    pub fn new(
        account: Client,
        credentials: Option<Credentials>,
        profile_tokens: BTreeMap<String, Token>,
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
            .chain(self.profile_tokens.values())
            .any(|token| token.expose() == value)
    }

    /// A client holding a token of profile `id` (configured as `key`).
    pub async fn profile(&self, key: &str, id: &str) -> Result<Client, AccessError> {
        let mut clients = self.clients.lock().await;
        if let Some(client) = clients.get(id) {
            return Ok(client.clone());
        }
        let token = match self.profile_tokens.get(key) {
            Some(token) => token.clone(),
            None => self.short_lived_token(key, id).await?,
        };
        let client = self.account.with_token(token, id);
        clients.insert(id.to_owned(), client.clone());
        Ok(client)
    }

    async fn short_lived_token(&self, key: &str, id: &str) -> Result<Token, AccessError> {
        let credentials = self
            .credentials
            .as_ref()
            .ok_or_else(|| AccessError::NoProfileToken {
                key: key.to_owned(),
            })?;
        let request = ProfileTokenRequest {
            email: credentials.email.clone(),
            password: credentials.password.expose().to_owned(),
            profile_id: id.to_owned(),
            name: SHORT_LIVED_TOKEN_NAME.to_owned(),
            expire_time: Some(SHORT_LIVED_EXPIRY.to_owned()),
            otp_type: None,
            pin_code: credentials.pin.as_ref().map(|pin| pin.expose().to_owned()),
        };
        let mut attempt = 1;
        let response = loop {
            match self.account.profile_token_create(&request).await {
                Ok(response) => break response,
                // A lost answer leaves at most an unknown token that expires within the hour,
                // so asking again cannot pile anything up for long.
                Err(error) if error.answer_lost() && attempt < SHORT_LIVED_ATTEMPTS => {
                    attempt += 1;
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
        let token = Token::new(response.token);
        self.short_lived
            .lock()
            .await
            .push((id.to_owned(), token.clone()));
        Ok(token)
    }

    /// Removes the short-lived tokens made so far; returns what could not be removed (they
    /// expire on their own within the hour).
    pub async fn close(&self) -> Vec<ApiError> {
        let tokens = std::mem::take(&mut *self.short_lived.lock().await);
        let mut failures = Vec::new();
        for (profile_id, token) in tokens {
            if let Err(error) = self.account.token_delete(&profile_id, &token).await {
                failures.push(error);
            }
        }
        failures
    }
}
