//! The one integration-test binary: a module per area.

mod client_api;
mod client_faults;
mod client_support;
