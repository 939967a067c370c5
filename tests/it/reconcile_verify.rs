//! `apply --verify`: after a complete apply, plan again under the same lock. Nothing left is
//! confirmed in one line; anything left is drift, shown as a plan, with exit status 1.

use reqwest::Method;

use super::reconcile_examples::quickstart_apply_requests;
use super::support::world::*;

#[tokio::test]
async fn verify_confirms_a_complete_apply_with_one_more_read_of_what_it_manages() {
    let world = World::start().await;
    let path = world.example("quickstart");
    let (apply, requests) = world
        .measured(&["apply", &path, "--auto-approve", "--verify"])
        .await;
    apply.code(0);
    assert!(
        apply.stdout.ends_with(
            "Apply finished: 6 done, 0 failed, 0 skipped.\nVerified: TagoIO matches the configuration.\n"
        ),
        "{}",
        apply.stdout
    );
    // The apply's requests, then one read of each managed list (and of each managed share
    // list) with the short-lived token already made. The profile list is read once more:
    // the apply read the live state before its lock too.
    let mut expected = quickstart_apply_requests();
    for route in [
        "GET /integration/connector",
        "GET /integration/connector/{id}/share",
        "GET /integration/network",
        "GET /integration/network/{id}/share",
        "GET /profile",
        "GET /profile/{id}/team",
    ] {
        *expected.entry(route.to_owned()).or_default() += 1;
    }
    assert_eq!(requests, expected);
}

#[tokio::test]
async fn verify_shows_what_tagoio_did_not_keep_and_exits_1() {
    let mut world = World::start().await;
    let path = world.example("quickstart");
    // TagoIO answers the invitation with success but does not keep it.
    let _door = world
        .faulty(vec![Fault::new(
            Method::POST,
            "/profile/{id}/team",
            1,
            FaultMode::Pretend("Invite sent"),
        )])
        .await;
    let apply = world
        .run(&[
            "apply",
            &path,
            "--auto-approve",
            "--verify",
            "--color",
            "never",
        ])
        .await;
    apply.code(5);
    let acme = world.profile_id("ACME").await;
    assert!(
        apply.stdout.ends_with(
            "Apply finished: 6 done, 0 failed, 0 skipped.

Verification: TagoIO still differs from the configuration after this apply:
Profile acme:
  + invite alice@acme.example to the team  # quickstart/tagoform.yaml:19:9

Plan: 1 to add, 0 to change, 0 to remove.
Something changed TagoIO while this apply ran, or TagoIO did not keep a change. Run `tagoform plan` to look again.
"
        ),
        "{}",
        apply.stdout
    );
    assert_eq!(world.team(&acme).await, []);
}
