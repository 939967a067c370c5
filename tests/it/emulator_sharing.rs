//! Rules 4 and 6: shares (recipients read and use but never modify; never with the owner;
//! twice is a conflict). The share routes are *unverified* (docs/api.md); publication is not
//! an API operation on TagoIO, so its routes do not exist.

use reqwest::Method;
use serde_json::json;

use super::support::emulator::*;

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
    // No list carries shares: they are read per object, from the share list.
    let owned = api
        .get(
            &format!("/integration/connector?fields[0]=name&fields[1]=shared_with&fields[2]=publication&filter[profile]={ACME}"),
            DEMO,
        )
        .await;
    assert_eq!(owned.result(), &json!([{"name": "acme-th"}]));
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
    api.share(DEMO, "connector", &id, GLOBEX).await;
    let path = format!("/integration/connector/{id}");
    assert_eq!(
        api.get(&path, PARTNER).await.result()["name"],
        json!("acme-th")
    );
    // The recipient's list holds it (no key says it is shared); its own objects do not.
    let listed = api
        .get(
            "/integration/connector?filter[public]=&fields[0]=id&fields[1]=profile",
            PARTNER,
        )
        .await;
    assert_eq!(listed.result(), &json!([{"id": id}]));
    let own = api
        .get(
            &format!("/integration/connector?filter[profile]={GLOBEX}"),
            PARTNER,
        )
        .await;
    assert_eq!(own.result(), &json!([]));
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
    assert_eq!(
        api.get(&path, DEMO).await.result()["name"],
        json!("acme-th")
    );
}

#[tokio::test]
async fn the_publication_routes_tagoio_does_not_have_do_not_exist() {
    let api = Api::start().await;
    let id = api.connector(DEMO, "acme-th", &[TTN]).await;
    for kind_and_id in [format!("connector/{id}"), format!("network/{TTN}")] {
        api.post(
            &format!("/integration/{kind_and_id}/publish"),
            DEMO,
            json!({}),
        )
        .await
        .assert_error(404, "Route not found");
    }
    api.admin(Method::GET, "/publications", None)
        .await
        .assert_error(404, "Route not found");
    api.get("/integration/connector/shared", DEMO)
        .await
        .assert_error(400, "Invalid connector id `shared`");
}
