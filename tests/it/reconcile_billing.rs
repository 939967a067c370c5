//! Service allocation and add-ons, end to end: one allocation read and one subscription read
//! when managed (none otherwise), one allocation request per apply with exactly the changed
//! entries, the account's limits checked before any write, add-ons only with
//! `--allow-billing`, and an export that plans `No changes`.

use reqwest::Method;
use serde_json::{json, Value};

use super::support::snapshots::assert_snapshot;
use super::support::world::*;

/// ACME holds input 60,000 and sms 50, Staging input 40,000 and sms 0; the account's limits
/// are input 100,000 and sms 100.
async fn world() -> World {
    let world = World::start().await;
    world
        .api
        .post(
            "/account/allocation",
            DEMO,
            json!([
                {"profile": ACME, "input": 60_000, "sms": 50},
                {"profile": STAGING, "input": 40_000, "sms": 0},
            ]),
        )
        .await
        .result();
    world
        .api
        .post(
            "/account/subscription",
            DEMO,
            json!({"services": {"input": {"limit": 100_000}, "sms": {"limit": 100}}}),
        )
        .await
        .result();
    world
}

fn yaml(acme: &str, staging: &str) -> String {
    format!(
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n{acme}  staging:\n    name: ACME Staging\n{staging}"
    )
}

/// (input, sms) of a profile, as `GET /account/allocation` lists it.
async fn allocation(world: &World, profile: &str) -> (u64, u64) {
    let answer = world.api.get("/account/allocation", DEMO).await;
    let item = answer
        .result()
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["profile"] == json!(profile))
        .unwrap_or_else(|| panic!("{profile} not in {:?}", answer.result()))
        .clone();
    (
        item["input"].as_u64().unwrap(),
        item["sms"].as_u64().unwrap(),
    )
}

async fn holders(world: &World, addon: &str) -> Value {
    let answer = world.api.get("/account/subscription", DEMO).await;
    answer.result()["addons"][addon].clone()
}

#[tokio::test]
async fn a_sum_over_the_limit_is_refused_with_the_table_before_any_write() {
    let world = world().await;
    // 80,000 configured + Staging's 40,000 as it is = 120,000 > 100,000.
    world.write(
        "tagoform.yaml",
        &yaml("    allocation: {input: 80000}\n", ""),
    );
    let expected =
        "error: the service allocation would exceed the account's limits, so nothing is planned:
  service    limit      sum  over by  largest shares
  input    100,000  120,000   20,000  acme 80,000, \"ACME Staging\" 40,000
lower the `allocation` of these profiles, or raise the account's limits on TagoIO's Billing page
";
    let plan = world.run(&["plan"]).await;
    plan.code(4);
    assert_eq!(plan.stderr, expected);
    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(4);
    assert_eq!(apply.stderr, expected);
    assert_eq!(writes(&requests), sign_ins(2));
    assert_eq!(allocation(&world, ACME).await, (60_000, 50));
}

#[tokio::test]
async fn one_request_carries_exactly_the_changed_profiles_and_services() {
    let world = world().await;
    // Moving 10,000 from ACME to Staging fits only when both travel in one request.
    world.write(
        "tagoform.yaml",
        &yaml(
            "    allocation: {input: 50000, sms: 50}\n",
            "    allocation: {input: 50000}\n",
        ),
    );
    let expected = world
        .assert_plan_snapshot("reconcile_billing/allocation_in_one_request", &[])
        .await;
    let json = world.run(&["plan", "--format", "json"]).await;
    let document: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        document["operations"][0]["entries"],
        json!([
            {"target": {"key": "acme", "id": ACME}, "services": {"input": 50_000}},
            {"target": {"key": "staging", "id": STAGING}, "services": {"input": 50_000}},
        ])
    );
    assert_eq!(document["operations"][0]["profile"], json!(""));

    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&expected, 1));
    assert_eq!(
        writes(&requests),
        with_lock(add(sign_ins(2), &[("POST /account/allocation", 1)]))
    );
    assert_eq!(allocation(&world, ACME).await, (50_000, 50));
    assert_eq!(allocation(&world, STAGING).await, (50_000, 0));

    world.assert_no_changes().await;
}

