//! `tagoform schema`.

use std::process::ExitCode;

pub fn run() -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tagoform schema` is not built yet")
}
