//! What the hardening tests share: a generated configuration of a few hundred operations,
//! one `apply` in-process (read, plan, execute) with a fast client, and the exact check of the
//! emulator's state against the configuration (no duplicate, nothing missing, nothing extra).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tagoform::access::SHORT_LIVED_TOKEN_NAME;
use tagoform::api::{Client, ManualClock, RetryPolicy, Token};
use tagoform::apply::{self, Status};
use tagoform::config::Desired;
use tagoform::emulator::model::ObjectKind;
use tagoform::emulator::seed::SeedAccount;
use tagoform::emulator::seed::{DEMO_EMAIL, DEMO_TOKEN, PARTNER_PROFILE_ID};
use tagoform::emulator::{AppState, Seed};
use tagoform::live;
use tagoform::plan;

use crate::support::emulator::demo_access;

/// The external profile every generated object is also shared with.
pub const PARTNER_KEY: &str = "partner";

/// One generated profile and what it owns, by name.
#[derive(Debug, Clone)]
pub struct ProfileSpec {
    pub key: String,
    pub name: String,
    pub team: Vec<String>,
    /// (name, permission)
    pub tokens: Vec<(String, String)>,
    /// (kind, name, recipient profile keys)
    pub objects: Vec<(ObjectKind, String, Vec<String>)>,
}

/// The generated configuration, for the exact check.
#[derive(Debug, Clone)]
pub struct Spec {
    pub profiles: Vec<ProfileSpec>,
    /// How many operations a first apply on the demo seed plans.
    pub operations: usize,
}

/// Writes `tagoform.yaml` into `dir`: `count` profiles, each with a team of 3, 2 tokens, 2
/// networks and 3 connectors, every object shared with the next profile and the partner.
/// A non-empty `variant` changes every team, one token's permission, and shares connectors
/// with the partner only: "a different configuration" of the same objects, whose plan
/// invites, removes, replaces and unshares.
pub fn generate(dir: &Path, count: usize, variant: &str) -> Spec {
    let mut yaml = format!(
        "version: 1\nexternal_profiles:\n  {PARTNER_KEY}: {PARTNER_PROFILE_ID}\nprofiles:\n"
    );
    let mut profiles = Vec::new();
    for index in 0..count {
        let key = format!("p{index:02}");
        let next = format!("p{:02}", (index + 1) % count);
        let team: Vec<String> = (0..3)
            .map(|member| format!("m{member}.{key}{variant}@soak.example"))
            .collect();
        // The variant gives the second token another permission, which replaces it.
        let second = if variant.is_empty() { "read" } else { "full" };
        let tokens = vec![
            (format!("{key}-deploy"), "write".to_owned()),
            (format!("{key}-read"), second.to_owned()),
        ];
        let recipients = vec![next.clone(), PARTNER_KEY.to_owned()];
        let mut objects = Vec::new();
        for n in 0..2 {
            objects.push((
                ObjectKind::Network,
                format!("{key} net {n}"),
                recipients.clone(),
            ));
        }
        // The variant shares its connectors with the partner only.
        let sensor_recipients = if variant.is_empty() {
            recipients.clone()
        } else {
            vec![PARTNER_KEY.to_owned()]
        };
        for c in 0..3 {
            objects.push((
                ObjectKind::Connector,
                format!("{key} sensor {c}"),
                sensor_recipients.clone(),
            ));
        }
        let _ = writeln!(yaml, "  {key}:\n    name: Soak {key}\n    team:");
        for email in &team {
            let _ = writeln!(yaml, "      - {email}");
        }
        let _ = writeln!(yaml, "    tokens:");
        for (name, permission) in &tokens {
            let _ = writeln!(
                yaml,
                "      - {{name: {name}, permission: {permission}, expires: never}}"
            );
        }
        profiles.push(ProfileSpec {
            key: key.clone(),
            name: format!("Soak {key}"),
            team,
            tokens,
            objects,
        });
    }
    yaml.push_str("networks:\n");
    for profile in &profiles {
        let key = &profile.key;
        for (kind, name, recipients) in &profile.objects {
            if *kind != ObjectKind::Network {
                continue;
            }
            let id = name.replace(' ', "-");
            let _ = writeln!(
                yaml,
                "  {id}:\n    profile: {key}\n    name: {name}\n    description: network of {key}\n    middleware_endpoint: lns.{key}.example\n    shared_with: [{}]",
                recipients.join(", ")
            );
        }
    }
    yaml.push_str("connectors:\n");
    for profile in &profiles {
        let key = &profile.key;
        for (kind, name, recipients) in &profile.objects {
            if *kind != ObjectKind::Connector {
                continue;
            }
            let id = name.replace(' ', "-");
            let _ = writeln!(
                yaml,
                "  {id}:\n    profile: {key}\n    name: {name}\n    description: sensor of {key}\n    networks: [{key}-net-0, {key}-net-1]\n    payload_decoder: \"// {name}\"\n    shared_with: [{}]",
                recipients.join(", ")
            );
        }
    }
    std::fs::write(dir.join("tagoform.yaml"), yaml).unwrap();
    // profile + 3 invitations + 2 tokens + 5 objects + 10 shares
    let operations = count * (1 + 3 + 2 + 5 + 10);
    Spec {
        profiles,
        operations,
    }
}

