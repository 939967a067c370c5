//! The checks themselves, each a GET through the typed client. Kept apart from the report so
//! the report stays plain data.

use chrono::{DateTime, Utc};

use super::{Outcome, Report};
use crate::api::types::{ProfileListItem, TeamMember};
use crate::api::{ApiError, Client, ListQuery, ObjectKind, ShareError};
use crate::config::Desired;
use crate::live::Id;

/// How far the server's clock may be from this machine's before the row fails: expiries of
/// invitations and tokens are judged by the server's clock, and a machine far off would read
/// the apply lock's lease and every date in a plan wrongly.
const CLOCK_TOLERANCE_SECONDS: i64 = 60;

/// A profile id that no TagoIO profile has: a list filtered by it must be empty.
const NO_SUCH_PROFILE: &str = "000000000000000000000000";

/// The keys of a team item, exactly (sdk-js `ProfileTeam`).
const TEAM_KEYS: [&str; 5] = ["active", "created_at", "email", "id", "name"];

/// A `token_env` token, as the configuration names it.
#[derive(Debug, Clone)]
pub struct ProfileToken {
    /// The configuration key of the profile.
    pub key: String,
    /// The variable that holds it.
    pub variable: String,
    /// A client sending it.
    pub client: Client,
}

/// Runs every check. `account` holds the account token; `tokens` are the `token_env`
/// tokens of the configuration's profiles. `now` is this machine's clock. Long because it
/// is the list of checks in the order the report shows them, each a request, what TagoIO is
/// expected to answer and the source that says so.
pub async fn probe(
    desired: &Desired,
    account: &Client,
    tokens: &[ProfileToken],
    now: DateTime<Utc>,
) -> Report {
    let mut report = Report::default();
    // The first 429 met, as route and what it said.
    let mut limited: Option<(String, String)> = None;
    let mut note = |route: &str, error: &ApiError| {
        if error.is_rate_limited() && limited.is_none() {
            limited = Some((route.to_owned(), error.to_string()));
        }
    };

    let profiles = match account.profiles_list().await {
        Ok(profiles) => {
            let own = profiles.iter().filter(|p| p.is_own()).count();
            report.push(
                "GET /profile (account token)",
                "the account's profiles, `{id, name, logo_url, from_share?}`",
                "sdk-js Profile.ts, ProfileListInfo",
                Outcome::Holds(format!("{} profiles, {own} owned", profiles.len())),
            );
            profiles
        }
        Err(error) => {
            note("GET /profile", &error);
            report.push(
                "GET /profile (account token)",
                "the account's profiles",
                "sdk-js Profile.ts",
                Outcome::Fails(format!("{error}")),
            );
            Vec::new()
        }
    };
    clock(&mut report, account, now);
    let account_profile = match account.profile_current().await {
        Ok(current) => {
            report.push(
                "GET /profile/current (account token)",
                "the token's own profile, `{info: {id, account, name, ...}, ...}`",
                "sdk-js Profile.ts, profiles.info(\"current\")",
                Outcome::Holds(format!(
                    "profile `{}` ({}) of account {}",
                    current.info.name, current.info.id, current.info.account
                )),
            );
            Some(current.info.id)
        }
        Err(error) => {
            note("GET /profile/current", &error);
            report.push(
                "GET /profile/current (account token)",
                "the token's own profile",
                "sdk-js Profile.ts, profiles.info(\"current\")",
                Outcome::Fails(format!("{error}")),
            );
            None
        }
    };

    // Which client may read which profile's objects: the account token's own profile, and
    // each `token_env` profile whose token is of that profile.
    let mut readers: Vec<(Id, Client)> = Vec::new();
    if let Some(id) = account_profile {
        readers.push((id, account.clone()));
    }
    for token in tokens {
        let route = format!("GET /profile/current ({})", token.variable);
        let expected = configured_id(desired, &token.key, &profiles);
        match token.client.profile_current().await {
            Err(error) => {
                note("GET /profile/current", &error);
                let found = if error.is_forbidden() {
                    format!(
                        "{error}: the token may not read (a `write` token only creates and \
                         updates); set {} to a `read` or `full` token",
                        token.variable
                    )
                } else {
                    error.to_string()
                };
                report.push(
                    route,
                    format!("a token of profile `{}` that may read", token.key),
                    "sdk-js Profile.ts, profiles.info(\"current\"); docs profiles/account-token.md",
                    Outcome::Fails(found),
                );
            }
            Ok(current) => {
                let outcome = match &expected {
                    Some(id) if *id == current.info.id => {
                        readers.push((id.clone(), token.client.clone()));
                        Outcome::Holds(format!("profile `{}` ({id})", current.info.name))
                    }
                    Some(id) => Outcome::Fails(format!(
                        "the token is of profile `{}` ({}) of account {}, not of `{}` ({id})",
                        current.info.name, current.info.id, current.info.account, token.key
                    )),
                    None => Outcome::Skipped(format!(
                        "profile `{}` matches no single profile of this account yet",
                        token.key
                    )),
                };
                report.push(
                    route,
                    format!("a token of profile `{}`", token.key),
                    "sdk-js Profile.ts, profiles.info(\"current\")",
                    outcome,
                );
            }
        }
    }

    let owned = lists(&mut report, &readers, &mut note).await;
    shares(&mut report, owned, &mut note).await;
    team(&mut report, desired, account, &profiles, &mut note).await;
    if crate::live::manages_billing(desired) {
        let owned = profiles
            .iter()
            .filter(|p| p.is_own())
            .map(|p| p.id.clone())
            .collect();
        super::billing::probe(&mut report, account, &owned).await;
    }

    match limited {
        Some((route, error)) => report.push(
            "429 answers",
            "a message or `Retry-After` header saying how long to wait",
            "docs profiles/services/rate-limits-hard-limits.md",
            Outcome::Holds(format!("met on {route}: {error}")),
        ),
        None => report.push(
            "429 answers",
            "a message or `Retry-After` header saying how long to wait",
            "docs profiles/services/rate-limits-hard-limits.md",
            Outcome::Skipped("no request was rate limited".to_owned()),
        ),
    }
    report
}

