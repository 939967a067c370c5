//! `tagoform validate`: load the configuration, print every diagnostic, pick the exit code.
//!
//! Exit codes: 0 valid, 1 invalid (errors; or warnings with `--strict`). A path that cannot
//! be read at all is an error (exit 1) reported by `main`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{DiagnosticFormat, ValidateArgs};
use crate::config::{self, diagnostic};

pub fn run(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let loaded = config::load(&args.path)
        .with_context(|| format!("cannot validate `{}`", args.path.display()))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        DiagnosticFormat::Text => {
            diagnostic::write_text(&mut out, &loaded.diagnostics)?;
            writeln!(out, "{}", summary(&loaded))?;
        }
        DiagnosticFormat::Json => diagnostic::write_json(&mut out, &loaded.diagnostics)?,
        DiagnosticFormat::Github => diagnostic::write_github(&mut out, &loaded.diagnostics)?,
    }
    out.flush()?;
    let failed = loaded.has_errors() || (args.strict && loaded.has_warnings());
    Ok(if failed {
        ExitCode::from(super::exit::ERROR)
    } else {
        ExitCode::SUCCESS
    })
}

/// The closing line: what was checked and what was found.
fn summary(loaded: &config::Loaded) -> String {
    let (errors, warnings) = diagnostic::counts(&loaded.diagnostics);
    let files = plural(loaded.files.len(), "file");
    match (&loaded.desired, warnings) {
        (Some(desired), 0) => format!(
            "Valid: {files}, {}, {}, {}.",
            plural(desired.profiles.len(), "profile"),
            plural(desired.networks.len(), "network"),
            plural(desired.connectors.len(), "connector"),
        ),
        (Some(_), _) => format!("Valid, with {} ({files}).", plural(warnings, "warning")),
        (None, _) => format!(
            "Not valid: {}, {} ({files}).",
            plural(errors, "error"),
            plural(warnings, "warning"),
        ),
    }
}

fn plural(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}
