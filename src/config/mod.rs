//! Desired state: YAML → validated model, with located diagnostics. Never touches the network.
//!
//! The pipeline, one private module per step:
//! - `read`: find the files (one file, or every `*.yaml`/`*.yml` below a folder in sorted
//!   path order) and read them as UTF-8 with size limits;
//! - `yaml`: parse each file with a marked-event parser into a located tree (exact line and
//!   column of every key and value), refusing hostile input (depth, aliases, tags) early;
//! - `deserialize`: build the serde value from that tree and deserialize the strict [`wire`]
//!   structs with yaml_serde values, reporting every error at its place;
//! - `convert` and `entries`: merge the files and turn each entry into the [`model`], with the
//!   checks that need only that entry (ids, emails, expiry, scripts through `scripts`);
//! - `rules`: the checks across entries (references, ownership, shares, duplicates).
//!
//! [`load`] runs them all; [`diagnostic`] renders what they found. The limits that keep
//! hostile input cheap ([`MAX_FILE_BYTES`] and the others) are re-exported here.

pub mod diagnostic;
pub mod model;
mod publication;
pub mod wire;

mod convert;
mod deserialize;
mod entries;
mod limits;
mod locate;
mod read;
mod rules;
mod scripts;
mod snippet;
mod yaml;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use diagnostic::{Diagnostic, Severity};
pub use entries::{parse_expiry, png_dimensions, RESERVED_TOKEN_PREFIX};
pub use limits::{MAX_DEPTH, MAX_EXPANDED_NODES, MAX_FILES, MAX_FILE_BYTES, MAX_NODES};
pub use model::*;
pub use rules::check_model;
pub use rules::MAX_DECODER_BYTES;

/// The outcome of loading a configuration.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated model; `None` when there is at least one error.
    pub desired: Option<Desired>,
    /// Every error and warning found, in file, line and column order.
    pub diagnostics: Vec<Diagnostic>,
    /// The YAML files that were read, in the order they were merged.
    pub files: Vec<PathBuf>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn has_warnings(&self) -> bool {
        self.diagnostics.iter().any(|d| !d.is_error())
    }
}

/// Why loading could not even start. Problems inside files are diagnostics, not errors.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("`{}` does not exist", .0.display())]
    NotFound(PathBuf),
    #[error("cannot read `{}`", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no *.yaml or *.yml files under `{}`", .0.display())]
    NoFiles(PathBuf),
    #[error("more than {limit} YAML files under `{}`", .path.display())]
    TooManyFiles { path: PathBuf, limit: usize },
}

/// Settings of a load that tests pin down.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The day token expiry dates are checked against ("an expiry in the past").
    pub today: NaiveDate,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            today: chrono::Utc::now().date_naive(),
        }
    }
}

/// Loads and validates the configuration at `path` (a file or a folder), checking token
/// expiry dates against today's date (UTC).
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    load_with(path, &LoadOptions::default())
}

/// [`load`] with explicit options.
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Loaded, LoadError> {
    let sources = read::find_files(path)?;
    let mut merger = convert::Merger::new(options.today);
    for file in &sources.files {
        match read::read_file(file, &sources.root) {
            Ok(text) => merger.add_text(file, text, &sources.root),
            Err(diagnostic) => merger.extend(vec![*diagnostic]),
        }
    }
    let merged = merger.finish();
    let mut diagnostics = merged.diagnostics;
    diagnostics.extend(rules::check(&merged.desired, &merged.broken));
    snippet::attach(&mut diagnostics, &merged.sources);
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity).cmp(&(&b.file, b.line, b.column, b.severity))
    });
    diagnostics.dedup();
    let valid = !diagnostics.iter().any(Diagnostic::is_error);
    Ok(Loaded {
        desired: valid.then_some(merged.desired),
        diagnostics,
        files: sources.files,
    })
}
