//! [`Client`]: one TagoIO API, one token, shared pacing. Cheap to clone.
//!
//! Endpoints live in [`super::account`] and [`super::integration`]; the request loop in
//! [`super::transport`]. A client for another profile's token is made with
//! [`Client::with_token`], which keeps the connection pool and the pacer.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::clock::{Clock, SystemClock};
use super::concurrency::Limiter;
use super::error::ApiError;
use super::pacing::{Pacer, RateBudgets};
use super::query::ListQuery;
use super::retry::{Backoff, RetryPolicy};
use super::route::Route;
use super::secret::Token;
use super::settings::{ApiSettings, Endpoint};
use super::transport::Call;

/// The page size tagoform reads lists in (docs/api.md, "Pagination"); a short page is the
/// last one. A server that silently served fewer would make the first page look like the
/// last, so this stays well below what TagoIO's own clients ask for (10,000): 1,000 items a
/// page cost few requests, and no source says how TagoIO answers a larger `amount`.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// The default cap on requests in flight (`--parallelism`).
pub const DEFAULT_CONCURRENCY: usize = 256;

/// A guard against a server that ignores paging and repeats a full page forever.
const MAX_PAGES: u32 = 100_000;

/// The server's `Date` at its latest answer, with the moment this machine saw it (on the
/// monotonic clock).
pub(crate) type SeenDate = (chrono::DateTime<chrono::Utc>, std::time::Instant);

/// A typed TagoIO API client.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) token: Option<Token>,
    pub(crate) backoff: Arc<Backoff>,
    pub(crate) pacer: Arc<Pacer>,
    /// Requests in flight, adapted as the run goes; shared like the pacer.
    pub(crate) limiter: Arc<Limiter>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) pacing_profile: String,
    pub(crate) max_body_bytes: usize,
    pub(crate) page_size: u32,
    /// Requests sent (every attempt), shared with clients made by [`Client::with_token`].
    pub(crate) sent: Arc<AtomicU64>,
    /// The server's clock (`Date` header) at its latest answer, shared likewise.
    pub(crate) server_time: Arc<std::sync::Mutex<Option<SeenDate>>>,
    /// Every secret a call has sent (passwords, codes, token values), shared likewise: a
    /// server may echo one in the answer to a later request, of this client or another.
    pub(crate) sent_secrets: Arc<std::sync::Mutex<Vec<super::Secret>>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token)
            .field("pacing_profile", &self.inner.pacing_profile)
            .field("page_size", &self.inner.page_size)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]; every setting has a default but the base URL.
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    token: Option<Token>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    clock: Option<Arc<dyn Clock>>,
    pacer: Option<Arc<Pacer>>,
    budgets: RateBudgets,
    concurrency: usize,
    pacing_profile: String,
    max_body_bytes: usize,
    page_size: u32,
}

impl ClientBuilder {
    /// The token sent in the `token` header.
    pub fn token(mut self, token: Token) -> Self {
        self.token = Some(token);
        self
    }

    /// Limit for one request, answer included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retry limits and backoff.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The clock behind every wait (tests pass a [`super::ManualClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Per-minute budgets for a pacer of this client's own (ignored with [`Self::pacer`]).
    pub fn rate_budgets(mut self, budgets: RateBudgets) -> Self {
        self.budgets = budgets;
        self
    }

    /// A pacer shared with other clients of the same run.
    pub fn pacer(mut self, pacer: Arc<Pacer>) -> Self {
        self.pacer = Some(pacer);
        self
    }

    /// The most requests in flight at once (`--parallelism`): a cap, under which the client
    /// finds the concurrency TagoIO sustains (`concurrency`). Default [`DEFAULT_CONCURRENCY`].
    pub fn concurrency(mut self, cap: usize) -> Self {
        self.concurrency = cap.max(1);
        self
    }

    /// The profile whose rate-limit buckets this client's requests count against
    /// (TagoIO counts per profile and route); default `default`.
    pub fn pacing_profile(mut self, profile: impl Into<String>) -> Self {
        self.pacing_profile = profile.into();
        self
    }

    /// Largest answer body read.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Page size of list reads (default and maximum: [`MAX_PAGE_SIZE`]).
    pub fn page_size(mut self, amount: u32) -> Self {
        self.page_size = amount.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// Makes the client.
    pub fn build(self) -> Result<Client, ApiError> {
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(concat!("tagoform/", env!("CARGO_PKG_VERSION")))
            // A redirect is an error (`ApiError::Redirected`): following one would resend
            // the token header, and a sign-in's body, to another host.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| ApiError::InvalidArgument {
                what: "HTTP client",
                reason: error.without_url().to_string(),
            })?;
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock::new()));
        let pacer = self
            .pacer
            .unwrap_or_else(|| Arc::new(Pacer::new(self.budgets, clock.clone())));
        let limiter = Arc::new(Limiter::new(self.concurrency, clock.clone()));
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: self.base_url.trim_end_matches('/').to_owned(),
                token: self.token,
                backoff: Arc::new(Backoff::new(self.retry)),
                pacer,
                limiter,
                clock,
                pacing_profile: self.pacing_profile,
                max_body_bytes: self.max_body_bytes,
                page_size: self.page_size,
                sent: Arc::new(AtomicU64::new(0)),
                server_time: Arc::default(),
                sent_secrets: Arc::default(),
            }),
        })
    }
}

