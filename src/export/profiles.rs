//! Profiles, their teams and their tokens, as the configuration writes them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::document::{ExportedProfile, ExportedToken, Fields};
use crate::billing::{AddOn, Service};
use crate::config::RESERVED_TOKEN_PREFIX;
use crate::live::{LiveBilling, LiveMember, LiveProfile, LiveProfileState, LiveToken};

/// The permissions the configuration can manage.
const PERMISSIONS: [&str; 3] = ["full", "write", "read"];

/// One exported profile, and what was left out of it (for the file's header and stderr).
pub fn profile(
    live: &LiveProfile,
    state: &LiveProfileState,
    billing: Option<&LiveBilling>,
    pin: bool,
    now: DateTime<Utc>,
    notes: &mut Vec<String>,
) -> ExportedProfile {
    ExportedProfile {
        name: live.name.clone(),
        id: pin.then(|| live.id.clone()),
        token_env: None,
        logo_url: live.logo_url.clone().filter(|url| !url.is_empty()),
        banner_url: state.banner_url.clone().flatten(),
        allocation: billing
            .and_then(|b| b.allocation.get(&live.id))
            .map(|amounts| {
                Fields(
                    Service::ALL
                        .into_iter()
                        .filter_map(|s| Some((s.as_str().to_owned(), (*amounts.get(&s)?).into())))
                        .collect(),
                )
            }),
        addons: billing.map(|b| {
            AddOn::ALL
                .into_iter()
                .filter(|addon| b.addons.get(addon).is_some_and(|h| h.contains(&live.id)))
                .map(|addon| addon.as_str().to_owned())
                .collect()
        }),
        team: state.team.as_deref().map(|team| members(team, now)),
        tokens: state
            .tokens
            .as_deref()
            .map(|tokens| tokens_of(tokens, now, notes))
            .unwrap_or_default(),
    }
}

/// Active members and invitations that can still be accepted, by email. An expired
/// invitation no longer counts on TagoIO (a plan would send it again), so it is left out.
fn members(team: &[LiveMember], now: DateTime<Utc>) -> Vec<String> {
    let mut emails: Vec<String> = team
        .iter()
        .filter(|m| m.active || m.expires_at.is_none_or(|at| at > now))
        .map(|m| m.email.clone())
        .collect();
    emails.sort_by_key(|email| email.to_lowercase());
    emails.dedup_by_key(|email| email.to_lowercase());
    emails
}

/// Account tokens by name, permission and expiry (as a date, or `never`); never their values.
///
/// The `type` the account token route gives (as the emulator models it). *Unverified* for
/// TagoIO, whose `type` is a free string: a token of another type is left out of an export
/// with a note rather than taken over, since it may be one TagoIO made and will remove.
const ACCOUNT_TOKEN_TYPE: &str = "account";

