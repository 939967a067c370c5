//! The one integration-test binary: a module per area keeps link time down.

mod client_api;
mod client_emulator;
mod client_faults;
mod client_support;
mod config_fixtures;
mod config_hostile;
mod config_model;
mod config_schema;
mod emulator_admin;
mod emulator_auth;
mod emulator_durability;
mod emulator_integrations;
mod emulator_limits;
mod emulator_profiles;
mod emulator_sharing;
mod emulator_support;
mod emulator_team;
mod emulator_wire;
mod scale_smoke;
