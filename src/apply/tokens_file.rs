//! `--tokens-out`: the one file tagoform writes token values to.
//!
//! Created with mode 0600. An existing file is refused when it is a symbolic link (the values
//! could land anywhere) or readable by others; a private regular file is replaced.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

use super::CreatedToken;

/// Why the tokens file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TokensFileError {
    #[error("`{0}` is a symbolic link; refusing to write token values through it")]
    Symlink(String),
    #[error("`{path}` exists with permissions {mode:o}, readable by others; remove it or `chmod 600` it")]
    TooOpen { path: String, mode: u32 },
    #[error("cannot write `{path}`")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
}

/// Checks, before anything is changed, that token values can be written to `path`: a token
/// made when its value cannot be saved is a token whose value is lost.
pub fn check(path: &Path) -> Result<(), TokensFileError> {
    let shown = path.display().to_string();
    match std::fs::symlink_metadata(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => check_folder(path, shown),
        Err(source) => Err(TokensFileError::Io {
            path: shown,
            source,
        }),
        Ok(metadata) if metadata.file_type().is_symlink() => Err(TokensFileError::Symlink(shown)),
        Ok(metadata) => {
            let mode = permissions(&metadata);
            if mode & 0o077 != 0 {
                return Err(TokensFileError::TooOpen { path: shown, mode });
            }
            Ok(())
        }
    }
}

/// The folder a new file would be created in must exist.
fn check_folder(path: &Path, shown: String) -> Result<(), TokensFileError> {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    match std::fs::metadata(folder) {
        Ok(metadata) if metadata.is_dir() => Ok(()),
        Ok(_) => Err(TokensFileError::Io {
            path: shown,
            source: io::Error::new(io::ErrorKind::NotADirectory, "its folder is not a folder"),
        }),
        Err(source) => Err(TokensFileError::Io {
            path: shown,
            source,
        }),
    }
}

#[cfg(unix)]
fn permissions(metadata: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn permissions(_metadata: &std::fs::Metadata) -> u32 {
    0o600
}

/// Writes the created tokens as a JSON array: profile, name, token, expires.
pub fn write(path: &Path, tokens: &[CreatedToken]) -> Result<(), TokensFileError> {
    check(path)?;
    let shown = path.display().to_string();
    let io_error = |source| TokensFileError::Io {
        path: shown.clone(),
        source,
    };
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(nofollow());
    }
    let mut file = options.open(path).map_err(io_error)?;
    let json = serde_json::to_vec_pretty(tokens).map_err(|e| io_error(e.into()))?;
    file.write_all(&json).map_err(io_error)?;
    file.write_all(b"\n").map_err(io_error)?;
    file.sync_all().map_err(io_error)
}

/// `O_NOFOLLOW`: a link swapped in after the check still cannot redirect the write.
#[cfg(target_os = "linux")]
fn nofollow() -> i32 {
    0o400000
}

#[cfg(all(unix, not(target_os = "linux")))]
fn nofollow() -> i32 {
    0x0100
}