/// The demo seed plus an account for every team member of `specs` (invitations go to
/// existing accounts only).
pub fn seed(specs: &[&Spec]) -> Seed {
    let mut seed = Seed::demo();
    let emails: BTreeSet<&String> = specs
        .iter()
        .flat_map(|spec| &spec.profiles)
        .flat_map(|p| &p.team)
        .collect();
    for email in emails {
        seed.accounts.push(SeedAccount {
            id: None,
            email: email.clone(),
            password: "member-password".into(),
            name: email.clone(),
            two_factor: false,
            totp_secret: None,
            otp_types: Vec::new(),
            profiles: Vec::new(),
        });
    }
    seed
}

/// Two configurations of the same `count` profiles in `dir/a` and `dir/b`: the plain one and
/// its variant (see [`generate`]).
pub fn two_configurations(dir: &Path, count: usize) -> ((PathBuf, Spec), (PathBuf, Spec)) {
    let (dir_a, dir_b) = (dir.join("a"), dir.join("b"));
    std::fs::create_dir_all(&dir_a).unwrap();
    std::fs::create_dir_all(&dir_b).unwrap();
    let spec_a = generate(&dir_a, count, "");
    let spec_b = generate(&dir_b, count, "-b");
    ((dir_a, spec_a), (dir_b, spec_b))
}

pub use super::load;

