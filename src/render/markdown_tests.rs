//! The comment-size limit: exact cut comments, and the counts they keep.

use serde_json::json;

use super::*;
use crate::live::ObjectKind;
use crate::plan::{FieldChange, Notice, ObjectRef, OperationKind, ProfileRef};

fn target(key: &str) -> ProfileRef {
    ProfileRef {
        key: key.into(),
        id: Some("aaaaaaaaaaaaaaaaaaaaaaa1".into()),
    }
}

fn object(key: &str) -> ObjectRef {
    ObjectRef {
        kind: ObjectKind::Connector,
        key: key.into(),
        name: key.to_uppercase(),
        id: Some("bbbbbbbbbbbbbbbbbbbbbbb1".into()),
    }
}

fn update(index: usize, profile: &str, key: &str, decoder_lines: usize) -> Operation {
    let decoder: String = (0..decoder_lines).map(|i| format!("line {i}\n")).collect();
    Operation {
        index,
        profile: profile.into(),
        kind: OperationKind::UpdateObject {
            target: target(profile),
            object: object(key),
            networks: None,
        },
        changes: vec![FieldChange::new(
            "payload_decoder",
            Some(json!("")),
            json!(decoder),
        )],
        origin: None,
        depends_on: vec![],
    }
}

fn delete(index: usize, profile: &str, key: &str) -> Operation {
    Operation {
        index,
        profile: profile.into(),
        kind: OperationKind::DeleteObject {
            target: target(profile),
            object: object(key),
        },
        changes: vec![],
        origin: None,
        depends_on: vec![],
    }
}

fn plan(operations: Vec<Operation>) -> Plan {
    Plan::new(operations, vec![])
}

fn limited(plan: &Plan, max: usize) -> String {
    let mut out = Vec::new();
    render_limited(plan, max, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn full(plan: &Plan) -> String {
    let mut out = Vec::new();
    render(plan, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_plan_that_fits_is_not_touched() {
    let plan = plan(vec![delete(0, "acme", "old"), update(1, "acme", "th", 3)]);
    let text = full(&plan);
    assert_eq!(limited(&plan, text.chars().count()), text);
}

#[test]
fn a_long_plan_keeps_its_summary_and_counts_what_it_leaves_out() {
    let mut operations = vec![delete(0, "acme", "old")];
    for index in 1..=40 {
        operations.push(update(index, &format!("p{index:02}"), "th", 200));
    }
    let plan = plan(operations);
    assert!(full(&plan).chars().count() > 65_536);
    let text = limited(&plan, 65_536);
    assert!(text.chars().count() <= 65_536);
    assert!(text.starts_with(
        "### tagoform plan\n\n**Plan: 0 to add, 40 to change, 1 to remove.**\n\n#### ⚠️ Removals (1)\n\n- `-` "
    ));
    // Whole operations are kept in order, then one line each while they fit, then nothing.
    let shown_in_full = text.matches("```diff").count();
    let shown = text.matches("<details>").count();
    let one_line = text.matches("_(details in the artifact)_").count();
    assert_eq!(shown, shown_in_full + one_line);
    assert_eq!((shown_in_full, one_line), (25, 11));
    assert!(text.ends_with(
        "\n</details>\n\n---\n✂️ **Cut to fit a comment:** 37 of 41 operations shown; not shown: 4 (0 to add, 4 to change, 0 to remove). The whole plan is attached to the build as an artifact.\n"
    ), "{}", &text[text.len() - 400..]);
}

#[test]
fn a_tiny_limit_still_gives_the_summary_and_the_counts() {
    let plan = plan(vec![delete(0, "acme", "old"), update(1, "acme", "th", 3)]);
    assert_eq!(
        limited(&plan, 10),
        "### tagoform plan\n\n**Plan: 0 to add, 1 to change, 1 to remove.**\n\n---\n✂️ **Cut to fit a comment:** 0 of 2 operations shown; not shown: 2 (0 to add, 1 to change, 1 to remove). The whole plan is attached to the build as an artifact.\n"
    );
}

#[test]
fn an_operation_too_long_in_full_is_shown_on_one_line() {
    let plan = plan(vec![update(0, "acme", "th", 5000)]);
    let text = limited(&plan, 2000);
    assert_eq!(
        text,
        "### tagoform plan\n\n**Plan: 0 to add, 1 to change, 0 to remove.**\n\n<details><summary>Profile <code>acme</code>: 1 operation</summary>\n\n- `~` update connector \\`th\\` named \"TH\" (bbbbbbbbbbbbbbbbbbbbbbb1)  _(details in the artifact)_\n\n</details>\n\n---\n✂️ **Cut to fit a comment:** 1 of 1 operations shown. The whole plan is attached to the build as an artifact.\n"
    );
}

#[test]
fn notes_that_do_not_fit_are_counted() {
    let mut plan = plan(vec![update(0, "acme", "th", 3)]);
    plan.notices = (0..500)
        .map(|i| Notice::PendingInvitation {
            profile: "acme".into(),
            email: format!("person{i}@acme.example"),
            invited_at: None,
            expires_at: None,
        })
        .collect();
    let text = limited(&plan, 4000);
    assert!(text.chars().count() <= 4000);
    let shown = text.matches("\n- ").count() - 1;
    assert!(text.ends_with(&format!(
        "✂️ **Cut to fit a comment:** 1 of 1 operations shown; {} note(s) not shown. The whole plan is attached to the build as an artifact.\n",
        500 - shown
    )));
}

/// Names a pull request (or TagoIO) controls, rendered by a CommonMark renderer with GitHub's
/// extensions: text, never markup, never a mention.
#[test]
fn hostile_names_render_as_text() {
    use pulldown_cmark::{html, Options, Parser};
    let hostile =
        "</details><img src=x onerror=alert(1)> @someone [x](javascript:alert(1)) `code` **b**";
    let mut operation = update(0, hostile, "th", 0);
    operation.changes.clear();
    if let OperationKind::UpdateObject { object, .. } = &mut operation.kind {
        object.name = hostile.into();
    }
    let notice = Notice::Unmanaged {
        profile: hostile.into(),
        object: object(hostile),
    };
    let plan = Plan::new(vec![operation], vec![notice]);
    let mut markdown = Vec::new();
    render(&plan, &mut markdown).unwrap();
    let markdown = String::from_utf8(markdown).unwrap();
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut rendered = String::new();
    html::push_html(&mut rendered, Parser::new_ext(&markdown, options));
    assert!(!rendered.contains("<img"), "{rendered}");
    assert!(!rendered.contains("<a "), "{rendered}");
    assert!(!rendered.contains("<strong>b</strong>"), "{rendered}");
    assert!(!rendered.contains("<code>code</code>"), "{rendered}");
    assert_eq!(
        rendered.matches("<details>").count(),
        rendered.matches("</details>").count(),
        "{rendered}"
    );
    assert_eq!(rendered.matches("<details>").count(), 1, "{rendered}");
    assert!(!rendered.contains("@someone"), "no mention: {rendered}");
    // The text is all there, as text.
    assert!(
        rendered.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{rendered}"
    );
    assert!(rendered.contains("@\u{2060}someone"), "{rendered}");
}
