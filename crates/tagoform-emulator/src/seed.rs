//! Seeds: the accounts, profiles and tokens an emulator starts with (YAML, or the built-in
//! demo seed documented in docs/api.md), plus TagoIO's public catalog of networks and
//! connectors.

use std::collections::BTreeMap;
use std::path::Path;
use tagoform_wire::Secret;

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::catalog::{catalog_object, CATALOG_CONNECTORS, CATALOG_NETWORKS};
use super::expiry::parse_expire_time;
use super::model::{Account, Clock, ObjectKind, State, StoredProfile, StoredToken, STATE_FORMAT};
use tagoform_wire::types::{is_valid_id, Expiry, Id, OtpType, Permission, TOKEN_TYPE_ACCOUNT};

/// The demo account's full token for "ACME Production" (what `--api local` uses).
pub const DEMO_TOKEN: &str = "7d1f0c2e-5b3a-4c8d-9e6f-a0b1c2d3e4f5";
/// The partner account's full token for "Globex".
pub const PARTNER_TOKEN: &str = "3a9e8d7c-6b5a-4f1e-8d2c-b3a4f5e6d7c8";
/// The demo account's email and password.
pub const DEMO_EMAIL: &str = "demo@tagoform.local";
pub const DEMO_PASSWORD: &str = "demo-password";
/// "ACME Production", the demo account's first profile.
pub const DEMO_PROFILE_ID: &str = "6500a1b2c3d4e5f601234501";
/// "ACME Staging", the demo account's second profile.
pub const DEMO_STAGING_PROFILE_ID: &str = "6500a1b2c3d4e5f601234502";
/// "Globex", the partner account's profile.
pub const PARTNER_PROFILE_ID: &str = "64f1c2a9e3b1d40012ab34cd";
/// "Globex Labs", the partner account's second profile (a share recipient in the examples).
pub const PARTNER_LABS_PROFILE_ID: &str = "64f1c2a9e3b1d40012ab56ef";

/// The account and profile that own TagoIO's public catalog (cannot sign in).
pub const TAGOIO_ACCOUNT_ID: &str = "5a0000000000000000000001";
pub const TAGOIO_PROFILE_ID: &str = "5a0000000000000000000002";
/// Ids of catalog networks: `tago-io/decoders`' rule, then its `map-ids.json` (see
/// [`super::catalog`]).
pub const LORAWAN_TTN_ID: &str = "5f46679034e73f002833025b";
pub const SIGFOX_ID: &str = "5bbd10774051a50034cd1a00";
pub const LORAWAN_HELIUM_ID: &str = "602275f9fc48a40018510a8a";
/// The catalog network named like the quickstart's own `ACME LoRaWAN`.
pub const CATALOG_ACME_LORAWAN_ID: &str = "82e3b08c35bf60e6b56c745f";
/// The catalog connector named like the quickstart's own `ACME TH Sensor`.
pub const CATALOG_ACME_TH_SENSOR_ID: &str = "0cd7caf86bf2c15cfb52f87a";

/// Carol's authenticator secret in the demo seed (she has two-factor on): a demo credential of
/// a local emulator, like the passwords above.
pub const CAROL_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// A seed file: `accounts: [...]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    pub accounts: Vec<SeedAccount>,
}

/// One account of a seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAccount {
    #[serde(default)]
    pub id: Option<Id>,
    pub email: String,
    pub password: Secret,
    pub name: String,
    #[serde(default)]
    pub two_factor: bool,
    /// The authenticator's shared secret (base32), required when `two_factor` is on with the
    /// authenticator: its RFC 6238 codes are the codes the account accepts.
    #[serde(default)]
    pub totp_secret: Option<Secret>,
    /// The two-factor methods on (default: the authenticator alone).
    #[serde(default)]
    pub otp_types: Vec<OtpType>,
    #[serde(default)]
    pub profiles: Vec<SeedProfile>,
}

/// One profile of a seed account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedProfile {
    pub name: String,
    #[serde(default)]
    pub id: Option<Id>,
    #[serde(default)]
    pub tokens: Vec<SeedToken>,
}

/// One token of a seed profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedToken {
    pub name: String,
    pub permission: Permission,
    pub token: Secret,
    #[serde(default)]
    pub expire_time: Option<String>,
}

/// Why a seed cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read seed file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// `detail` is serde's message with quoted values hidden (they may be secrets).
    #[error("invalid seed file {path}: {detail}")]
    Parse { path: String, detail: String },
    #[error("invalid seed: {0}")]
    Invalid(String),
}

