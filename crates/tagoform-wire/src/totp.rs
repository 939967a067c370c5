//! Authenticator codes (RFC 6238): the client computes one per credential call from
//! `TAGOIO_TOTP_SECRET`, and the emulator checks them against a seed account's `totp_secret`.
//! Both sides use this one implementation, so the emulator cannot drift from the client.
//!
//! TagoIO's authenticator is the usual kind (docs `my-account/two-factor-authentication-2fa.md`:
//! "an authenticator app"): SHA-1, six digits, a new code every 30 seconds.

use std::fmt;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds an authenticator code lasts (RFC 6238's default, the one authenticator apps use).
pub const STEP_SECONDS: i64 = 30;
/// Digits of a code.
const DIGITS: u32 = 6;
/// A secret shorter than this many bytes (80 bits, the shortest authenticator apps issue)
/// is a typing mistake, not a secret.
const MIN_SECRET_BYTES: usize = 10;

/// A shared secret, decoded from base32. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

/// Why a text is not a usable secret; says nothing of the text itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpSecretError {
    #[error("it is empty")]
    Empty,
    #[error("it is not base32 (letters A to Z and digits 2 to 7, as authenticator apps show it)")]
    NotBase32,
    #[error("it is too short for a secret ({0} bytes; at least 10)")]
    TooShort(usize),
}

impl TotpSecret {
    /// Reads a base32 secret as setup pages show it: any case, spaces and `=` padding ignored.
    pub fn parse(text: &str) -> Result<Self, TotpSecretError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '=' && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if cleaned.is_empty() {
            return Err(TotpSecretError::Empty);
        }
        let alphabet = base32::Alphabet::Rfc4648 { padding: false };
        let bytes = base32::decode(alphabet, &cleaned).ok_or(TotpSecretError::NotBase32)?;
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(TotpSecretError::TooShort(bytes.len()));
        }
        Ok(TotpSecret(bytes))
    }

    /// The code of one step (RFC 4226 dynamic truncation of HMAC-SHA-1 over the step).
    pub fn code(&self, step: u64) -> String {
        // An HMAC key may have any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = usize::from(digest[digest.len() - 1] & 0x0f);
        let bytes = [
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ];
        let value = u32::from_be_bytes(bytes) % 10u32.pow(DIGITS);
        format!("{value:06}")
    }

    /// The code for the step `at` falls in.
    pub fn code_at(&self, at: DateTime<Utc>) -> String {
        self.code(step(at))
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("TotpSecret(<redacted>)")
    }
}

/// The step an instant falls in (0 before 1970, which no clock here shows).
pub fn step(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp().div_euclid(STEP_SECONDS)).unwrap_or(0)
}

/// When a step begins.
pub fn step_start(step: u64) -> DateTime<Utc> {
    let seconds = i64::try_from(step).unwrap_or(i64::MAX / STEP_SECONDS) * STEP_SECONDS;
    DateTime::from_timestamp(seconds, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1: the secret is the ASCII of "12345678901234567890"; the
    /// RFC's eight-digit codes, cut to six.
    #[test]
    fn the_rfc_6238_test_vectors_hold() {
        let secret = TotpSecret::parse("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            let at = DateTime::from_timestamp(time, 0).unwrap();
            assert_eq!(secret.code_at(at), code, "{time}");
        }
    }

    #[test]
    fn a_secret_reads_as_setup_pages_show_it_and_never_prints() {
        let spaced = TotpSecret::parse("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap();
        assert_eq!(
            spaced,
            TotpSecret::parse("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====").unwrap()
        );
        assert_eq!(format!("{spaced:?}"), "TotpSecret(<redacted>)");
        assert_eq!(TotpSecret::parse(" "), Err(TotpSecretError::Empty));
        assert_eq!(
            TotpSecret::parse("GEZDGNBV1"),
            Err(TotpSecretError::NotBase32)
        );
        assert_eq!(
            TotpSecret::parse("GEZDGNBV"),
            Err(TotpSecretError::TooShort(5))
        );
    }

    #[test]
    fn steps_are_thirty_seconds_from_1970() {
        let at = DateTime::parse_from_rfc3339("2027-03-01T10:00:29Z")
            .unwrap()
            .to_utc();
        assert_eq!(step_start(step(at)).timestamp(), at.timestamp() - 29);
        assert_eq!(step(step_start(step(at) + 1)), step(at) + 1);
    }
}
