//! Publication requests: submitted once; a pending one is shown with its date; a rejected one
//! is shown with the reviewer's reason and not submitted again until its message changes; an
//! approved (public) object needs nothing.

use reqwest::Method;
use serde_json::json;

use super::reconcile_support::*;

fn publish_yaml(message: &str) -> String {
    format!(
        "version: 1
profiles:
  acme:
    name: ACME Production
networks:
  field:
    profile: acme
    name: Field LoRaWAN
    publish:
      message: {message}
"
    )
}

/// Reviews the one pending publication request.
async fn review(world: &World, decision: &str, reason: Option<&str>) {
    let all = world.api.admin(Method::GET, "/publications", None).await;
    let pending: Vec<&serde_json::Value> = all
        .result()
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == json!("pending"))
        .collect();
    assert_eq!(pending.len(), 1, "{}", all.body);
    let id = pending[0]["id"].as_str().unwrap();
    world
        .api
        .admin(
            Method::POST,
            &format!("/publication/{id}/review"),
            Some(json!({"decision": decision, "reason": reason})),
        )
        .await
        .result();
}

#[tokio::test]
async fn a_rejected_request_waits_for_a_new_message_and_an_approved_one_needs_nothing() {
    let world = World::start().await;
    world.write("tagoform.yaml", &publish_yaml("Please list it"));
    world.applied(".", &[]).await;

    let (plan, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        "No changes. TagoIO matches the configuration.
Notes:
  • acme: publication of network `field` is waiting for TagoIO's review (requested 2027-03-01)

"
    );
    // The state comes with the list: no read per object.
    assert_eq!(
        requests,
        counts(&[
            ("DELETE /profile/{id}/token/{token}", 1),
            ("GET /integration/connector", 1),
            ("GET /integration/network", 1),
            ("GET /profile", 1),
            ("POST /account/profile/token", 1),
        ])
    );

    review(&world, "rejected", Some("Add documentation first")).await;
    let (plan, requests) = world.measured(&["apply", "--auto-approve"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        "No changes. TagoIO matches the configuration.
Notes:
  • acme: publication of network `field` was rejected: \"Add documentation first\"; change `publish.message` to submit again

"
    );
    assert_eq!(writes(&requests), with_lock(sign_ins(1)));

    world.write(
        "tagoform.yaml",
        &publish_yaml("Documented at https://acme.example/doc"),
    );
    let submit = "Profile acme:
  + request publication of network `field`  # tagoform.yaml:9:5
      message: \"Documented at https://acme.example/doc\"

Plan: 1 to add, 0 to change, 0 to remove.
";
    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(
        apply.stdout,
        format!("{submit}Apply finished: 1 done, 0 failed, 0 skipped.\n")
    );
    let mut expected = sign_ins(1);
    expected.extend(counts(&[("POST /integration/network/{id}/publish", 1)]));
    assert_eq!(writes(&requests), with_lock(expected));

    review(&world, "approved", None).await;
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        "No changes. TagoIO matches the configuration.\n"
    );
    assert_eq!(
        world.objects(DEMO, "network", &["name", "public"]).await,
        json!([{"name": "Field LoRaWAN", "public": true}])
    );
}
