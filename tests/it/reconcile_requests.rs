//! Request budgets: reading the live state costs one request per page of each list it needs,
//! whatever the number of objects, and nothing for what the configuration does not manage.

use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};
use tagoform::emulator::{EmulatorConfig, Seed};

use super::support::world::*;

const PROFILES: usize = 50;

fn token_value(profile: usize, n: usize) -> String {
    format!("{profile:08}-0000-4000-8000-{n:012}")
}

/// One account with 50 profiles, each with one token; profile 0 holds 1000 tokens in all
/// (one full page, then an empty one), profile 1 holds 2001 (two full pages and one more).
fn seed() -> Seed {
    let profiles: Vec<Value> = (0..PROFILES)
        .map(|p| {
            let count = match p {
                0 => 1000,
                1 => 2001,
                _ => 1,
            };
            let tokens: Vec<Value> = (0..count)
                .map(|n| json!({"name": format!("t{n}"), "permission": "full", "token": token_value(p, n)}))
                .collect();
            json!({"name": format!("Customer {p:02}"), "tokens": tokens})
        })
        .collect();
    serde_json::from_value(json!({"accounts": [{
        "email": EMAIL, "password": PASSWORD, "name": "Demo", "profiles": profiles
    }]}))
    .unwrap()
}

fn configuration(token_env: bool) -> String {
    let mut yaml = String::from("version: 1\nprofiles:\n");
    for p in 0..PROFILES {
        yaml.push_str(&format!(
            "  c{p:02}:\n    name: Customer {p:02}\n    team: []\n    tokens: []\n"
        ));
        if token_env {
            yaml.push_str(&format!("    token_env: T{p:02}\n"));
        }
    }
    yaml
}

#[tokio::test]
async fn fifty_profiles_are_read_with_exactly_the_pages_they_need() {
    let api = Api::with(EmulatorConfig {
        seed: seed(),
        ..EmulatorConfig::default()
    })
    .await;
    let mut world = World::on(api).await;
    world.env.insert("TAGOIO_TOKEN".into(), token_value(0, 0));
    for p in 0..PROFILES {
        world.env.insert(format!("T{p:02}"), token_value(p, 0));
    }
    // Profile 2 owns 1000 networks: one full page, then an empty one.
    let owner = token_value(2, 0);
    let created: Vec<()> = stream::iter(0..1000)
        .map(|n| {
            let api = &world.api;
            let owner = &owner;
            async move {
                api.post(
                    "/integration/network",
                    owner,
                    json!({"name": format!("net {n:04}")}),
                )
                .await
                .result();
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert_eq!(created.len(), 1000);

    // With `token_env`, one `GET /profile/current` per profile first confirms whose token it
    // is (counted as `GET /profile/{id}`).
    let reads = |sign_ins: u64| {
        let mut expected = counts(&[
            ("GET /profile", 1),
            ("GET /profile/{id}/team", 50),
            // 48 one-page lists, 2 pages for profile 0, 3 for profile 1.
            ("GET /profile/{id}/token", 48 + 2 + 3),
            ("GET /integration/network", 49 + 2),
            ("GET /integration/connector", 50),
        ]);
        if sign_ins > 0 {
            expected.extend(self::sign_ins(sign_ins));
        } else {
            expected.insert("GET /profile/{id}".to_owned(), 50);
        }
        expected
    };

    world.write("tagoform.yaml", &configuration(true));
    let (plan, requests) = world.measured(&["-v", "plan", "--detailed-exitcode"]).await;
    plan.code(0);
    assert!(
        plan.stdout
            .starts_with("No changes. TagoIO matches the configuration.\nNotes:\n"),
        "{}",
        &plan.stdout[..200.min(plan.stdout.len())]
    );
    assert_eq!(requests, reads(0));
    assert!(
        plan.stderr
            .contains(" read the live state in 255 request(s)\n"),
        "{}",
        plan.stderr
    );

    // Without token_env, each profile costs a short-lived token, obtained and removed.
    world.write("tagoform.yaml", &configuration(false));
    let (plan, requests) = world.measured(&["plan", "--detailed-exitcode"]).await;
    plan.code(0);
    assert_eq!(requests, reads(50));
}

/// One profile with two networks, three connectors on them and a token.
fn objects_configuration(permission: &str) -> String {
    let mut yaml = format!(
        "version: 1\nprofiles:\n  acme:\n    name: ACME\n    tokens:\n      - name: ci\n        \
         permission: {permission}\n        expires: never\nnetworks:\n"
    );
    for n in 0..2 {
        yaml.push_str(&format!(
            "  net-{n}:\n    profile: acme\n    name: Net {n}\n"
        ));
    }
    yaml.push_str("connectors:\n");
    for c in 0..3 {
        yaml.push_str(&format!(
            "  sensor-{c}:\n    profile: acme\n    name: Sensor {c}\n    networks: [net-{}]\n",
            c % 2
        ));
    }
    yaml
}

#[tokio::test]
async fn creates_are_checked_for_concurrent_copies_once_per_profile_and_kind() {
    let world = World::start().await;
    world.write("tagoform.yaml", &objects_configuration("read"));
    let (apply, requests) = world
        .measured(&["apply", "--auto-approve", "--tokens-out", "first.json"])
        .await;
    apply.code(0);
    let mut expected = counts(&[
        // The plan's read before the lock and under it, then one after the profile's create
        // (another apply may have made the same profile at the same time:
        // docs/reliability.md).
        ("GET /profile", 3),
        ("POST /profile", 1),
        // Before the token's create (to tell a lost answer from an older token), then after
        // it, to keep one copy.
        ("GET /profile/{id}/token", 2),
        ("POST /profile/{id}/token", 1),
        // One list per kind after all of the profile's creates of that kind, not one each.
        ("POST /integration/network", 2),
        ("GET /integration/network", 1),
        ("POST /integration/connector", 3),
        ("GET /integration/connector", 1),
    ]);
    expected.extend(sign_ins(1));
    assert_eq!(requests, with_lock_reads(expected));

    // A replacement reads the tokens before and after its create; the list after it both
    // checks for a concurrent copy and finds the old token to delete. The live state is read
    // before the lock and under it.
    world.write("tagoform.yaml", &objects_configuration("write"));
    let (apply, requests) = world
        .measured(&["apply", "--auto-approve", "--tokens-out", "second.json"])
        .await;
    apply.code(0);
    let mut expected = counts(&[
        ("GET /profile", 2),
        ("GET /integration/network", 2),
        ("GET /integration/connector", 2),
        ("GET /profile/{id}/token", 2 + 2),
        ("POST /profile/{id}/token", 1),
        ("DELETE /profile/{id}/token/{token}", 1),
    ]);
    for (route, n) in sign_ins(1) {
        *expected.entry(route).or_default() += n;
    }
    assert_eq!(requests, with_lock_reads(expected));
}
