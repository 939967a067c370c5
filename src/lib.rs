//! tagoform: manage a TagoIO account the GitOps way.
//!
//! The job is: load YAML → read live state → compute a plan → render it or apply it.
//! Each arrow is a module boundary:
//!
//! - [`config`]: desired state. Wire structs (serde + JsonSchema) → validated model, with
//!   diagnostics that carry file, line and column. Never touches the network.
//! - [`api`]: TagoIO wire types and the typed async HTTP client (envelope, errors, retries,
//!   pacing, pagination, redaction of secrets).
//! - [`emulator`]: a TagoIO-compatible server (axum) that enforces TagoIO's rules; the
//!   `--api local` default and the adversary of every end-to-end test. Its own crate
//!   (`crates/tagoform-emulator`), re-exported here.
//! - [`live`]: `fetch` reads what the configuration manages into a `LiveSnapshot` of plain
//!   values; `Access` picks the token each profile's routes need.
//! - [`plan`]: PURE. `plan(&Desired, &LiveSnapshot, now) -> Result<Plan, PlanError>`; no I/O, no async. The
//!   `Plan` is data: the same type is rendered, saved (`--out`) and applied (`--plan`).
//! - [`publish`]: contributions to the `tago-io/decoders` repository (its layout, schemas,
//!   versions), written into a local clone by `tagoform publish`.
//! - [`catalog_id`]: that repository's rule for public catalog ids; data only.
//! - [`render`]: text, markdown and JSON plans, over any `io::Write`.
//! - [`export`]: the live account as configuration YAML (reading, then a PURE conversion).
//! - [`apply`]: executes a plan in dependency order; collects every outcome.
//! - [`lock`]: the apply lock TagoIO lacks, made from an account token with a lease.
//! - [`doctor`]: read-only checks that the API answers as tagoform's model of TagoIO expects.
//! - [`cli`]: clap definitions only; the command glue lives in [`commands`], which also
//!   starts the embedded emulator for `--api local` (`commands::session`, the state file
//!   locked by `emulator::state_lock`), so `api` never depends on the server. `init` (a
//!   configuration repository's first files) and `show` (a saved plan printed again) are
//!   commands only: they reuse the recipes in `examples/ci` and the plan renderers.
//! - [`kind`]: network or connector, one enum for every layer, and the fields the
//!   configuration manages of each (what the plan compares, export writes and the client
//!   asks for); data only.
//! - [`billing`]: TagoIO's service and add-on names, data only, shared by every layer.
//! - [`period`]: `<number> <unit>` read once for the three duration grammars.
//! - [`bounded`]: reading a file someone else chose: regular files only, within a size.
//! - [`totp`]: authenticator codes (RFC 6238), computed by the client and checked by the
//!   emulator with the same code.
//! - [`text`]: escaping of text from outside (names, messages) before it is printed; used
//!   by `config`, `api` and `render` alike.

pub mod access;
pub mod api;
pub mod apply;
pub mod cli;
pub mod commands;
pub mod config;
pub mod doctor;
pub mod environment;
pub mod export;
pub mod live;
pub mod lock;
pub mod plan;
pub mod publish;
pub mod render;
pub mod text;

// The crates of this workspace, under the paths the rest of tagoform (and its tests) use.
pub use tagoform_emulator as emulator;
pub use tagoform_wire::{billing, bounded, catalog_id, kind, period, totp};