/// The server's clock (its `Date` header) against this machine's.
fn clock(report: &mut Report, client: &Client, now: DateTime<Utc>) {
    let outcome = match client.server_time() {
        None => Outcome::Skipped("no answer carried a `Date` header".to_owned()),
        Some(server) => {
            let ahead = (server - now).num_seconds();
            let said = match ahead {
                0 => "the server's clock agrees with this machine's".to_owned(),
                n if n > 0 => format!("the server's clock is {n} s ahead of this machine's"),
                n => format!("the server's clock is {} s behind this machine's", -n),
            };
            if ahead.abs() <= CLOCK_TOLERANCE_SECONDS {
                Outcome::Holds(said)
            } else {
                Outcome::Fails(format!(
                    "{said}: expiries are judged by the server's clock; set this machine's clock"
                ))
            }
        }
    };
    report.push(
        "Date header",
        format!("within {CLOCK_TOLERANCE_SECONDS} s of this machine's clock"),
        "RFC 9110 `Date`; tagoform judges expiry by the server's clock",
        outcome,
    );
}

/// The id the configuration's profile `key` has on TagoIO: its pin, else the one owned
/// profile of its name.
fn configured_id(desired: &Desired, key: &str, profiles: &[ProfileListItem]) -> Option<Id> {
    let profile = desired.profiles.get(key)?;
    if let Some(pin) = &profile.id {
        return Some(pin.as_str().to_owned());
    }
    let mut named = profiles
        .iter()
        .filter(|p| p.is_own() && p.name == profile.name);
    match (named.next(), named.next()) {
        (Some(only), None) => Some(only.id.clone()),
        _ => None,
    }
}

/// One object a profile owns, to read its share list.
type Owned = Option<(ObjectKind, Id, Client)>;

/// `filter[profile]` lists: they answer, and a profile id no profile has gives nothing.
async fn lists(
    report: &mut Report,
    readers: &[(Id, Client)],
    note: &mut impl FnMut(&str, &ApiError),
) -> Owned {
    let Some((profile, client)) = readers.first() else {
        for kind in ["network", "connector"] {
            report.push(
                format!("GET /integration/{kind}?filter[profile]=…"),
                "only the profile's own objects",
                "mcp-server src/services/integration/AGENTS.md",
                Outcome::Skipped("no token of a profile of this account to list with".to_owned()),
            );
        }
        return None;
    };
    let mut owned: Owned = None;
    let query = ListQuery::default().fields(["id", "name", "public"]);
    for kind in [ObjectKind::Network, ObjectKind::Connector] {
        let word = kind.as_str();
        let source = "mcp-server src/services/integration/AGENTS.md";
        let listed = list(client, kind, profile, &query).await;
        let nobody = list(client, kind, NO_SUCH_PROFILE, &query).await;
        let outcome = match (listed, nobody) {
            (Err(error), _) | (_, Err(error)) => {
                note(&format!("GET /integration/{word}"), &error);
                Outcome::Fails(format!("{error}"))
            }
            (Ok(_), Ok(others)) if !others.is_empty() => Outcome::Fails(format!(
                "{} {word}s listed for a profile id no profile has: this API ignores \
                 `filter[profile]`, so tagoform cannot tell a profile's own {word}s from shared \
                 and catalog ones",
                others.len()
            )),
            (Ok(mine), Ok(_)) if mine.iter().any(|(_, public)| *public) => Outcome::Fails(format!(
                "the profile's own {word}s include public (catalog) ones"
            )),
            (Ok(mine), Ok(_)) => {
                if owned.is_none() {
                    if let Some((id, _)) = mine.first() {
                        owned = Some((kind, id.clone(), client.clone()));
                    }
                }
                Outcome::Holds(format!(
                    "{} own {word}s in profile {profile}; none for an unknown profile id",
                    mine.len()
                ))
            }
        };
        report.push(
            format!("GET /integration/{word}?filter[profile]=…"),
            "only the profile's own objects (TagoIO lists also hold shared and catalog ones)",
            source,
            outcome,
        );
    }
    owned
}

