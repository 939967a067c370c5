//! `tagoform validate`.

use std::process::ExitCode;

pub fn run(_args: &crate::cli::ValidateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tagoform validate` is not built yet")
}
