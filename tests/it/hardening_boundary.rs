//! The emulator as a security boundary, as TagoIO promises it: every refusal below has its
//! exact status and message, and after all of them the whole state is unchanged. (Single
//! cases live in emulator_auth, emulator_sharing and emulator_team; this is the full matrix
//! of "who may not do what", with the "nothing changed" check they lack.)

use reqwest::Method;
use serde_json::{json, Value};

use super::emulator_support::*;

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
    api.post(&team, DEMO, json!({"email": "alice@acme.example"}))
        .await
        .result();
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
    const NO_TOKEN: &str = "Authorization denied: no token in the `token` header";
    const EXPIRED: &str = "Authorization denied: token expired";
    const READ: &str = "Authorization denied: a read token cannot write";
    const WRITE: &str = "Authorization denied: a write token cannot delete";
    const SHARED_CON: &str =
        "Shared connectors cannot be modified: this connector is shared with another profile";
    const OWNER_TEAM: &str = "Only the profile's owner can invite or remove team members";
    type Case<'a> = (
        &'a str,
        &'a str,
        Method,
        String,
        Option<Value>,
        u16,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "no token",
            none,
            Method::POST,
            "/profile".into(),
            Some(json!({"name": "x"})),
            401,
            NO_TOKEN,
        ),
        (
            "no token",
            none,
            Method::DELETE,
            net.clone(),
            None,
            401,
            NO_TOKEN,
        ),
        (
            "expired",
            &expiring,
            Method::POST,
            "/profile".into(),
            Some(json!({"name": "x"})),
            401,
            EXPIRED,
        ),
        (
            "expired",
            &expiring,
            Method::DELETE,
            con.clone(),
            None,
            401,
            EXPIRED,
        ),
        (
            "expired",
            &expiring,
            Method::GET,
            format!("{profile}/token"),
            None,
            401,
            EXPIRED,
        ),
        (
            "other account",
            PARTNER,
            Method::GET,
            format!("{profile}/token"),
            None,
            404,
            "Profile not found",
        ),
        (
            "other account",
            PARTNER,
            Method::PUT,
            profile.clone(),
            Some(json!({"name": "x"})),
            404,
            "Profile not found",
        ),
        (
            "other account",
            PARTNER,
            Method::DELETE,
            demo_token.clone(),
            None,
            404,
            "Profile not found",
        ),
        (
            "other account",
            PARTNER,
            Method::DELETE,
            member.clone(),
            None,
            404,
            "Profile not found",
        ),
        (
            "other account",
            PARTNER,
            Method::POST,
            team.clone(),
            Some(json!({"email": "bob@acme.example"})),
            404,
            "Profile not found",
        ),
        (
            "recipient",
            PARTNER,
            Method::PUT,
            net.clone(),
            Some(json!({"name": "x"})),
            403,
            "Shared networks cannot be modified: this network is shared with another profile",
        ),
        (
            "recipient",
            PARTNER,
            Method::DELETE,
            net.clone(),
            None,
            403,
            "Shared networks cannot be deleted: this network is shared with another profile",
        ),
        (
            "recipient",
            PARTNER,
            Method::PUT,
            con.clone(),
            Some(json!({"name": "x"})),
            403,
            SHARED_CON,
        ),
        (
            "recipient",
            PARTNER,
            Method::DELETE,
            format!("{con}/share/{GLOBEX}"),
            None,
            403,
            SHARED_CON,
        ),
        (
            "anyone",
            PARTNER,
            Method::POST,
            format!("{net}/publish"),
            Some(json!({})),
            404,
            "Route not found",
        ),
        (
            "read token",
            &read,
            Method::POST,
            "/integration/network".into(),
            Some(json!({"name": "x"})),
            403,
            READ,
        ),
        (
            "read token",
            &read,
            Method::PUT,
            con.clone(),
            Some(json!({"name": "x"})),
            403,
            READ,
        ),
        (
            "read token",
            &read,
            Method::POST,
            team.clone(),
            Some(json!({"email": "bob@acme.example"})),
            403,
            READ,
        ),
        (
            "read token",
            &read,
            Method::POST,
            format!("{con}/share"),
            Some(json!({"profile_id": GLOBEX})),
            403,
            READ,
        ),
        (
            "write token",
            &write,
            Method::DELETE,
            net.clone(),
            None,
            403,
            WRITE,
        ),
        (
            "write token",
            &write,
            Method::DELETE,
            format!("{con}/share/{GLOBEX}"),
            None,
            403,
            WRITE,
        ),
        (
            "write token",
            &write,
            Method::DELETE,
            member.clone(),
            None,
            403,
            WRITE,
        ),
        (
            "write token",
            &write,
            Method::DELETE,
            demo_token.clone(),
            None,
            403,
            WRITE,
        ),
        (
            "write token",
            &write,
            Method::DELETE,
            profile.clone(),
            Some(json!({"password": "demo-password"})),
            403,
            WRITE,
        ),
        (
            "member",
            &alice,
            Method::POST,
            team.clone(),
            Some(json!({"email": "bob@acme.example"})),
            403,
            OWNER_TEAM,
        ),
        (
            "member",
            &alice,
            Method::DELETE,
            member.clone(),
            None,
            403,
            OWNER_TEAM,
        ),
        (
            "member",
            &alice,
            Method::DELETE,
            profile.clone(),
            Some(json!({"password": "alice-password"})),
            403,
            "Only the profile's owner can delete it",
        ),
        (
            "member",
            &alice,
            Method::PUT,
            profile.clone(),
            Some(json!({"name": "x"})),
            403,
            "Only the profile's owner can change it",
        ),
    ];
    assert_eq!(cases.len(), 28);
    for (who, token, method, path, body, status, message) in cases {
        let token = (!token.is_empty()).then_some(token);
        let answer = api.call(method.clone(), &path, token, body).await;
        assert_eq!(
            (answer.status.as_u16(), &answer.body),
            (status, &json!({"status": false, "message": message})),
            "{who}: {method} {path}"
        );
    }
    assert_eq!(
        snapshot(&api),
        before,
        "a refused request changed the state"
    );
}
