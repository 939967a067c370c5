//! The one integration-test binary: a module per area keeps link time down.

/// A configuration whose profile `acme` is the demo seed's "ACME Production", followed by
/// `$rest`: more keys of `acme` (four spaces in) or the next sections. It is a literal, so
/// `format!` takes it too.
macro_rules! acme_config {
    ($rest:literal) => {
        concat!(
            "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n",
            $rest
        )
    };
}

mod baseline_plan;
mod behaviour_door;
mod ci_first_pipeline;
mod ci_recipes;
mod client_api;
mod client_emulator;
mod client_faults;
mod config_fixtures;
mod config_hostile;
mod config_model;
mod config_schema;
mod emulator_addons;
mod emulator_admin;
mod emulator_auth;
mod emulator_billing;
mod emulator_catalog;
mod emulator_durability;
mod emulator_integrations;
mod emulator_limits;
mod emulator_profiles;
mod emulator_sharing;
mod emulator_team;
mod emulator_two_factor;
mod emulator_wire;
mod export_random;
mod export_roundtrip;
mod export_shares;
mod hardening_boundary;
mod hardening_concurrent;
mod hardening_crash;
mod hardening_faults;
mod hardening_input;
mod hardening_lock;
mod hardening_malformed;
mod hardening_secrets;
mod init;
mod live_parallelism;
mod publish;
mod real_tagoio;
mod reconcile_access;
mod reconcile_billing;
mod reconcile_drift;
mod reconcile_examples;
mod reconcile_failures;
mod reconcile_identity;
mod reconcile_lock_reread;
mod reconcile_lost_answers;
mod reconcile_output;
mod reconcile_publication;
mod reconcile_requests;
mod reconcile_safety;
mod reconcile_saved_plan;
mod reconcile_share_confirm;
mod reconcile_shared_networks;
mod reconcile_team;
mod reconcile_token_values;
mod reconcile_tokens;
mod reconcile_two_factor;
mod reconcile_verify;
mod scale_smoke;
mod support;
