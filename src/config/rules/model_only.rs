//! What the YAML loader checks while it builds the model, checked again on a model that did
//! not come from YAML: the configuration inside a saved plan (`apply --plan`), which anyone
//! can edit. Without this, a crafted plan could manage a token named like the apply lock.

use std::collections::BTreeSet;

use super::error;
use crate::config::diagnostic::Diagnostic;
use crate::config::entries::{is_variable_name, RESERVED_TOKEN_PREFIX};
use crate::config::model::Desired;

/// Token names (not empty, unique per profile, none of tagoform's own) and `token_env`
/// variable names.
pub fn check(desired: &Desired) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for profile in desired.profiles.values() {
        if let Some(variable) = &profile.token_env {
            if !is_variable_name(variable) {
                diagnostics.push(error(
                    &profile.origin,
                    format!(
                        "profile `{}`: `token_env` is not a variable name",
                        profile.key
                    ),
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for token in profile.tokens.iter().flatten() {
            if crate::text::is_blank(&token.name) {
                diagnostics.push(error(
                    &token.origin,
                    format!("a token of profile `{}` has an empty name", profile.key),
                ));
            }
            if token.name.starts_with(RESERVED_TOKEN_PREFIX) {
                diagnostics.push(error(
                    &token.origin,
                    format!(
                        "token names starting with `{RESERVED_TOKEN_PREFIX}` are tagoform's own \
                         (its short-lived tokens and the apply lock): `{}`",
                        token.name
                    ),
                ));
            }
            if !seen.insert(&token.name) {
                diagnostics.push(error(
                    &token.origin,
                    format!(
                        "two tokens of profile `{}` are named `{}`",
                        profile.key, token.name
                    ),
                ));
            }
        }
    }
    diagnostics
}
