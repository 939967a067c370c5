//! Time, injectable: the client's waits (backoff, `Retry-After`, pacing) go through a
//! [`Clock`], so tests can run them instantly and assert exactly how long the client
//! would have waited.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A boxed future, so [`Clock`] stays object safe without an extra crate.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A monotonic clock that can wait.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Time elapsed since the clock was made; only differences matter.
    fn now(&self) -> Duration;
    /// Waits this long.
    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()>;
}

/// The real clock (tokio's, so it also follows tokio's paused test time).
#[derive(Debug)]
pub struct SystemClock {
    start: tokio::time::Instant,
}

impl SystemClock {
    /// A clock starting now.
    pub fn new() -> Self {
        Self {
            start: tokio::time::Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: sleeping returns at once, advances the time and is recorded.
#[derive(Debug, Default)]
pub struct ManualClock {
    state: Mutex<ManualState>,
}

#[derive(Debug, Default)]
struct ManualState {
    now: Duration,
    sleeps: Vec<Duration>,
}

impl ManualClock {
    /// A shared manual clock at time zero.
    pub fn shared() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Moves the time forward without recording a sleep.
    pub fn advance(&self, by: Duration) {
        if let Ok(mut state) = self.state.lock() {
            state.now += by;
        }
    }

    /// Every wait requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state
            .lock()
            .map(|state| state.sleeps.clone())
            .unwrap_or_default()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.state.lock().map(|state| state.now).unwrap_or_default()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        if let Ok(mut state) = self.state.lock() {
            state.now += duration;
            state.sleeps.push(duration);
        }
        Box::pin(std::future::ready(()))
    }
}
