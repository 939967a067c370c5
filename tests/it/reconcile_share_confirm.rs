//! Shares are confirmed by reading the object's share list back (the share routes are in no
//! public TagoIO source: `api::share`). One read after all of an object's shares settles
//! them all, and each is still done only when that read shows it.

use reqwest::Method;
use tagoform::emulator::seed::PARTNER_LABS_PROFILE_ID;

use super::support::world::*;

fn network_shared_with_two() -> String {
    format!(
        "version: 1
external_profiles:
  globex: {GLOBEX}
  labs: {PARTNER_LABS_PROFILE_ID}
profiles:
  acme:
    name: ACME
networks:
  lora:
    profile: acme
    name: LoRa
    shared_with: [globex, labs]
"
    )
}

#[tokio::test]
async fn one_read_of_the_share_list_confirms_all_of_an_objects_shares() {
    let world = World::start().await;
    world.write("shares/tagoform.yaml", &network_shared_with_two());
    let (apply, requests) = world.measured(&["apply", "shares", "--auto-approve"]).await;
    apply.code(0);
    assert!(
        apply
            .stdout
            .ends_with("Apply finished: 4 done, 0 failed, 0 skipped.\n"),
        "{}",
        apply.stdout
    );
    assert_eq!(
        requests.get("POST /integration/network/{id}/share"),
        Some(&2)
    );
    // One read for both shares (it was one per share).
    assert_eq!(
        requests.get("GET /integration/network/{id}/share"),
        Some(&1)
    );
    let acme = world.profile_id("ACME").await;
    let token = world.token_of(&acme).await;
    let lora = world.object_id(&token, "network", "LoRa").await;
    let mut shares = world.shares(&token, "network", &lora).await;
    shares.sort();
    let mut expected = vec![GLOBEX.to_owned(), PARTNER_LABS_PROFILE_ID.to_owned()];
    expected.sort();
    assert_eq!(shares, expected);
}

#[tokio::test]
async fn a_share_the_list_does_not_show_fails_alone_and_the_next_apply_makes_it() {
    let mut world = World::start().await;
    world.write("shares/tagoform.yaml", &network_shared_with_two());
    // TagoIO answers the first share with success but does not keep it.
    let _door = world
        .faulty(vec![Fault::new(
            Method::POST,
            "/integration/network/{id}/share",
            1,
            FaultMode::Pretend("Share successfully created"),
        )])
        .await;
    // One operation at a time: the first share sent is the first in plan order (globex).
    let apply = world
        .run(&[
            "apply",
            "shares",
            "--auto-approve",
            "--parallelism",
            "1",
            "--color",
            "never",
        ])
        .await;
    // The share TagoIO did not keep fails, as a failure that would fail again (exit 3); the
    // other, settled by the same read, is done.
    apply.code(3);
    let acme = world.profile_id("ACME").await;
    let token = world.token_of(&acme).await;
    let lora = world.object_id(&token, "network", "LoRa").await;
    let failed: Vec<&str> = apply
        .stderr
        .lines()
        .filter(|l| l.contains("share network"))
        .collect();
    assert_eq!(
        failed,
        [
            format!(
                "  FAILED: share network `lora` with `globex` ({GLOBEX}): TagoIO answered the share \
                 of network {lora} with profile {GLOBEX}, but its share list does not show it; \
                 nothing is assumed done (run `tagoform doctor`)"
            )
            .as_str(),
            format!("  done: share network `lora` with `labs` ({PARTNER_LABS_PROFILE_ID})").as_str(),
        ]
    );
    assert!(
        apply
            .stdout
            .contains("Apply finished: 3 done, 1 failed, 0 skipped.\n"),
        "{}",
        apply.stdout
    );
    assert_eq!(
        world.shares(&token, "network", &lora).await,
        [PARTNER_LABS_PROFILE_ID]
    );

    let (again, requests) = world.measured(&["apply", "shares", "--auto-approve"]).await;
    again.code(0);
    assert!(
        again
            .stdout
            .ends_with("Apply finished: 1 done, 0 failed, 0 skipped.\n"),
        "{}",
        again.stdout
    );
    assert_eq!(
        requests.get("POST /integration/network/{id}/share"),
        Some(&1)
    );
    let mut shares = world.shares(&token, "network", &lora).await;
    shares.sort();
    let mut expected = vec![GLOBEX.to_owned(), PARTNER_LABS_PROFILE_ID.to_owned()];
    expected.sort();
    assert_eq!(shares, expected);
}
