//! The live TagoIO API: wire types ([`types`]) and the typed async [`Client`].
//!
//! The client sends one request per method call and hides the HTTP details: it decodes
//! TagoIO's envelope into typed results, reads every page of a list, retries what is
//! safe to retry, paces itself under the per-minute limits, adapts how many requests are in
//! flight to how TagoIO answers, and returns [`ApiError`]s
//! callers can branch on. Token values and passwords never reach a log or an error.
//! Settings (where the API is, which token) are resolved first, in [`settings`].

mod account;
mod billing;
mod client;
mod clock;
mod concurrency;
mod error;
mod integration;
mod pacing;
mod query;
mod retry;
mod route;
pub mod settings;
mod share;
mod transport;

pub use crate::kind::ObjectKind;
pub use account::TOKEN_FIELDS;
pub use client::{Client, ClientBuilder, DEFAULT_CONCURRENCY, MAX_PAGE_SIZE};
pub use clock::{BoxFuture, Clock, ManualClock, SystemClock};
pub use error::{ApiError, TransportFailure};
pub use integration::NamedIntegration;
pub use pacing::{Pacer, RateBudgets, ROUTES};
pub use query::{ListQuery, SortOrder};
pub use retry::RetryPolicy;
pub use route::{is_tagoio_id, Method, Route};
pub use settings::{ApiFlags, ApiSettings, Endpoint, Region, SettingsError};
pub use share::{ShareAction, ShareError};
pub use tagoform_wire::secret::{self, Secret, Token};
/// TagoIO's wire types, shared with the emulator (`crates/tagoform-wire`).
pub use tagoform_wire::types;