impl Client {
    /// Starts building a client for the API at `base_url` (`https://api.tago.io`).
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        let defaults = ApiSettings::new(Endpoint::Local, None);
        ClientBuilder {
            base_url: base_url.into(),
            token: None,
            timeout: defaults.timeout,
            connect_timeout: defaults.connect_timeout,
            retry: defaults.retry,
            clock: None,
            pacer: None,
            budgets: RateBudgets::unlimited(),
            concurrency: DEFAULT_CONCURRENCY,
            pacing_profile: "default".to_owned(),
            max_body_bytes: defaults.max_body_bytes,
            page_size: MAX_PAGE_SIZE,
        }
    }

    /// A builder preset from resolved settings. [`Endpoint::Local`] must be started first
    /// (see `commands::session`) and its URL passed as `local_url`.
    pub fn builder_from_settings(
        settings: &ApiSettings,
        local_url: Option<&str>,
    ) -> Result<ClientBuilder, ApiError> {
        let base_url = match (&settings.endpoint, local_url) {
            (Endpoint::Url(url), _) => url.clone(),
            (Endpoint::Local, Some(url)) => url.to_owned(),
            (Endpoint::Local, None) => {
                return Err(ApiError::InvalidArgument {
                    what: "endpoint",
                    reason: "the embedded emulator is not running".to_owned(),
                })
            }
        };
        let mut builder = Self::builder(base_url)
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .retry(settings.retry.clone())
            .max_body_bytes(settings.max_body_bytes);
        if let Some(token) = &settings.token {
            builder = builder.token(token.clone());
        }
        Ok(builder)
    }

    /// The same API, pool and pacer with another token (a profile's), counted against
    /// `pacing_profile`'s rate-limit buckets.
    pub fn with_token(&self, token: Token, pacing_profile: impl Into<String>) -> Client {
        let inner = &self.inner;
        Client {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                base_url: inner.base_url.clone(),
                token: Some(token),
                backoff: inner.backoff.clone(),
                pacer: inner.pacer.clone(),
                limiter: inner.limiter.clone(),
                clock: inner.clock.clone(),
                pacing_profile: pacing_profile.into(),
                max_body_bytes: inner.max_body_bytes,
                page_size: inner.page_size,
                sent: inner.sent.clone(),
                server_time: inner.server_time.clone(),
                sent_secrets: inner.sent_secrets.clone(),
            }),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// How many requests this client and those made from it with [`Client::with_token`]
    /// have sent, retries included (for `-v` summaries and request budgets).
    pub fn requests_sent(&self) -> u64 {
        self.inner.sent.load(Ordering::Relaxed)
    }

    /// The server's time at its latest answer (from the `Date` header), if any. Expiry of
    /// invitations and tokens is the server's call, so plans compare against its clock.
    pub fn server_time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let seen = self.inner.server_time.lock().ok().and_then(|time| *time);
        seen.map(|(date, _)| date)
    }

    /// The server's time now, estimated: its latest `Date` plus the time elapsed here since,
    /// to the second (this machine's clock is never read). For expiries tagoform sends as
    /// instants (the apply lock's lease, short-lived tokens), which must count from the
    /// server's clock even when the latest answer is some seconds old. `None` before any
    /// answer.
    pub fn server_now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let (date, seen) = self.inner.server_time.lock().ok().and_then(|time| *time)?;
        let elapsed = chrono::Duration::from_std(seen.elapsed()).ok()?;
        Some(date + chrono::Duration::seconds(elapsed.num_seconds()))
    }

    /// The most requests this run may have in flight (`--parallelism`): how many tasks to
    /// start at once, leaving the client's limit to decide how many send.
    pub fn concurrency_cap(&self) -> usize {
        self.inner.limiter.cap()
    }

    /// The concurrency limit now and the highest it reached in this run.
    pub fn concurrency_limits(&self) -> (usize, usize) {
        self.inner.limiter.limits()
    }

    /// The pacer, to share with clients built separately.
    pub fn pacer(&self) -> Arc<Pacer> {
        self.inner.pacer.clone()
    }

    /// Reads every page of a list: pages of the client's page size from page 1, stopping
    /// at the first short page, so the request count is `items / page_size + 1`.
    pub(crate) async fn list_all<T: DeserializeOwned>(
        &self,
        route: Route,
        query: &ListQuery,
        sensitive: bool,
    ) -> Result<Vec<T>, ApiError> {
        let amount = self.inner.page_size;
        let mut items = Vec::new();
        for page in 1..=MAX_PAGES {
            let mut call = Call::new(route.clone()).query(query.encode_page(page, amount));
            if sensitive {
                call = call.sensitive();
            }
            let batch: Vec<T> = self.execute(call).await?;
            let full = batch.len() >= amount as usize;
            items.extend(batch);
            if !full {
                return Ok(items);
            }
        }
        Err(ApiError::Decode {
            route: Box::new(route),
            status: 200,
            detail: format!("more than {MAX_PAGES} full pages: the server ignores paging"),
            excerpt: None,
        })
    }
}
