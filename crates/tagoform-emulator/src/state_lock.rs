//! One process at a time on a state file. Two commands on `--api local` at once would each
//! load the same state, write over each other's saves and lose changes (short-lived tokens
//! among them), so the second is refused, naming the first. The lock is the operating
//! system's (`flock`/`LockFileEx`): it ends with the process, so a killed command leaves no
//! stale lock behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Held while an emulator serves a state file; released when dropped.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

/// Why the state file could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum StateLockError {
    #[error(
        "{state} is in use by another tagoform process ({holder}); wait for it to end, or stop \
         it, then run this command again"
    )]
    Held { state: String, holder: String },
    #[error("cannot lock {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// `local-api.json` is locked through `local-api.json.lock` beside it: the state file itself
/// is replaced by a rename on every save, which a lock on it would not survive.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    state.with_file_name(name)
}

/// Takes the lock of `state` without waiting, and writes who holds it into the lock file.
pub fn acquire(state: &Path) -> Result<StateLock, StateLockError> {
    let path = lock_path(state);
    let io = |source| StateLockError::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(io)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            // What the holder wrote: its pid and command, printable characters only.
            let _ = (&file).take(200).read_to_string(&mut holder);
            let holder: String = holder.chars().filter(|c| !c.is_control()).collect();
            let holder = if holder.trim().is_empty() {
                "unknown process".to_owned()
            } else {
                holder.trim().to_owned()
            };
            return Err(StateLockError::Held {
                state: state.display().to_string(),
                holder,
            });
        }
        Err(TryLockError::Error(source)) => return Err(io(source)),
    }
    let subcommand = std::env::args().nth(1).unwrap_or_default();
    let subcommand: String = subcommand
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let who = format!("pid {}, tagoform {subcommand}", std::process::id());
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    file.write_all(who.trim_end().as_bytes()).map_err(io)?;
    Ok(StateLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("local-api.json");
        let first = acquire(&state).unwrap();
        let refused = acquire(&state).unwrap_err().to_string();
        assert!(
            refused.starts_with(&format!(
                "{} is in use by another tagoform process (pid {}, tagoform",
                state.display(),
                std::process::id()
            )),
            "{refused}"
        );
        drop(first);
        acquire(&state).expect("free again");
    }
}
