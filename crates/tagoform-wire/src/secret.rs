//! The one type for secrets (token values, passwords, codes, authenticator secrets), in
//! the client, the wire types and the emulator alike, so that none can leak through
//! formatting.
//!
//! `Debug` and `Display` print `***`, so a secret inside any struct, error or log line
//! stays hidden even when someone derives `Debug` on the outer type. On the wire it is the
//! value itself (`serde(transparent)`). The value is only reachable through
//! [`Secret::expose`], which is easy to search for in review.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A secret value. Formats as `***`; serializes as the value.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

/// A TagoIO token value (account or profile token).
pub type Token = Secret;

impl Secret {
    /// Wraps a value exactly as given: a password may begin or end with a space.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Wraps a token value read from a file or a variable: surrounding whitespace (a
    /// trailing newline) is dropped, since no token holds any.
    pub fn trimmed(value: impl Into<String>) -> Self {
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

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// Replaces every occurrence of each non-trivial secret in `text` with `***`.
///
/// Used on server messages and body excerpts before they enter an error, because a
/// server may echo what it was sent, also JSON-escaped (`pa\"ss`, `\u0070ass`): when the
/// text with its escapes read holds a secret, that reading is the one returned, redacted.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let replace = |text: &str| {
        let mut out = text.to_owned();
        let mut found = false;
        for secret in secrets {
            // Very short values would redact ordinary words; no real token or password is that
            // short.
            if secret.len() >= 4 && out.contains(secret) {
                out = out.replace(secret, "***");
                found = true;
            }
        }
        (out, found)
    };
    let (plain, _) = replace(text);
    let unescaped = unescape_json(&plain);
    match replace(&unescaped) {
        (redacted, true) => redacted,
        _ => plain,
    }
}

/// `text` with JSON string escapes read (`\"`, `\\`, `\/`, `\n`, `\uXXXX` with surrogate
/// pairs); anything else is kept as it is.
fn unescape_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(escaped @ ('"' | '\\' | '/')) => {
                chars.next();
                out.push(escaped);
            }
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some('t') => {
                chars.next();
                out.push('\t');
            }
            Some('r') => {
                chars.next();
                out.push('\r');
            }
            Some('u') => {
                let digits: String = chars.clone().skip(1).take(4).collect();
                match u32::from_str_radix(&digits, 16)
                    .ok()
                    .filter(|_| digits.len() == 4)
                {
                    Some(high @ 0xd800..=0xdbff) => {
                        let rest: String = chars.clone().skip(5).take(6).collect();
                        let low = rest
                            .strip_prefix("\\u")
                            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                            .filter(|low| (0xdc00..=0xdfff).contains(low));
                        match low.and_then(|low| {
                            char::from_u32(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00))
                        }) {
                            Some(pair) => {
                                out.push(pair);
                                chars.nth(10);
                            }
                            None => out.push(c),
                        }
                    }
                    Some(code) => match char::from_u32(code) {
                        Some(decoded) => {
                            out.push(decoded);
                            chars.nth(4);
                        }
                        None => out.push(c),
                    },
                    None => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let secret = Secret::new("abcd-1234");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(Secret(***))");
        assert_eq!(serde_json::to_string(&secret).unwrap(), r#""abcd-1234""#);
    }

    #[test]
    fn a_password_is_kept_as_given_and_a_token_value_trimmed() {
        assert_eq!(Secret::new(" pass word ").expose(), " pass word ");
        assert_eq!(Secret::trimmed("abcd-1234\n").expose(), "abcd-1234");
    }

    #[test]
    fn redact_sees_through_json_escapes() {
        let secrets = ["pa\"ss/w\\rd", "tok-😀-123"];
        for echoed in [
            r#"bad password pa\"ss\/w\\rd"#,
            r#"bad password \u0070\u0061\"ss/w\\rd"#,
            r#"token tok-\ud83d\ude00-123 unknown"#,
        ] {
            let shown = redact(echoed, &secrets);
            assert!(
                !shown.contains("ss/w") && !shown.contains("-123"),
                "{shown}"
            );
            assert!(shown.contains("***"), "{shown}");
        }
        // Text without a secret keeps its escapes as they were.
        assert_eq!(redact(r#"say \"hi\""#, &secrets), r#"say \"hi\""#);
    }

    #[test]
    fn redact_replaces_every_occurrence() {
        assert_eq!(
            redact("token tok-123 unknown (tok-123)", &["tok-123", ""]),
            "token *** unknown (***)"
        );
    }
}
