//! `tagoform doctor`: checks, with GET requests only, that the API answers as tagoform's model
//! of TagoIO expects, where the model rests on TagoIO's public sources and where it does not
//! (the share routes). Each check is a [`Row`]: the route, what is expected and where that
//! expectation comes from, and what happened. [`probe`] never writes: it uses the account
//! token and the `token_env` tokens as they are, and never asks for a short-lived token
//! (that would create one), nor signs in (TagoIO makes a token at each login).

mod billing;
mod probes;

pub use probes::{probe, ProfileToken};

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// As expected; the detail says what was seen.
    Holds(String),
    /// Not as expected: tagoform would misread this API. The detail says what was seen.
    Fails(String),
    /// Not checked, and why (nothing to check it on).
    Skipped(String),
}

/// One check: a route, the expectation and its source, and the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `GET /profile/current` (with which token, when it matters).
    pub route: String,
    /// What tagoform expects of the answer.
    pub expectation: String,
    /// Where the expectation comes from: a TagoIO source, or *unverified*.
    pub source: &'static str,
    pub outcome: Outcome,
}

/// Every check of one run, in the order they were made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub rows: Vec<Row>,
}

impl Report {
    /// True when no check failed (skipped checks do not count against it).
    pub fn healthy(&self) -> bool {
        !self
            .rows
            .iter()
            .any(|row| matches!(row.outcome, Outcome::Fails(_)))
    }

    fn push(
        &mut self,
        route: impl Into<String>,
        expectation: impl Into<String>,
        source: &'static str,
        outcome: Outcome,
    ) {
        self.rows.push(Row {
            route: route.into(),
            expectation: expectation.into(),
            source,
            outcome,
        });
    }
}
