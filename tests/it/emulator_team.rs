//! Rule 2: only the owner invites or removes; only existing accounts can be invited; an
//! invitation is pending until accepted and expires seven days after it was sent; an
//! expired one no longer counts and can be sent again; duplicates are conflicts.

use reqwest::Method;
use serde_json::json;

use super::emulator_support::*;

async fn accept(api: &Api, email: &str) -> Answer {
    api.admin(
        Method::POST,
        "/invitation/accept",
        Some(json!({"profile_id": ACME, "email": email})),
    )
    .await
}

#[tokio::test]
async fn invitations_are_pending_until_accepted() {
    let api = Api::start().await;
    api.freeze("2026-03-01T10:00:00Z").await;
    let team = format!("/profile/{ACME}/team");
    assert_eq!(
        api.post(&team, DEMO, json!({"email": "Alice@acme.example"}))
            .await
            .result(),
        &json!("User invited")
    );
    let pending = json!([{
        "id": "6500a1b2c3d4e5f6012345a0", "email": "alice@acme.example", "name": "Alice", "active": false,
        "created_at": "2026-03-01T10:00:00Z", "expire_at": "2026-03-08T10:00:00Z"
    }]);
    assert_eq!(api.get(&team, DEMO).await.result(), &pending);
    assert_eq!(
        accept(&api, "alice@acme.example").await.result(),
        &json!("Invitation accepted")
    );
    let member = api.get(&team, DEMO).await;
    assert_eq!(member.result()[0]["active"], json!(true));
    assert_eq!(member.result()[0].get("expire_at"), None);
    // The member now sees the profile as shared with it.
    let alice = api
        .sign_in("alice@acme.example", "alice-password", ACME)
        .await;
    let profiles = api.get("/profile", &alice).await;
    assert_eq!(profiles.result()[0]["from_share"], json!(true));
}

#[tokio::test]
async fn only_the_owner_invites_or_removes() {
    let api = Api::start().await;
    let team = format!("/profile/{ACME}/team");
    api.post(&team, DEMO, json!({"email": "alice@acme.example"}))
        .await
        .result();
    accept(&api, "alice@acme.example").await.result();
    let alice = api
        .sign_in("alice@acme.example", "alice-password", ACME)
        .await;
    let refused = "Only the profile's owner can invite or remove team members";
    api.post(&team, &alice, json!({"email": "bob@acme.example"}))
        .await
        .assert_error(403, refused);
    api.delete(&format!("{team}/6500a1b2c3d4e5f6012345a0"), &alice)
        .await
        .assert_error(403, refused);
    api.post(&team, PARTNER, json!({"email": "bob@acme.example"}))
        .await
        .assert_error(404, "Profile not found");
    assert_eq!(
        api.get(&team, DEMO)
            .await
            .result()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        api.delete(&format!("{team}/6500a1b2c3d4e5f6012345a0"), DEMO)
            .await
            .result(),
        &json!("Account Successfully Removed")
    );
    assert_eq!(api.get(&team, DEMO).await.result(), &json!([]));
    api.delete(&format!("{team}/6500a1b2c3d4e5f6012345a0"), DEMO)
        .await
        .assert_error(
            404,
            "No team member or invitation for account `6500a1b2c3d4e5f6012345a0`",
        );
}

#[tokio::test]
async fn only_existing_accounts_can_be_invited() {
    let api = Api::start().await;
    let team = format!("/profile/{ACME}/team");
    api.post(&team, DEMO, json!({"email": "nobody@nowhere.example"})).await.assert_error(
        400,
        "No TagoIO account uses the email `nobody@nowhere.example`: invitations can only be sent to existing accounts",
    );
    api.post(&team, DEMO, json!({"email": "demo@tagoform.local"}))
        .await
        .assert_error(400, "The profile's owner cannot be invited to its own team");
    assert_eq!(api.get(&team, DEMO).await.result(), &json!([]));
}

#[tokio::test]
async fn duplicate_invitations_and_members_are_conflicts() {
    let api = Api::start().await;
    let team = format!("/profile/{ACME}/team");
    api.post(&team, DEMO, json!({"email": "bob@acme.example"}))
        .await
        .result();
    api.post(&team, DEMO, json!({"email": "bob@acme.example"}))
        .await
        .assert_error(
            409,
            "`bob@acme.example` already has a pending invitation to this profile",
        );
    accept(&api, "bob@acme.example").await.result();
    api.post(&team, DEMO, json!({"email": "BOB@acme.example"}))
        .await
        .assert_error(
            409,
            "`BOB@acme.example` is already a member of this profile's team",
        );
    assert_eq!(
        api.get(&team, DEMO)
            .await
            .result()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn invitations_expire_after_seven_days_and_can_be_sent_again() {
    let api = Api::start().await;
    api.freeze("2026-03-01T10:00:00Z").await;
    let team = format!("/profile/{ACME}/team");
    api.post(&team, DEMO, json!({"email": "carol@globex.example"}))
        .await
        .result();
    api.advance(7 * 24 * 3600).await;
    accept(&api, "carol@globex.example").await.assert_error(
        409,
        "The invitation for `carol@globex.example` expired; it must be sent again",
    );
    let listed = api.get(&team, DEMO).await;
    assert_eq!(
        (
            &listed.result()[0]["active"],
            &listed.result()[0]["expire_at"]
        ),
        (&json!(false), &json!("2026-03-08T10:00:00Z"))
    );
    assert_eq!(
        api.post(&team, DEMO, json!({"email": "carol@globex.example"}))
            .await
            .result(),
        &json!("User invited")
    );
    let again = api.get(&team, DEMO).await;
    assert_eq!(
        again.result()[0]["expire_at"],
        json!("2026-03-15T10:00:00Z")
    );
    assert_eq!(
        accept(&api, "carol@globex.example").await.result(),
        &json!("Invitation accepted")
    );
}
