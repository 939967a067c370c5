//! `--api local`: the emulator inside the process, on an ephemeral loopback port, with its
//! state in `<dir>/.tagoform/local-api.json` so it carries from one command to the next.

use std::path::{Path, PathBuf};

use super::{
    start as start_emulator, EmulatorConfig, EmulatorError, RunningEmulator, Seed, DEMO_TOKEN,
};

/// Where `--api local` keeps its state under `dir`.
pub fn state_path(dir: &Path) -> PathBuf {
    dir.join(".tagoform").join("local-api.json")
}

/// A running local emulator and the token to call it with (the demo seed's full token
/// for "ACME Production").
#[derive(Debug)]
pub struct LocalApi {
    pub emulator: RunningEmulator,
    pub token: &'static str,
}

/// Starts the local emulator over `<dir>/.tagoform/local-api.json`, created from the demo
/// seed when missing.
pub async fn start(dir: &Path) -> Result<LocalApi, EmulatorError> {
    let config = EmulatorConfig {
        state_file: Some(state_path(dir)),
        seed: Seed::demo(),
        ..EmulatorConfig::default()
    };
    let emulator = start_emulator(config).await?;
    Ok(LocalApi {
        emulator,
        token: DEMO_TOKEN,
    })
}
