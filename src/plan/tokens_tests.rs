//! Account tokens in the diff, tested with plain values: managed by name, replaced on a
//! change, and what an interrupted replacement left behind deleted.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::tests::*;
use super::*;
use crate::config::{Expiry, Period, PeriodUnit, Permission, Token};
use crate::live::LiveToken;

fn live_token(
    name: &str,
    permission: &str,
    kind: &str,
    expires: Option<DateTime<Utc>>,
) -> LiveToken {
    LiveToken {
        name: name.into(),
        permission: permission.into(),
        expires_at: expires,
        unreadable_expiry: None,
        created_at: Some(now() - Duration::days(10)),
        kind: Some(kind.into()),
    }
}

fn desired_token(name: &str, permission: Permission, expires: Expiry) -> Token {
    Token {
        name: name.into(),
        permission,
        expires,
        origin: origin(12),
    }
}

#[test]
fn tokens_are_replaced_on_a_permission_change_and_others_are_never_touched() {
    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().tokens = Some(vec![
        desired_token("ci-deploy", Permission::Read, Expiry::Never),
        desired_token(
            "backup",
            Permission::Full,
            Expiry::Period(Period {
                amount: 10,
                unit: PeriodUnit::Days,
            }),
        ),
        desired_token("new", Permission::Write, Expiry::Never),
    ]);
    let mut live = quickstart_live();
    let ten_days_after_creation = Some(now());
    live.details.get_mut(PROD).unwrap().tokens = Some(vec![
        live_token("ci-deploy", "write", "account", None),
        live_token("backup", "full", "account", ten_days_after_creation),
        live_token("new", "read", "login", None),
        live_token("hand-made", "full", "account", None),
    ]);
    let plan = plan(&desired, &live, now()).unwrap();
    let summary: Vec<String> = plan
        .operations
        .iter()
        .map(|op| match &op.kind {
            OperationKind::ReplaceToken { name, replaces, .. } => {
                format!("replace {name} {}", replaces.len())
            }
            OperationKind::CreateToken { name, .. } => format!("create {name}"),
            other => format!("{other:?}"),
        })
        .collect();
    // `backup` expired exactly now, so it is rotated; a token is known by its name whatever
    // TagoIO's free `type` says, so `new` (a `login` one, of the wrong permission) is replaced;
    // `hand-made` is never touched.
    assert_eq!(
        summary,
        ["replace backup 1", "replace ci-deploy 1", "replace new 1"]
    );
    let ci = &plan.operations[1];
    assert_eq!(
        ci.changes,
        [FieldChange::new(
            "permission",
            Some(json!("write")),
            json!("read")
        )]
    );
    assert!(plan.creates_tokens());
}

#[test]
fn a_token_left_over_from_an_interrupted_replacement_is_deleted() {
    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().tokens = Some(vec![desired_token(
        "ci-deploy",
        Permission::Read,
        Expiry::Never,
    )]);
    let mut live = quickstart_live();
    live.details.get_mut(PROD).unwrap().tokens = Some(vec![
        live_token("ci-deploy", "write", "account", None),
        live_token("ci-deploy", "read", "account", None),
    ]);
    let plan = plan(&desired, &live, now()).unwrap();
    assert!(matches!(
        plan.operations.as_slice(),
        [Operation { kind: OperationKind::DeleteToken { stamp, .. }, .. }] if stamp.permission == "write"
    ));
    assert!(!plan.creates_tokens());
}

/// A token whose expiry TagoIO lists in a form no clock reads does not stop the plan: it
/// matches no configured expiry, so it is replaced, and the change shows what was listed.
#[test]
fn a_token_with_an_unreadable_expiry_is_replaced_not_a_failed_plan() {
    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().tokens = Some(vec![desired_token(
        "ci-deploy",
        Permission::Read,
        Expiry::Never,
    )]);
    let mut live = quickstart_live();
    let mut odd = live_token("ci-deploy", "read", "account", None);
    odd.unreadable_expiry = Some("+102026-01-01T00:00:00.000Z".into());
    live.details.get_mut(PROD).unwrap().tokens = Some(vec![odd]);
    let plan = plan(&desired, &live, now()).unwrap();
    assert_eq!(plan.operations.len(), 1);
    assert!(matches!(
        plan.operations[0].kind,
        OperationKind::ReplaceToken { .. }
    ));
    assert_eq!(
        plan.operations[0].changes,
        vec![FieldChange::new(
            "expires",
            Some(json!("+102026-01-01T00:00:00.000Z (unreadable)")),
            json!("never")
        )]
    );
}
