//! Every environment variable tagoform reads: their names, what each means (the one table
//! that README's "Environment variables" and `tagoform man` are made from), and their values,
//! read once when a command starts.
//!
//! Nothing else in tagoform calls `std::env::var`: commands get an [`Environment`] and hand
//! its lookups down, so a test can give any environment without touching the process's.

use std::collections::BTreeMap;
use std::fmt;

/// The TagoIO API URL, when neither `--api` nor `--region` names one.
pub const TAGOIO_API: &str = "TAGOIO_API";
/// An account token.
pub const TAGOIO_TOKEN: &str = "TAGOIO_TOKEN";
/// The account's e-mail, for sign-ins.
pub const TAGOIO_EMAIL: &str = "TAGOIO_EMAIL";
/// The account's password, for sign-ins.
pub const TAGOIO_PASSWORD: &str = "TAGOIO_PASSWORD";
/// The authenticator's secret (base32): a fresh two-factor code for every sign-in.
pub const TAGOIO_TOTP_SECRET: &str = "TAGOIO_TOTP_SECRET";
/// One current two-factor code.
pub const TAGOIO_PIN: &str = "TAGOIO_PIN";
/// The kind of that code.
pub const TAGOIO_OTP_TYPE: &str = "TAGOIO_OTP_TYPE";
/// Set by CI services: no prompt, and the embedded emulator is never the default.
pub const CI: &str = "CI";
/// A tracing filter for the log on stderr.
pub const TAGOFORM_LOG: &str = "TAGOFORM_LOG";
/// Who applies, in the apply lock's name: the user, the machine, the CI run or job.
pub const USER: &str = "USER";
pub const USERNAME: &str = "USERNAME";
pub const HOSTNAME: &str = "HOSTNAME";
pub const GITHUB_RUN_ID: &str = "GITHUB_RUN_ID";
pub const CI_JOB_ID: &str = "CI_JOB_ID";

/// Which commands read a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Those that talk to the API (plan, apply, export, doctor, unlock, otp).
    Api,
    /// `apply`, for the lock's name.
    Lock,
    /// Every command.
    Any,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Variable {
    /// The name, or names read together (`TAGOIO_EMAIL, TAGOIO_PASSWORD`).
    pub name: &'static str,
    pub meaning: &'static str,
    pub scope: Scope,
}

/// Every variable tagoform reads, in the order the documentation lists them.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: TAGOIO_API,
        meaning: "The TagoIO API URL, when neither --api nor --region names one.",
        scope: Scope::Api,
    },
    Variable {
        name: TAGOIO_TOKEN,
        meaning: "An account token (or --token-file).",
        scope: Scope::Api,
    },
    Variable {
        name: "TAGOIO_EMAIL, TAGOIO_PASSWORD",
        meaning: "The account's sign-in: the apply lock, account tokens, short-lived profile \
                  tokens, deleting profiles.",
        scope: Scope::Api,
    },
    Variable {
        name: TAGOIO_TOTP_SECRET,
        meaning: "The authenticator's secret (base32), when the account has two-factor on: a \
                  fresh code for every call, for runs nobody watches.",
        scope: Scope::Api,
    },
    Variable {
        name: TAGOIO_PIN,
        meaning: "One current two-factor code, for an interactive run (instead of \
                  TAGOIO_TOTP_SECRET).",
        scope: Scope::Api,
    },
    Variable {
        name: TAGOIO_OTP_TYPE,
        meaning: "The kind of that code: authenticator (the default), sms or email.",
        scope: Scope::Api,
    },
    Variable {
        name: "token_env variables",
        meaning: "Each profile's token, in the variable its token_env names.",
        scope: Scope::Api,
    },
    Variable {
        name: CI,
        meaning: "When set, the embedded emulator is never the default API.",
        scope: Scope::Api,
    },
    Variable {
        name: "USER, USERNAME, HOSTNAME, GITHUB_RUN_ID, CI_JOB_ID",
        meaning: "Who applies, in the apply lock's name that another run shows while it \
                  waits (HOSTNAME falls back to /etc/hostname).",
        scope: Scope::Lock,
    },
    Variable {
        name: "NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM",
        meaning: "Colour on or off, as their conventions say (--color overrides them).",
        scope: Scope::Any,
    },
    Variable {
        name: TAGOFORM_LOG,
        meaning: "A tracing filter for the log on stderr (e.g. tagoform=debug).",
        scope: Scope::Any,
    },
];

/// The process's environment as one command sees it, read once. Empty values count as
/// unset. `Debug` shows the names only: values hold tokens and passwords.
#[derive(Clone, Default)]
pub struct Environment {
    values: BTreeMap<String, String>,
}

impl Environment {
    /// Reads the process's environment (variables that are not valid UTF-8 are left out).
    /// Shells set HOSTNAME without exporting it: `/etc/hostname` names the machine then.
    pub fn read() -> Self {
        let mut environment: Environment = std::env::vars_os()
            .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
            .collect();
        if environment.get(HOSTNAME).is_none() {
            let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
            if !host.trim().is_empty() {
                environment
                    .values
                    .insert(HOSTNAME.to_owned(), host.trim().to_owned());
            }
        }
        environment
    }

    /// The value of `name`, unless unset or empty.
    pub fn get(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Environment {
    /// An environment of these variables (tests); empty values are left out.
    fn from_iter<I: IntoIterator<Item = (N, V)>>(pairs: I) -> Self {
        let values = pairs
            .into_iter()
            .map(|(name, value)| (name.into(), value.into()))
            .filter(|(_, value): &(String, String)| !value.is_empty())
            .collect();
        Environment { values }
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.values.keys()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_count_as_unset_and_debug_shows_no_value() {
        let environment: Environment = [("TAGOIO_PASSWORD", "hunter2"), ("TAGOIO_PIN", "")]
            .into_iter()
            .collect();
        assert_eq!(environment.get(TAGOIO_PASSWORD).as_deref(), Some("hunter2"));
        assert_eq!(environment.get(TAGOIO_PIN), None);
        assert_eq!(format!("{environment:?}"), r#"{"TAGOIO_PASSWORD"}"#);
    }

    #[test]
    fn readmes_table_is_this_table() {
        // Read at run time: the Docker build context holds no README.
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let mut expected = String::from("| Variable | Meaning |\n|---|---|\n");
        for variable in VARIABLES {
            let names: Vec<String> = variable
                .name
                .split(", ")
                .map(|name| match name.strip_suffix(" variables") {
                    Some(name) => format!("`{name}` variables"),
                    None => format!("`{name}`"),
                })
                .collect();
            expected.push_str(&format!(
                "| {} | {} |\n",
                names.join(", "),
                variable.meaning
            ));
        }
        assert!(
            readme.contains(&expected),
            "README.md's \"Environment variables\" must be exactly:\n{expected}"
        );
    }
}
