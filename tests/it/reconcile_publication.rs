//! `publish:` in a plan: on TagoIO a publication is a pull request to `tago-io/decoders`,
//! reviewed by TagoIO, never an API call. A plan says where each stands, from TagoIO's public
//! catalog (read through the integration lists) and, with `--decoders-repo`, a clone: not
//! prepared, prepared, public at its version, or public at another. It never writes for it.

use std::path::Path;

use reqwest::Method;
use serde_json::json;

use super::support::world::*;

/// `printf %s 'field-lorawan-v1.0.0' | md5sum`, first 24 hex digits.
const V1: &str = "27ae05d8d09f4e429f73e9d4";
/// `printf %s 'field-lorawan-v1.1.0' | md5sum`.
const V1_1: &str = "c3c5b730a3b7a1b4f6a6261e";

fn yaml(version: &str) -> String {
    format!(
        acme_config!(
            "networks:
  field:
    profile: acme
    name: Field LoRaWAN
    payload_decoder: \"// decoder\\n\"
    publish:
      version: {version}
      logo_file: logo.png
"
        ),
        version = version
    )
}

fn setup(world: &World) {
    world.write("tagoform.yaml", &yaml("v1.0.0"));
    let logo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/multi-customer/publish/lorawan-logo.png");
    std::fs::copy(logo, world.path("logo.png")).unwrap();
    let clone = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decoders-clone");
    copy_dir(&clone, &world.path("clone"));
}

/// `tagoform publish` into the clone, then what `plan --decoders-repo` prints (both succeed).
async fn publish_then_plan(world: &World) -> String {
    world
        .run_as_given(&["publish", ".", "--decoders-repo", "clone"])
        .await
        .code(0);
    let plan = world.run(&["plan", "--decoders-repo", "clone"]).await;
    plan.code(0);
    plan.stdout
}

fn note(state: &str) -> String {
    format!("No changes. TagoIO matches the configuration.\nNotes:\n  • acme: network `field` is {state}\n\n")
}

