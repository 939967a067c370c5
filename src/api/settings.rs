//! Resolved API settings: where the API is, which token to send, how patient to be.
//!
//! Raw flags ([`ApiFlags`], which the command line fills) and the environment become one
//! [`ApiSettings`] before any request is made. Precedence, most specific first:
//! - endpoint: `--api URL|local`, then `--region`, then `TAGOIO_API`; none of them is an
//!   error (tagoform never guesses which TagoIO a configuration is for);
//! - token: `--token-file`, then `TAGOIO_TOKEN`; with `--api local` and neither, the
//!   embedded emulator's demo token. Never a command-line value, which would end up in
//!   shell history and process lists.

use crate::environment::{CI, TAGOIO_API, TAGOIO_EMAIL, TAGOIO_PASSWORD, TAGOIO_TOKEN};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::retry::RetryPolicy;
#[cfg(test)]
use super::secret::Secret;
use super::secret::Token;

/// TagoIO's public regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// United States East 1.
    UsE1,
    /// Europe West 1.
    EuW1,
}

/// The flags that name and tune the API, as plain data: the command line fills them, and
/// `api` stays free of the command-line parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFlags {
    /// `--api URL|local`.
    pub api: Option<String>,
    /// `--region`.
    pub region: Option<Region>,
    /// `--token-file`.
    pub token_file: Option<PathBuf>,
    /// `--timeout`, in seconds.
    pub timeout: u64,
    /// `--max-attempts`.
    pub max_attempts: Option<u32>,
}

impl Region {
    /// The region's API base URL, as the official SDK defines it.
    pub fn api_url(self) -> &'static str {
        match self {
            Region::UsE1 => "https://api.tago.io",
            Region::EuW1 => "https://api.eu-w1.tago.io",
        }
    }
}

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A TagoIO API (or an emulator) at this base URL, without a trailing slash.
    Url(String),
    /// The emulator embedded in this process (`--api local`).
    Local,
}

/// Everything a [`super::Client`] needs, resolved. `Debug` never shows the token.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    pub endpoint: Endpoint,
    /// The token to send; `None` with `--api local` until the emulator provides its own.
    pub token: Option<Token>,
    /// Limit for one request, answer included.
    pub timeout: Duration,
    /// Limit for establishing a connection.
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// Largest answer body read; a larger one is a decode error, never an allocation.
    pub max_body_bytes: usize,
    /// True when nothing named an API and the local emulator was chosen as the default:
    /// the command says so, so that nobody mistakes its answers for TagoIO's.
    pub local_by_default: bool,
}

/// Why settings could not be resolved.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error(
        "no TagoIO API given, but TagoIO credentials are set: pass --api URL (or --region \
         us-e1|eu-w1, or --api local), or set TAGOIO_API. The local emulator is the default \
         only when no credentials are set, so that a job missing TAGOIO_API never plans \
         against it"
    )]
    NoEndpoint,
    #[error(
        "no TagoIO API given: pass --api URL (or --region us-e1|eu-w1), or set TAGOIO_API; \
         pass --api local for the embedded emulator. The emulator is never chosen by default \
         outside an interactive terminal or with CI set, so that a pipeline whose secrets are \
         missing cannot plan or apply against it"
    )]
    NoEndpointUnattended,
    #[error("the API URL `{0}` is not an http:// or https:// URL")]
    BadUrl(String),
    #[error("no token: set TAGOIO_TOKEN or pass --token-file FILE")]
    NoToken,
    #[error("could not read the token file {path}: {reason}")]
    TokenFile { path: PathBuf, reason: String },
    #[error("the token file {0} is empty")]
    EmptyTokenFile(PathBuf),
    #[error("TAGOIO_TOKEN is set but empty")]
    EmptyTokenEnv,
}

impl ApiSettings {
    /// Settings for a base URL and a token with default timeouts and retries.
    pub fn new(endpoint: Endpoint, token: Option<Token>) -> Self {
        Self {
            endpoint,
            token,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            max_body_bytes: 64 * 1024 * 1024,
            local_by_default: false,
        }
    }

