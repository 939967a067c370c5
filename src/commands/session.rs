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

impl Session {
    /// Ends the session. With `--api local`, stops the emulator and fails when it could not
    /// save the state: the command's changes would otherwise look done and be lost.
    pub async fn finish(self) -> anyhow::Result<()> {
        let Some(local) = self.local else {
            return Ok(());
        };
        let failure = local.emulator.state().save_failure();
        local.emulator.stop().await;
        match failure {
            Some(reason) => anyhow::bail!(
                "the local API could not save its state ({reason}); changes this command made \
                 may be lost: free the disk or fix the folder's permissions, then run the \
                 command again"
            ),
            None => Ok(()),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiFlags;

    /// A write whose state the local API could not save is answered with an error, which the
    /// client may repeat or a clean-up may only warn about: the command must still fail.
    #[tokio::test]
    async fn a_local_session_whose_state_could_not_be_saved_fails_to_finish() {
        let dir = tempfile::tempdir().unwrap();
        let flags = ApiFlags {
            api: Some("local".into()),
            region: None,
            token_file: None,
            timeout: 30,
            max_attempts: Some(1),
        };
        let settings = ApiSettings::resolve(&flags, |_| None).unwrap();
        let session = open(&settings, dir.path(), |builder| builder)
            .await
            .unwrap();
        // The temporary file every save writes first cannot be made: saves fail, even as root.
        std::fs::create_dir(dir.path().join(".tagoform/.local-api.json.tmp")).unwrap();
        let url = session.local.as_ref().unwrap().emulator.url();
        let answer = reqwest::Client::new()
            .post(format!("{url}/profile"))
            .header("token", crate::emulator::DEMO_TOKEN)
            .json(&serde_json::json!({"name": "Unsaved"}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 500);
        let error = session.finish().await.unwrap_err().to_string();
        assert!(
            error.starts_with("the local API could not save its state (cannot save state to "),
            "{error}"
        );

        // Once saves work again, a session on the same folder finishes cleanly.
        std::fs::remove_dir(dir.path().join(".tagoform/.local-api.json.tmp")).unwrap();
        let session = open(&settings, dir.path(), |builder| builder)
            .await
            .unwrap();
        session.finish().await.unwrap();
    }
}
