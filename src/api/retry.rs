//! When and how long to wait before repeating a request.
//!
//! Idempotent requests (GET, PUT, DELETE) are repeated on 429, 5xx, timeouts and dropped
//! connections. A POST is repeated only on 429 and on a failed connection, the two cases
//! where the server certainly did nothing; any other failure of a POST is returned as a
//! lost answer for the caller to check (see [`super::ApiError::answer_lost`]).

use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// Retry limits and backoff. Delays are capped exponential with "equal jitter":
/// attempt n waits between half and all of `min(base * 2^n, max)`.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Total attempts per call, the first included (1 = never repeat).
    pub max_attempts: u32,
    /// Backoff before the first repeat.
    pub base_delay: Duration,
    /// Backoff cap.
    pub max_delay: Duration,
    /// Longest `Retry-After` honoured; a longer one ends the retries with the 429.
    pub max_retry_after: Duration,
    /// Seed of the jitter, for reproducible runs; `None` seeds from the OS.
    pub jitter_seed: Option<u64>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(75),
            jitter_seed: None,
        }
    }
}

impl RetryPolicy {
    /// Never repeat anything.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }
}

/// The policy plus its random source, shared by concurrent calls.
#[derive(Debug)]
pub(crate) struct Backoff {
    pub(crate) policy: RetryPolicy,
    rng: Mutex<SmallRng>,
}

impl Backoff {
    pub(crate) fn new(policy: RetryPolicy) -> Self {
        let rng = match policy.jitter_seed {
            Some(seed) => SmallRng::seed_from_u64(seed),
            None => rand::make_rng(),
        };
        Self {
            policy,
            rng: Mutex::new(rng),
        }
    }

    /// The wait before repeat number `retry` (0 for the first repeat).
    pub(crate) fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(20));
        let ceiling = self
            .policy
            .base_delay
            .saturating_mul(factor)
            .min(self.policy.max_delay);
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_millis()).unwrap_or(u64::MAX);
        let jitter = match self.rng.lock() {
            Ok(mut rng) if spread > 0 => rng.random_range(0..=spread),
            _ => 0,
        };
        half + Duration::from_millis(jitter)
    }
}

/// Reads the wait a 429 asks for: the `Retry-After` header (seconds), else TagoIO's
/// message form `Too many requests (Retry-After: 8)`.
pub(crate) fn retry_after(header: Option<&str>, message: Option<&str>) -> Option<Duration> {
    if let Some(seconds) = header.and_then(|value| value.trim().parse::<u64>().ok()) {
        return Some(Duration::from_secs(seconds));
    }
    let message = message?;
    let start = message.find("Retry-After:")? + "Retry-After:".len();
    let digits: String = message[start..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_from_header_or_message() {
        assert_eq!(retry_after(Some("8"), None), Some(Duration::from_secs(8)));
        assert_eq!(
            retry_after(None, Some("Too many requests (Retry-After: 12)")),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            retry_after(Some("soon"), Some("Too many requests (Retry-After: 3)")),
            Some(Duration::from_secs(3))
        );
        assert_eq!(retry_after(None, Some("Too many requests")), None);
    }

    #[test]
    fn backoff_is_capped_jittered_and_reproducible() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            jitter_seed: Some(7),
            ..RetryPolicy::default()
        };
        let first = Backoff::new(policy.clone());
        let second = Backoff::new(policy);
        for retry in 0..8 {
            let delay = first.delay(retry);
            assert_eq!(delay, second.delay(retry));
            let ceiling = Duration::from_millis(100 * 2u64.pow(retry)).min(Duration::from_secs(1));
            assert!(
                delay >= ceiling / 2 && delay <= ceiling,
                "{retry}: {delay:?}"
            );
        }
    }
}
