//! The emulator as a security boundary, as TagoIO promises it: every refusal below has its
//! exact status and message, and after all of them the whole state is unchanged. (Single
//! cases live in emulator_auth, emulator_sharing and emulator_team; this is the full matrix
//! of "who may not do what", with the "nothing changed" check they lack.)

use reqwest::Method;
use serde_json::{json, Value};

use super::support::emulator::*;

/// The state as JSON, without the clock (moved on purpose to expire a token).
fn snapshot(api: &Api) -> Value {
    api.emulator
        .state()
        .read(|data, _| {
            let mut value = serde_json::to_value(data).unwrap();
            value.as_object_mut().unwrap().remove("clock");
            Ok(value)
        })
        .unwrap()
}

/// The refusals as a table: `SNAPSHOTS=overwrite cargo test hardening_boundary` rewrites it
/// after a deliberate change; read the diff before committing it.
const BOUNDARY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/hardening/boundary.txt"
);

#[tokio::test]
async fn every_refusal_has_its_status_and_changes_nothing() {
    let api = Api::start().await;
    let network = api.network(DEMO, "acme-net").await;
    let connector = api.connector(DEMO, "acme-th", &[&network]).await;
    for kind in ["network", "connector"] {
        let id = if kind == "network" {
            &network
        } else {
            &connector
        };
        api.share(DEMO, kind, id, GLOBEX).await;
    }
    let team = format!("/profile/{ACME}/team");
    api.invite(DEMO, ACME, "alice@acme.example").await;
    api.answer_invitation("alice@acme.example", "accept")
        .await
        .result();
    let alice = api
        .sign_in("alice@acme.example", "alice-password", ACME)
        .await;
    let read = api.token_with("read").await;
    let write = api.token_with("write").await;
    let expiring = api
        .post(
            &format!("/profile/{ACME}/token"),
            DEMO,
            json!({"name": "soon", "permission": "full", "expire_time": "1 hour",
                   "email": "demo@tagoform.local", "password": "demo-password"}),
        )
        .await
        .result()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    api.advance(3600).await;
    let alice_id = api.get(&team, DEMO).await.result()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = snapshot(&api);

    let net = format!("/integration/network/{network}");
    let con = format!("/integration/connector/{connector}");
    let profile = format!("/profile/{ACME}");
    let demo_token = format!("/profile/{ACME}/token/{DEMO}");
    let member = format!("{team}/{alice_id}");
    let none = "";
    type Case<'a> = (&'a str, &'a str, Method, String, Option<Value>);
    let cases: Vec<Case> = vec![
        (
            "no token",
            none,
            Method::POST,
            "/profile".into(),
            Some(json!({"name": "x"})),
        ),
        ("no token", none, Method::DELETE, net.clone(), None),
        (
            "expired",
            &expiring,
            Method::POST,
            "/profile".into(),
            Some(json!({"name": "x"})),
        ),
        ("expired", &expiring, Method::DELETE, con.clone(), None),
        (
            "expired",
            &expiring,
            Method::GET,
            format!("{profile}/token"),
            None,
        ),
        (
            "other account",
            PARTNER,
            Method::GET,
            format!("{profile}/token"),
            None,
        ),
        (
            "other account",
            PARTNER,
            Method::PUT,
            profile.clone(),
            Some(json!({"name": "x"})),
        ),
        (
            "other account",
            PARTNER,
            Method::DELETE,
            demo_token.clone(),
            None,
        ),
        (
            "other account",
            PARTNER,
            Method::DELETE,
            member.clone(),
            None,
        ),
        (
            "other account",
            PARTNER,
            Method::POST,
            team.clone(),
            Some(json!({"email": "bob@acme.example"})),
        ),
        (
            "recipient",
            PARTNER,
            Method::PUT,
            net.clone(),
            Some(json!({"name": "x"})),
        ),
        ("recipient", PARTNER, Method::DELETE, net.clone(), None),
        (
            "recipient",
            PARTNER,
            Method::PUT,
            con.clone(),
            Some(json!({"name": "x"})),
        ),
        (
            "recipient",
            PARTNER,
            Method::DELETE,
            format!("{con}/share/{GLOBEX}"),
            None,
        ),
        (
            "anyone",
            PARTNER,
            Method::POST,
            format!("{net}/publish"),
            Some(json!({})),
        ),
        (
            "read token",
            &read,
            Method::POST,
            "/integration/network".into(),
            Some(json!({"name": "x"})),
        ),
        (
            "read token",
            &read,
            Method::PUT,
            con.clone(),
            Some(json!({"name": "x"})),
        ),
        (
            "read token",
            &read,
            Method::POST,
            team.clone(),
            Some(json!({"email": "bob@acme.example"})),
        ),
        (
            "read token",
            &read,
            Method::POST,
            format!("{con}/share"),
            Some(json!({"profile_id": GLOBEX})),
        ),
        (
            "write token",
            &write,
            Method::GET,
            format!("{profile}/token"),
            None,
        ),
        ("write token", &write, Method::GET, net.clone(), None),
        ("write token", &write, Method::DELETE, net.clone(), None),
        (
            "write token",
            &write,
            Method::DELETE,
            format!("{con}/share/{GLOBEX}"),
            None,
        ),
        ("write token", &write, Method::DELETE, member.clone(), None),
        (
            "write token",
            &write,
            Method::DELETE,
            demo_token.clone(),
            None,
        ),
        (
            "write token",
            &write,
            Method::DELETE,
            profile.clone(),
            Some(json!({"password": "demo-password"})),
        ),
        (
            "member",
            &alice,
            Method::POST,
            team.clone(),
            Some(json!({"email": "bob@acme.example"})),
        ),
        ("member", &alice, Method::DELETE, member.clone(), None),
        (
            "member",
            &alice,
            Method::DELETE,
            profile.clone(),
            Some(json!({"password": "alice-password"})),
        ),
        (
            "member",
            &alice,
            Method::PUT,
            profile.clone(),
            Some(json!({"name": "x"})),
        ),
    ];
    assert_eq!(cases.len(), 30);
    // One line per case: who, the request (ids shown by name), and TagoIO's answer.
    let names = [
        (network.as_str(), "{network}"),
        (connector.as_str(), "{connector}"),
        (ACME, "{acme}"),
        (DEMO, "{demo-token}"),
        (alice_id.as_str(), "{alice}"),
        (GLOBEX, "{globex}"),
    ];
    let mut table = String::new();
    for (who, token, method, path, body) in cases {
        let token = (!token.is_empty()).then_some(token);
        let answer = api.call(method.clone(), &path, token, body).await;
        let shown = names
            .iter()
            .fold(path.clone(), |path, (id, name)| path.replace(id, name));
        assert_eq!(
            answer.body["status"],
            json!(false),
            "{who}: {method} {path}"
        );
        table.push_str(&format!(
            "{who:<13} | {:<6} {shown:<60} | {} {}\n",
            method.as_str(),
            answer.status.as_u16(),
            answer.body["message"].as_str().unwrap_or("<no message>")
        ));
    }
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .eq(
            table,
            snapbox::Data::read_from(std::path::Path::new(BOUNDARY), None).raw(),
        );
    assert_eq!(
        snapshot(&api),
        before,
        "a refused request changed the state"
    );
}