impl Seed {
    /// Reads a YAML seed file.
    pub fn load(path: &Path) -> Result<Self, SeedError> {
        let shown = path.display().to_string();
        let bytes =
            tagoform_wire::bounded::read(path, tagoform_wire::bounded::SEED_LIMIT, "a seed")
                .map_err(|error| SeedError::Read {
                    path: shown.clone(),
                    source: std::io::Error::other(error.to_string()),
                })?;
        let text = String::from_utf8(bytes).map_err(|_| SeedError::Read {
            path: shown.clone(),
            source: std::io::Error::other("it is not UTF-8 text"),
        })?;
        yaml_serde::from_str(&text).map_err(|error| SeedError::Parse {
            path: shown,
            detail: super::hide_values(&error.to_string()),
        })
    }

    /// The built-in demo seed (documented in docs/api.md). Long because it is data: the
    /// accounts, profiles and tokens that page lists.
    pub fn demo() -> Self {
        let account =
            |id: &str, email: &str, password: &str, name: &str, profiles: Vec<SeedProfile>| {
                SeedAccount {
                    id: Some(id.into()),
                    email: email.into(),
                    password: password.into(),
                    name: name.into(),
                    two_factor: false,
                    totp_secret: None,
                    otp_types: Vec::new(),
                    profiles,
                }
            };
        let profile = |id: &str, name: &str, tokens: Vec<SeedToken>| SeedProfile {
            name: name.into(),
            id: Some(id.into()),
            tokens,
        };
        let full_token = |name: &str, value: &str| SeedToken {
            name: name.into(),
            permission: Permission::Full,
            token: value.into(),
            expire_time: None,
        };
        let mut carol = account(
            "6500a1b2c3d4e5f6012345c0",
            "carol@globex.example",
            "carol-password",
            "Carol",
            vec![profile(
                "6500a1b2c3d4e5f6012345c1",
                "Carol's profile",
                vec![],
            )],
        );
        carol.two_factor = true;
        carol.totp_secret = Some(CAROL_TOTP_SECRET.into());
        Seed {
            accounts: vec![
                account(
                    "6500a1b2c3d4e5f601234500",
                    DEMO_EMAIL,
                    DEMO_PASSWORD,
                    "Demo User",
                    vec![
                        profile(
                            DEMO_PROFILE_ID,
                            "ACME Production",
                            vec![full_token("tagoform demo", DEMO_TOKEN)],
                        ),
                        profile(DEMO_STAGING_PROFILE_ID, "ACME Staging", vec![]),
                    ],
                ),
                account(
                    "64f1c2a9e3b1d40012ab3400",
                    "partner@tagoform.local",
                    "partner-password",
                    "Partner User",
                    vec![
                        profile(
                            PARTNER_PROFILE_ID,
                            "Globex",
                            vec![full_token("partner", PARTNER_TOKEN)],
                        ),
                        profile(PARTNER_LABS_PROFILE_ID, "Globex Labs", vec![]),
                    ],
                ),
                account(
                    "6500a1b2c3d4e5f6012345a0",
                    "alice@acme.example",
                    "alice-password",
                    "Alice",
                    vec![profile(
                        "6500a1b2c3d4e5f6012345a1",
                        "Alice's profile",
                        vec![],
                    )],
                ),
                account(
                    "6500a1b2c3d4e5f6012345b0",
                    "bob@acme.example",
                    "bob-password",
                    "Bob",
                    vec![profile("6500a1b2c3d4e5f6012345b1", "Bob's profile", vec![])],
                ),
                carol,
            ],
        }
    }

    /// Builds the state this seed describes, at `now`, with TagoIO's public catalog added.
    pub fn build(&self, now: DateTime<Utc>, rng: &mut impl Rng) -> Result<State, SeedError> {
        let mut state = State::default();
        state.format = STATE_FORMAT;
        state.clock = Clock::default();
        add_public_catalog(&mut state, now);
        for seed_account in &self.accounts {
            let account_id = pinned_or_new(&state, seed_account.id.as_deref(), rng, now)?;
            if state.account_by_email(&seed_account.email).is_some() {
                return Err(SeedError::Invalid(format!(
                    "email `{}` appears twice",
                    seed_account.email
                )));
            }
            check_two_factor(seed_account)?;
            state.accounts.insert(
                account_id.clone(),
                Account {
                    id: account_id.clone(),
                    email: seed_account.email.clone(),
                    password: seed_account.password.clone(),
                    name: seed_account.name.clone(),
                    two_factor: seed_account.two_factor,
                    totp_secret: seed_account.totp_secret.clone(),
                    otp_last_step: None,
                    sent_codes: Vec::new(),
                    otp_types: seed_account.otp_types.clone(),
                    created_at: now,
                    subscription: None,
                },
            );
            for seed_profile in &seed_account.profiles {
                let profile_id = pinned_or_new(&state, seed_profile.id.as_deref(), rng, now)?;
                state.profiles.insert(
                    profile_id.clone(),
                    new_profile(&profile_id, &account_id, &seed_profile.name, now),
                );
                for seed_token in &seed_profile.tokens {
                    add_seed_token(&mut state, seed_token, &account_id, &profile_id, now)?;
                }
            }
        }
        Ok(state)
    }
}

