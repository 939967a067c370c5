//! How many requests may be in flight at once: found as the run goes, not fixed.
//!
//! TagoIO publishes rate limits (per profile, route and minute; the pacer keeps to them) but
//! no concurrency limit, and the right number depends on the network and on how loaded
//! TagoIO is. So the client starts with a few requests in flight and adjusts once per round
//! trip (AIMD, as TCP and adaptive-concurrency proxies do):
//! - **grows by one** when that round trip used every slot, and its answers came as fast as
//!   before, with no 429 and no failure;
//! - **shrinks to 90%** when the round trip's mean latency rose over half again above the
//!   long-run mean (TagoIO is queueing), and **to half** on a 429 or a 5xx or a request
//!   without an answer (TagoIO is pushing back).
//!
//! `--parallelism` stays a hard cap. A request takes its slot before the pacer admits it, so
//! the per-minute budgets hold whatever the concurrency: the pacer counts a request when it
//! is sent, and a request waiting for a slot has not been counted yet.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use super::clock::Clock;

/// Requests in flight at the start of a run.
pub const INITIAL: usize = 4;
/// Shrink factor when latency rises.
const QUEUEING_DECREASE: f64 = 0.9;
/// Shrink factor on pushback (429, 5xx, no answer).
const PUSHBACK_DECREASE: f64 = 0.5;
/// A round trip this much slower than the long-run mean means queueing.
const QUEUEING_RATIO: f64 = 1.5;
/// Weight of the last round trip in the long-run mean latency.
const MEAN_WEIGHT: f64 = 0.2;

/// How a request ended, as far as the limit is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// An answer (an error status too, unless it is pushback).
    Answered,
    /// 429, 5xx, or no answer: TagoIO asks for less.
    Pushback,
}

/// The pure part: the limit and one round trip's observations. No clock, no waiting.
#[derive(Debug, Clone)]
pub struct Aimd {
    limit: usize,
    cap: usize,
    /// The long-run mean round trip, in seconds (once one round trip is over).
    mean: Option<f64>,
    /// When pushback last cut the limit: one burst of 429s cuts it once per round trip.
    last_cut: Option<Duration>,
    /// Doubling until the first cut.
    slow_start: bool,
    window: Window,
}

/// What one round trip (a window as long as the mean latency) has seen.
#[derive(Debug, Clone, Default)]
struct Window {
    started: Duration,
    latency_sum: f64,
    answers: u32,
    full: bool,
    pushback: bool,
}

impl Aimd {
    /// Starts at `INITIAL` (or `cap`, when lower); never above `cap`, never below 1.
    pub fn new(cap: usize) -> Self {
        let cap = cap.max(1);
        Aimd {
            limit: INITIAL.min(cap),
            cap,
            mean: None,
            last_cut: None,
            slow_start: true,
            window: Window::default(),
        }
    }

    /// Requests that may be in flight now.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// A request starts with `in_flight` others already in flight.
    pub fn started(&mut self, in_flight: usize) {
        if in_flight + 1 >= self.limit {
            self.window.full = true;
        }
    }

    /// A request ended at `now` after `latency`; at the end of a round trip, the limit moves.
    pub fn ended(&mut self, now: Duration, latency: Duration, signal: Signal) {
        let window = &mut self.window;
        window.latency_sum += latency.as_secs_f64();
        window.answers += 1;
        window.pushback |= signal == Signal::Pushback;
        let length = self.mean.unwrap_or(latency.as_secs_f64());
        if now.saturating_sub(window.started).as_secs_f64() < length && !window.pushback {
            return;
        }
        let round_trip = window.latency_sum / f64::from(window.answers);
        let queueing = self
            .mean
            .is_some_and(|mean| round_trip > mean * QUEUEING_RATIO);
        let cut_lately = self
            .last_cut
            .is_some_and(|at| now.saturating_sub(at).as_secs_f64() < length);
        self.limit = if window.pushback && cut_lately {
            self.limit
        } else if window.pushback {
            self.last_cut = Some(now);
            self.slow_start = false;
            shrink(self.limit, PUSHBACK_DECREASE)
        } else if queueing {
            self.slow_start = false;
            shrink(self.limit, QUEUEING_DECREASE)
        } else if window.full && self.slow_start {
            (self.limit * 2).min(self.cap)
        } else if window.full {
            (self.limit + 1).min(self.cap)
        } else {
            self.limit
        };
        if !window.pushback {
            self.mean = Some(match self.mean {
                None => round_trip,
                Some(mean) => mean + MEAN_WEIGHT * (round_trip - mean),
            });
        }
        self.window = Window {
            started: now,
            ..Window::default()
        };
    }
}

