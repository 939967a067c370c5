//! Secret strings (token values, passwords) that cannot leak through formatting.
//!
//! `Debug` and `Display` print `***`, so a secret inside any struct, error or log line
//! stays hidden even when someone derives `Debug` on the outer type. The value is only
//! reachable through [`Secret::expose`], which is easy to search for in review.

use std::fmt;

/// A secret value: a token or a password. Formats as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// A TagoIO token value (account or profile token).
pub type Token = Secret;

impl Secret {
    /// Wraps a value. Surrounding whitespace (a trailing newline in a token file) is dropped.
    pub fn new(value: impl Into<String>) -> Self {
        let value: String = value.into();
        let trimmed = value.trim();
        if trimmed.len() == value.len() {
            Self(value)
        } else {
            Self(trimmed.to_owned())
        }
    }

    /// The value itself, for the one place that must send it (a header or a request body).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the value is empty, which is never a usable credential.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("***")
    }
}

/// Replaces every occurrence of each non-trivial secret in `text` with `***`.
///
/// Used on server messages and body excerpts before they enter an error, because a
/// server may echo what it was sent.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        // Very short values would redact ordinary words; no real token or password is that short.
        if secret.len() >= 4 && out.contains(secret) {
            out = out.replace(secret, "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let secret = Secret::new("abcd-1234\n");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(secret.expose(), "abcd-1234");
    }

    #[test]
    fn redact_replaces_every_occurrence() {
        assert_eq!(
            redact("token tok-123 unknown (tok-123)", &["tok-123", ""]),
            "token *** unknown (***)"
        );
    }
}
