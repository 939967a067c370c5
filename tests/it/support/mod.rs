//! Everything the end-to-end tests share, in one place: the one frozen moment (`clock`), the
//! emulator on a loopback port (`emulator`), a working folder that runs the real binary
//! against it (`world`), a front door that injects faults (`door`), the in-process harnesses
//! of export (`export`) and of the hardening runs (`hardening`), a scripted mock server for
//! the client (`client`), and loading a configuration.

pub mod client;
pub mod clock;
pub mod door;
pub mod emulator;
pub mod export;
pub mod hardening;
pub mod snapshots;
pub mod world;

use std::path::Path;

use tagoform::config::{self, Desired};

/// Loads a configuration that must be valid, without a single diagnostic (shown if any).
pub fn load(path: &Path) -> Desired {
    let loaded = config::load(path).unwrap();
    let mut text = Vec::new();
    config::diagnostic::write_text(&mut text, &loaded.diagnostics).unwrap();
    assert!(
        loaded.diagnostics.is_empty(),
        "{}",
        String::from_utf8_lossy(&text)
    );
    loaded.desired.unwrap()
}