    /// Resolves flags and environment (`env` looks a variable up: an
    /// [`crate::environment::Environment`]'s `get`), as for a run nobody watches: the
    /// embedded emulator is never the default.
    pub fn resolve(
        args: &ApiFlags,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, SettingsError> {
        Self::resolve_for(args, env, false)
    }

    /// [`Self::resolve`]; `attended`: a person runs this at an interactive terminal. Only
    /// then, with `CI` unset and no credentials, is the embedded emulator the default.
    pub fn resolve_for(
        args: &ApiFlags,
        env: impl Fn(&str) -> Option<String>,
        attended: bool,
    ) -> Result<Self, SettingsError> {
        let credentials_given = args.token_file.is_some()
            || [TAGOIO_TOKEN, TAGOIO_EMAIL, TAGOIO_PASSWORD]
                .iter()
                .any(|name| env(name).is_some());
        let named = resolve_endpoint(args.api.as_deref(), args.region, env(TAGOIO_API));
        let attended = attended && env(CI).is_none();
        let (endpoint, local_by_default) = match named {
            Err(SettingsError::NoEndpoint) if !credentials_given && attended => {
                (Endpoint::Local, true)
            }
            Err(SettingsError::NoEndpoint) if !credentials_given => {
                return Err(SettingsError::NoEndpointUnattended)
            }
            named => (named?, false),
        };
        let token = match &args.token_file {
            Some(path) => Some(read_token_file(path)?),
            None => match env(TAGOIO_TOKEN) {
                Some(value) if value.trim().is_empty() => return Err(SettingsError::EmptyTokenEnv),
                Some(value) => Some(Token::trimmed(value)),
                None if endpoint == Endpoint::Local => None,
                None => return Err(SettingsError::NoToken),
            },
        };
        let mut settings = Self::new(endpoint, token);
        settings.local_by_default = local_by_default;
        settings.timeout = Duration::from_secs(args.timeout.max(1));
        if let Some(attempts) = args.max_attempts {
            settings.retry.max_attempts = attempts.max(1);
        }
        Ok(settings)
    }
}

fn resolve_endpoint(
    api: Option<&str>,
    region: Option<Region>,
    env_api: Option<String>,
) -> Result<Endpoint, SettingsError> {
    if let Some(api) = api {
        return parse_endpoint(api);
    }
    if let Some(region) = region {
        return Ok(Endpoint::Url(region.api_url().to_owned()));
    }
    match env_api {
        Some(value) if !value.trim().is_empty() => parse_endpoint(&value),
        _ => Err(SettingsError::NoEndpoint),
    }
}

fn parse_endpoint(value: &str) -> Result<Endpoint, SettingsError> {
    let value = value.trim();
    if value == "local" {
        return Ok(Endpoint::Local);
    }
    let is_http = value.starts_with("http://") || value.starts_with("https://");
    let rest = value.split_once("://").map_or("", |(_, rest)| rest);
    if !is_http || rest.is_empty() || value.contains(['?', '#', ' ']) {
        return Err(SettingsError::BadUrl(value.chars().take(200).collect()));
    }
    Ok(Endpoint::Url(value.trim_end_matches('/').to_owned()))
}

fn read_token_file(path: &Path) -> Result<Token, SettingsError> {
    // A token file holds one line; anything bigger, or not a regular file, is not one.
    let bytes = crate::bounded::read(path, crate::bounded::TOKEN_FILE_LIMIT, "a token file")
        .map_err(|error| SettingsError::TokenFile {
            path: path.to_owned(),
            reason: error.to_string(),
        })?;
    let text = String::from_utf8(bytes).map_err(|_| SettingsError::TokenFile {
        path: path.to_owned(),
        reason: "it is not UTF-8 text".to_owned(),
    })?;
    let token = Token::trimmed(text.lines().next().unwrap_or_default());
    if token.is_empty() {
        return Err(SettingsError::EmptyTokenFile(path.to_owned()));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    fn args(api: Option<&str>, token_file: Option<PathBuf>) -> ApiFlags {
        ApiFlags {
            api: api.map(str::to_owned),
            region: None,
            token_file,
            timeout: 30,
            max_attempts: None,
        }
    }

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        move |name| {
            vars.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        }
    }

    #[test]
    fn the_token_file_beats_the_environment_and_is_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "file-token-value\n").unwrap();
        let settings = ApiSettings::resolve(
            &args(Some("http://127.0.0.1:9"), Some(path)),
            env(&[("TAGOIO_TOKEN", "env-token-value")]),
        )
        .unwrap();
        assert_eq!(
            settings.token.as_ref().map(Secret::expose),
            Some("file-token-value")
        );
        assert!(!format!("{settings:?}").contains("file-token-value"));
        let settings = ApiSettings::resolve(
            &args(None, None),
            env(&[
                ("TAGOIO_TOKEN", "env-token-value"),
                ("TAGOIO_API", "https://x.example"),
            ]),
        )
        .unwrap();
        assert_eq!(
            settings.token.as_ref().map(Secret::expose),
            Some("env-token-value")
        );
        assert_eq!(
            settings.endpoint,
            Endpoint::Url("https://x.example".to_owned())
        );
    }

    #[test]
    fn a_missing_or_empty_token_is_an_error_except_for_local() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "  \n").unwrap();
        let url = Some("http://127.0.0.1:9");
        let error = ApiSettings::resolve(&args(url, None), env(&[])).unwrap_err();
        assert_eq!(error, SettingsError::NoToken);
        let error = ApiSettings::resolve(&args(url, Some(empty.clone())), env(&[])).unwrap_err();
        assert_eq!(error, SettingsError::EmptyTokenFile(empty));
        let error =
            ApiSettings::resolve(&args(url, None), env(&[("TAGOIO_TOKEN", " ")])).unwrap_err();
        assert_eq!(error, SettingsError::EmptyTokenEnv);
        let local = ApiSettings::resolve(&args(Some("local"), None), env(&[])).unwrap();
        assert_eq!((local.endpoint, local.token), (Endpoint::Local, None));
        assert!(!local.local_by_default);
    }

    #[test]
    fn the_local_emulator_is_the_default_only_at_a_terminal_without_ci_or_credentials() {
        let local = ApiSettings::resolve_for(&args(None, None), env(&[]), true).unwrap();
        assert_eq!(
            (local.endpoint, local.token, local.local_by_default),
            (Endpoint::Local, None, true)
        );
        let unattended = ApiSettings::resolve(&args(None, None), env(&[])).unwrap_err();
        assert_eq!(unattended, SettingsError::NoEndpointUnattended);
        let in_ci =
            ApiSettings::resolve_for(&args(None, None), env(&[("CI", "true")]), true).unwrap_err();
        assert_eq!(in_ci, SettingsError::NoEndpointUnattended);
        for name in ["TAGOIO_TOKEN", "TAGOIO_EMAIL", "TAGOIO_PASSWORD"] {
            let error =
                ApiSettings::resolve_for(&args(None, None), env(&[(name, "x")]), true).unwrap_err();
            assert_eq!(error, SettingsError::NoEndpoint, "{name}");
        }
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), "value\n").unwrap();
        let error =
            ApiSettings::resolve(&args(None, Some(file.path().to_owned())), env(&[])).unwrap_err();
        assert_eq!(error, SettingsError::NoEndpoint);
    }

    #[test]
    fn flag_beats_region_beats_environment() {
        let env = Some("http://127.0.0.1:9/".to_owned());
        assert_eq!(
            resolve_endpoint(Some("https://x.example/"), Some(Region::EuW1), env.clone()),
            Ok(Endpoint::Url("https://x.example".to_owned()))
        );
        assert_eq!(
            resolve_endpoint(None, Some(Region::EuW1), env.clone()),
            Ok(Endpoint::Url("https://api.eu-w1.tago.io".to_owned()))
        );
        assert_eq!(
            resolve_endpoint(None, None, env),
            Ok(Endpoint::Url("http://127.0.0.1:9".to_owned()))
        );
        assert_eq!(
            resolve_endpoint(Some("local"), None, None),
            Ok(Endpoint::Local)
        );
        assert_eq!(
            resolve_endpoint(None, None, None),
            Err(SettingsError::NoEndpoint)
        );
        assert_eq!(
            resolve_endpoint(Some("ftp://x"), None, None),
            Err(SettingsError::BadUrl("ftp://x".to_owned()))
        );
    }
}
