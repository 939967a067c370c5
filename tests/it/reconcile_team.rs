//! Teams: the configured list is complete; emails compare case-insensitively; a pending
//! invitation is not sent again until it expires (by the server's clock); one for an email the
//! list no longer names is revoked.

use serde_json::json;

use super::support::snapshots::assert_snapshot;
use super::support::world::*;

fn team_yaml(members: &str) -> String {
    format!("version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    team: [{members}]\n")
}

#[tokio::test]
async fn a_pending_invitation_is_not_sent_again_until_it_expired() {
    let world = World::start().await;
    world.write("tagoform.yaml", &team_yaml("Alice@ACME.example"));
    world.applied(".", &[]).await;
    assert_eq!(
        world.team(ACME).await,
        [("alice@acme.example".to_owned(), false)]
    );

    // Six days on: still pending, shown with its age and expiry, not sent again.
    world.api.advance(6 * 24 * 3600).await;
    let pending = "No changes. TagoIO matches the configuration.
Notes:
  • acme: the invitation of Alice@ACME.example is pending since 2027-03-01, expires 2027-03-08; not sent again

";
    let (plan, requests) = world.measured(&["apply", "--auto-approve"]).await;
    plan.code(0);
    assert_eq!(plan.stdout, pending);
    assert_eq!(writes(&requests), sign_ins(1));

    // Eight days after it was sent, it expired: sent again.
    world.api.advance(2 * 24 * 3600).await;
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(2);
    assert_snapshot(&plan.stdout, "reconcile_team/invite_again", &[]);
    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&plan.stdout, 1));
    assert_eq!(
        writes(&requests),
        apply_writes(1, &[("POST /profile/{id}/team", 1)])
    );
    let team = world.api.get(&format!("/profile/{ACME}/team"), DEMO).await;
    assert_eq!(
        (
            &team.result()[0]["email"],
            &team.result()[0]["active"],
            &team.result()[0]["created_at"]
        ),
        (
            &json!("alice@acme.example"),
            &json!(false),
            &json!("2027-03-09T10:00:00Z")
        )
    );
    world.accept("alice@acme.example").await;
    world.assert_no_changes().await;
}

#[tokio::test]
async fn members_and_live_invitations_the_list_no_longer_names_are_removed() {
    let world = World::start().await;
    world.write(
        "tagoform.yaml",
        &team_yaml("alice@acme.example, bob@acme.example"),
    );
    world.applied(".", &[]).await;
    world.accept("alice@acme.example").await;

    // Bob's invitation is still pending: revoked, or he could still accept it later.
    world.write("tagoform.yaml", &team_yaml(""));
    let removals = world
        .assert_plan_snapshot("reconcile_team/removals", &[])
        .await;
    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&removals, 2));
    assert_eq!(
        writes(&requests),
        apply_writes(1, &[("DELETE /profile/{id}/team/{account_id}", 2)])
    );
    assert_eq!(world.team(ACME).await, []);
    // Bob can no longer accept.
    world
        .api
        .answer_invitation("bob@acme.example", "accept")
        .await
        .assert_error(
            400,
            "This invitation is no longer valid: it expired, was revoked or was sent again",
        );
}

#[tokio::test]
async fn an_expired_invitation_of_an_unlisted_email_is_removed_and_a_team_left_out_is_not_managed()
{
    let world = World::start().await;
    world.api.invite(DEMO, ACME, "bob@acme.example").await;
    world.api.invite(DEMO, ACME, "alice@acme.example").await;
    world.accept("alice@acme.example").await;
    world.api.advance(8 * 24 * 3600).await;

    // No `team`: nobody is touched.
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n",
    );
    let (plan, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
    assert_eq!(plan.stdout, NO_CHANGES);
    assert!(
        !requests.contains_key("GET /profile/{id}/team"),
        "{requests:?}"
    );

    // `team: [alice]`: Bob's invitation expired; it is removed so that the team reads as the
    // list does. That takes no access away: no --max-removals budget is spent on it.
    world.write("tagoform.yaml", &team_yaml("alice@acme.example"));
    let removal = world
        .assert_plan_snapshot("reconcile_team/expired_invitation_removed", &[])
        .await;
    let (apply, requests) = world
        .measured(&["apply", "--auto-approve", "--max-removals", "0"])
        .await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&removal, 1));
    assert_eq!(
        writes(&requests),
        apply_writes(1, &[("DELETE /profile/{id}/team/{account_id}", 1)])
    );
    assert_eq!(
        world.team(ACME).await,
        [("alice@acme.example".to_owned(), true)]
    );
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
}