fn shrink(limit: usize, factor: f64) -> usize {
    ((limit as f64 * factor).floor() as usize).max(1)
}

/// The slots of one run, shared by every client of it (like the pacer).
#[derive(Debug)]
pub struct Limiter {
    /// The most that may ever be in flight (`--parallelism`); the limit moves below it.
    cap: usize,
    state: Mutex<State>,
    freed: Notify,
    clock: Arc<dyn Clock>,
}

#[derive(Debug)]
struct State {
    aimd: Aimd,
    in_flight: usize,
    /// The highest limit reached, for the log at the end of a run.
    highest: usize,
}

/// A slot held by one request; given back with [`Limiter::release`] or, unused, on drop.
#[derive(Debug)]
pub struct Slot<'l> {
    limiter: &'l Limiter,
    started: Duration,
    released: bool,
}

impl Limiter {
    pub fn new(cap: usize, clock: Arc<dyn Clock>) -> Self {
        let aimd = Aimd::new(cap);
        Limiter {
            cap: cap.max(1),
            state: Mutex::new(State {
                highest: aimd.limit(),
                aimd,
                in_flight: 0,
            }),
            freed: Notify::new(),
            clock,
        }
    }

    /// Waits for a free slot. Its request's latency counts from [`Slot::sending`], so that
    /// a wait for the pacer is not taken for TagoIO's latency.
    pub async fn acquire(&self) -> Slot<'_> {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            if self.try_take() {
                return Slot {
                    limiter: self,
                    started: self.clock.now(),
                    released: false,
                };
            }
            freed.await;
        }
    }

    fn try_take(&self) -> bool {
        let Ok(mut state) = self.state.lock() else {
            // A panic elsewhere poisoned the lock: carry on without a limit.
            return true;
        };
        if state.in_flight >= state.aimd.limit() {
            return false;
        }
        let in_flight = state.in_flight;
        state.aimd.started(in_flight);
        state.in_flight += 1;
        true
    }

    /// Gives `slot` back, with how its request ended.
    pub fn release(&self, mut slot: Slot<'_>, signal: Signal) {
        slot.released = true;
        let now = self.clock.now();
        let latency = now.saturating_sub(slot.started);
        if let Ok(mut state) = self.state.lock() {
            state.in_flight = state.in_flight.saturating_sub(1);
            let before = state.aimd.limit();
            state.aimd.ended(now, latency, signal);
            let after = state.aimd.limit();
            state.highest = state.highest.max(after);
            if after != before {
                tracing::debug!(from = before, to = after, "requests in flight");
            }
        }
        self.freed.notify_waiters();
    }

    /// The cap the limit never passes.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// The limit now and the highest it reached.
    pub fn limits(&self) -> (usize, usize) {
        self.state
            .lock()
            .map(|state| (state.aimd.limit(), state.highest))
            .unwrap_or((0, 0))
    }

    fn give_back_unused(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.in_flight = state.in_flight.saturating_sub(1);
        }
        self.freed.notify_waiters();
    }
}

impl Slot<'_> {
    /// The request leaves now: its latency counts from here.
    pub fn sending(&mut self) {
        self.started = self.limiter.clock.now();
    }
}

