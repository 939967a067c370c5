//! The live side: a [`LiveSnapshot`] of what the configuration manages ([`fetch`]), and the
//! [`Access`] that picks the right token for each profile.

mod billing;
mod catalog;
mod fetch;
mod networks;
mod snapshot;

pub use billing::is_managed as manages_billing;
pub use fetch::{fetch, owned_profiles, FetchError};
pub use snapshot::*;
