//! Injected faults: the network and server failures a real API shows, on demand, so that
//! tests can prove a client survives them.
//!
//! Two families, with opposite meanings for a client:
//! - **before the work** (nothing was done): a burst of 429 answers, a burst of 503 answers,
//!   and the older `--fail-rate` 503. Repeating the request is always safe.
//! - **after the work** (the change is made and durable, the answer never arrives): a dropped
//!   connection, and an answer slower than the client's timeout. A client that repeats a POST
//!   blindly after these creates a duplicate; it must read the state first.
//!
//! One random draw per request picks at most one fault; with a seed, a run is reproducible
//! for a given order of requests.

use std::sync::Mutex;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::error::ErrorReply;

/// How often each fault happens. Rates are shares of requests (0.0 to 1.0); their sum is at
/// most 1. A 429 or 503 rate is the share of requests that *start* a burst of
/// `burst_length` such answers (the requests that follow, on any route, get the same).
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Carried out, then the connection is closed without an answer.
    pub drop_rate: f64,
    /// Carried out, then answered after `slow_delay` (past a client's timeout).
    pub slow_rate: f64,
    pub slow_delay: Duration,
    /// Starts a burst of 429 `Too many requests`; nothing is done.
    pub throttle_rate: f64,
    /// Starts a burst of 503 `Service unavailable`; nothing is done.
    pub unavailable_rate: f64,
    /// Requests per burst, the first included (0 counts as 1).
    pub burst_length: u32,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            drop_rate: 0.0,
            slow_rate: 0.0,
            slow_delay: Duration::from_secs(5),
            throttle_rate: 0.0,
            unavailable_rate: 0.0,
            burst_length: 1,
        }
    }
}

/// Why fault settings are refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FaultsError {
    #[error("--{flag} must be between 0 and 1, got {value}")]
    Rate { flag: &'static str, value: f64 },
    #[error("the fault rates add up to {0}, more than 1")]
    Sum(f64),
}

impl Faults {
    /// Checks every rate is a share and that they add up to at most 1.
    pub fn validate(&self) -> Result<(), FaultsError> {
        let rates = [
            ("drop-rate", self.drop_rate),
            ("slow-rate", self.slow_rate),
            ("throttle-rate", self.throttle_rate),
            ("unavailable-rate", self.unavailable_rate),
        ];
        for (flag, value) in rates {
            if !(0.0..=1.0).contains(&value) || value.is_nan() {
                return Err(FaultsError::Rate { flag, value });
            }
        }
        let sum: f64 = rates.iter().map(|(_, value)| value).sum();
        if sum > 1.0 + 1e-9 {
            return Err(FaultsError::Sum(sum));
        }
        Ok(())
    }

    fn any(&self) -> bool {
        self.drop_rate + self.slow_rate + self.throttle_rate + self.unavailable_rate > 0.0
    }
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Serve it normally.
    None,
    /// Answer 429 without doing anything.
    Throttle,
    /// Answer 503 without doing anything.
    Unavailable,
    /// Do the work, then close the connection without an answer.
    Drop,
    /// Do the work, then answer after this delay.
    Slow(Duration),
}

/// The fault settings with their random source and the burst in progress.
#[derive(Debug)]
pub struct FaultInjector {
    faults: Faults,
    inner: Mutex<Rolling>,
}

#[derive(Debug)]
struct Rolling {
    rng: StdRng,
    /// The burst in progress and how many more requests it takes.
    burst: Option<(Fault, u32)>,
}

impl FaultInjector {
    /// An injector; `seed` makes the sequence of faults reproducible.
    pub fn new(faults: Faults, seed: Option<u64>) -> Self {
        let rng = match seed {
            // Apart from the store's generator, so that faults never shift generated ids.
            Some(seed) => StdRng::seed_from_u64(seed ^ 0x6661_756c_7473),
            None => rand::make_rng(),
        };
        Self {
            faults,
            inner: Mutex::new(Rolling { rng, burst: None }),
        }
    }

