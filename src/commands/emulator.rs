//! `tagoform emulator`.

use std::process::ExitCode;

pub fn run(_args: &crate::cli::EmulatorArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tagoform emulator` is not built yet")
}
