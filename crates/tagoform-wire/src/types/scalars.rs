//! The scalars every other wire type is built from: ids, permissions, expiry dates, the
//! second-factor kind, and the `<redacted>` marker that keeps secrets out of `Debug` output.
//! They sit apart because every area (account, profiles, tokens, integrations) uses them.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A TagoIO object id: 24 lowercase hexadecimal characters.
pub type Id = String;

/// Whether `value` has the shape of a TagoIO id (24 lowercase hex characters).
pub fn is_valid_id(value: &str) -> bool {
    value.len() == 24
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A token's permission. `read` cannot write; `write` can only create and update (it
/// neither reads nor deletes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    Full,
    Write,
    Read,
    Deny,
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Full => "full",
            Self::Write => "write",
            Self::Read => "read",
            Self::Deny => "deny",
        })
    }
}

/// When a token expires: `"never"` or an ISO-8601 instant on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Expiry {
    Never,
    At(DateTime<Utc>),
}

/// A listed token's `expire_time`: like [`Expiry`], but a value no clock reads (`+102026-…`,
/// a word) is kept as [`ListedExpiry::Unreadable`] instead of failing the whole list, so that
/// one odd token cannot stop every plan of its profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListedExpiry {
    Never,
    At(DateTime<Utc>),
    /// As TagoIO sent it.
    Unreadable(String),
}

impl ListedExpiry {
    /// The instant it ends at, when it is one that can be read.
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::At(at) => Some(*at),
            Self::Never | Self::Unreadable(_) => None,
        }
    }
}

impl From<Expiry> for ListedExpiry {
    fn from(expiry: Expiry) -> Self {
        match expiry {
            Expiry::Never => Self::Never,
            Expiry::At(at) => Self::At(at),
        }
    }
}

impl Serialize for ListedExpiry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Never => serializer.serialize_str("never"),
            Self::At(at) => serializer.serialize_str(&wire_instant(*at)),
            Self::Unreadable(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for ListedExpiry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        Ok(match text.as_deref() {
            None | Some("never") => Self::Never,
            Some(text) => match DateTime::parse_from_rfc3339(text) {
                Ok(at) => Self::At(at.with_timezone(&Utc)),
                Err(_) => Self::Unreadable(text.to_owned()),
            },
        })
    }
}

/// An instant as tagoform writes it to TagoIO (`expire_time`): ISO-8601 in UTC, to the
/// millisecond, as TagoIO's own answers show instants.
pub fn wire_instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Serialize for Expiry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Never => serializer.serialize_str("never"),
            Self::At(at) => serializer.serialize_str(&wire_instant(*at)),
        }
    }
}

impl<'de> Deserialize<'de> for Expiry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        match text.as_deref() {
            None | Some("never") => Ok(Self::Never),
            Some(text) => DateTime::parse_from_rfc3339(text)
                .map(|at| Self::At(at.with_timezone(&Utc)))
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "expected \"never\" or an ISO-8601 date, got {text:?}"
                    ))
                }),
        }
    }
}

/// The second factor a login or token request names when the account has 2FA on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OtpType {
    Sms,
    Email,
    Authenticator,
}
