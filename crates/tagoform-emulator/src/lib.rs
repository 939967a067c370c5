//! A TagoIO-compatible server that enforces TagoIO's rules: the `--api local` default and
//! the adversary of every end-to-end test. The contract it implements is docs/api.md.
//!
//! - [`routes::app`] is the axum `Router` over an in-memory store ([`store::AppState`]);
//! - [`model`] is the state as plain data, [`seed`] what it starts from;
//! - [`persist`] makes each write durable before its answer (group commit);
//! - [`billing`] is the accounts' subscriptions and the profiles' service allocation;
//! - [`limits`] holds TagoIO's per-plan rate and resource limits;
//! - [`faults`] injects what a bad network and a busy API do (lost answers after the work,
//!   bursts of 429 and 503), for the tests that prove tagoform survives them;
//! - [`start`] runs it on a socket and returns a handle that stops it on drop;
//!   [`local::start`] is the in-process emulator behind `--api local`.

pub mod billing;
pub mod catalog;
pub mod error;
pub mod expiry;
pub mod faults;
pub mod limits;
pub mod local;
pub mod model;
pub mod persist;
pub mod query;
pub mod routes;
pub mod seed;
pub mod state_lock;
pub mod store;
pub mod two_factor;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::SeedableRng;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::Faults;
pub use limits::Tier;
pub use routes::app;
pub use seed::{Seed, DEMO_TOKEN, PARTNER_TOKEN};
pub use store::AppState;

use faults::FaultInjector;
use model::{State, STATE_FORMAT};
use persist::{Persister, Versioned};
use store::StoreSettings;

/// How to run an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Keep state in this JSON file (loaded when it exists, else seeded and written).
    pub state_file: Option<PathBuf>,
    pub seed: Seed,
    pub plan: Tier,
    /// Delay added to every answer.
    pub latency: Duration,
    /// Share of requests (0.0 to 1.0) answered 503 before anything is done.
    pub fail_rate: f64,
    /// Faults after the work (dropped connections, slow answers) and bursts of 429/503.
    pub faults: Faults,
    /// Seed of the random source (faults, ids, token values) for reproducible runs.
    pub rng_seed: Option<u64>,
    /// Refuse an authenticator code used before (`--otp-single-use`; RFC 6238 §5.2).
    pub otp_single_use: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            state_file: None,
            seed: Seed::demo(),
            plan: Tier::Unlimited,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            faults: Faults::default(),
            rng_seed: None,
            otp_single_use: false,
        }
    }
}

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot read state file {path}: {source}")]
    ReadState {
        path: String,
        source: std::io::Error,
    },
    /// `detail` is serde's message with quoted values hidden (they may be secrets).
    #[error("state file {path} is not an emulator state: {detail}")]
    ParseState { path: String, detail: String },
    #[error("cannot write state file {path}: {source}")]
    WriteState {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    #[error(transparent)]
    StateInUse(#[from] state_lock::StateLockError),
    #[error("--fail-rate must be between 0 and 1, got {0}")]
    FailRate(f64),
    #[error(transparent)]
    Faults(#[from] faults::FaultsError),
}

/// A running emulator. Stops when dropped; [`RunningEmulator::stop`] also waits for it.
#[derive(Debug)]
pub struct RunningEmulator {
    address: SocketAddr,
    state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// The state file's lock: let go when the emulator is stopped or dropped, so that the
    /// next command on the same state can start at once.
    state_lock: Option<state_lock::StateLock>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("plan", &self.plan())
            .finish_non_exhaustive()
    }
}

impl RunningEmulator {
    /// The base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The store, for in-process callers (e.g. request counts after a command).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops serving and waits until the server task has ended.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        // Only once the server has stopped: no write of it can follow.
        self.state_lock.take();
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Loads (or seeds and writes) the state, binds the socket and serves in the background.
pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, EmulatorError> {
    if !(0.0..=1.0).contains(&config.fail_rate) || config.fail_rate.is_nan() {
        return Err(EmulatorError::FailRate(config.fail_rate));
    }
    config.faults.validate()?;
    let mut rng = match config.rng_seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => rand::make_rng(),
    };
    // The state is read and written under the lock, held until the server has stopped.
    let state_lock = match &config.state_file {
        Some(path) => {
            refuse_special_file(path)?;
            Some(state_lock::acquire(path)?)
        }
        None => None,
    };
    let state = initial_state(&config, &mut rng)?;
    let shared = Arc::new(Mutex::new(Versioned { state, version: 0 }));
    let persister = config
        .state_file
        .clone()
        .map(|path| Persister::spawn(path, Arc::clone(&shared), 0));
    let settings = StoreSettings {
        seed: config.seed.clone(),
        plan: config.plan,
        latency: config.latency,
        fail_rate: config.fail_rate,
        faults: FaultInjector::new(config.faults.clone(), config.rng_seed),
        rng,
        otp_single_use: config.otp_single_use,
    };
    let app_state = AppState::new(shared, persister, settings);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| EmulatorError::Listen {
            address: config.listen,
            source,
        })?;
    let address = listener
        .local_addr()
        .map_err(|source| EmulatorError::Listen {
            address: config.listen,
            source,
        })?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let router = app(app_state.clone());
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, router).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(error) = serve.await {
            tracing::error!("emulator stopped: {error}");
        }
    });
    Ok(RunningEmulator {
        address,
        state: app_state,
        shutdown: Some(shutdown),
        task: Some(task),
        state_lock,
    })
}

