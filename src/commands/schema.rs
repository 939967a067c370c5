//! `tagoform schema`: print the JSON schema of the configuration format, generated from the
//! same types the loader deserializes into (committed as `schemas/tagoform.schema.json`).

use std::io::Write;
use std::process::ExitCode;

pub fn run() -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(crate::config::wire::schema_json().as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