impl Drop for Slot<'_> {
    /// A request dropped before it ended (its future cancelled) frees its slot and teaches
    /// the limit nothing.
    fn drop(&mut self) {
        if !self.released {
            self.limiter.give_back_unused();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RTT: Duration = Duration::from_millis(20);

    /// One round trip: `limit` requests start at `now` and end together after `latency`
    /// (the last a microsecond after the others, so that it is the one closing the window).
    fn round_trip(aimd: &mut Aimd, now: &mut Duration, latency: Duration, signal: Signal) {
        let limit = aimd.limit();
        for in_flight in 0..limit {
            aimd.started(in_flight);
        }
        for answer in 1..=limit {
            let early = if answer == limit {
                Duration::ZERO
            } else {
                Duration::from_micros(1)
            };
            aimd.ended(*now + latency - early, latency, signal);
        }
        *now += latency;
    }

    #[test]
    fn full_round_trips_at_steady_latency_double_the_limit_up_to_the_cap() {
        let mut aimd = Aimd::new(50);
        let mut now = Duration::ZERO;
        let mut limits = Vec::new();
        for _ in 0..5 {
            round_trip(&mut aimd, &mut now, RTT, Signal::Answered);
            limits.push(aimd.limit());
        }
        assert_eq!(limits, [8, 16, 32, 50, 50]);
    }

    #[test]
    fn after_the_first_cut_a_full_round_trip_adds_one() {
        let mut aimd = Aimd::new(256);
        let mut now = Duration::ZERO;
        round_trip(&mut aimd, &mut now, RTT, Signal::Answered);
        round_trip(&mut aimd, &mut now, RTT, Signal::Answered);
        assert_eq!(aimd.limit(), 16);
        round_trip(&mut aimd, &mut now, RTT * 2, Signal::Answered);
        assert_eq!(aimd.limit(), 14);
        let mut limits = vec![aimd.limit()];
        for _ in 0..6 {
            round_trip(&mut aimd, &mut now, RTT, Signal::Answered);
            limits.push(aimd.limit());
        }
        // One at a time now (a window lasts the long-run mean, which the slow round trip
        // raised: not every round trip closes one).
        assert!(
            limits.windows(2).all(|w| w[1] == w[0] || w[1] == w[0] + 1),
            "{limits:?}"
        );
        assert!(*limits.last().unwrap() >= 17, "{limits:?}");
    }

    #[test]
    fn slots_left_unused_do_not_grow_the_limit() {
        let mut aimd = Aimd::new(64);
        let mut now = Duration::ZERO;
        for _ in 0..5 {
            aimd.started(0);
            now += RTT;
            aimd.ended(now, RTT, Signal::Answered);
        }
        assert_eq!(aimd.limit(), INITIAL);
    }

    #[test]
    fn rising_latency_shrinks_to_ninety_percent() {
        let mut aimd = Aimd::new(64);
        let mut now = Duration::ZERO;
        for _ in 0..3 {
            round_trip(&mut aimd, &mut now, RTT, Signal::Answered);
        }
        assert_eq!(aimd.limit(), 32);
        round_trip(&mut aimd, &mut now, RTT * 2, Signal::Answered);
        assert_eq!(aimd.limit(), 28);
    }

    #[test]
    fn pushback_halves_at_once_once_per_round_trip_and_never_below_one() {
        let mut aimd = Aimd::new(64);
        let mut now = Duration::ZERO;
        round_trip(&mut aimd, &mut now, RTT, Signal::Answered);
        assert_eq!(aimd.limit(), 8);
        // A burst of 429s within one round trip: one cut.
        for _ in 0..5 {
            aimd.started(0);
            now += Duration::from_millis(1);
            aimd.ended(now, RTT, Signal::Pushback);
        }
        assert_eq!(aimd.limit(), 4);
        // Pushback round trip after round trip: down to one, never zero.
        for _ in 0..5 {
            aimd.started(0);
            now += RTT;
            aimd.ended(now, RTT, Signal::Pushback);
        }
        assert_eq!(aimd.limit(), 1);
    }

    #[test]
    fn a_cap_below_the_start_is_the_limit() {
        assert_eq!(Aimd::new(2).limit(), 2);
        assert_eq!(Aimd::new(0).limit(), 1);
    }

    #[tokio::test]
    async fn no_more_requests_than_the_limit_are_in_flight() {
        let clock = crate::api::clock::ManualClock::shared();
        let limiter = Limiter::new(64, clock);
        let slots: Vec<Slot<'_>> =
            futures_util::future::join_all((0..INITIAL).map(|_| limiter.acquire())).await;
        assert!(!limiter.try_take(), "every slot is taken");
        let mut slots = slots.into_iter();
        limiter.release(slots.next().unwrap(), Signal::Answered);
        assert!(limiter.try_take());
        limiter.give_back_unused();
        // Dropped without a release: freed all the same.
        drop(slots);
        assert_eq!(
            futures_util::future::join_all((0..INITIAL).map(|_| limiter.acquire()))
                .await
                .len(),
            INITIAL
        );
    }
}
