//! `--tokens-out`: the one file tagoform writes token values to.
//!
//! Created with mode 0600. An existing file is refused when it is a symbolic link (the values
//! could land anywhere), not a regular file, readable by others, or not a tokens file; a
//! private tokens file is kept and the new values are added to it (values are shown only
//! once: a second `apply` with the same file must not lose the first one's).

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
    #[error("`{0}` is not a regular file; refusing to write token values to it")]
    NotRegular(String),
    #[error("`{0}` exists and is not a tokens file written by tagoform; move it away first")]
    NotTokens(String),
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
        Ok(metadata) if !metadata.is_file() => Err(TokensFileError::NotRegular(shown)),
        Ok(metadata) => {
            let mode = permissions(&metadata);
            if mode & 0o077 != 0 {
                return Err(TokensFileError::TooOpen { path: shown, mode });
            }
            read_existing(path).map(|_| ())
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

/// The entries of an existing tokens file (none when it is empty or absent).
fn read_existing(path: &Path) -> Result<Vec<serde_json::Value>, TokensFileError> {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(TokensFileError::Io {
                path: shown,
                source,
            })
        }
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    serde_json::from_slice(&bytes).map_err(|_| TokensFileError::NotTokens(shown))
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

/// Writes the created tokens as a JSON array (profile, name, token, expires), after the
/// entries the file already holds; a value already in the file is not added twice, so writing
/// the same tokens again (each as it is made, then all at the end) changes nothing. The new file is written aside and renamed into place, so
/// a crash leaves the old file or the new one, never a cut one.
pub fn write(path: &Path, tokens: &[CreatedToken]) -> Result<(), TokensFileError> {
    check(path)?;
    let shown = path.display().to_string();
    let io_error = |source| TokensFileError::Io {
        path: shown.clone(),
        source,
    };
    let mut entries = read_existing(path)?;
    for token in tokens {
        let known = entries
            .iter()
            .any(|entry| entry.get("token").and_then(|v| v.as_str()) == Some(token.token.expose()));
        if !known {
            entries.push(serde_json::to_value(token).map_err(|e| io_error(e.into()))?);
        }
    }
    let json = serde_json::to_vec_pretty(&entries).map_err(|e| io_error(e.into()))?;
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".{}.tmp", std::process::id()));
    let aside = std::path::PathBuf::from(aside);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(nofollow());
    }
    let written = options.open(&aside).and_then(|mut file| {
        file.write_all(&json)?;
        file.write_all(b"\n")?;
        file.sync_all()
    });
    let renamed = written
        .and_then(|()| std::fs::rename(&aside, path))
        .and_then(|()| sync_folder(path));
    if let Err(source) = renamed {
        let _ = std::fs::remove_file(&aside);
        return Err(io_error(source));
    }
    Ok(())
}

/// The rename is durable once the folder holding the file is synced.
fn sync_folder(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let folder = match path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => Path::new("."),
        };
        std::fs::File::open(folder)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
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
