//! What a command that talks to TagoIO needs from its flags and the environment, resolved
//! once and before anything is sent: where the API is and the account token
//! (`api::settings`), the sign-in and its second factor, each profile's `token_env` token,
//! and who applies (the lock's name).

use std::collections::BTreeMap;

use anyhow::bail;

use crate::access::{Credentials, ProfileToken, SecondFactor};
use crate::api::types::OtpType;
use crate::api::{ApiSettings, Endpoint, Secret};
use crate::cli::ApiArgs;
use crate::config::Desired;
use crate::emulator::seed::{DEMO_EMAIL, DEMO_PASSWORD};
use crate::environment::{
    Environment, TAGOIO_EMAIL, TAGOIO_OTP_TYPE, TAGOIO_PASSWORD, TAGOIO_PIN, TAGOIO_TOTP_SECRET,
};
use crate::totp::TotpSecret;

/// Everything [`super::reconcile::connect`] needs. `Debug` is derived: every secret in it is
/// a redacting type.
#[derive(Debug)]
pub struct ConnectSettings {
    pub api: ApiSettings,
    /// The account's sign-in, for the lock, tokens and short-lived profile tokens.
    pub credentials: Option<Credentials>,
    /// Tokens from the variables that `token_env` names, by profile key.
    pub profile_tokens: BTreeMap<String, ProfileToken>,
    /// The most requests in flight (`--parallelism`).
    pub parallelism: u16,
    /// Who applies, for the apply lock's name.
    pub lock_holder: String,
}

impl ConnectSettings {
    /// Resolves the flags and `env` for `desired`; `attended`: a person runs this at an
    /// interactive terminal (only then may the embedded emulator be the default API).
    pub fn resolve(
        desired: &Desired,
        args: &ApiArgs,
        parallelism: u16,
        env: &Environment,
        attended: bool,
    ) -> anyhow::Result<Self> {
        let api = ApiSettings::resolve_for(&args.flags(), |name| env.get(name), attended)?;
        if api.local_by_default {
            tracing::warn!(
                "no --api, --region or TAGOIO_API given: using the local TagoIO emulator (its \
                 state is in .tagoform/local-api.json); pass --api URL to talk to TagoIO"
            );
        }
        let credentials = match (env.get(TAGOIO_EMAIL), env.get(TAGOIO_PASSWORD)) {
            (Some(email), Some(password)) => {
                Some(Credentials::new(email, Secret::new(password)).with(second_factor(env)?))
            }
            // The embedded emulator's demo account, documented in docs/api.md.
            _ if api.endpoint == Endpoint::Local => {
                Some(Credentials::new(DEMO_EMAIL, Secret::new(DEMO_PASSWORD)))
            }
            _ => None,
        };
        let mut profile_tokens = BTreeMap::new();
        for profile in desired.profiles.values() {
            let Some(variable) = &profile.token_env else {
                continue;
            };
            match env.get(variable) {
                Some(token) => {
                    let token = ProfileToken {
                        variable: variable.clone(),
                        token: Secret::trimmed(token),
                    };
                    profile_tokens.insert(profile.key.clone(), token);
                }
                None if credentials.is_some() => tracing::warn!(
                    "profile `{}`: {variable} (its token_env) is not set; using a short-lived token instead",
                    profile.key
                ),
                None => bail!(
                    "profile `{}`: the variable {variable} named by its `token_env` is not set; \
                     export it with a token of that profile, or set TAGOIO_EMAIL and TAGOIO_PASSWORD",
                    profile.key
                ),
            }
        }
        Ok(ConnectSettings {
            api,
            credentials,
            profile_tokens,
            parallelism,
            lock_holder: crate::lock::holder::who(|name| env.get(name)),
        })
    }
}

/// The second factor from the environment: `TAGOIO_TOTP_SECRET` (a fresh authenticator code
/// for every call) or `TAGOIO_PIN` (one code, of the kind `TAGOIO_OTP_TYPE` names). Messages
/// never repeat the secret.
pub fn second_factor(env: &Environment) -> anyhow::Result<Option<SecondFactor>> {
    let otp = otp_type(env.get(TAGOIO_OTP_TYPE))?;
    match (env.get(TAGOIO_TOTP_SECRET), env.get(TAGOIO_PIN)) {
        (Some(_), Some(_)) => bail!(
            "both TAGOIO_TOTP_SECRET and TAGOIO_PIN are set; set only one: the secret for runs \
             nobody watches (a fresh code for every call), the pin for one interactive run"
        ),
        (Some(secret), None) => {
            if otp != OtpType::Authenticator {
                bail!(
                    "TAGOIO_TOTP_SECRET gives authenticator codes, but TAGOIO_OTP_TYPE asks for \
                     codes by {}; unset TAGOIO_OTP_TYPE (or set it to authenticator)",
                    if otp == OtpType::Sms { "SMS" } else { "e-mail" }
                );
            }
            let secret = TotpSecret::parse(&secret).map_err(|error| {
                anyhow::anyhow!(
                    "TAGOIO_TOTP_SECRET is not an authenticator secret: {error}; set it to the \
                     base32 text TagoIO showed when the authenticator was set up"
                )
            })?;
            Ok(Some(SecondFactor::Totp(secret)))
        }
        (None, Some(pin)) => Ok(Some(SecondFactor::Pin {
            pin: Secret::trimmed(pin),
            otp,
        })),
        (None, None) => Ok(None),
    }
}

/// `TAGOIO_OTP_TYPE`: which two-factor code `TAGOIO_PIN` is (TagoIO asks for both).
pub fn otp_type(value: Option<String>) -> anyhow::Result<OtpType> {
    match value.as_deref().map(str::trim) {
        None | Some("authenticator") => Ok(OtpType::Authenticator),
        Some("sms") => Ok(OtpType::Sms),
        Some("email") => Ok(OtpType::Email),
        Some(other) => {
            bail!("TAGOIO_OTP_TYPE is `{other}`; use authenticator (the default), sms or email")
        }
    }
}
