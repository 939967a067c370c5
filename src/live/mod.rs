//! The live side: a [`LiveSnapshot`] of what the configuration manages ([`fetch`]), and the
//! [`Access`] that picks the right token for each profile.

mod access;
mod billing;
mod catalog;
mod credentials;
mod fetch;
mod networks;
mod snapshot;

pub use access::{Access, AccessError, Credentials, ProfileToken, SHORT_LIVED_TOKEN_NAME};
pub use billing::is_managed as manages_billing;
pub use credentials::{Code, SecondFactor};
pub use fetch::{decode_script, fetch, owned_profiles, FetchError};
pub use snapshot::*;
