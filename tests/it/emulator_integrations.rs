//! Networks and connectors: lists that hold the profile's own objects, those shared with it
//! and TagoIO's public catalog (`filter[profile]` keeps the own ones, a `filter[public]` key
//! drops the catalog), TagoIO's query encoding, and rule 5 (a connector needs a network; only
//! public networks or networks of its own profile, even a shared custom network is refused).

use serde_json::json;

use super::support::emulator::*;

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
    let own = format!("filter%5Bprofile%5D={ACME}");
    let page2 = api.get(&format!("/integration/network/?page=2&amount=2&fields%5B0%5D=id&fields%5B1%5D=name&{own}&orderBy=name%2Casc"), DEMO).await;
    assert_eq!(names(&page2), ["charlie", "delta"]);
    let keys: Vec<_> = page2.result()[0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, ["id", "name"]);
    let page3 = api
        .get(&format!("/integration/network?page=3&amount=2&{own}"), DEMO)
        .await;
    assert_eq!(names(&page3), ["echo"]);
    let desc = api
        .get(
            &format!("/integration/network?orderBy=name,desc&amount=2&{own}"),
            DEMO,
        )
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
    // TagoIO's own clients ask for up to 10,000 a page (mcp-server `global-params.model.ts`).
    api.get("/integration/network?amount=10000", DEMO)
        .await
        .result();
    api.get("/integration/network?amount=10001", DEMO)
        .await
        .assert_error(
            400,
            "Invalid amount `10001`: must be a whole number from 1 to 10000",
        );
    // Another profile's list does not show them: only the catalog.
    let partners = api
        .get(
            "/integration/network?fields[0]=id&fields[1]=public",
            PARTNER,
        )
        .await;
    assert!(partners
        .result()
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["public"] == json!(true)));
}

#[tokio::test]
async fn lists_hold_own_shared_and_catalog_objects_and_the_filters_separate_them() {
    let api = Api::start().await;
    let mine = api.network(DEMO, "ACME LoRaWAN").await;
    let theirs = api.network(PARTNER, "Globex net").await;
    api.share(PARTNER, "network", &theirs, ACME).await;
    let ids = |answer: &Answer| -> Vec<String> {
        let mut ids: Vec<String> = answer
            .result()
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    let catalog = [
        "5f46679034e73f002833025b",
        "5bbd10774051a50034cd1a00",
        "602275f9fc48a40018510a8a",
        "82e3b08c35bf60e6b56c745f",
    ];
    let everything = api.get("/integration/network?amount=100", DEMO).await;
    let mut expected: Vec<String> = catalog.iter().map(|id| id.to_string()).collect();
    expected.extend([mine.clone(), theirs.clone()]);
    assert_eq!(ids(&everything), sorted(expected));
    // Two objects named `ACME LoRaWAN`: the profile's own and the catalog's.
    let named = api
        .get(
            "/integration/network?filter[name]=ACME%20LoRaWAN&fields[0]=id&fields[1]=public",
            DEMO,
        )
        .await;
    assert_eq!(
        named.result(),
        &json!([{"id": mine, "public": false}, {"id": "82e3b08c35bf60e6b56c745f", "public": true}])
    );
    // `filter[profile]`: only what that profile owns; no answer says who owns what.
    let own = api
        .get(
            &format!("/integration/network?filter[profile]={ACME}&fields[0]=id&fields[1]=profile"),
            DEMO,
        )
        .await;
    assert_eq!(own.result(), &json!([{"id": mine}]));
    // A `filter[public]` key, whatever its value, drops the catalog.
    for value in ["false", "true", ""] {
        let without = api
            .get(
                &format!("/integration/network?filter[public]={value}"),
                DEMO,
            )
            .await;
        assert_eq!(
            ids(&without),
            sorted(vec![mine.clone(), theirs.clone()]),
            "{value}"
        );
    }
    // Connectors alike: the catalog's three, no own one yet.
    let connectors = api
        .get(
            &format!("/integration/connector?filter[profile]={ACME}"),
            DEMO,
        )
        .await;
    assert_eq!(connectors.result(), &json!([]));
    let all = api.get("/integration/connector", DEMO).await;
    assert_eq!(all.result().as_array().unwrap().len(), 3);
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
    assert_eq!(info.result().get("profile"), None);
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
        "A network becomes public only through TagoIO's review of a pull request to tago-io/decoders",
    );
    api.post(
        "/integration/network",
        DEMO,
        json!({"description": "no name"}),
    )
    .await
    .assert_error(400, "Network name is required");
    assert_eq!(
        api.get(
            &format!("/integration/network?filter[profile]={ACME}"),
            DEMO
        )
        .await
        .result(),
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

/// TagoIO API changelog v8.12.2: "Fixed an issue related to creating a connector using a
/// shared network". A network of another profile is usable once shared with this one, and
/// not before (it is then invisible: not found).
#[tokio::test]
async fn a_connector_may_use_a_network_shared_with_its_profile() {
    let api = Api::start().await;
    let own = api.network(DEMO, "own").await;
    let foreign = api.network(PARTNER, "globex net").await;
    let not_found = format!("Network `{foreign}` not found");
    api.post(
        "/integration/connector",
        DEMO,
        json!({"name": "c", "networks": [foreign]}),
    )
    .await
    .assert_error(400, &not_found);
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
    .assert_error(400, &not_found);
    api.share(PARTNER, "network", &foreign, ACME).await;
    api.connector(DEMO, "on shared", &[&foreign]).await;
    let edited = api
        .put(
            &format!("/integration/connector/{id}"),
            DEMO,
            json!({"networks": [own, foreign]}),
        )
        .await;
    assert_eq!(edited.result(), &json!("Connector Successfully Updated"));
    let listed = api
        .get(
            &format!(
                "/integration/connector?fields[0]=name&fields[1]=networks&filter[profile]={ACME}"
            ),
            DEMO,
        )
        .await;
    assert_eq!(
        listed.result(),
        &json!([
            {"name": "c", "networks": [own, foreign]},
            {"name": "on shared", "networks": [foreign]}
        ])
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
