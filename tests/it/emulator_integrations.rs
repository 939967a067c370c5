//! Networks and connectors: scoped to the token's profile, listed with TagoIO's query
//! encoding, and rule 5 (a connector needs a network; only public networks or networks of
//! its own profile, even a shared custom network is refused).

use serde_json::json;

use super::emulator_support::*;

#[tokio::test]
async fn lists_page_filter_order_and_project_like_the_sdk() {
    let api = Api::start().await;
    for name in ["delta", "alpha", "charlie", "bravo", "echo"] {
        api.network(DEMO, name).await;
    }
    let names = |answer: &Answer| -> Vec<String> {
        answer
            .result()
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["name"].as_str().unwrap().to_string())
            .collect()
    };
    let page2 = api.get("/integration/network/?page=2&amount=2&fields%5B0%5D=id&fields%5B1%5D=name&orderBy=name%2Casc", DEMO).await;
    assert_eq!(names(&page2), ["charlie", "delta"]);
    let keys: Vec<_> = page2.result()[0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, ["id", "name"]);
    let page3 = api.get("/integration/network?page=3&amount=2", DEMO).await;
    assert_eq!(names(&page3), ["echo"]);
    let desc = api
        .get("/integration/network?orderBy=name,desc&amount=2", DEMO)
        .await;
    assert_eq!(names(&desc), ["echo", "delta"]);
    let filtered = api
        .get(
            "/integration/network?filter%5Bname%5D=bravo&fields[0]=name&fields[1]=public",
            DEMO,
        )
        .await;
    assert_eq!(
        filtered.result(),
        &json!([{"name": "bravo", "public": false}])
    );
    api.get("/integration/network?amount=1001", DEMO)
        .await
        .assert_error(
            400,
            "Invalid amount `1001`: must be a whole number from 1 to 1000",
        );
    // Another profile's list does not show them.
    assert_eq!(
        api.get("/integration/network", PARTNER).await.result(),
        &json!([])
    );
}

#[tokio::test]
async fn objects_are_created_read_edited_and_deleted_by_their_profile() {
    let api = Api::start().await;
    let body = json!({"name": "TH sensor net", "middleware_endpoint": "net.example.com", "payload_decoder": "Ly8gZGVjb2Rlcgo=",
        "serial_number": {"mask": "xxxx", "required": true}, "device_parameters": [{"name": "eui", "type": "text"}]});
    let id = api.post("/integration/network", DEMO, body).await.result()["network"]
        .as_str()
        .unwrap()
        .to_string();
    let info = api.get(&format!("/integration/network/{id}"), DEMO).await;
    assert_eq!(info.result()["profile"], json!(ACME));
    assert_eq!(
        info.result()["serial_number"],
        json!({"mask": "xxxx", "required": true})
    );
    let put = api
        .put(
            &format!("/integration/network/{id}"),
            DEMO,
            json!({"description": "edited"}),
        )
        .await;
    assert_eq!(put.result(), &json!("Network Successfully Updated"));
    let some = api
        .get(
            &format!("/integration/network/{id}?fields[0]=description&fields[1]=payload_decoder"),
            DEMO,
        )
        .await;
    assert_eq!(
        some.result(),
        &json!({"description": "edited", "payload_decoder": "Ly8gZGVjb2Rlcgo="})
    );
    api.get(&format!("/integration/network/{id}"), PARTNER)
        .await
        .assert_error(404, "Network not found");
    api.get(&format!("/integration/connector/{id}"), DEMO)
        .await
        .assert_error(404, "Connector not found");
    assert_eq!(
        api.delete(&format!("/integration/network/{id}"), DEMO)
            .await
            .result(),
        &json!("Network Successfully Removed")
    );
    api.get(&format!("/integration/network/{id}"), DEMO)
        .await
        .assert_error(404, "Network not found");
}

#[tokio::test]
async fn decoders_must_be_base64_and_public_cannot_be_set() {
    let api = Api::start().await;
    api.post(
        "/integration/network",
        DEMO,
        json!({"name": "n", "payload_decoder": "function decode() {}"}),
    )
    .await
    .assert_error(400, "payload_decoder must be base64-encoded");
    api.post(
        "/integration/network",
        DEMO,
        json!({"name": "n", "public": true}),
    )
    .await
    .assert_error(
        400,
        "A network becomes public only through an approved publication request",
    );
    api.post(
        "/integration/network",
        DEMO,
        json!({"description": "no name"}),
    )
    .await
    .assert_error(400, "Network name is required");
    assert_eq!(
        api.get("/integration/network", DEMO).await.result(),
        &json!([])
    );
}

#[tokio::test]
async fn a_connector_needs_at_least_one_network() {
    let api = Api::start().await;
    api.post("/integration/connector", DEMO, json!({"name": "c"}))
        .await
        .assert_error(400, "A connector needs at least one network");
    api.post(
        "/integration/connector",
        DEMO,
        json!({"name": "c", "networks": []}),
    )
    .await
    .assert_error(400, "A connector needs at least one network");
    let id = api.connector(DEMO, "c", &[TTN]).await;
    api.put(
        &format!("/integration/connector/{id}"),
        DEMO,
        json!({"networks": []}),
    )
    .await
    .assert_error(400, "A connector needs at least one network");
    assert_eq!(
        api.get(&format!("/integration/connector/{id}"), DEMO)
            .await
            .result()["networks"],
        json!([TTN])
    );
}

#[tokio::test]
async fn a_connector_uses_only_public_networks_or_its_own_profiles() {
    let api = Api::start().await;
    let own = api.network(DEMO, "own").await;
    let foreign = api.network(PARTNER, "globex net").await;
    api.post(
        &format!("/integration/network/{foreign}/share"),
        PARTNER,
        json!({"profile_id": ACME}),
    )
    .await
    .result();
    let message = format!(
        "Network `{foreign}` is shared with this profile, not owned by it: a connector may only use public networks or networks of its own profile"
    );
    api.post(
        "/integration/connector",
        DEMO,
        json!({"name": "c", "networks": [foreign]}),
    )
    .await
    .assert_error(400, &message);
    api.post(
        "/integration/connector",
        DEMO,
        json!({"name": "c", "networks": ["aaaaaaaaaaaaaaaaaaaaaaaa"]}),
    )
    .await
    .assert_error(400, "Network `aaaaaaaaaaaaaaaaaaaaaaaa` not found");
    let id = api.connector(DEMO, "c", &[TTN, &own]).await;
    api.put(
        &format!("/integration/connector/{id}"),
        DEMO,
        json!({"networks": [own, foreign]}),
    )
    .await
    .assert_error(400, &message);
    let listed = api
        .get(
            "/integration/connector?fields[0]=name&fields[1]=networks",
            DEMO,
        )
        .await;
    assert_eq!(
        listed.result(),
        &json!([{"name": "c", "networks": [TTN, own]}])
    );
}

#[tokio::test]
async fn a_network_in_use_cannot_be_deleted() {
    let api = Api::start().await;
    let own = api.network(DEMO, "own").await;
    let connector = api.connector(DEMO, "c", &[&own]).await;
    api.delete(&format!("/integration/network/{own}"), DEMO)
        .await
        .assert_error(
            409,
            &format!("Network is used by connector(s) `{connector}`: remove it from them first"),
        );
    api.delete(&format!("/integration/connector/{connector}"), DEMO)
        .await
        .result();
    api.delete(&format!("/integration/network/{own}"), DEMO)
        .await
        .result();
}
