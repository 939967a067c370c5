//! `publish:`: on TagoIO a publication is a pull request to `tago-io/decoders`, reviewed by
//! TagoIO, never an API call. Until tagoform prepares that contribution, a plan shows a note
//! for it, and neither plan nor apply sends a request to a route TagoIO does not have.

use super::reconcile_support::*;

fn publish_yaml() -> String {
    "version: 1
profiles:
  acme:
    name: ACME Production
networks:
  field:
    profile: acme
    name: Field LoRaWAN
    publish:
      message: Please list it
"
    .to_owned()
}

const NOTE: &str = "  • acme: network `field` asks to be published; publication is a pull request to \
                    tago-io/decoders reviewed by TagoIO, not an API call, so nothing is planned for it\n";

#[tokio::test]
async fn publish_is_a_note_and_no_request_goes_to_a_route_tagoio_does_not_have() {
    let world = World::start().await;
    world.write("tagoform.yaml", &publish_yaml());
    let (plan, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    plan.code(2);
    assert_eq!(
        plan.stdout,
        format!(
            "Profile acme:
  + create network `field` named \"Field LoRaWAN\"  # tagoform.yaml:6:3

Notes:
{NOTE}
Plan: 1 to add, 0 to change, 0 to remove.
"
        )
    );
    let (apply, applied) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    let (again, rest) = world.measured(&["plan", "--detailed-exitcode"]).await;
    again.code(0);
    assert_eq!(
        again.stdout,
        format!("No changes. TagoIO matches the configuration.\nNotes:\n{NOTE}\n")
    );
    for counts in [requests, applied, rest] {
        assert!(
            counts.keys().all(|route| !route.contains("publish")),
            "{counts:?}"
        );
        assert!(
            counts.keys().all(|route| !route.contains("<unmatched>")),
            "{counts:?}"
        );
    }
}