async fn list(
    client: &Client,
    kind: ObjectKind,
    profile: &str,
    query: &ListQuery,
) -> Result<Vec<(Id, bool)>, ApiError> {
    Ok(match kind {
        ObjectKind::Network => client
            .owned_networks(profile, query)
            .await?
            .into_iter()
            .map(|n| (n.id, n.fields.public.unwrap_or(false)))
            .collect(),
        ObjectKind::Connector => client
            .owned_connectors(profile, query)
            .await?
            .into_iter()
            .map(|c| (c.id, c.public.unwrap_or(false)))
            .collect(),
    })
}

/// The share list of one owned object: the one share route tagoform reads.
async fn shares(report: &mut Report, owned: Owned, note: &mut impl FnMut(&str, &ApiError)) {
    let expectation = "the recipients, `[{profile_id, ...}]`";
    let source = "*unverified*: no public TagoIO source names the share routes";
    let Some((kind, id, client)) = owned else {
        report.push(
            "GET /integration/{kind}/{id}/share",
            expectation,
            source,
            Outcome::Skipped("no network or connector owned by a profile with a token".to_owned()),
        );
        return;
    };
    let route = format!("GET /integration/{}/{id}/share", kind.as_str());
    let outcome = match client.share_recipients(kind, &id).await {
        Ok(recipients) => Outcome::Holds(format!("{} recipients", recipients.len())),
        Err(ShareError::Unexpected { source, .. }) => Outcome::Fails(format!(
            "{source}: shares cannot be read here, so plan and apply stop where they would \
             change one"
        )),
        Err(ShareError::Api(error)) => {
            note(&route, &error);
            Outcome::Fails(format!("{error}"))
        }
        Err(other) => Outcome::Fails(format!("{other}")),
    };
    report.push(route, expectation, source, outcome);
}

/// The shape of a team item, on the first managed team that has one.
async fn team(
    report: &mut Report,
    desired: &Desired,
    account: &Client,
    profiles: &[ProfileListItem],
    note: &mut impl FnMut(&str, &ApiError),
) {
    let expectation = "items of exactly `{id, email, name, active, created_at}`";
    let source = "sdk-js profile.types.ts, ProfileTeam";
    let managed = desired
        .profiles
        .values()
        .filter(|p| p.team.is_some())
        .filter_map(|p| configured_id(desired, &p.key, profiles));
    for id in managed {
        let route = format!("GET /profile/{id}/team");
        let items = match account.team_list_raw(&id).await {
            Ok(items) => items,
            Err(error) => {
                note(&route, &error);
                report.push(
                    route,
                    expectation,
                    source,
                    Outcome::Fails(format!("{error}")),
                );
                return;
            }
        };
        let Some(item) = items.first() else {
            continue;
        };
        let mut keys: Vec<&str> = item.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let typed = serde_json::from_value::<TeamMember>(serde_json::Value::Object(item.clone()));
        let outcome = if keys == TEAM_KEYS && typed.is_ok() {
            Outcome::Holds(format!("{} items", items.len()))
        } else {
            Outcome::Fails(format!(
                "an item has the keys {}: invitations would be misjudged",
                keys.join(", ")
            ))
        };
        report.push(route, expectation, source, outcome);
        return;
    }
    report.push(
        "GET /profile/{id}/team",
        expectation,
        source,
        Outcome::Skipped("no managed team with a member or an invitation".to_owned()),
    );
}
