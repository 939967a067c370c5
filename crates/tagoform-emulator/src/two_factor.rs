//! Two-factor codes as TagoIO describes them (docs `my-account/two-factor-authentication-2fa.md`):
//! an authenticator app's six-digit code, or one sent by SMS or e-mail, asked for at sign-in and
//! at every account-token creation.
//!
//! - Authenticator codes are the RFC 6238 codes of the account's `totp_secret` ([`tagoform_wire::totp`]):
//!   the current 30-second step and one step either side (RFC 6238 §5.2's allowance for clock
//!   drift). With `--otp-single-use`, a step at or before the last one accepted is refused
//!   (RFC 6238 §5.2: a verifier "MUST NOT accept the second attempt of the same OTP"); whether
//!   TagoIO does so is *unverified*, so both behaviours can be tested.
//! - SMS and e-mail codes exist only once `POST /account/login/otp` has "sent" one, only on the
//!   Starter and Scale plans (the same article); each is used once and lapses after
//!   [`SENT_CODE_MINUTES`] (*unverified*: the article gives no lifetime).
//!
//! A check never changes the state: it says what the call would consume ([`CodeUse`]), and the
//! route consumes it ([`consume`]) once the call succeeds, so a refused call leaves the state as
//! it was.

use chrono::{DateTime, Duration, Utc};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use tagoform_wire::Secret;

use crate::model::{Account, State};
use tagoform_wire::totp::{self, TotpSecret};
use tagoform_wire::types::OtpType;

/// How long a code sent by SMS or e-mail stays usable (*unverified*).
pub const SENT_CODE_MINUTES: i64 = 10;

/// A code the emulator "sent" by SMS or e-mail, kept until it is used or replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentCode {
    pub otp_type: OtpType,
    pub code: Secret,
    pub expires_at: DateTime<Utc>,
}

/// When a credential call is checked: the emulator's clock, and `--otp-single-use`.
#[derive(Debug, Clone, Copy)]
pub struct CodeCheck {
    pub now: DateTime<Utc>,
    pub single_use: bool,
}

/// What an accepted code uses up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeUse {
    /// Two-factor is off: nothing.
    Nothing,
    /// An authenticator code of this step.
    Step(u64),
    /// The code sent by this method.
    Sent(OtpType),
}

/// Checks `pin` as a code of kind `otp_type` for `account` at `now`. `None` when refused;
/// the caller words the refusal.
pub fn check(
    account: &Account,
    otp_type: OtpType,
    pin: &str,
    now: DateTime<Utc>,
    single_use: bool,
) -> Option<CodeUse> {
    match otp_type {
        OtpType::Authenticator => {
            let secret = account
                .totp_secret
                .as_ref()
                .and_then(|text| TotpSecret::parse(text.expose()).ok())?;
            let current = totp::step(now);
            let step = [current.saturating_sub(1), current, current + 1]
                .into_iter()
                .find(|step| secret.code(*step) == pin)?;
            let used = account.otp_last_step.is_some_and(|last| step <= last);
            if single_use && used {
                return None;
            }
            Some(CodeUse::Step(step))
        }
        OtpType::Sms | OtpType::Email => account
            .sent_codes
            .iter()
            .find(|sent| {
                sent.otp_type == otp_type && sent.expires_at > now && sent.code.expose() == pin
            })
            .map(|_| CodeUse::Sent(otp_type)),
    }
}

/// Records what an accepted code used: the latest authenticator step, or the sent code gone.
pub fn consume(state: &mut State, account_id: &str, used: CodeUse) {
    let Some(account) = state.accounts.get_mut(account_id) else {
        return;
    };
    match used {
        CodeUse::Nothing => {}
        CodeUse::Step(step) => {
            account.otp_last_step = Some(account.otp_last_step.map_or(step, |last| last.max(step)));
        }
        CodeUse::Sent(kind) => account.sent_codes.retain(|sent| sent.otp_type != kind),
    }
}

/// "Sends" a fresh code by `otp_type` (replacing an earlier one of that kind); tests read it
/// from `GET /_emulator/outbox`.
pub fn send(
    account: &mut Account,
    otp_type: OtpType,
    now: DateTime<Utc>,
    rng: &mut impl rand::Rng,
) {
    let code = format!("{:06}", rng.random_range(0..1_000_000u32));
    account.sent_codes.retain(|sent| sent.otp_type != otp_type);
    account.sent_codes.push(SentCode {
        otp_type,
        code: code.into(),
        expires_at: now + Duration::minutes(SENT_CODE_MINUTES),
    });
}
