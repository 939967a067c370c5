//! Team members: the configured list is complete, members compare by email case-insensitively.
//!
//! A pending invitation is left to be accepted (a notice, not a re-send); an expired one no
//! longer counts and is sent again; a pending invitation of an email the list no longer names is
//! revoked, since left alone it could still be accepted later; an expired one of such an email
//! is removed too, so that the team on TagoIO reads as the list does.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::operation::{Notice, OperationKind, ProfileRef};
use super::order::{Draft, Drafts};
use crate::config::Member;
use crate::live::LiveMember;

/// Drafts invitations and removals for one profile.
pub fn diff_team(
    drafts: &mut Drafts,
    target: &ProfileRef,
    desired: &[Member],
    live: &[LiveMember],
    now: DateTime<Utc>,
    depends_on: &[usize],
) {
    // Each email lowercased once: lookups by identity stay linear in the team's size.
    let mut live_by_email: HashMap<String, &LiveMember> = HashMap::new();
    let live_emails: Vec<String> = live.iter().map(|m| m.email.to_lowercase()).collect();
    for (email, member) in live_emails.iter().zip(live) {
        live_by_email.entry(email.clone()).or_insert(member);
    }
    let wanted: HashSet<String> = desired.iter().map(Member::identity).collect();
    for member in desired {
        let existing = live_by_email.get(&member.identity()).copied();
        let reinvite = match existing {
            Some(m) if m.active => continue,
            Some(m) if !is_expired(m, now) => {
                drafts.notice(Notice::PendingInvitation {
                    profile: target.key.clone(),
                    email: member.email.clone(),
                    invited_at: m.invited_at,
                    expires_at: m.expires_at,
                });
                continue;
            }
            Some(_) => true,
            None => false,
        };
        drafts.push(Draft {
            profile: target.key.clone(),
            kind: OperationKind::InviteMember {
                target: target.clone(),
                email: member.email.clone(),
                reinvite,
            },
            changes: Vec::new(),
            origin: Some(member.origin.clone()),
            depends_on: depends_on.to_vec(),
        });
    }
    for (member, email) in live.iter().zip(&live_emails) {
        if wanted.contains(email) {
            continue;
        }
        drafts.push(Draft {
            profile: target.key.clone(),
            kind: OperationKind::RemoveMember {
                target: target.clone(),
                email: member.email.clone(),
                account_id: member.account_id.clone(),
                pending: !member.active,
                expired: is_expired(member, now),
            },
            changes: Vec::new(),
            origin: None,
            depends_on: depends_on.to_vec(),
        });
    }
}

fn is_expired(member: &LiveMember, now: DateTime<Utc>) -> bool {
    !member.active && member.expires_at.is_some_and(|at| at <= now)
}
