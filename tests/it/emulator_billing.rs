//! Billing: the account's subscription (plan, service limits, add-ons), the allocation of its
//! limits among its profiles, and prices (sdk-js `Billing.ts`; spec `/account/allocation`).
//! Removing an add-on is `emulator_addons.rs`.

use reqwest::Method;
use serde_json::{json, Value};
use tagoform::emulator::seed::DEMO_STAGING_PROFILE_ID;
use tagoform::emulator::Tier;

use super::support::emulator::*;

const STAGING: &str = DEMO_STAGING_PROFILE_ID;
const SERVICES: [&str; 9] = [
    "input",
    "output",
    "analysis",
    "data_records",
    "sms",
    "email",
    "run_users",
    "push_notification",
    "file_storage",
];

/// The allocation item of `profile` in `GET /account/allocation`.
async fn allocation_of(api: &Api, token: &str, profile: &str) -> Value {
    let listed = api.get("/account/allocation", token).await;
    listed
        .result()
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["profile"] == json!(profile))
        .cloned()
        .unwrap_or_else(|| panic!("{profile} is not in {}", listed.body))
}

async fn subscription(api: &Api, token: &str) -> Value {
    api.get("/account/subscription", token)
        .await
        .result()
        .clone()
}

#[tokio::test]
async fn the_first_profile_holds_the_account_limits_and_later_ones_nothing() {
    let api = Api::start().await;
    let listed = api.get("/account/allocation", DEMO).await;
    let items = listed.result().as_array().unwrap();
    assert_eq!(
        items.len(),
        2,
        "one item per owned profile: {}",
        listed.body
    );
    let mut keys: Vec<&str> = items[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected: Vec<&str> = SERVICES.to_vec();
    expected.extend(["profile", "updated_at"]);
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let limits = subscription(&api, DEMO).await;
    assert_eq!(limits["plan"], json!("scale"), "unlimited reports scale");
    for service in SERVICES {
        assert_eq!(items[0][service], limits["services"][service]["limit"]);
        assert_eq!(items[1][service], json!(0), "{service}");
    }
    assert_eq!(
        (&items[0]["profile"], &items[1]["profile"]),
        (&json!(ACME), &json!(STAGING))
    );
    let info = api.get(&format!("/profile/{ACME}"), DEMO).await;
    assert_eq!(info.result()["allocation"]["input"], items[0]["input"]);
    assert_eq!(info.result()["account_plan"], json!("scale"));
    assert_eq!(
        info.result()["addons"],
        json!({"custom_dns": false, "mobile": false})
    );

    let third = api.create_profile(DEMO, "Third").await;
    assert_eq!(allocation_of(&api, DEMO, &third).await["input"], json!(0));
    // Another account's allocation is its own.
    let partner = api.get("/account/allocation", PARTNER).await;
    assert_eq!(partner.result()[0]["profile"], json!(GLOBEX));
}

#[tokio::test]
async fn plan_flag_sets_the_subscription_plan_and_limits() {
    let api = Api::with_plan(Tier::Free).await;
    let subscription = subscription(&api, DEMO).await;
    assert_eq!(subscription["plan"], json!("free"));
    assert_eq!(subscription["account"], json!("6500a1b2c3d4e5f601234500"));
    let services = subscription["services"].as_object().unwrap();
    assert_eq!(services.len(), 9);
    assert_eq!(services["input"], json!({"limit": 10_000}));
    assert_eq!(
        subscription["addons"],
        json!({"custom_dns": [], "mobile": []})
    );
    assert_eq!(subscription["processing"], json!(false));
    assert_eq!(subscription["trial_end"], Value::Null);
    assert!(subscription["upcoming_invoice_total"].is_number());
    assert!(subscription["current_cycle"]["start"].is_string());
    assert_eq!(
        allocation_of(&api, DEMO, ACME).await["input"],
        json!(10_000)
    );
    let info = api.get(&format!("/profile/{ACME}"), DEMO).await;
    assert_eq!(info.result()["account_plan"], json!("free"));
}

#[tokio::test]
async fn allocation_moves_between_profiles_all_or_nothing() {
    let api = Api::start().await;
    api.freeze("2026-03-01T10:00:00Z").await;
    let moved = json!([
        {"profile": ACME, "input": 600_000},
        {"profile": STAGING, "input": 400_000, "sms": 0.0},
    ]);
    assert_eq!(
        api.post("/account/allocation", DEMO, moved).await.result(),
        &json!("Profile resource allocation Successfully Updated")
    );
    let staging = allocation_of(&api, DEMO, STAGING).await;
    assert_eq!(staging["input"], json!(400_000));
    assert_eq!(staging["updated_at"], json!("2026-03-01T10:00:00.000Z"));
    assert_eq!(
        allocation_of(&api, DEMO, ACME).await["output"],
        json!(2_000_000)
    );

    // One item over the limit: nothing of the body is applied.
    let over = json!([
        {"profile": ACME, "output": 5},
        {"profile": STAGING, "input": 400_001},
    ]);
    api.post("/account/allocation", DEMO, over).await.assert_error(
        400,
        "The allocation of `input` exceeds the account's limit: 1000001 over all profiles, limit 1000000",
    );
    assert_eq!(
        allocation_of(&api, DEMO, ACME).await["output"],
        json!(2_000_000)
    );
    assert_eq!(
        allocation_of(&api, DEMO, STAGING).await["input"],
        json!(400_000)
    );
}

#[tokio::test]
async fn allocation_refuses_bad_bodies() {
    let api = Api::start().await;
    let post = |body: Value| api.post("/account/allocation", DEMO, body);
    post(json!({"profile": ACME})).await.assert_error(
        400,
        "Invalid request body: expected an array of {profile, <service>: amount}",
    );
    post(json!([{"input": 1}]))
        .await
        .assert_error(400, "Each allocation item needs a `profile` id");
    post(json!([{"profile": GLOBEX, "input": 0}]))
        .await
        .assert_error(
            400,
            &format!("Profile `{GLOBEX}` is not one of the account's profiles"),
        );
    post(json!([{"profile": STAGING}, {"profile": STAGING}]))
        .await
        .assert_error(
            400,
            &format!("Profile `{STAGING}` appears more than once in the allocation"),
        );
    for bad in [json!(1.5), json!(-1), json!("5"), json!(null)] {
        post(json!([{"profile": STAGING, "sms": bad}]))
            .await
            .assert_error(
                400,
                &format!(
                    "Invalid amount of `sms` for profile `{STAGING}`: must be a whole number, 0 or more"
                ),
            );
    }
    post(json!([{"profile": STAGING, "inputs": 1}])).await.assert_error(
        400,
        &format!(
            "Unknown key `inputs` in the allocation of profile `{STAGING}`: use `profile` and the services input, output, analysis, data_records, sms, email, run_users, push_notification, file_storage"
        ),
    );
    let read = api.token_with("read").await;
    api.post("/account/allocation", &read, json!([]))
        .await
        .assert_error(403, "Authorization denied: a read token cannot write");
    // Nothing changed.
    assert_eq!(allocation_of(&api, DEMO, STAGING).await["sms"], json!(0));
}

#[tokio::test]
async fn an_account_with_one_profile_has_nothing_to_allocate() {
    let api = Api::start().await;
    let alice = api.invitee_token("alice@acme.example").await;
    let listed = api.get("/account/allocation", &alice).await;
    assert_eq!(listed.result().as_array().unwrap().len(), 1);
    api.post(
        "/account/allocation",
        &alice,
        json!([{"profile": "6500a1b2c3d4e5f6012345a1", "input": 1}]),
    )
    .await
    .assert_error(
        400,
        "The account has only one profile: there is nothing to allocate",
    );
}

#[tokio::test]
async fn subscription_edits_one_part_at_a_time() {
    let api = Api::start().await;
    let post = |body: Value| api.post("/account/subscription", DEMO, body);
    let one_of = "Send exactly one of `plan`, `services` and `addons`";
    post(json!({})).await.assert_error(400, one_of);
    post(json!({"plan": "starter", "addons": {"mobile": []}}))
        .await
        .assert_error(400, one_of);
    post(json!({"plan": "enterprise"}))
        .await
        .assert_error(400, "Invalid plan: use free, starter or scale");
    assert_eq!(
        post(json!({"plan": "starter", "coupon": "ANY"}))
            .await
            .result(),
        &json!("Subscription Successfully Updated")
    );
    let after = subscription(&api, DEMO).await;
    assert_eq!(after["plan"], json!("starter"));
    assert_eq!(
        after["services"]["input"],
        json!({"limit": 1_000_000}),
        "a plan change keeps the limits"
    );

    post(json!({"services": {"input": {"limit": 2_000_000}, "sms": {"limit": 150}}}))
        .await
        .result();
    let after = subscription(&api, DEMO).await;
    assert_eq!(after["services"]["input"], json!({"limit": 2_000_000}));
    assert_eq!(after["services"]["sms"], json!({"limit": 150}));
    post(json!({"services": {"output": {"limit": 1_999_999}}}))
        .await
        .assert_error(
            400,
            "The limit of `output` cannot be 1999999: 2000000 is allocated to the account's profiles",
        );
    post(json!({"services": {"outputs": {"limit": 1}}}))
        .await
        .assert_error(
            400,
            "Unknown service `outputs`: use input, output, analysis, data_records, sms, email, run_users, push_notification, file_storage",
        );
    post(json!({"services": {"sms": 5}})).await.assert_error(
        400,
        "Invalid limit of `sms`: expected {limit} with a whole number, 0 or more",
    );
    assert_eq!(
        subscription(&api, DEMO).await["services"]["sms"],
        json!({"limit": 150})
    );
}

#[tokio::test]
async fn the_free_plan_buys_no_addons_and_changes_no_limits() {
    let api = Api::with_plan(Tier::Free).await;
    let post = |body: Value| api.post("/account/subscription", DEMO, body);
    post(json!({"addons": {"mobile": [ACME]}}))
        .await
        .assert_error(400, "Add-ons cannot be purchased on the Free plan");
    post(json!({"services": {"sms": {"limit": 10}}}))
        .await
        .assert_error(400, "Service limits cannot be changed on the Free plan");
    post(json!({"plan": "starter"})).await.result();
    post(json!({"addons": {"mobile": [ACME]}})).await.result();
    assert_eq!(
        subscription(&api, DEMO).await["addons"]["mobile"],
        json!([ACME])
    );
}

#[tokio::test]
async fn addons_replace_their_list_and_show_on_the_profile() {
    let api = Api::start().await;
    let post = |body: Value| api.post("/account/subscription", DEMO, body);
    post(json!({"addons": {"mobile": [ACME, STAGING, ACME], "custom_dns": [STAGING]}}))
        .await
        .result();
    let after = subscription(&api, DEMO).await;
    assert_eq!(
        after["addons"],
        json!({"custom_dns": [STAGING], "mobile": [ACME, STAGING]})
    );
    post(json!({"addons": {"mobile": [STAGING]}}))
        .await
        .result();
    let after = subscription(&api, DEMO).await;
    assert_eq!(
        after["addons"],
        json!({"custom_dns": [STAGING], "mobile": [STAGING]}),
        "only the add-ons given are replaced"
    );
    let info = api.get(&format!("/profile/{STAGING}"), DEMO).await;
    assert_eq!(
        info.result()["addons"],
        json!({"custom_dns": true, "mobile": true})
    );
    post(json!({"addons": {"mobile": [GLOBEX]}}))
        .await
        .assert_error(
            400,
            &format!("Profile `{GLOBEX}` is not one of the account's profiles"),
        );
    post(json!({"addons": {"control_tower": [ACME]}}))
        .await
        .assert_error(
            400,
            "Unknown add-on `control_tower`: use custom_dns or mobile",
        );
    post(json!({"addons": {"mobile": STAGING}}))
        .await
        .assert_error(400, "Invalid `mobile`: expected a list of profile ids");
    assert_eq!(
        subscription(&api, DEMO).await["addons"]["mobile"],
        json!([STAGING])
    );
}

#[tokio::test]
async fn a_deleted_profile_leaves_the_allocation_and_the_addons() {
    let api = Api::start().await;
    let temp = api.create_profile(DEMO, "Temp").await;
    api.post(
        "/account/subscription",
        DEMO,
        json!({"addons": {"mobile": [temp, ACME], "custom_dns": [temp]}}),
    )
    .await
    .result();
    api.call(
        Method::DELETE,
        &format!("/profile/{temp}"),
        Some(DEMO),
        Some(json!({"password": "demo-password"})),
    )
    .await
    .result();
    let listed = api.get("/account/allocation", DEMO).await;
    let profiles: Vec<&Value> = listed
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|item| &item["profile"])
        .collect();
    assert_eq!(profiles, [&json!(ACME), &json!(STAGING)]);
    assert_eq!(
        subscription(&api, DEMO).await["addons"],
        json!({"custom_dns": [], "mobile": [ACME]})
    );
}

#[tokio::test]
async fn pricing_lists_plans_addons_and_service_tiers() {
    let api = Api::start().await;
    let prices = api.get("/pricing", DEMO).await;
    let prices = prices.result();
    let names: Vec<&Value> = prices["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|plan| &plan["name"])
        .collect();
    assert_eq!(names, [&json!("free"), &json!("starter"), &json!("scale")]);
    assert_eq!(prices["addons"].as_array().unwrap().len(), 2);
    for service in SERVICES {
        let tiers = prices[service].as_array().unwrap();
        assert!(!tiers.is_empty(), "{service}");
        assert!(tiers
            .iter()
            .all(|t| t["amount"].is_u64() && t["price"].is_u64()));
    }
}