    /// The fault for the next request.
    pub fn roll(&self) -> Fault {
        if !self.faults.any() {
            return Fault::None;
        }
        let Ok(mut rolling) = self.inner.lock() else {
            return Fault::None;
        };
        if let Some((fault, remaining)) = rolling.burst {
            rolling.burst = remaining
                .checked_sub(1)
                .filter(|r| *r > 0)
                .map(|r| (fault, r));
            return fault;
        }
        let faults = &self.faults;
        let draw: f64 = rolling.rng.random();
        let mut edge = faults.drop_rate;
        if draw < edge {
            return Fault::Drop;
        }
        edge += faults.slow_rate;
        if draw < edge {
            return Fault::Slow(faults.slow_delay);
        }
        edge += faults.throttle_rate;
        let burst = if draw < edge {
            Fault::Throttle
        } else if draw < edge + faults.unavailable_rate {
            Fault::Unavailable
        } else {
            return Fault::None;
        };
        let following = faults.burst_length.saturating_sub(1);
        rolling.burst = (following > 0).then_some((burst, following));
        burst
    }
}

/// The 429 of a throttle burst, with `Retry-After: 0` (the burst, not the clock, ends it).
pub fn throttled() -> Response {
    ErrorReply::too_many_requests(0).into_response()
}

/// A response whose body fails after the status line: the server closes the connection
/// before a complete answer, as when a network path breaks after the work was done.
pub fn dropped() -> Response {
    let broken = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected fault: connection dropped",
        ))
    });
    let mut response = Body::from_stream(broken).into_response();
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(
        header::CONTENT_LENGTH,
        header::HeaderValue::from_static("64"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn injector(faults: Faults) -> FaultInjector {
        FaultInjector::new(faults, Some(7))
    }

    #[test]
    fn rates_are_checked() {
        let bad = Faults {
            drop_rate: 1.5,
            ..Faults::default()
        };
        assert_eq!(
            bad.validate(),
            Err(FaultsError::Rate {
                flag: "drop-rate",
                value: 1.5
            })
        );
        let sum = Faults {
            drop_rate: 0.6,
            throttle_rate: 0.6,
            ..Faults::default()
        };
        assert_eq!(
            sum.validate().map_err(|e| e.to_string()),
            Err("the fault rates add up to 1.2, more than 1".to_owned())
        );
        assert_eq!(Faults::default().validate(), Ok(()));
    }

    #[test]
    fn a_burst_repeats_its_fault() {
        let always = injector(Faults {
            throttle_rate: 1.0,
            burst_length: 3,
            ..Faults::default()
        });
        let faults: Vec<Fault> = (0..4).map(|_| always.roll()).collect();
        assert_eq!(faults, vec![Fault::Throttle; 4]);
        let once = injector(Faults {
            unavailable_rate: 0.05,
            burst_length: 4,
            ..Faults::default()
        });
        let rolls: Vec<Fault> = (0..2000).map(|_| once.roll()).collect();
        let start = rolls
            .iter()
            .position(|f| *f == Fault::Unavailable)
            .expect("a burst starts within 2000 requests at 5%");
        assert_eq!(&rolls[start..start + 4], &[Fault::Unavailable; 4]);
    }

    #[test]
    fn same_seed_same_faults() {
        let faults = Faults {
            drop_rate: 0.1,
            slow_rate: 0.1,
            throttle_rate: 0.1,
            unavailable_rate: 0.1,
            burst_length: 2,
            ..Faults::default()
        };
        let first = injector(faults.clone());
        let second = injector(faults);
        let a: Vec<Fault> = (0..500).map(|_| first.roll()).collect();
        let b: Vec<Fault> = (0..500).map(|_| second.roll()).collect();
        assert_eq!(a, b);
        for kind in [
            Fault::Drop,
            Fault::Slow(Duration::from_secs(5)),
            Fault::Throttle,
            Fault::Unavailable,
            Fault::None,
        ] {
            assert!(a.contains(&kind), "{kind:?} never rolled");
        }
    }

    #[test]
    fn no_faults_never_rolls() {
        let none = injector(Faults::default());
        assert!((0..100).all(|_| none.roll() == Fault::None));
    }
}
