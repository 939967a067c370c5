//! Rule 2: only the owner invites or removes; only existing accounts can be invited; an
//! invitation reaches the invitee as a notification with accept and refuse buttons, is
//! pending until accepted and expires seven days after it was sent (`created_at`: team items
//! carry no expiry); an expired one no longer counts and can be sent again; duplicates are
//! conflicts.

use reqwest::Method;
use serde_json::json;

use super::support::emulator::*;

async fn accept(api: &Api, email: &str) -> Answer {
    api.answer_invitation(email, "accept").await
}

const PRESSED: &str = "Notification button pressed";

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
        "created_at": "2026-03-01T10:00:00Z"
    }]);
    assert_eq!(api.get(&team, DEMO).await.result(), &pending);
    // The invitee's notification, exactly as the SDK types it.
    let alice = api.invitee_token("alice@acme.example").await;
    let notifications = api.get("/notification", &alice).await;
    let notification = &notifications.result()[0];
    assert_eq!(
        (
            &notification["title"],
            &notification["read"],
            &notification["buttons_enabled"]
        ),
        (&json!("Profile invitation"), &json!(false), &json!(true))
    );
    assert_eq!(
        notification["buttons"],
        json!([
            {"id": "accept", "label": "Accept", "triggers": [{"share_profile": "accept"}]},
            {"id": "refuse", "label": "Refuse", "triggers": [{"share_profile": "refuse"}]}
        ])
    );
    assert_eq!(
        accept(&api, "alice@acme.example").await.result(),
        &json!(PRESSED)
    );
    let member = api.get(&team, DEMO).await;
    assert_eq!(
        member.result(),
        &json!([{
            "id": "6500a1b2c3d4e5f6012345a0", "email": "alice@acme.example", "name": "Alice",
            "active": true, "created_at": "2026-03-01T10:00:00Z"
        }])
    );
    // The buttons were used: pressing again changes nothing.
    accept(&api, "alice@acme.example")
        .await
        .assert_error(400, "This notification's buttons were already used");
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
    api.invite(DEMO, ACME, "alice@acme.example").await;
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
    assert_eq!(api.count(&team, DEMO).await, 1);
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
    api.invite(DEMO, ACME, "bob@acme.example").await;
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
    assert_eq!(api.count(&team, DEMO).await, 1);
}

#[tokio::test]
async fn invitations_expire_after_seven_days_and_can_be_sent_again() {
    let api = Api::start().await;
    api.freeze("2026-03-01T10:00:00Z").await;
    let team = format!("/profile/{ACME}/team");
    api.invite(DEMO, ACME, "carol@globex.example").await;
    api.advance(7 * 24 * 3600 - 1).await;
    let listed = api.get(&team, DEMO).await;
    assert_eq!(listed.result()[0]["active"], json!(false));
    // A second before the seventh day ends, a second invitation is a conflict.
    api.post(&team, DEMO, json!({"email": "carol@globex.example"}))
        .await
        .assert_error(
            409,
            "`carol@globex.example` already has a pending invitation to this profile",
        );
    api.advance(1).await;
    accept(&api, "carol@globex.example").await.assert_error(
        400,
        "This invitation is no longer valid: it expired, was revoked or was sent again",
    );
    let listed = api.get(&team, DEMO).await;
    assert_eq!(
        (
            &listed.result()[0]["active"],
            &listed.result()[0]["created_at"]
        ),
        (&json!(false), &json!("2026-03-01T10:00:00Z"))
    );
    assert_eq!(
        api.post(&team, DEMO, json!({"email": "carol@globex.example"}))
            .await
            .result(),
        &json!("User invited")
    );
    let again = api.get(&team, DEMO).await;
    assert_eq!(
        again.result()[0]["created_at"],
        json!("2026-03-08T10:00:00Z")
    );
    assert_eq!(
        accept(&api, "carol@globex.example").await.result(),
        &json!(PRESSED)
    );
    assert_eq!(
        api.get(&team, DEMO).await.result()[0]["active"],
        json!(true)
    );
}

#[tokio::test]
async fn refusing_withdraws_the_invitation_and_a_revoked_one_cannot_be_accepted() {
    let api = Api::start().await;
    let team = format!("/profile/{ACME}/team");
    api.invite(DEMO, ACME, "bob@acme.example").await;
    assert_eq!(
        api.answer_invitation("bob@acme.example", "refuse")
            .await
            .result(),
        &json!(PRESSED)
    );
    assert_eq!(api.get(&team, DEMO).await.result(), &json!([]));
    api.invite(DEMO, ACME, "bob@acme.example").await;
    api.delete(&format!("{team}/6500a1b2c3d4e5f6012345b0"), DEMO)
        .await
        .result();
    accept(&api, "bob@acme.example").await.assert_error(
        400,
        "This invitation is no longer valid: it expired, was revoked or was sent again",
    );
    assert_eq!(api.get(&team, DEMO).await.result(), &json!([]));
    // Another account cannot press the invitee's buttons.
    let bob = api.invitee_token("bob@acme.example").await;
    let id = api.get("/notification", &bob).await.result()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    api.call(
        Method::PUT,
        &format!("/notification/{id}/accept"),
        Some(DEMO),
        None,
    )
    .await
    .assert_error(404, "Notification not found");
}
