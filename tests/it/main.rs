//! The one integration test binary: a module per area keeps link time down.

mod config_fixtures;
mod config_hostile;
mod config_model;
mod config_schema;
