//! The account's credentials and the second factor sent with them.
//!
//! TagoIO asks for a two-factor code at every account-token creation (docs
//! `my-account/two-factor-authentication-2fa.md`), and an authenticator code changes every 30
//! seconds, so a run nobody watches needs the authenticator's secret (`TAGOIO_TOTP_SECRET`):
//! [`Credentials::call`] computes a fresh code for each credential call, by the server's clock.
//! `TAGOIO_PIN` (one code typed by a person) stays for interactive runs.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use crate::api::types::OtpType;
use crate::api::{ApiError, Client, Secret};
use crate::totp::{self, TotpSecret};

/// The second factor sent beside the password. `Debug` is derived: the pin is a [`Secret`]
/// and [`TotpSecret`] prints no secret.
#[derive(Debug, Clone)]
pub enum SecondFactor {
    /// `TAGOIO_PIN`: one code a person read or received, of the kind `TAGOIO_OTP_TYPE` names.
    Pin { pin: Secret, otp: OtpType },
    /// `TAGOIO_TOTP_SECRET`: the authenticator's secret; a fresh code for every call.
    Totp(TotpSecret),
}

/// What a credential call carries besides the email and password.
#[derive(Debug, Clone, Default)]
pub struct Code {
    pub otp_type: Option<OtpType>,
    pub pin_code: Option<Secret>,
}

/// The steps this run has used codes of, and whether TagoIO refused one used twice.
#[derive(Debug, Default)]
struct Steps {
    last: Option<u64>,
    reuse_refused: bool,
}

/// The account's email and password, and the second factor when two-factor is on: needed for
/// the apply lock, short-lived profile tokens, creating account tokens and deleting profiles.
/// `Debug` is derived and shows neither the password nor the pin nor the secret.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub email: String,
    pub password: Secret,
    pub second: Option<SecondFactor>,
    /// Authenticator calls go one at a time, so that each knows which steps were used.
    steps: Arc<Mutex<Steps>>,
}

/// How much later than a step's start by the server's `Date` a retry is sent: `Date` has
/// whole seconds, so the server may be up to a second further than it says.
const STEP_MARGIN: Duration = Duration::from_secs(1);

impl Credentials {
    /// Email and password, without a second factor.
    pub fn new(email: impl Into<String>, password: Secret) -> Self {
        Credentials {
            email: email.into(),
            password,
            second: None,
            steps: Arc::default(),
        }
    }

    /// With a second factor.
    pub fn with(mut self, second: Option<SecondFactor>) -> Self {
        self.second = second;
        self
    }

    /// True when every credential call carries a two-factor code.
    pub fn two_factor(&self) -> bool {
        self.second.is_some()
    }

    /// True when codes come from `TAGOIO_TOTP_SECRET`.
    pub fn uses_secret(&self) -> bool {
        matches!(self.second, Some(SecondFactor::Totp(_)))
    }

    /// What to set when a code is refused.
    pub fn hint(&self) -> &'static str {
        refusal_hint(self.uses_secret())
    }
    /// Makes one credential call: `send` gets the code to carry. With `TAGOIO_TOTP_SECRET`,
    /// the code is the current step's by the server's clock. TagoIO may refuse a code used
    /// before (*unverified*), by this run or by another a moment ago, which no answer tells
    /// from a wrong code: a refused code is sent once more, with the next step's code once
    /// that step has begun. After a refused reuse, later calls wait for a step of their own
    /// rather than reuse one.
    pub async fn call<T, F, Fut>(&self, client: &Client, mut send: F) -> Result<T, ApiError>
    where
        F: FnMut(Code) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let secret = match &self.second {
            None => return send(Code::default()).await,
            Some(SecondFactor::Pin { pin, otp }) => {
                let code = Code {
                    otp_type: Some(*otp),
                    pin_code: Some(pin.expose().into()),
                };
                return send(code).await;
            }
            Some(SecondFactor::Totp(secret)) => secret,
        };
        let mut steps = self.steps.lock().await;
        let mut step = totp::step(server_now(client));
        let used = |steps: &Steps, step: u64| steps.last.is_some_and(|last| step <= last);
        if steps.reuse_refused && used(&steps, step) {
            step = steps.last.map_or(step, |last| last + 1);
            wait_for(client, step).await;
        }
        let reused = used(&steps, step);
        let result = send(authenticator(secret, step)).await;
        match result {
            Err(error) if refuses_the_code(&error) => {
                steps.reuse_refused |= reused;
                let next = steps.last.map_or(step, |last| last.max(step)) + 1;
                tracing::info!(
                    "TagoIO refused the authenticator code (used before, or not this account's); \
                     waiting for the next 30-second step to send a fresh one"
                );
                wait_for(client, next).await;
                let retry = send(authenticator(secret, next)).await;
                if retry.as_ref().is_err_and(refuses_the_code) {
                    return retry;
                }
                steps.last = Some(next);
                retry
            }
            result => {
                steps.last = Some(steps.last.map_or(step, |last| last.max(step)));
                result
            }
        }
    }
}

fn authenticator(secret: &TotpSecret, step: u64) -> Code {
    Code {
        otp_type: Some(OtpType::Authenticator),
        pin_code: Some(secret.code(step).into()),
    }
}

/// A refusal of the code itself (`Invalid pin_code`), not a request for one (`otp_enabled`).
fn refuses_the_code(error: &ApiError) -> bool {
    error.is_pin_refused()
        && error
            .server_message()
            .is_some_and(|message| !message.contains("otp_enabled"))
}

/// The server's time now, as well as this run knows it (this machine's before any answer).
fn server_now(client: &Client) -> chrono::DateTime<chrono::Utc> {
    client.server_now().unwrap_or_else(chrono::Utc::now)
}

/// Waits until `step` has begun by the server's clock.
async fn wait_for(client: &Client, step: u64) {
    let start = totp::step_start(step);
    let left = (start - server_now(client)).to_std().unwrap_or_default();
    if !left.is_zero() {
        client.inner.clock.sleep(left + STEP_MARGIN).await;
    }
}

/// What to set when TagoIO refuses a code: `secret` when the code came from
/// `TAGOIO_TOTP_SECRET`.
pub fn refusal_hint(secret: bool) -> &'static str {
    if secret {
        "the account refused the authenticator code computed from TAGOIO_TOTP_SECRET; check \
         that it holds this account's authenticator secret (the base32 text shown when the \
         authenticator was set up)"
    } else {
        "the account has two-factor authentication on, and TAGOIO_PIN is not set to a current \
         code; for unattended runs set TAGOIO_TOTP_SECRET to the authenticator's secret, or set \
         TAGOIO_PIN to the code your authenticator shows now (for a code by SMS or e-mail, set \
         TAGOIO_OTP_TYPE=sms or email and run `tagoform otp` to have TagoIO send one)"
    }
}
