//! Shared helpers of the emulator tests: an emulator on 127.0.0.1:0 and a plain reqwest
//! caller that returns the status, the JSON body and the headers of each answer; and the
//! demo account's [`Access`], for tests that read or apply in this process.

use std::collections::BTreeMap;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tagoform::access::{Access, Credentials};
use tagoform::api::{Client, Secret};
use tagoform::emulator::seed::{DEMO_EMAIL, DEMO_PASSWORD, DEMO_PROFILE_ID, PARTNER_PROFILE_ID};
use tagoform::emulator::{
    self, EmulatorConfig, RunningEmulator, Seed, Tier, DEMO_TOKEN, PARTNER_TOKEN,
};

pub const DEMO: &str = DEMO_TOKEN;
pub const PARTNER: &str = PARTNER_TOKEN;
pub const ACME: &str = DEMO_PROFILE_ID;
pub const GLOBEX: &str = PARTNER_PROFILE_ID;
pub const TTN: &str = "5f46679034e73f002833025b";

/// The demo account through `client`, with its password (sign-ins to other profiles, token
/// changes) and no per-profile tokens.
pub fn demo_access(client: Client) -> Access {
    Access::new(client, Some(demo_credentials()), BTreeMap::new())
}

/// The demo account's email and password.
pub fn demo_credentials() -> Credentials {
    Credentials::new(DEMO_EMAIL.to_owned(), Secret::new(DEMO_PASSWORD))
}

/// One answer: status, JSON body, headers.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: HeaderMap,
}

impl Answer {
    /// The `result` of a success envelope (panics on a failure, with the message).
    pub fn result(&self) -> &Value {
        assert_eq!(
            self.body["status"],
            json!(true),
            "expected success, got {} {}",
            self.status,
            self.body
        );
        &self.body["result"]
    }

    /// Asserts a failure with exactly this status and message.
    pub fn assert_error(&self, status: u16, message: &str) {
        assert_eq!(
            (self.status.as_u16(), &self.body),
            (status, &json!({"status": false, "message": message}))
        );
    }
}

pub struct Api {
    pub emulator: RunningEmulator,
    pub http: reqwest::Client,
}

impl Api {
    /// The demo seed, no limits, no faults.
    pub async fn start() -> Self {
        Self::with(EmulatorConfig::default()).await
    }

    pub async fn with_plan(plan: Tier) -> Self {
        Self::with(EmulatorConfig {
            plan,
            ..EmulatorConfig::default()
        })
        .await
    }

    pub async fn with_seed(yaml: &str) -> Self {
        let seed: Seed = yaml_serde::from_str(yaml).unwrap();
        Self::with(EmulatorConfig {
            seed,
            ..EmulatorConfig::default()
        })
        .await
    }