#[tokio::test]
async fn the_plan_follows_a_publication_from_the_clone_to_the_catalog() {
    let world = World::start().await;
    setup(&world);
    world.applied(".", &[]).await;

    // Not in the catalog; no clone given.
    let (plan, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        note(&format!("not in TagoIO's public catalog at v1.0.0 (catalog id {V1}); `tagoform publish` prepares its pull request"))
    );
    // The catalog is read through the list, by name: one request more than the profile's own.
    assert_eq!(requests.get("GET /integration/network"), Some(&2));
    assert!(
        requests
            .keys()
            .all(|r| r.starts_with("GET ") || r.contains("token")),
        "{requests:?}"
    );

    // A clone without it: not prepared.
    let plan = world.run(&["plan", "--decoders-repo", "clone"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        note(&format!(
            "not prepared in the clone: `tagoform publish` writes v1.0.0 (catalog id {V1})"
        ))
    );

    // Prepared: the pull request is open or not merged yet.
    assert_eq!(
        publish_then_plan(&world).await,
        note(&format!("prepared in the clone at v1.0.0, not yet in TagoIO's public catalog ({V1}): its pull request is open or not merged yet"))
    );

    // TagoIO merges it: public, under the id the repository's rule gives.
    let merged = world
        .api
        .admin(
            Method::POST,
            "/catalog",
            Some(json!({"kind": "network", "name": "Field LoRaWAN", "version": "v1.0.0"})),
        )
        .await;
    assert_eq!(merged.result()["id"], json!(V1));
    for args in [&["plan"][..], &["plan", "--decoders-repo", "clone"][..]] {
        let plan = world.run(args).await;
        plan.code(0);
        assert_eq!(
            plan.stdout,
            note(&format!("public in TagoIO's catalog as {V1} at v1.0.0"))
        );
    }

    // A new version in the configuration: public at the older one until it is merged.
    world.write("tagoform.yaml", &yaml("v1.1.0"));
    let plan = world.run(&["plan"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        note(&format!("public in TagoIO's catalog as {V1}, not yet at v1.1.0 ({V1_1}); `tagoform publish` prepares that version"))
    );
    assert_eq!(
        publish_then_plan(&world).await,
        note(&format!("public in TagoIO's catalog as {V1}, not yet at v1.1.0 ({V1_1}); prepared in the clone at v1.1.0: its pull request is open or not merged yet"))
    );
}

#[tokio::test]
async fn no_request_goes_to_a_route_tagoio_does_not_have() {
    let world = World::start().await;
    setup(&world);
    let (plan, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    plan.code(2);
    let (apply, applied) = world.measured(&["apply", "--auto-approve"]).await;
    apply.code(0);
    let (again, rest) = world.measured(&["plan", "--detailed-exitcode"]).await;
    again.code(0);
    for counts in [requests, applied, rest] {
        assert!(
            counts
                .keys()
                .all(|route| !route.contains("publish") && !route.contains("catalog")),
            "{counts:?}"
        );
        assert!(
            counts.keys().all(|route| !route.contains("<unmatched>")),
            "{counts:?}"
        );
    }
}

/// `plan --baseline` reads the decoders clone too: the notes of a plan split by cause say
/// what the clone holds, as without a baseline (the clone was once ignored there).
#[tokio::test]
async fn a_plan_with_a_baseline_reads_the_decoders_clone_too() {
    let world = World::start().await;
    setup(&world);
    world.applied(".", &[]).await;
    world
        .run_as_given(&["publish", ".", "--decoders-repo", "clone"])
        .await
        .code(0);
    // The target branch's checkout, beside the configuration file (not inside a folder
    // that the plan reads).
    world.write("baseline/tagoform.yaml", &yaml("v1.0.0"));
    std::fs::copy(world.path("logo.png"), world.path("baseline/logo.png")).unwrap();
    let plan = world
        .run(&[
            "plan",
            "tagoform.yaml",
            "--decoders-repo",
            "clone",
            "--baseline",
            "baseline",
        ])
        .await;
    plan.code(0);
    let prepared = format!(
        "network `field` is prepared in the clone at v1.0.0, not yet in TagoIO's public \
         catalog ({V1}): its pull request is open or not merged yet"
    );
    assert!(plan.stdout.contains(&prepared), "{}", plan.stdout);
    // A clone that is not one is refused before anything is read, with a baseline too.
    let refused = world
        .run(&[
            "plan",
            "tagoform.yaml",
            "--decoders-repo",
            "nowhere",
            "--baseline",
            "baseline",
        ])
        .await;
    refused.code(1);
    assert!(
        refused
            .stderr
            .contains("`nowhere` is not a clone of tago-io/decoders"),
        "{}",
        refused.stderr
    );
}

/// A private network named like a public catalog entry is not reported as that entry: with
/// the clone, the plan says the folder holds another entry, which publish will not take over;
/// `update_existing: true` says it is this configuration's own.
#[tokio::test]
async fn a_network_named_like_a_catalog_entry_is_not_reported_as_it() {
    let world = World::start().await;
    setup(&world);
    world.write(
        "tagoform.yaml",
        &yaml("v1.0.0").replace("name: Field LoRaWAN", "name: LoRaWAN TTI/TTN v3"),
    );
    world.applied(".", &[]).await;
    let plan = world.run(&["plan", "--decoders-repo", "clone"]).await;
    plan.code(0);
    assert_eq!(
        plan.stdout,
        note(
            "named like the catalog entry `LoRaWAN TTI/TTN v3` that the clone holds in its folder, \
             which is not this configuration's: `tagoform publish` refuses to take it over \
             (rename it, or set `publish.update_existing: true` if that entry is yours)"
        )
    );
    world.edit(
        "tagoform.yaml",
        "      logo_file: logo.png\n",
        "      logo_file: logo.png\n      update_existing: true\n",
    );
    let plan = world.run(&["plan", "--decoders-repo", "clone"]).await;
    plan.code(0);
    assert!(!plan.stdout.contains("named like"), "{}", plan.stdout);
}
