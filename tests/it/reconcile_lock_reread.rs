//! Apply reads and plans the whole configuration, then takes the lock and reads again only
//! what its plan touches: a small change costs its plan's reads plus the touched profiles',
//! not two full reads, and a change made to a touched profile between the first read and the
//! lock is still caught.

use reqwest::Method;

use super::support::snapshots::assert_snapshot;
use super::support::world::*;

const TWO_PROFILES: &str = "version: 1
profiles:
  acme:
    name: ACME Production
    team: [alice@acme.example, bob@acme.example]
  staging:
    name: ACME Staging
    team: [carol@globex.example]
";

/// Only `acme` of [`TWO_PROFILES`]: what the lock's second read should cover.
const ACME_ONLY: &str = "version: 1
profiles:
  acme:
    name: ACME Production
    team: [alice@acme.example, bob@acme.example]
";

/// Withdraws the invitation of `email` to ACME Production by hand.
async fn withdraw(world: &World, email: &str) {
    let team = world.api.get(&format!("/profile/{ACME}/team"), DEMO).await;
    let id = team
        .result()
        .as_array()
        .unwrap()
        .iter()
        .find(|member| member["email"] == email)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    world
        .api
        .delete(&format!("/profile/{ACME}/team/{id}"), DEMO)
        .await
        .result();
}

fn reads(counts: &Counts) -> Counts {
    counts
        .iter()
        .filter(|(route, _)| route.starts_with("GET "))
        .map(|(route, count)| (route.clone(), *count))
        .collect()
}

fn sum(a: &Counts, b: &Counts) -> Counts {
    let mut total = a.clone();
    for (route, count) in b {
        *total.entry(route.clone()).or_insert(0) += count;
    }
    total
}

#[tokio::test]
async fn under_the_lock_only_the_touched_profiles_are_read_again() {
    let world = World::start().await;
    world.write("tagoform.yaml", TWO_PROFILES);
    world.applied("tagoform.yaml", &[]).await;
    withdraw(&world, "bob@acme.example").await;

    let (plan, whole) = world.measured(&["plan", "tagoform.yaml"]).await;
    plan.code(0);
    world.write("acme/tagoform.yaml", ACME_ONLY);
    let (_, acme_only) = world.measured(&["plan", "acme/tagoform.yaml"]).await;
    let (apply, requests) = world
        .measured(&["apply", "tagoform.yaml", "--auto-approve"])
        .await;
    apply.code(0);
    assert!(
        apply
            .stdout
            .ends_with("Apply finished: 1 done, 0 failed, 0 skipped.\n"),
        "{}",
        apply.stdout
    );
    // The first read is the whole plan's; under the lock, ACME Production alone is read
    // again (the lock's own reads besides).
    assert_eq!(
        reads(&requests),
        reads(&with_lock_reads(sum(&reads(&whole), &reads(&acme_only))))
    );
    world.assert_no_changes_in("tagoform.yaml").await;
}

/// A member withdrawn by hand while the apply waits for its lock, in the profile the plan
/// touches, is invited again by that same apply: the plan under the lock is made afresh.
#[tokio::test]
async fn a_change_to_a_touched_profile_before_the_lock_is_caught() {
    let mut world = World::start().await;
    world.write("tagoform.yaml", TWO_PROFILES);
    world.applied("tagoform.yaml", &[]).await;
    withdraw(&world, "bob@acme.example").await;
    // The first POST /profile/{id}/token of the apply is its lock's.
    let door = FaultyDoor::pausing(&world.api, Method::POST, "/profile/{id}/token", 1).await;
    world.url = door.url.clone();
    let apply = world.command(&[
        "apply",
        "tagoform.yaml",
        "--auto-approve",
        "--api",
        &world.url,
    ]);
    let (code, stdout, _) = door
        .run_paused(apply, withdraw(&world, "alice@acme.example"))
        .await;
    assert_eq!(code, Some(0), "{stdout}");
    // The plan shown and applied is the one made under the lock: alice's withdrawal is in it.
    assert_snapshot(
        &stdout,
        "reconcile_lock_reread/withdrawal_caught_under_lock",
        &[],
    );
    world.assert_no_changes_in("tagoform.yaml").await;
}
