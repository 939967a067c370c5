//! One sentence per operation and notice, shared by the text and markdown renderers so a
//! reviewer reads the same words in a terminal and in a pull-request comment.

use super::visible;
use crate::plan::safety::Refusal;
use crate::plan::{
    Action, Notice, ObjectRef, Operation, OperationKind, Plan, ProfileRef, PublicationStatus,
    ACCOUNT,
};

/// The symbol of an action, as Terraform users know them.
pub fn symbol(action: Action) -> &'static str {
    match action {
        Action::Create => "+",
        Action::Update => "~",
        Action::Delete => "-",
        Action::Replace => "-/+",
    }
}

/// What the operation will do, e.g. "share connector `th` with `globex` (64f1…)", with any
/// character that could disguise it shown as `\u{...}` ([`visible`]).
pub fn describe(operation: &Operation) -> String {
    visible(&sentence(operation)).into_owned()
}

/// One arm per operation kind: long because the plan has that many kinds, and one match
/// keeps every sentence of the plan side by side.
fn sentence(operation: &Operation) -> String {
    match &operation.kind {
        OperationKind::CreateProfile { target, name, .. } => {
            format!("create profile `{}` named \"{name}\"", target.key)
        }
        OperationKind::UpdateProfile { target } => format!("update profile {}", profile(target)),
        OperationKind::DeleteProfile {
            target,
            name,
            addons,
        } => {
            let also = if addons.is_empty() {
                String::new()
            } else {
                let names: Vec<&str> = addons.iter().map(|a| a.as_str()).collect();
                format!(
                    "; its add-ons ({}) leave the account's subscription",
                    names.join(", ")
                )
            };
            format!(
                "delete profile {} named \"{name}\" and everything in it{also}",
                profile(target)
            )
        }
        OperationKind::InviteMember {
            email, reinvite, ..
        } => {
            if *reinvite {
                format!("invite {email} again (the earlier invitation expired)")
            } else {
                format!("invite {email} to the team")
            }
        }
        OperationKind::RemoveMember {
            email,
            pending,
            expired,
            ..
        } => match (pending, expired) {
            (_, true) => format!("remove the expired invitation of {email}"),
            (true, false) => format!("revoke the pending invitation of {email}"),
            (false, false) => format!("remove {email} from the team"),
        },
        OperationKind::CreateToken {
            name,
            permission,
            expires,
            ..
        } => format!(
            "create token `{name}` ({} access, expires {expires})",
            permission.as_str()
        ),
        OperationKind::ReplaceToken {
            name,
            permission,
            expires,
            ..
        } => format!(
            "replace token `{name}` with a new one ({} access, expires {expires}); the old one is deleted after",
            permission.as_str()
        ),
        OperationKind::DeleteToken { name, stamp, .. } => format!(
            "delete the outdated token `{name}` ({} access{})",
            stamp.permission,
            stamp
                .created_at
                .map(|at| format!(", created {}", at.format("%Y-%m-%d %H:%M UTC")))
                .unwrap_or_default()
        ),
        OperationKind::CreateObject { object, .. } => format!("create {}", object_name(object)),
        OperationKind::UpdateObject { object, .. } => format!("update {}", object_name(object)),
        OperationKind::DeleteObject { object, .. } => format!("delete {}", object_name(object)),
        OperationKind::Share {
            object, recipient, ..
        } => format!(
            "share {} with {}",
            object_short(object),
            recipient_name(Some(&recipient.key), recipient.id.as_deref())
        ),
        OperationKind::Unshare {
            object,
            recipient_key,
            recipient_id,
            ..
        } => format!(
            "unshare {} from {}",
            object_short(object),
            recipient_name(recipient_key.as_deref(), Some(recipient_id))
        ),
        OperationKind::Allocate { entries } => match entries.as_slice() {
            [entry] => format!(
                "allocate services to profile {} (one request for the account)",
                profile(&entry.target)
            ),
            _ => format!(
                "allocate services to {} profiles (one request for the account)",
                entries.len()
            ),
        },
        OperationKind::BuyAddon { addon, price, .. } => format!(
            "buy the `{addon}` add-on ({}; charged to the account's subscription, needs --allow-billing)",
            match price {
                Some(price) => format!("list price {price} by TagoIO's /pricing"),
                None => "price unknown".to_owned(),
            }
        ),
        OperationKind::RemoveAddon { addon, at, .. } => format!(
            "remove the `{addon}` add-on at the end of the billing cycle (removal scheduled for {}; a subscription change, needs --allow-billing)",
            cycle_end(*at)
        ),
    }
}

/// What a notice says, e.g. "invitation of bob@… pending since 2026-11-20, expires 2026-11-27".
pub fn describe_notice(notice: &Notice) -> String {
    visible(&notice_sentence(notice)).into_owned()
}

