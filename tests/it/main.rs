//! The one integration-test binary: a module per area keeps link time down.

mod client_api;
mod client_emulator;
mod client_faults;
mod client_support;
mod config_fixtures;
mod config_hostile;
mod config_model;
mod config_schema;
mod emulator_wire;
