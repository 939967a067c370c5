//! `--api local`: opening a client on the emulator embedded in this process. It lives with
//! the commands, not in `api`, so that the client never depends on the server.
//!
//! [`open`] turns resolved settings into a [`Session`]: for a URL, just a client; for
//! `local`, the emulator is started first over `<dir>/.tagoform/local-api.json` (so state
//! carries from one command to the next) and the client uses its demo token unless
//! `--token-file` or `TAGOIO_TOKEN` gave one. The emulator stops when the session drops.

use std::path::Path;

use crate::api::{ApiError, ApiSettings, Client, ClientBuilder, Endpoint, Token};
use crate::emulator::local::{self as embedded, LocalApi};
use crate::emulator::EmulatorError;

/// A client, and the embedded emulator behind it for `--api local`.
pub struct Session {
    pub client: Client,
    /// The running local emulator; `None` for a real API. Stops when dropped.
    pub local: Option<LocalApi>,
}

impl std::fmt::Debug for Session {
    /// By hand: the local emulator's handle holds its demo token.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Session")
            .field("client", &self.client)
            .field(
                "local",
                &self.local.as_ref().map(|local| local.emulator.url()),
            )
            .finish()
    }
}

/// Why a session could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("could not start the local API")]
    Local(#[source] EmulatorError),
    #[error(transparent)]
    Client(#[from] ApiError),
}

/// Opens a client as the settings say; `configure` adds run-wide options (pacer, budgets).
pub async fn open(
    settings: &ApiSettings,
    dir: &Path,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Result<Session, OpenError> {
    let local = match settings.endpoint {
        Endpoint::Local => Some(embedded::start(dir).await.map_err(OpenError::Local)?),
        Endpoint::Url(_) => None,
    };
    let url = local.as_ref().map(|local| local.emulator.url());
    let mut builder = Client::builder_from_settings(settings, url.as_deref())?;
    if let (None, Some(local)) = (&settings.token, &local) {
        builder = builder.token(Token::new(local.token));
    }
    let client = configure(builder).build()?;
    Ok(Session { client, local })
}