/// An account with the authenticator on needs the secret its codes come from; the message
/// never repeats the secret.
fn check_two_factor(account: &SeedAccount) -> Result<(), SeedError> {
    let email = &account.email;
    if let Some(secret) = &account.totp_secret {
        tagoform_wire::totp::TotpSecret::parse(secret.expose()).map_err(|error| {
            SeedError::Invalid(format!(
                "account `{email}`: totp_secret is not usable: {error}"
            ))
        })?;
    }
    let authenticator =
        account.otp_types.is_empty() || account.otp_types.contains(&OtpType::Authenticator);
    if account.two_factor && authenticator && account.totp_secret.is_none() {
        return Err(SeedError::Invalid(format!(
            "account `{email}` has two-factor on with the authenticator: give it a `totp_secret` \
             (base32), whose codes it accepts"
        )));
    }
    Ok(())
}

fn pinned_or_new(
    state: &State,
    pinned: Option<&str>,
    rng: &mut impl Rng,
    now: DateTime<Utc>,
) -> Result<Id, SeedError> {
    match pinned {
        None => Ok(state.new_id(rng, now)),
        Some(id) if !is_valid_id(id) => Err(SeedError::Invalid(format!(
            "`{id}` is not a 24-hex TagoIO id"
        ))),
        Some(id) if state.accounts.contains_key(id) || state.profiles.contains_key(id) => {
            Err(SeedError::Invalid(format!("id `{id}` is used twice")))
        }
        Some(id) => Ok(id.to_string()),
    }
}

fn add_seed_token(
    state: &mut State,
    seed: &SeedToken,
    account: &str,
    profile: &str,
    now: DateTime<Utc>,
) -> Result<(), SeedError> {
    if seed.token.expose().trim().is_empty() || state.tokens.contains_key(seed.token.expose()) {
        return Err(SeedError::Invalid(format!(
            "token `{}` has an empty or repeated value",
            seed.name
        )));
    }
    let expire = match &seed.expire_time {
        None => Expiry::Never,
        Some(text) => parse_expire_time(text, now).map_err(SeedError::Invalid)?,
    };
    state.tokens.insert(
        seed.token.expose().to_owned(),
        StoredToken {
            value: seed.token.clone(),
            name: seed.name.clone(),
            account: account.to_string(),
            profile: profile.to_string(),
            permission: seed.permission,
            expire,
            kind: TOKEN_TYPE_ACCOUNT.to_string(),
            created_at: now,
        },
    );
    Ok(())
}

/// A profile with no team, as `POST /profile` and seeds create it. Its allocation is set
/// by the caller (`POST /profile`) or when the state is completed ([`State::complete_billing`]).
pub fn new_profile(id: &str, account: &str, name: &str, now: DateTime<Utc>) -> StoredProfile {
    StoredProfile {
        id: id.to_string(),
        account: account.to_string(),
        name: name.to_string(),
        logo_url: None,
        banner_url: None,
        created_at: now,
        updated_at: now,
        team: BTreeMap::new(),
        allocation: None,
    }
}

/// TagoIO's public catalog ([`super::catalog`]), owned by TagoIO's own profile.
fn add_public_catalog(state: &mut State, now: DateTime<Utc>) {
    state.accounts.insert(
        TAGOIO_ACCOUNT_ID.into(),
        Account {
            id: TAGOIO_ACCOUNT_ID.into(),
            email: "integrations@tago.io".into(),
            password: Secret::default(),
            name: "TagoIO".into(),
            two_factor: false,
            totp_secret: None,
            otp_last_step: None,
            sent_codes: Vec::new(),
            otp_types: Vec::new(),
            created_at: now,
            subscription: None,
        },
    );
    state.profiles.insert(
        TAGOIO_PROFILE_ID.into(),
        new_profile(TAGOIO_PROFILE_ID, TAGOIO_ACCOUNT_ID, "TagoIO", now),
    );
    let entries = CATALOG_NETWORKS
        .iter()
        .map(|entry| (entry, ObjectKind::Network))
        .chain(
            CATALOG_CONNECTORS
                .iter()
                .map(|entry| (entry, ObjectKind::Connector)),
        );
    for (entry, kind) in entries {
        let mut fields = serde_json::Map::new();
        fields.insert("name".into(), entry.name.into());
        fields.insert("description".into(), entry.description.into());
        if kind == ObjectKind::Connector {
            fields.insert("networks".into(), serde_json::json!([LORAWAN_TTN_ID]));
        }
        let id = entry.id(kind == ObjectKind::Connector);
        state.insert_integration(catalog_object(id, kind, fields, entry.version, now));
    }
}
