//! How every command that talks to TagoIO names the API and its token.

// `--help` shows a URL as written; rustdoc's `<...>` would show there too.
#![allow(rustdoc::bare_urls)]

use std::path::PathBuf;

use clap::Args;

/// Where the TagoIO API is and how to authenticate, shared by every command that talks
/// to it. The token is read from `TAGOIO_TOKEN` or `--token-file`, never from a
/// command-line value (shell history and process lists would keep it).
#[derive(Debug, Clone, Args)]
pub struct ApiArgs {
    /// TagoIO API base URL, or `local` for the embedded emulator
    /// (state in .tagoform/local-api.json). Default: --region, else TAGOIO_API, else `local`
    /// when no TagoIO credentials are set (with credentials, an API must be named).
    #[arg(long, value_name = "URL|local")]
    pub api: Option<String>,
    /// A TagoIO region instead of a URL.
    #[arg(long, value_enum, conflicts_with = "api")]
    pub region: Option<RegionArg>,
    /// Read the token from this file (first line) instead of TAGOIO_TOKEN.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Seconds to wait for one answer before treating it as lost.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
    /// Attempts per request, the first included. GET, PUT and DELETE are repeated on
    /// 429, 5xx, timeouts and dropped connections; a POST only when it certainly was not
    /// carried out (429, or no connection made).
    #[arg(long, value_name = "N")]
    pub max_attempts: Option<u32>,
}

impl ApiArgs {
    /// The flags as `api` takes them.
    pub fn flags(&self) -> crate::api::ApiFlags {
        crate::api::ApiFlags {
            api: self.api.clone(),
            region: self.region.map(crate::api::Region::from),
            token_file: self.token_file.clone(),
            timeout: self.timeout,
            max_attempts: self.max_attempts,
        }
    }
}

/// `--region`: TagoIO's public regions, by the names the SDK gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RegionArg {
    /// United States East 1 (https://api.tago.io).
    #[value(name = "us-e1")]
    UsE1,
    /// Europe West 1 (https://api.eu-w1.tago.io).
    #[value(name = "eu-w1")]
    EuW1,
}

impl From<RegionArg> for crate::api::Region {
    fn from(region: RegionArg) -> Self {
        match region {
            RegionArg::UsE1 => crate::api::Region::UsE1,
            RegionArg::EuW1 => crate::api::Region::EuW1,
        }
    }
}
