//! What a configuration says of a publication in TagoIO's public catalog (`publish:`): the
//! repository folders, the SemVer version and the images, checked by the loader.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::model::Origin;

/// What the `tago-io/decoders` repository needs to list a network or connector publicly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publish {
    /// A connector's folders (`decoders/connector/<manufacturer>/<model>`); `None` for a
    /// network, whose folder is its normalized name.
    pub folders: Option<(String, String)>,
    pub version: Version,
    /// The images, checked to be PNGs of the sizes the repository's README gives.
    pub images: Vec<Image>,
    /// The catalog's description (from `description_file`, else the object's `description`).
    pub description: Option<String>,
    /// The pull request's text.
    pub message: Option<String>,
    /// `update_existing: true`: the clone's folder is this object's own entry, whatever its
    /// description and images say.
    #[serde(default)]
    pub update_existing: bool,
    pub origin: Origin,
}

/// A SemVer version, written as the repository's folders are: `v1.0.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    /// `v1.0.0`, where the repository's decoders start.
    pub const FIRST: Version = Version {
        major: 1,
        minor: 0,
        patch: 0,
    };

    /// `v1.2.3` or `1.2.3`.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.strip_prefix('v').unwrap_or(text).split('.');
        let mut next = || -> Option<u64> {
            let part = parts.next()?;
            let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            // SemVer: no leading zeros.
            (digits && (part == "0" || !part.starts_with('0')))
                .then(|| part.parse().ok())
                .flatten()
        };
        let version = Version {
            major: next()?,
            minor: next()?,
            patch: next()?,
        };
        parts.next().is_none().then_some(version)
    }

    /// The next patch version; `None` past the largest patch number (never a wrap to 0,
    /// which would name a version folder that exists).
    pub fn next_patch(self) -> Option<Version> {
        Some(Version {
            patch: self.patch.checked_add(1)?,
            ..self
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// An image of a publication: which one, the file, and its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub role: ImageRole,
    pub file: PathBuf,
    pub width: u32,
    pub height: u32,
    /// Where the YAML names it.
    pub origin: Origin,
}

/// The images the repository knows (`images.logo`, `images.icon`, `images.banner`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageRole {
    Logo,
    Icon,
    Banner,
}

impl ImageRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageRole::Logo => "logo",
            ImageRole::Icon => "icon",
            ImageRole::Banner => "banner",
        }
    }
}
