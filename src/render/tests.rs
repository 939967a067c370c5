//! Rendered plans compared in full: what a reviewer reads is part of the contract.

use std::path::PathBuf;

use serde_json::json;

use super::*;
use crate::config::Origin;
use crate::live::ObjectKind;
use crate::plan::{
    FieldChange, Notice, ObjectRef, Operation, OperationKind, ProfileRef, FORMAT_VERSION,
};

fn prod() -> ProfileRef {
    ProfileRef {
        key: "prod".into(),
        id: Some("aaaaaaaaaaaaaaaaaaaaaaa1".into()),
    }
}

fn network() -> ObjectRef {
    ObjectRef {
        kind: ObjectKind::Network,
        key: "lorawan".into(),
        name: "ACME LoRaWAN".into(),
        id: Some("bbbbbbbbbbbbbbbbbbbbbbb1".into()),
    }
}

fn sample() -> Plan {
    Plan {
        format_version: FORMAT_VERSION,
        operations: vec![
            Operation {
                index: 0,
                profile: "prod".into(),
                kind: OperationKind::Unshare {
                    target: prod(),
                    object: network(),
                    recipient_key: None,
                    recipient_id: "dddddddddddddddddddddddd".into(),
                },
                changes: vec![],
                origin: None,
                depends_on: vec![],
            },
            Operation {
                index: 1,
                profile: "prod".into(),
                kind: OperationKind::UpdateObject {
                    target: prod(),
                    object: network(),
                    networks: None,
                },
                changes: vec![
                    FieldChange::new("description", Some(json!("old")), json!("new")),
                    FieldChange::new(
                        "payload_decoder",
                        Some(json!("a\nb\nc\n")),
                        json!("a\nB\nc\n"),
                    ),
                ],
                origin: Some(Origin {
                    file: PathBuf::from("tagoform.yaml"),
                    line: 20,
                    column: 3,
                }),
                depends_on: vec![],
            },
        ],
        notices: vec![Notice::PendingInvitation {
            profile: "prod".into(),
            email: "bob@acme.example".into(),
            invited_at: None,
            expires_at: None,
        }],
    }
}

fn text(plan: &Plan) -> String {
    let mut out = Vec::new();
    text::render(plan, Style { color: false }, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn text_lists_removals_first_then_profiles_with_field_diffs() {
    assert_eq!(
        text(&sample()),
        "Removals (review these first):
  - unshare network `lorawan` from dddddddddddddddddddddddd (not in the configuration) in profile prod

Profile prod:
  ~ update network `lorawan` named \"ACME LoRaWAN\" (bbbbbbbbbbbbbbbbbbbbbbb1)  # tagoform.yaml:20:3
      description: \"old\" → \"new\"
      payload_decoder:
        --- live
        +++ configuration
        @@ -1,3 +1,3 @@
         a
        -b
        +B
         c

Notes:
  • prod: the invitation of bob@acme.example is pending; not sent again

Plan: 0 to add, 1 to change, 1 to remove.
"
    );
}

#[test]
fn an_empty_plan_says_so() {
    let plan = Plan::new(vec![], vec![]);
    assert_eq!(
        text(&plan),
        "No changes. TagoIO matches the configuration.\n"
    );
}

#[test]
fn colour_is_only_added_when_asked() {
    let mut out = Vec::new();
    text::render(&sample(), Style { color: true }, &mut out).unwrap();
    let coloured = String::from_utf8(out).unwrap();
    assert!(coloured.contains("\x1b[31m  - unshare"));
    assert!(!text(&sample()).contains('\x1b'));
}

#[test]
fn json_is_versioned_and_counts_operations() {
    let mut out = Vec::new();
    json(&sample(), &mut out).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(value["format_version"], 3);
    assert_eq!(
        value["summary"],
        json!({"add": 0, "change": 1, "remove": 1})
    );
    assert_eq!(value["operations"][0]["op"], "unshare");
    let back: Plan = serde_json::from_value(value).unwrap();
    assert_eq!(back, sample());
}

#[test]
fn markdown_has_a_summary_and_a_diff_block_for_decoders() {
    let mut out = Vec::new();
    markdown::render(&sample(), &mut out).unwrap();
    let markdown = String::from_utf8(out).unwrap();
    assert!(markdown
        .starts_with("### tagoform plan\n\n**Plan: 0 to add, 1 to change, 1 to remove.**\n"));
    assert!(markdown.contains("#### ⚠️ Removals (1)"));
    assert!(markdown.contains("<details><summary>Profile <code>prod</code>: 1 operation</summary>"));
    assert!(markdown
        .contains("  ```diff\n  --- live\n  +++ configuration\n  @@ -1,3 +1,3 @@\n   a\n  -b\n  +B\n   c\n  ```"));
}
