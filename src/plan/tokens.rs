//! Account tokens: managed by name, never by value.
//!
//! A token is in line when a live token of its name has its permission and expiry. A change of
//! either replaces the token (create the new one, then delete the old, so access never lapses).
//! Tokens the configuration does not name, and the tokens TagoIO makes at each login, are
//! never touched.

use chrono::{DateTime, Duration, Months, Utc};

use serde_json::json;

use super::operation::{FieldChange, OperationKind, ProfileRef, TokenStamp};
use super::order::{Draft, Drafts};
use crate::config::{Expiry, Period, PeriodUnit, Token};
use crate::live::LiveToken;

/// How far a live expiry may be from `created_at + period` and still be that period: the
/// server computes it from its own clock a moment after the token's creation time.
const PERIOD_TOLERANCE_SECONDS: i64 = 120;

/// Drafts the token operations of one profile. `depends_on` is the profile's creation, if any.
pub fn diff_tokens(
    drafts: &mut Drafts,
    target: &ProfileRef,
    desired: &[Token],
    live: &[LiveToken],
    now: DateTime<Utc>,
    depends_on: &[usize],
) {
    for token in desired {
        let same_name: Vec<&LiveToken> = live.iter().filter(|t| t.name == token.name).collect();
        let (current, stale): (Vec<&LiveToken>, Vec<&LiveToken>) = same_name
            .iter()
            .partition(|t| permission_and_expiry_match(token, t, now));
        let kind = if !current.is_empty() {
            // One live token is right; any other of that name is left over from an interrupted
            // replacement and goes, as the replacement would have done.
            for old in stale.iter().chain(current.iter().skip(1)) {
                drafts.push(Draft {
                    profile: target.key.clone(),
                    kind: OperationKind::DeleteToken {
                        target: target.clone(),
                        name: token.name.clone(),
                        stamp: stamp(old),
                    },
                    changes: Vec::new(),
                    origin: Some(token.origin.clone()),
                    depends_on: depends_on.to_vec(),
                });
            }
            continue;
        } else if stale.is_empty() {
            OperationKind::CreateToken {
                target: target.clone(),
                name: token.name.clone(),
                permission: token.permission,
                expires: token.expires.api_value(),
            }
        } else {
            OperationKind::ReplaceToken {
                target: target.clone(),
                name: token.name.clone(),
                permission: token.permission,
                expires: token.expires.api_value(),
                replaces: stale.iter().map(|t| stamp(t)).collect(),
            }
        };
        let changes = token_changes(token, stale.first().copied(), now);
        drafts.push(Draft {
            profile: target.key.clone(),
            kind,
            changes,
            origin: Some(token.origin.clone()),
            depends_on: depends_on.to_vec(),
        });
    }
}

fn stamp(token: &LiveToken) -> TokenStamp {
    TokenStamp {
        permission: token.permission.clone(),
        created_at: token.created_at,
        expires_at: token.expires_at,
    }
}

fn token_changes(token: &Token, old: Option<&LiveToken>, now: DateTime<Utc>) -> Vec<FieldChange> {
    let new_permission = json!(token.permission.as_str());
    let new_expires = json!(token.expires.api_value());
    let Some(old) = old else {
        return vec![
            FieldChange::new("permission", None, new_permission),
            FieldChange::new("expires", None, new_expires),
        ];
    };
    let mut changes = Vec::new();
    if old.permission != token.permission.as_str() {
        let old_permission = json!(old.permission);
        changes.push(FieldChange::new(
            "permission",
            Some(old_permission),
            new_permission,
        ));
    }
    let expired = old.expires_at.filter(|at| *at <= now);
    if !expiry_matches(&token.expires, old) || expired.is_some() {
        let old_expires = match (old.expires_at, expired, &old.unreadable_expiry) {
            (_, Some(at), _) => format!("{} (expired)", at.to_rfc3339()),
            (Some(at), None, _) => at.to_rfc3339(),
            (None, None, Some(text)) => format!("{} (unreadable)", crate::text::visible(text)),
            (None, None, None) => "never".to_owned(),
        };
        changes.push(FieldChange::new(
            "expires",
            Some(json!(old_expires)),
            new_expires,
        ));
    }
    changes
}

/// True when the live token has the desired permission and expiry and has not expired.
fn permission_and_expiry_match(token: &Token, live: &LiveToken, now: DateTime<Utc>) -> bool {
    let expired = live.expires_at.is_some_and(|at| at <= now);
    live.permission == token.permission.as_str() && expiry_matches(&token.expires, live) && !expired
}

fn expiry_matches(expires: &Expiry, live: &LiveToken) -> bool {
    // An expiry no clock reads matches nothing: the token is replaced by one that can be read.
    if live.unreadable_expiry.is_some() {
        return false;
    }
    match (expires, live.expires_at) {
        (Expiry::Never, None) => true,
        (Expiry::Never, Some(_)) | (Expiry::Date(_), None) | (Expiry::Period(_), None) => false,
        (Expiry::Date(date), Some(at)) => at.date_naive() == *date,
        (Expiry::Period(period), Some(at)) => match live.created_at {
            // Without a creation time the period cannot be checked; trust it rather than
            // replace a token on every run.
            None => true,
            Some(created) => add_period(created, *period).is_some_and(|expected| {
                (expected - at).num_seconds().abs() <= PERIOD_TOLERANCE_SECONDS
            }),
        },
    }
}

/// `start + period`, calendar-aware for months and years.
pub fn add_period(start: DateTime<Utc>, period: Period) -> Option<DateTime<Utc>> {
    let amount = i64::from(period.amount);
    match period.unit {
        PeriodUnit::Minutes => start.checked_add_signed(Duration::try_minutes(amount)?),
        PeriodUnit::Hours => start.checked_add_signed(Duration::try_hours(amount)?),
        PeriodUnit::Days => start.checked_add_signed(Duration::try_days(amount)?),
        PeriodUnit::Weeks => start.checked_add_signed(Duration::try_weeks(amount)?),
        PeriodUnit::Months => start.checked_add_months(Months::new(period.amount)),
        PeriodUnit::Years => start.checked_add_months(Months::new(period.amount.checked_mul(12)?)),
    }
}