    pub async fn with(config: EmulatorConfig) -> Self {
        let emulator = emulator::start(config).await.unwrap();
        Self {
            emulator,
            http: reqwest::Client::new(),
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.emulator.url()));
        if let Some(token) = token {
            request = request.header("token", token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {status} {text}"));
        Answer {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Answer {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Admin route (no token).
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call(method, &format!("/_emulator{path}"), None, body)
            .await
    }

    /// Freezes the emulator's clock at `at` (RFC 3339), so minute windows and expiries are exact.
    pub async fn freeze(&self, at: &str) {
        self.admin(Method::POST, "/clock/freeze", Some(json!({"at": at})))
            .await
            .result();
    }

    pub async fn advance(&self, seconds: i64) {
        self.admin(
            Method::POST,
            "/clock/advance",
            Some(json!({"seconds": seconds})),
        )
        .await
        .result();
    }

    /// The authenticator code of `secret` (base32) `steps` 30-second steps from the
    /// emulator's clock now: what an authenticator app shows (0), or a stale or early code.
    pub async fn code(&self, secret: &str, steps: i64) -> String {
        let clock = self.admin(Method::GET, "/clock", None).await;
        let now: chrono::DateTime<chrono::Utc> =
            serde_json::from_value(clock.result()["now"].clone()).unwrap();
        let at = now + chrono::Duration::seconds(steps * tagoform::totp::STEP_SECONDS);
        tagoform::totp::TotpSecret::parse(secret)
            .unwrap()
            .code_at(at)
    }

    /// A fresh token for `profile_id` obtained with an account's credentials.
    pub async fn sign_in(&self, email: &str, password: &str, profile_id: &str) -> String {
        let body =
            json!({"email": email, "password": password, "profile_id": profile_id, "name": "test"});
        let answer = self
            .call(Method::POST, "/account/profile/token", None, Some(body))
            .await;
        answer.result()["token"].as_str().unwrap().to_string()
    }

    /// A token of the demo seed's account `email` for its own profile (two-factor included).
    pub async fn invitee_token(&self, email: &str) -> String {
        let (password, profile, secret) = match email {
            "alice@acme.example" => ("alice-password", "6500a1b2c3d4e5f6012345a1", None),
            "bob@acme.example" => ("bob-password", "6500a1b2c3d4e5f6012345b1", None),
            "carol@globex.example" => (
                "carol-password",
                "6500a1b2c3d4e5f6012345c1",
                Some(tagoform::emulator::seed::CAROL_TOTP_SECRET),
            ),
            other => panic!("{other} is no invitee of the demo seed"),
        };
        let mut body =
            json!({"email": email, "password": password, "profile_id": profile, "name": "test"});
        if let Some(secret) = secret {
            body["pin_code"] = json!(self.code(secret, 0).await);
            body["otp_type"] = json!("authenticator");
        }
        let answer = self
            .call(Method::POST, "/account/profile/token", None, Some(body))
            .await;
        answer.result()["token"].as_str().unwrap().to_string()
    }

    /// The invitee `email` presses `button` (`accept` or `refuse`) of its newest notification,
    /// as a person does in TagoIO's Admin panel (`PUT /notification/{id}/{button_id}`).
    pub async fn answer_invitation(&self, email: &str, button: &str) -> Answer {
        let token = self.invitee_token(email).await;
        let listed = self.get("/notification", &token).await;
        let newest = &listed.result()[0];
        let id = newest["id"]
            .as_str()
            .expect("the invitee has a notification");
        let pressed = newest["buttons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["triggers"][0]["share_profile"] == json!(button))
            .expect("the notification has that button");
        let path = format!("/notification/{id}/{}", pressed["id"].as_str().unwrap());
        self.call(Method::PUT, &path, Some(&token), None).await
    }

    /// How many items the list at `path` answers; the read must succeed.
    pub async fn count(&self, path: &str, token: &str) -> usize {
        self.get(path, token)
            .await
            .result()
            .as_array()
            .unwrap()
            .len()
    }

    /// Creates a profile named `name` in the token's account and returns its id.
    pub async fn create_profile(&self, token: &str, name: &str) -> String {
        let answer = self.post("/profile", token, json!({"name": name})).await;
        answer.result()["id"].as_str().unwrap().to_string()
    }

    /// Invites `email` to the team of `profile_id`; the invitation must be sent.
    pub async fn invite(&self, token: &str, profile_id: &str, email: &str) {
        let path = format!("/profile/{profile_id}/team");
        self.post(&path, token, json!({"email": email}))
            .await
            .result();
    }

    /// Creates a network in the token's profile and returns its id.
    pub async fn network(&self, token: &str, name: &str) -> String {
        let answer = self
            .post("/integration/network", token, json!({"name": name}))
            .await;
        answer.result()["network"].as_str().unwrap().to_string()
    }

    /// Creates a connector in the token's profile over `networks` and returns its id.
    pub async fn connector(&self, token: &str, name: &str, networks: &[&str]) -> String {
        let answer = self
            .post(
                "/integration/connector",
                token,
                json!({"name": name, "networks": networks}),
            )
            .await;
        answer.result()["connector"].as_str().unwrap().to_string()
    }

    /// Shares the `kind` (`network` or `connector`) `id`, owned by the token's profile, with
    /// `recipient`; the share must succeed.
    pub async fn share(&self, token: &str, kind: &str, id: &str, recipient: &str) {
        self.post(
            &format!("/integration/{kind}/{id}/share"),
            token,
            json!({"profile_id": recipient}),
        )
        .await
        .result();
    }

    /// The partner's own network `network` and connector `connector` (over that network),
    /// both shared with ACME Production; their ids.
    pub async fn partner_shares_with_acme(
        &self,
        network: &str,
        connector: &str,
    ) -> (String, String) {
        let network = self.network(PARTNER, network).await;
        let connector = self.connector(PARTNER, connector, &[&network]).await;
        for (kind, id) in [("network", &network), ("connector", &connector)] {
            self.share(PARTNER, kind, id, ACME).await;
        }
        (network, connector)
    }

    /// A token of the demo account with the given permission, for ACME Production.
    pub async fn token_with(&self, permission: &str) -> String {
        let body = json!({"name": permission, "permission": permission, "email": DEMO_EMAIL, "password": DEMO_PASSWORD});
        let answer = self
            .post(&format!("/profile/{ACME}/token"), DEMO, body)
            .await;
        answer.result()["token"].as_str().unwrap().to_string()
    }
}