fn notice_sentence(notice: &Notice) -> String {
    match notice {
        Notice::PendingInvitation {
            profile,
            email,
            invited_at,
            expires_at,
        } => format!(
            "{profile}: the invitation of {email} is pending{}{}; not sent again",
            invited_at
                .map(|at| format!(" since {}", at.format("%Y-%m-%d")))
                .unwrap_or_default(),
            expires_at
                .map(|at| format!(", expires {}", at.format("%Y-%m-%d")))
                .unwrap_or_default()
        ),
        Notice::Publication {
            profile,
            object,
            version,
            catalog_id,
            status,
        } => {
            let what = object_short(object);
            let state = match status {
                PublicationStatus::Public => {
                    format!("public in TagoIO's catalog as {catalog_id} at {version}")
                }
                PublicationStatus::OtherVersionPublic { public_ids, prepared } => format!(
                    "public in TagoIO's catalog as {}, not yet at {version} ({catalog_id}); {}",
                    public_ids.join(", "),
                    match prepared {
                        Some(p) => format!("prepared in the clone at {p}: its pull request is open or not merged yet"),
                        None => "`tagoform publish` prepares that version".to_owned(),
                    }
                ),
                PublicationStatus::Prepared { prepared } => format!(
                    "prepared in the clone at {prepared}, not yet in TagoIO's public catalog ({catalog_id}): its pull request is open or not merged yet"
                ),
                PublicationStatus::NotPrepared => format!(
                    "not prepared in the clone: `tagoform publish` writes {version} (catalog id {catalog_id})"
                ),
                PublicationStatus::OtherEntry { entry } => format!(
                    "named like the catalog entry `{entry}` that the clone holds in its folder, which is not this configuration's: `tagoform publish` refuses to take it over (rename it, or set `publish.update_existing: true` if that entry is yours)"
                ),
                PublicationStatus::NotPublic => format!(
                    "not in TagoIO's public catalog at {version} (catalog id {catalog_id}); `tagoform publish` prepares its pull request"
                ),
            };
            format!("{profile}: {what} is {state}")
        }
        Notice::AddonRemovalScheduled { profile, addon, at } => format!(
            "{profile}: removal of the `{addon}` add-on scheduled for {}, the end of the billing cycle: the profile keeps it until then; not asked again",
            cycle_end(*at)
        ),
        Notice::Unmanaged { profile, object } => format!(
            "{profile}: {} is not in the configuration; left alone (set `exclusive: true` on the profile to remove such objects)",
            object_name(object)
        ),
    }
}

/// When a scheduled add-on removal takes effect, by the date TagoIO gave when it gave one.
fn cycle_end(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    match at {
        Some(at) => at.format("%Y-%m-%d %H:%M UTC").to_string(),
        None => "a date TagoIO did not give".to_owned(),
    }
}

/// The heading of a group of operations: a profile's, or the account's (allocation).
pub fn group_heading(profile: &str) -> String {
    if profile == ACCOUNT {
        "Account".to_owned()
    } else {
        format!("Profile {profile}")
    }
}

/// The order of the groups: profiles by key, then the account's operations (they come after
/// the profiles they need are created).
pub fn group_order(profiles: &mut Vec<&str>) {
    profiles.sort_unstable_by_key(|p| (*p == ACCOUNT, *p));
    profiles.dedup();
}

/// True for operations on the profile itself, whose description names it already: a
/// removal needs no " in profile X" after "delete profile `X`".
pub fn is_about_the_profile(operation: &Operation) -> bool {
    matches!(
        operation.kind,
        OperationKind::CreateProfile { .. }
            | OperationKind::UpdateProfile { .. }
            | OperationKind::DeleteProfile { .. }
    )
}

fn profile(target: &ProfileRef) -> String {
    match &target.id {
        Some(id) => format!("`{}` ({id})", target.key),
        None => format!("`{}`", target.key),
    }
}

fn object_short(object: &ObjectRef) -> String {
    format!("{} `{}`", object.kind, object.key)
}

fn object_name(object: &ObjectRef) -> String {
    let mut text = format!("{} `{}`", object.kind, object.key);
    if object.key != object.name {
        text.push_str(&format!(" named \"{}\"", object.name));
    }
    if let Some(id) = &object.id {
        text.push_str(&format!(" ({id})"));
    }
    text
}

fn recipient_name(key: Option<&str>, id: Option<&str>) -> String {
    match (key, id) {
        (Some(key), Some(id)) => format!("`{key}` ({id})"),
        (Some(key), None) => format!("`{key}` (created by this plan)"),
        (None, Some(id)) => format!("{id} (not in the configuration)"),
        (None, None) => "an unknown profile".to_owned(),
    }
}

/// A safety refusal ([`crate::plan::safety::Refusal`]) as `apply` words it, naming the
/// operations and the flag that would allow them.
pub fn refusal(refusal: &Refusal, plan: &Plan) -> String {
    let named = |indices: &[usize], with_profile: bool| -> Vec<String> {
        indices
            .iter()
            .filter_map(|&i| plan.operations.get(i))
            .map(|op| {
                if with_profile {
                    format!("profile {}: {}", op.profile, describe(op))
                } else {
                    describe(op)
                }
            })
            .collect()
    };
    match refusal {
        Refusal::Deletions(indices) => {
            let deletions = named(indices, false);
            format!(
                "the plan deletes {} object(s) ({}); nothing was changed. Re-run with --allow-delete if that is intended",
                deletions.len(),
                deletions.join("; ")
            )
        }
        Refusal::Billing(indices) => format!(
            "the plan changes the subscription, which costs money: {}; nothing was changed. \
             Re-run with --allow-billing if that is intended",
            named(indices, true).join("; ")
        ),
        Refusal::Removals { count, max } => format!(
            "the plan removes {count} team members and shares, more than --max-removals {max}; \
             nothing was changed. Check the removals above, then raise --max-removals if they are intended"
        ),
        Refusal::TokensWithoutOut => "the plan creates or replaces tokens, and their new values are shown only once: pass \
             --tokens-out FILE to keep them; nothing was changed"
            .to_owned(),
        Refusal::TokensWithoutPassword => "the plan creates tokens, which needs the account password: set TAGOIO_EMAIL and \
             TAGOIO_PASSWORD (and TAGOIO_TOTP_SECRET or TAGOIO_PIN with two-factor \
             authentication); nothing was changed"
            .to_owned(),
    }
}
