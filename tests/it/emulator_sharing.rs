//! Rules 4, 6 and 7: shares (recipients read and use but never modify; never with the
//! owner; twice is a conflict) and publication requests (pending until reviewed; a second
//! one while pending is a conflict; approval makes the object public).

use reqwest::Method;
use serde_json::json;

use super::emulator_support::*;

#[tokio::test]
async fn sharing_names_a_recipient_profile_once_and_never_the_owner() {
    let api = Api::start().await;
    let id = api.connector(DEMO, "acme-th", &[TTN]).await;
    let share = format!("/integration/connector/{id}/share");
    api.post(&share, DEMO, json!({"profile_id": ACME}))
        .await
        .assert_error(
            400,
            "A connector cannot be shared with the profile that owns it",
        );
    api.post(
        &share,
        DEMO,
        json!({"profile_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}),
    )
    .await
    .assert_error(404, "Profile `aaaaaaaaaaaaaaaaaaaaaaaa` not found");
    assert_eq!(
        api.post(&share, DEMO, json!({"profile_id": GLOBEX}))
            .await
            .result(),
        &json!("Connector Successfully Shared")
    );
    api.post(&share, DEMO, json!({"profile_id": GLOBEX}))
        .await
        .assert_error(
            409,
            &format!("Connector is already shared with profile `{GLOBEX}`"),
        );
    let listed = api.get(&share, DEMO).await;
    assert_eq!(listed.result().as_array().unwrap().len(), 1);
    assert_eq!(
        (
            &listed.result()[0]["profile_id"],
            &listed.result()[0]["name"]
        ),
        (&json!(GLOBEX), &json!("Globex"))
    );
    // The owner reads shares and publication state from the list itself.
    let owned = api
        .get(
            "/integration/connector?fields[0]=name&fields[1]=shared_with&fields[2]=publication",
            DEMO,
        )
        .await;
    assert_eq!(
        owned.result(),
        &json!([{"name": "acme-th", "shared_with": [GLOBEX], "publication": {"status": "none"}}])
    );
    let theirs = api
        .get(&format!("/integration/connector/{id}"), PARTNER)
        .await;
    assert_eq!(
        (
            theirs.result().get("shared_with"),
            theirs.result().get("publication")
        ),
        (None, None)
    );
    assert_eq!(
        api.delete(&format!("{share}/{GLOBEX}"), DEMO)
            .await
            .result(),
        &json!("Share Successfully Removed")
    );
    api.delete(&format!("{share}/{GLOBEX}"), DEMO)
        .await
        .assert_error(
            404,
            &format!("Connector is not shared with profile `{GLOBEX}`"),
        );
    assert_eq!(api.get(&share, DEMO).await.result(), &json!([]));
}

#[tokio::test]
async fn recipients_read_and_use_but_cannot_modify_or_delete() {
    let api = Api::start().await;
    let id = api.connector(DEMO, "acme-th", &[TTN]).await;
    api.post(
        &format!("/integration/connector/{id}/share"),
        DEMO,
        json!({"profile_id": GLOBEX}),
    )
    .await
    .result();
    let path = format!("/integration/connector/{id}");
    assert_eq!(
        api.get(&path, PARTNER).await.result()["name"],
        json!("acme-th")
    );
    let shared = api
        .get(
            "/integration/connector/shared?fields[0]=id&fields[1]=profile",
            PARTNER,
        )
        .await;
    assert_eq!(shared.result(), &json!([{"id": id, "profile": ACME}]));
    assert_eq!(
        api.get("/integration/connector/shared", DEMO)
            .await
            .result(),
        &json!([])
    );
    let cannot =
        "Shared connectors cannot be modified: this connector is shared with another profile";
    api.put(&path, PARTNER, json!({"name": "hijacked"}))
        .await
        .assert_error(403, cannot);
    api.delete(&path, PARTNER).await.assert_error(
        403,
        "Shared connectors cannot be deleted: this connector is shared with another profile",
    );
    api.post(
        &format!("{path}/share"),
        PARTNER,
        json!({"profile_id": "6500a1b2c3d4e5f601234502"}),
    )
    .await
    .assert_error(
        403,
        "Shared connectors cannot be shared further: this connector is shared with another profile",
    );
    api.post(&format!("{path}/publish"), PARTNER, json!({}))
        .await
        .assert_error(
            403,
            "Shared connectors cannot be published: this connector is shared with another profile",
        );
    assert_eq!(
        api.get(&path, DEMO).await.result()["name"],
        json!("acme-th")
    );
}

#[tokio::test]
async fn publication_requests_are_pending_until_reviewed_and_approval_makes_public() {
    let api = Api::start().await;
    let network = api.network(DEMO, "acme-lora").await;
    let publish = format!("/integration/network/{network}/publish");
    assert_eq!(
        api.get(&publish, DEMO).await.result(),
        &json!({"status": "none"})
    );
    let request = api.post(&publish, DEMO, json!({"message": "please"})).await;
    let request_id = request.result()["id"].as_str().unwrap().to_string();
    assert_eq!(request.result()["status"], json!("pending"));
    api.post(&publish, DEMO, json!({})).await.assert_error(
        409,
        "A publication request for this network is already pending",
    );
    // Not public yet: another profile cannot use it.
    api.post(
        "/integration/connector",
        PARTNER,
        json!({"name": "c", "networks": [network]}),
    )
    .await
    .assert_error(400, &format!("Network `{network}` not found"));

    let review = json!({"decision": "approved"});
    let reviewed = api
        .admin(
            Method::POST,
            &format!("/publication/{request_id}/review"),
            Some(review.clone()),
        )
        .await;
    assert_eq!(reviewed.result()["status"], json!("approved"));
    api.admin(
        Method::POST,
        &format!("/publication/{request_id}/review"),
        Some(review),
    )
    .await
    .assert_error(409, "Publication request was already reviewed");
    assert_eq!(
        api.get(&format!("/integration/network/{network}"), DEMO)
            .await
            .result()["public"],
        json!(true)
    );
    assert_eq!(
        api.get(&publish, DEMO).await.result()["status"],
        json!("approved")
    );
    api.post(&publish, DEMO, json!({}))
        .await
        .assert_error(409, "Network is already public");
    api.connector(PARTNER, "uses acme-lora", &[&network]).await;
}

#[tokio::test]
async fn a_rejected_request_keeps_its_reason_and_may_be_sent_again() {
    let api = Api::start().await;
    let connector = api.connector(DEMO, "acme-th", &[TTN]).await;
    let publish = format!("/integration/connector/{connector}/publish");
    let id = api.post(&publish, DEMO, json!({})).await.result()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let review = json!({"decision": "rejected", "reason": "needs documentation"});
    api.admin(
        Method::POST,
        &format!("/publication/{id}/review"),
        Some(review),
    )
    .await
    .result();
    let status = api.get(&publish, DEMO).await;
    assert_eq!(
        (&status.result()["status"], &status.result()["reason"]),
        (&json!("rejected"), &json!("needs documentation"))
    );
    assert_eq!(
        api.get(&format!("/integration/connector/{connector}"), DEMO)
            .await
            .result()["public"],
        json!(false)
    );
    assert_eq!(
        api.post(&publish, DEMO, json!({"message": "docs added"}))
            .await
            .result()["status"],
        json!("pending")
    );
}