/// A state path that exists and is not a regular file (a device, a FIFO) is refused before
/// its lock file would be made beside it.
fn refuse_special_file(path: &std::path::Path) -> Result<(), EmulatorError> {
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => Err(EmulatorError::ReadState {
            path: path.display().to_string(),
            source: std::io::Error::other(
                tagoform_wire::bounded::BoundedReadError::NotRegular.to_string(),
            ),
        }),
        _ => Ok(()),
    }
}

fn initial_state(config: &EmulatorConfig, rng: &mut StdRng) -> Result<State, EmulatorError> {
    let Some(path) = &config.state_file else {
        return Ok(config.seed.build(clock_start(), rng)?);
    };
    let shown = path.display().to_string();
    let read = match std::fs::metadata(path) {
        // Only an existing path is read, and only within bounds; a missing one is made.
        Ok(_) => {
            tagoform_wire::bounded::read(path, tagoform_wire::bounded::STATE_LIMIT, "a state file")
                .map_err(|error| match error {
                    tagoform_wire::bounded::BoundedReadError::Io(error) => error,
                    other => std::io::Error::other(other.to_string()),
                })
        }
        Err(error) => Err(error),
    };
    match read {
        Ok(bytes) => {
            let mut state: State =
                serde_json::from_slice(&bytes).map_err(|error| EmulatorError::ParseState {
                    path: shown.clone(),
                    detail: hide_values(&error.to_string()),
                })?;
            if state.format != STATE_FORMAT {
                return Err(EmulatorError::ParseState {
                    path: shown,
                    detail: format!(
                        "it holds state format {}, this tagoform reads format {STATE_FORMAT}; \
                         delete the file to start again from the seed",
                        state.format
                    ),
                });
            }
            state.rebuild_listing();
            Ok(state)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let state = config.seed.build(clock_start(), rng)?;
            let bytes =
                serde_json::to_vec_pretty(&state).map_err(|error| EmulatorError::ParseState {
                    path: shown.clone(),
                    detail: error.to_string(),
                })?;
            if let Some(folder) = path
                .parent()
                .filter(|folder| !folder.as_os_str().is_empty())
            {
                std::fs::create_dir_all(folder).map_err(|source| EmulatorError::WriteState {
                    path: shown.clone(),
                    source,
                })?;
            }
            persist::write_atomically(path, &bytes).map_err(|source| {
                EmulatorError::WriteState {
                    path: shown,
                    source,
                }
            })?;
            Ok(state)
        }
        Err(source) => Err(EmulatorError::ReadState {
            path: shown,
            source,
        }),
    }
}

/// serde quotes the value it refused (`invalid type: string "…"`, `unknown variant `…``);
/// in a seed or state file that value may be a password or a token, so it is hidden and the
/// rest of the message (what was expected, where) kept.
pub(crate) fn hide_values(message: &str) -> String {
    const MARKERS: [(&str, char); 2] = [("string \"", '"'), ("variant `", '`')];
    let mut shown = String::with_capacity(message.len());
    let mut rest = message;
    while let Some((at, marker, close)) = MARKERS
        .iter()
        .filter_map(|(marker, close)| rest.find(marker).map(|at| (at, *marker, *close)))
        .min_by_key(|(at, _, _)| *at)
    {
        shown.push_str(&rest[..at + marker.len()]);
        let value = &rest[at + marker.len()..];
        let mut escaped = false;
        let end = value
            .char_indices()
            .find(|(_, c)| {
                let found = *c == close && !escaped;
                escaped = *c == '\\' && !escaped;
                found
            })
            .map_or(value.len(), |(index, _)| index);
        shown.push_str("<hidden>");
        rest = &value[end..];
        if let Some(after) = rest.strip_prefix(close) {
            shown.push(close);
            rest = after;
        }
    }
    shown.push_str(rest);
    shown
}

/// Seeds are built at the real current time (the clock offset starts at zero).
fn clock_start() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[cfg(test)]
mod tests {
    use super::hide_values;

    #[test]
    fn quoted_values_are_hidden() {
        assert_eq!(
            hide_values(r#"invalid type: string "s3cr\"et", expected u32 at line 2 column 50"#),
            r#"invalid type: string "<hidden>", expected u32 at line 2 column 50"#
        );
        assert_eq!(
            hide_values("a.permission: unknown variant `pw`, expected one of `full`, `write`"),
            "a.permission: unknown variant `<hidden>`, expected one of `full`, `write`"
        );
        assert_eq!(hide_values("EOF while parsing"), "EOF while parsing");
    }
}