#[tokio::test]
async fn a_new_profile_is_created_and_allocated_in_one_apply() {
    let world = world().await;
    world.write(
        "tagoform.yaml",
        "version: 1\nprofiles:\n  newco:\n    name: NewCo\n    allocation: {input: 0, sms: 10}\n",
    );
    let (apply, requests) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    assert!(apply.stdout.contains("newco.sms: 10\n"), "{}", apply.stdout);
    let wrote = writes(&requests);
    assert_eq!(wrote.get("POST /profile"), Some(&1));
    assert_eq!(wrote.get("POST /account/allocation"), Some(&1));
    let newco = world.profile_id("NewCo").await;
    assert_eq!(allocation(&world, &newco).await, (0, 10));
    let plan = world.run(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
}

#[tokio::test]
async fn add_ons_are_bought_and_removed_only_with_allow_billing() {
    let world = world().await;
    let prices = world.api.get("/pricing", DEMO).await;
    let price = prices.result()["addons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == json!("mobile"))
        .unwrap()["price"]
        .clone();
    world.write("tagoform.yaml", &yaml("    addons: [mobile]\n", ""));
    let plan = world.run(&["plan"]).await;
    plan.code(0);
    assert_snapshot(&plan.stdout, "reconcile_billing/buy_add_on", &[]);
    // The list price shown is the one of /pricing.
    assert!(
        plan.stdout
            .contains(&format!("(list price {price} by TagoIO's /pricing;")),
        "{}",
        plan.stdout
    );

    let (refused, requests) = world.measured(&["apply", "--auto-approve"]).await;
    refused.code(4);
    assert!(
        refused.stderr.contains("--allow-billing"),
        "{}",
        refused.stderr
    );
    assert_eq!(writes(&requests), sign_ins(2));
    assert_eq!(holders(&world, "mobile").await, json!([]));

    let (bought, requests) = world
        .measured(&["apply", "--auto-approve", "--allow-billing"])
        .await;
    bought.code(0);
    assert_eq!(
        writes(&requests),
        with_lock(add(sign_ins(2), &[("POST /account/subscription", 1)]))
    );
    assert_eq!(holders(&world, "mobile").await, json!([ACME]));
    // Read, bought, read again to confirm.
    assert_eq!(requests.get("GET /account/subscription"), Some(&4));

    world.write("tagoform.yaml", &yaml("    addons: []\n", ""));
    let (refused, requests) = world.measured(&["apply", "--auto-approve"]).await;
    refused.code(4);
    assert!(
        refused
            .stdout
            .contains("Removals (review these first):\n  - remove the `mobile` add-on"),
        "{}",
        refused.stdout
    );
    assert_eq!(writes(&requests), sign_ins(2));
    assert_eq!(holders(&world, "mobile").await, json!([ACME]));
}

/// TagoIO removes an add-on at the end of the billing cycle (sdk-js `Profile.removeAddOn`):
/// apply asks once and confirms by the schedule, the profile keeps the add-on meanwhile, the
/// next plan notes the removal instead of planning it again, and the cycle's end removes it.
#[tokio::test]
async fn an_add_on_removal_is_scheduled_for_the_cycle_end_and_not_asked_again() {
    let world = world().await;
    world
        .api
        .post(
            "/account/subscription",
            DEMO,
            json!({"addons": {"mobile": [ACME, STAGING]}}),
        )
        .await
        .result();
    world.write("tagoform.yaml", &yaml("    addons: []\n", ""));
    let (plan, requests) = world.measured(&["plan"]).await;
    plan.code(0);
    assert_snapshot(
        &plan.stdout,
        "reconcile_billing/add_on_removal_scheduled",
        &[],
    );
    assert_eq!(requests.get("GET /account/subscription/schedule"), Some(&1));

    let (removed, requests) = world
        .measured(&["apply", "--auto-approve", "--allow-billing"])
        .await;
    removed.code(0);
    assert_eq!(removed.stdout, finished(&plan.stdout, 1));
    assert_eq!(
        writes(&requests),
        with_lock(add(sign_ins(2), &[("DELETE /profile/{id}/{addon}", 1)]))
    );
    // Read by each of the two plans, then once to confirm the removal.
    assert_eq!(requests.get("GET /account/subscription/schedule"), Some(&3));
    // Listed, and billed, until the cycle ends.
    assert_eq!(holders(&world, "mobile").await, json!([ACME, STAGING]));
    let schedule = world.api.get("/account/subscription/schedule", DEMO).await;
    assert_eq!(
        schedule.result()["release_at"],
        json!("2027-04-01T00:00:00.000Z")
    );
    assert_eq!(
        schedule.result()["subscription"]["addons"]["mobile"],
        json!([STAGING])
    );

    let noted = "No changes. TagoIO matches the configuration.
Notes:
  • acme: removal of the `mobile` add-on scheduled for 2027-04-01 00:00 UTC, the end of the billing cycle: the profile keeps it until then; not asked again

";
    let (again, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    again.code(0);
    assert_eq!(again.stdout, noted);
    assert_eq!(writes(&requests), sign_ins(2));
    let (nothing, requests) = world
        .measured(&["apply", "--auto-approve", "--allow-billing"])
        .await;
    nothing.code(0);
    assert_eq!(nothing.stdout, noted);
    assert!(!requests.contains_key("DELETE /profile/{id}/{addon}"));

    // 2027-03-01T10:00:00Z + 30 days 14 hours = 2027-04-01T00:00:00Z, the cycle's end.
    world.api.advance(30 * 86_400 + 14 * 3_600 - 1).await;
    assert_eq!(holders(&world, "mobile").await, json!([ACME, STAGING]));
    world.api.advance(1).await;
    assert_eq!(holders(&world, "mobile").await, json!([STAGING]));
    let info = world.api.get(&format!("/profile/{ACME}"), DEMO).await;
    assert_eq!(info.result()["addons"]["mobile"], json!(false));
    let (gone, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    gone.code(0);
    assert_eq!(
        gone.stdout,
        "No changes. TagoIO matches the configuration.\n"
    );
    assert!(!requests.contains_key("GET /account/subscription/schedule"));
}

/// A removal the schedule does not show is a failure that says the add-on is still billed,
/// whether TagoIO answered 404 (a retired route) or success; a lost answer is settled by the
/// schedule.
#[tokio::test]
async fn a_removal_is_done_only_when_the_schedule_shows_it() {
    let mut world = world().await;
    world
        .api
        .post(
            "/account/subscription",
            DEMO,
            json!({"addons": {"mobile": [ACME]}}),
        )
        .await
        .result();
    world.write("tagoform.yaml", &yaml("    addons: []\n", ""));
    let route = "/profile/{id}/mobile";
    let door = world
        .faulty(vec![
            Fault::new(Method::DELETE, route, 1, FaultMode::Gone("Route not found")),
            Fault::new(
                Method::DELETE,
                route,
                2,
                FaultMode::Pretend("Add-on Successfully Removed"),
            ),
            Fault::new(Method::DELETE, route, 3, FaultMode::LoseAnswer),
        ])
        .await;
    let apply = ["apply", "--auto-approve", "--allow-billing"];
    for answered in ["answered 404 to", "accepted"] {
        let failed = world.run(&apply).await;
        failed.code(3);
        assert!(
            failed.stderr.contains(&format!(
                "FAILED: remove the `mobile` add-on at the end of the billing cycle (removal \
                 scheduled for 2027-04-01 00:00 UTC; a subscription change, needs \
                 --allow-billing): TagoIO {answered} the removal of the `mobile` add-on of \
                 profile `acme` ({ACME}), but neither the subscription nor its schedule shows \
                 it going: the add-on is still billed; remove it on TagoIO's Billing page, then \
                 run again"
            )),
            "{}",
            failed.stderr
        );
        let schedule = world.api.get("/account/subscription/schedule", DEMO).await;
        assert_eq!(
            schedule.result(),
            &json!({"account": "6500a1b2c3d4e5f601234500", "release_at": null})
        );
    }
    let lost = world.run(&apply).await;
    lost.code(0);
    assert_eq!(door.injected(), 3);
    let schedule = world.api.get("/account/subscription/schedule", DEMO).await;
    assert_eq!(
        schedule.result()["subscription"]["addons"]["mobile"],
        json!([])
    );
    assert_eq!(holders(&world, "mobile").await, json!([ACME]));
}

#[tokio::test]
async fn billing_costs_two_reads_when_managed_and_none_otherwise() {
    let world = world().await;
    world.write("plain.yaml", &yaml("", ""));
    world.write(
        "managed.yaml",
        &yaml(
            "    allocation: {input: 60000}\n    addons: []\n",
            "    allocation: {sms: 0}\n",
        ),
    );
    let (plain, plain_requests) = world.measured(&["plan", "plain.yaml"]).await;
    plain.code(0);
    let (managed, managed_requests) = world.measured(&["plan", "managed.yaml"]).await;
    managed.code(0);
    assert_eq!(plain.stdout, managed.stdout);
    let mut extra = managed_requests.clone();
    for (route, n) in &plain_requests {
        *extra.get_mut(route).unwrap() -= n;
    }
    extra.retain(|_, n| *n > 0);
    assert_eq!(
        extra,
        counts(&[
            ("GET /account/allocation", 1),
            ("GET /account/subscription", 1)
        ])
    );
    assert!(!plain_requests
        .keys()
        .any(|r| r.contains("/account/") && !r.contains("/account/profile/token")));
}

#[tokio::test]
async fn export_writes_allocation_and_add_ons_and_plans_no_changes() {
    let world = world().await;
    world
        .api
        .post(
            "/account/subscription",
            DEMO,
            json!({"addons": {"custom_dns": [STAGING]}}),
        )
        .await
        .result();
    let export = world.run(&["export", "--out", "exported"]).await;
    export.code(0);
    let exported = std::fs::read_dir(world.path("exported"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        exported.contains("    allocation:\n      input: 40000\n"),
        "{exported}"
    );
    assert!(
        exported.contains("    addons:\n    - custom_dns\n"),
        "{exported}"
    );
    assert!(exported.contains("    addons: []\n"), "{exported}");
    let plan = world
        .run(&["plan", "exported", "--detailed-exitcode"])
        .await;
    plan.code(0);
    assert_eq!(plan.stdout, NO_CHANGES);
}

#[tokio::test]
async fn a_target_sends_and_checks_only_its_profiles_entries() {
    let world = world().await;
    world.write(
        "tagoform.yaml",
        &yaml(
            "    allocation: {input: 50000}\n",
            "    allocation: {input: 50000}\n",
        ),
    );
    // Staging's 50,000 beside ACME's live 60,000: over, since ACME's part is not sent.
    let (refused, requests) = world
        .measured(&["apply", "--target", "staging", "--auto-approve"])
        .await;
    refused.code(4);
    assert!(
        refused.stderr.contains(
            "  input    100,000  110,000   10,000  \"ACME Production\" 60,000, staging 50,000\n"
        ),
        "{}",
        refused.stderr
    );
    assert_eq!(requests.get("POST /account/allocation"), None);
    let (apply, requests) = world
        .measured(&["apply", "--target", "acme", "--auto-approve"])
        .await;
    apply.code(0);
    assert!(apply.stdout.contains("  ~ allocate services to profile `acme` (6500a1b2c3d4e5f601234501) (one request for the account)"), "{}", apply.stdout);
    assert!(!apply.stdout.contains("staging.input"), "{}", apply.stdout);
    assert_eq!(requests.get("POST /account/allocation"), Some(&1));
    assert_eq!(allocation(&world, ACME).await, (50_000, 50));
    assert_eq!(allocation(&world, STAGING).await, (40_000, 0));
}

/// A profile deleted with its add-ons takes them out of the account's subscription: the plan
/// says so, and apply needs `--allow-billing` besides `--allow-delete`. With no billing
/// managed, the add-on holders cost one `GET /account/subscription`, only because a profile
/// is deleted.
#[tokio::test]
async fn deleting_a_profile_that_holds_add_ons_is_a_billing_change() {
    let world = world().await;
    world
        .api
        .post(
            "/account/subscription",
            DEMO,
            json!({"addons": {"custom_dns": [STAGING]}}),
        )
        .await
        .result();
    world.write("tagoform.yaml", &yaml("", "    delete: true\n"));
    let (plan, requests) = world.measured(&["plan"]).await;
    plan.code(0);
    assert_snapshot(
        &plan.stdout,
        "reconcile_billing/delete_profile_with_add_ons",
        &[],
    );
    assert_eq!(requests.get("GET /account/subscription"), Some(&1));
    assert_eq!(requests.get("GET /account/allocation"), None);

    let (refused, requests) = world
        .measured(&["apply", "--auto-approve", "--allow-delete"])
        .await;
    refused.code(4);
    assert!(
        refused
            .stderr
            .contains("the plan changes the subscription, which costs money"),
        "{}",
        refused.stderr
    );
    assert_eq!(writes(&requests), sign_ins(1));
    assert_eq!(holders(&world, "custom_dns").await, json!([STAGING]));

    world
        .run(&[
            "apply",
            "--auto-approve",
            "--allow-delete",
            "--allow-billing",
        ])
        .await
        .code(0);
    assert_eq!(holders(&world, "custom_dns").await, json!([]));
    assert!(world.profile_ids("ACME Staging").await.is_empty());
}
