//! Durability of `--state FILE` by group commit.
//!
//! Every write bumps the state's version and then waits until a flush covering that version
//! is on disk. One persister task does the flushes: it snapshots the state (under the lock,
//! as bytes), writes a temporary file, fsyncs it, renames it over the state file and fsyncs
//! the folder. Writes that arrive while a flush runs are all covered by the next one, so a
//! burst of N writes costs a few file rewrites, not N; and a write is never answered before
//! its version is durable, so a kill at any moment loses no acknowledged write.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::{watch, Notify};

use super::model::State;

/// What the persister has achieved so far.
#[derive(Debug, Clone, Default)]
pub struct Durable {
    /// Every version up to this one is on disk.
    pub version: u64,
    /// The last failed flush: the version it tried to save, and why it failed.
    pub failure: Option<(u64, String)>,
    /// How many times the state file was rewritten since start (group commit keeps this
    /// far below the number of writes under load).
    pub flushes: u64,
}

/// The state under its lock, with the version of its last change.
#[derive(Debug, Default)]
pub struct Versioned {
    pub state: State,
    pub version: u64,
}

/// The handle writers use to wait for durability.
#[derive(Debug, Clone)]
pub struct Persister {
    wake: Arc<Notify>,
    durable: watch::Receiver<Durable>,
}

impl Persister {
    /// Starts the persister task for `path`; `version` is already on disk.
    pub fn spawn(path: PathBuf, shared: Arc<Mutex<Versioned>>, version: u64) -> Self {
        let wake = Arc::new(Notify::new());
        let (sender, durable) = watch::channel(Durable {
            version,
            failure: None,
            flushes: 0,
        });
        tokio::spawn(run(path, shared, Arc::clone(&wake), sender));
        Self { wake, durable }
    }

    /// How many times the state file was rewritten since start.
    pub fn flushes(&self) -> u64 {
        self.durable.borrow().flushes
    }

    /// Why the last save failed, unless a later one has put everything on disk since.
    pub fn failure(&self) -> Option<String> {
        let durable = self.durable.borrow();
        match &durable.failure {
            Some((attempted, reason)) if *attempted > durable.version => Some(reason.clone()),
            _ => None,
        }
    }

    /// Waits until `version` is on disk; the error says why it could not be saved.
    pub async fn wait_durable(&self, version: u64) -> Result<(), String> {
        self.wake.notify_one();
        let mut durable = self.durable.clone();
        loop {
            {
                let now = durable.borrow_and_update();
                if now.version >= version {
                    return Ok(());
                }
                if let Some((attempted, reason)) = &now.failure {
                    if *attempted >= version {
                        return Err(reason.clone());
                    }
                }
            }
            if durable.changed().await.is_err() {
                return Err("the state persister stopped".to_string());
            }
        }
    }
}

async fn run(
    path: PathBuf,
    shared: Arc<Mutex<Versioned>>,
    wake: Arc<Notify>,
    sender: watch::Sender<Durable>,
) {
    let mut saved = sender.borrow().version;
    loop {
        // Ends once every handle (and so the store) is gone.
        tokio::select! {
            _ = wake.notified() => {}
            _ = sender.closed() => return,
        }
        let snapshot = match shared.lock() {
            Ok(guard) if guard.version > saved => {
                serde_json::to_vec_pretty(&guard.state).map(|bytes| (guard.version, bytes))
            }
            Ok(_) => continue,
            Err(_) => return,
        };
        let outcome = match snapshot {
            Ok((version, bytes)) => {
                let target = path.clone();
                let written =
                    tokio::task::spawn_blocking(move || write_atomically(&target, &bytes)).await;
                match written {
                    Ok(Ok(())) => Ok(version),
                    Ok(Err(error)) => Err((
                        version,
                        format!("cannot save state to {}: {error}", path.display()),
                    )),
                    Err(error) => Err((version, format!("cannot save state: {error}"))),
                }
            }
            Err(error) => Err((saved + 1, format!("cannot encode state: {error}"))),
        };
        match outcome {
            Ok(version) => {
                saved = version;
                sender.send_modify(|durable| {
                    durable.version = version;
                    durable.flushes += 1;
                });
            }
            Err((version, reason)) => {
                tracing::error!("{reason}");
                sender.send_modify(|durable| durable.failure = Some((version, reason)));
            }
        }
    }
}

/// Temporary file in the same folder, fsync, rename over `path`, fsync the folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.tmp"));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path)?;
    #[cfg(unix)]
    std::fs::File::open(&folder)?.sync_all()?;
    Ok(())
}