/// Left out, with a note: tokens of another `type` (made at a login) and tagoform's own
/// (known by name), expired tokens or tokens that expire today (the configuration only accepts
/// future dates), permissions the configuration does not know, and names that several tokens
/// share (tokens are managed by name, so a plan would delete all but one).
fn tokens_of(
    tokens: &[LiveToken],
    now: DateTime<Utc>,
    notes: &mut Vec<String>,
) -> Vec<ExportedToken> {
    let today = now.date_naive();
    let mut exported: Vec<ExportedToken> = Vec::new();
    let mut twins = BTreeSet::new();
    let mut managed: Vec<&LiveToken> = Vec::new();
    for token in tokens
        .iter()
        .filter(|t| !t.name.starts_with(RESERVED_TOKEN_PREFIX))
    {
        match token.kind.as_deref() {
            None | Some(ACCOUNT_TOKEN_TYPE) => managed.push(token),
            Some(kind) => notes.push(format!(
                "token `{}`: TagoIO lists it with type `{kind}` (most likely made at a login, and \
                 deleted by TagoIO when it lapses), so it is not exported; add it by hand to manage it",
                token.name
            )),
        }
    }
    for token in &managed {
        let name = &token.name;
        if managed.iter().filter(|t| &t.name == name).count() > 1 {
            if twins.insert(name.clone()) {
                notes.push(format!(
                    "token `{name}`: several tokens have this name; tokens are managed by name, so give each its own name on TagoIO and export again"
                ));
            }
            continue;
        }
        if !PERMISSIONS.contains(&token.permission.as_str()) {
            notes.push(format!(
                "token `{name}`: permission `{}` is not one tagoform manages (full, write, read)",
                token.permission
            ));
            continue;
        }
        if let Some(text) = &token.unreadable_expiry {
            notes.push(format!(
                "token `{name}`: its expiry `{}` cannot be read, so it is left out",
                crate::text::visible(text)
            ));
            continue;
        }
        let expires = match token.expires_at {
            None => "never".to_owned(),
            Some(at) if at.date_naive() <= today => {
                notes.push(format!(
                    "token `{name}`: it expires on {} (not after today), so there is nothing to keep",
                    at.date_naive()
                ));
                continue;
            }
            Some(at) => at.date_naive().format("%Y-%m-%d").to_string(),
        };
        exported.push(ExportedToken {
            name: name.clone(),
            permission: token.permission.clone(),
            expires,
        });
    }
    exported.sort_by(|a, b| a.name.cmp(&b.name));
    exported
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::SHORT_LIVED_TOKEN_NAME;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn token(name: &str, permission: &str, expires: Option<&str>, kind: &str) -> LiveToken {
        LiveToken {
            name: name.to_owned(),
            permission: permission.to_owned(),
            expires_at: expires.map(at),
            unreadable_expiry: None,
            created_at: Some(at("2026-01-01T00:00:00Z")),
            kind: Some(kind.to_owned()),
        }
    }

    #[test]
    fn tokens_keep_name_permission_and_expiry_date_only() {
        let now = at("2026-11-22T12:00:00Z");
        let live = [
            token("ci", "write", None, "account"),
            token("grafana", "read", Some("2027-02-20T12:00:00Z"), "account"),
            token("web login", "full", None, "login"),
            token(
                SHORT_LIVED_TOKEN_NAME,
                "full",
                Some("2026-11-22T13:00:00Z"),
                "account",
            ),
            token("old", "read", Some("2026-11-01T00:00:00Z"), "account"),
            token("today", "read", Some("2026-11-22T18:00:00Z"), "account"),
            token("twin", "read", None, "account"),
            token("twin", "write", None, "account"),
            token("odd", "deny", None, "account"),
        ];
        let mut notes = Vec::new();
        let exported = tokens_of(&live, now, &mut notes);
        let shown: Vec<String> = exported
            .iter()
            .map(|t| format!("{} {} {}", t.name, t.permission, t.expires))
            .collect();
        assert_eq!(shown, ["ci write never", "grafana read 2027-02-20"]);
        assert_eq!(
            notes,
            [
                "token `web login`: TagoIO lists it with type `login` (most likely made at a login, and deleted by TagoIO when it lapses), so it is not exported; add it by hand to manage it",
                "token `old`: it expires on 2026-11-01 (not after today), so there is nothing to keep",
                "token `today`: it expires on 2026-11-22 (not after today), so there is nothing to keep",
                "token `twin`: several tokens have this name; tokens are managed by name, so give each its own name on TagoIO and export again",
                "token `odd`: permission `deny` is not one tagoform manages (full, write, read)",
            ]
        );
    }

    #[test]
    fn team_keeps_members_and_live_invitations_sorted_by_email() {
        let now = at("2026-11-22T12:00:00Z");
        let member = |email: &str, active: bool, expires: Option<&str>| LiveMember {
            account_id: "6500a1b2c3d4e5f6012345a0".into(),
            email: email.into(),
            active,
            invited_at: None,
            expires_at: expires.map(at),
        };
        let team = [
            member("bob@acme.example", true, None),
            member("Alice@acme.example", false, Some("2026-11-29T12:00:00Z")),
            member("gone@acme.example", false, Some("2026-11-20T12:00:00Z")),
        ];
        assert_eq!(
            members(&team, now),
            ["Alice@acme.example", "bob@acme.example"]
        );
    }
}