/// A client of the demo account with instant backoff (a manual clock) and a short timeout,
/// so that slow answers count as lost within the test's time.
pub fn fast_client(url: &str, timeout: Duration, seed: u64) -> Client {
    Client::builder(url)
        .token(Token::new(DEMO_TOKEN))
        .clock(Arc::new(ManualClock::default()))
        .timeout(timeout)
        .retry(RetryPolicy {
            jitter_seed: Some(seed),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// What one in-process apply did (the binary's runs are `world::Run`).
#[derive(Debug, Default)]
pub struct Applied {
    /// Operations planned (0: nothing to do, the run that ends a loop).
    pub planned: usize,
    pub failed: usize,
    pub skipped: usize,
    /// The first failure message, to show when a loop does not converge.
    pub first_failure: Option<String>,
    /// Reading the live state or planning failed (faults); nothing was applied.
    pub read_error: Option<String>,
}

/// One `apply` as the command does it: read, plan, execute, remove short-lived tokens.
pub async fn apply_once(client: Client, desired: &Desired, parallelism: usize) -> Applied {
    let access = demo_access(client.clone());
    let run = async {
        let live = match live::fetch(desired, &access, parallelism).await {
            Ok(live) => live,
            Err(error) => return Applied::with_error(error.to_string()),
        };
        let now = client.server_time().unwrap_or_else(chrono::Utc::now);
        let plan = match plan::plan(desired, &live, now) {
            Ok(plan) => plan,
            Err(error) => return Applied::with_error(error.to_string()),
        };
        let report = apply::apply(&plan, &access, parallelism, None, |_, _| {}).await;
        let mut run = Applied {
            planned: plan.operations.len(),
            ..Applied::default()
        };
        for outcome in &report.outcomes {
            match outcome.status {
                Status::Done => {}
                Status::Failed(ref message) => {
                    run.failed += 1;
                    if run.first_failure.is_none() {
                        let operation = &plan.operations[outcome.index];
                        run.first_failure = Some(format!("{operation:?}: {message}"));
                    }
                }
                Status::Skipped { .. } => run.skipped += 1,
            }
        }
        run
    }
    .await;
    access.close().await;
    run
}

impl Applied {
    fn with_error(error: String) -> Self {
        Self {
            read_error: Some(error),
            ..Self::default()
        }
    }

    /// True for the run that found nothing to do.
    pub fn converged(&self) -> bool {
        self.read_error.is_none() && self.planned == 0
    }
}

/// Checks the emulator's state against `spec` exactly: every generated profile once, its
/// team, its managed tokens once each, its networks and connectors once each with exactly
/// the planned shares and networks. Returns the count of short-lived tokens left behind
/// (lost answers to their creation, or a killed run; they expire within the hour).
pub fn assert_state_matches(state: &AppState, spec: &Spec) -> usize {
    state
        .read(|data, _| {
            let account = data
                .accounts
                .values()
                .find(|a| a.email == DEMO_EMAIL)
                .unwrap();
            let owned: Vec<_> = data
                .profiles
                .values()
                .filter(|p| p.account == account.id && p.name.starts_with("Soak "))
                .collect();
            let names: BTreeMap<&str, usize> = owned.iter().fold(BTreeMap::new(), |mut m, p| {
                *m.entry(p.name.as_str()).or_default() += 1;
                m
            });
            let wanted: BTreeMap<&str, usize> =
                spec.profiles.iter().map(|p| (p.name.as_str(), 1)).collect();
            assert_eq!(names, wanted, "profiles by name");
            let by_key: BTreeMap<&str, &str> = spec
                .profiles
                .iter()
                .map(|p| {
                    let id = owned.iter().find(|o| o.name == p.name).unwrap().id.as_str();
                    (p.key.as_str(), id)
                })
                .chain([(PARTNER_KEY, PARTNER_PROFILE_ID)])
                .collect();
            let mut stray_short_lived = 0;
            for profile in &spec.profiles {
                let id = by_key[profile.key.as_str()];
                let live = &data.profiles[id];
                let team: BTreeSet<String> = live
                    .team
                    .keys()
                    .map(|member| data.accounts[member].email.clone())
                    .collect();
                let wanted: BTreeSet<String> = profile.team.iter().cloned().collect();
                assert_eq!(team, wanted, "team of {}", profile.key);
                let mut tokens: Vec<(String, String)> = data
                    .tokens
                    .values()
                    .filter(|t| t.profile == id && t.account == account.id)
                    .filter(|t| {
                        let short = t.name == SHORT_LIVED_TOKEN_NAME;
                        stray_short_lived += usize::from(short);
                        !short
                    })
                    .map(|t| (t.name.clone(), t.permission.to_string()))
                    .collect();
                tokens.sort();
                let mut wanted_tokens = profile.tokens.clone();
                wanted_tokens.sort();
                assert_eq!(tokens, wanted_tokens, "tokens of {}", profile.key);
                let mut objects: Vec<(ObjectKind, String, Vec<String>)> = data
                    .integrations
                    .values()
                    .filter(|i| i.profile == id)
                    .map(|i| {
                        let name = i.fields["name"].as_str().unwrap().to_owned();
                        let mut shares: Vec<String> = i.shares.keys().cloned().collect();
                        shares.sort();
                        (i.kind, name, shares)
                    })
                    .collect();
                objects.sort_by(|a, b| (a.1.as_str(), &a.2).cmp(&(b.1.as_str(), &b.2)));
                let mut wanted_objects: Vec<(ObjectKind, String, Vec<String>)> = profile
                    .objects
                    .iter()
                    .map(|(kind, name, recipients)| {
                        let mut ids: Vec<String> = recipients
                            .iter()
                            .map(|r| by_key[r.as_str()].to_owned())
                            .collect();
                        ids.sort();
                        (*kind, name.clone(), ids)
                    })
                    .collect();
                wanted_objects.sort_by(|a, b| (a.1.as_str(), &a.2).cmp(&(b.1.as_str(), &b.2)));
                assert_eq!(objects, wanted_objects, "objects of {}", profile.key);
                for connector in data
                    .integrations
                    .values()
                    .filter(|i| i.profile == id && i.kind == ObjectKind::Connector)
                {
                    let networks: BTreeSet<String> = connector
                        .networks()
                        .iter()
                        .map(|n| {
                            data.integrations[n].fields["name"]
                                .as_str()
                                .unwrap()
                                .to_owned()
                        })
                        .collect();
                    let wanted: BTreeSet<String> =
                        (0..2).map(|n| format!("{} net {n}", profile.key)).collect();
                    assert_eq!(
                        networks, wanted,
                        "networks of a connector of {}",
                        profile.key
                    );
                }
            }
            Ok(stray_short_lived)
        })
        .unwrap()
}
