//! A front door onto a running emulator (same state, another port) that changes one
//! behaviour TagoIO's public sources leave open or that a client could get wrong, the way
//! another TagoIO might behave: for `tagoform doctor` to find, and for plan and apply to
//! refuse where it would make their writes wrong.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::support::emulator::Api;

/// The one behaviour the door changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Share lists (`GET /integration/{kind}/{id}/share`) answer 404 `Route not found`.
    NoShareRoute,
    /// Integration lists ignore `filter[profile]` (they answer own, shared and catalog).
    IgnoreProfileFilter,
    /// Team items carry a key the SDK does not define (`expire_at`).
    TeamItemShape,
    /// The `Date` header is this many seconds ahead.
    ClockOff(i64),
    /// `GET /profile` lists its first profile three times, under other names.
    RepeatedProfile,
}

/// A listener serving the emulator's state with one behaviour changed. Stops when dropped.
pub struct BehaviourDoor {
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl BehaviourDoor {
    pub async fn open(api: &Api, behaviour: Behaviour) -> Self {
        let router = tagoform::emulator::app(api.emulator.state().clone())
            .layer(axum::middleware::from_fn_with_state(behaviour, change));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        BehaviourDoor { url, task }
    }
}

impl Drop for BehaviourDoor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn change(State(behaviour): State<Behaviour>, request: Request, next: Next) -> Response {
    let path = request.uri().path().trim_end_matches('/').to_owned();
    let segments: Vec<&str> = path.split('/').collect();
    match behaviour {
        Behaviour::NoShareRoute
            if segments.len() == 5 && segments[1] == "integration" && segments[4] == "share" =>
        {
            (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"status": false, "message": "Route not found"})),
            )
                .into_response()
        }
        Behaviour::IgnoreProfileFilter if segments.len() == 3 && segments[1] == "integration" => {
            let (mut parts, body) = request.into_parts();
            let query: Vec<&str> = parts
                .uri
                .query()
                .unwrap_or_default()
                .split('&')
                .filter(|pair| {
                    !pair.starts_with("filter%5Bprofile%5D=")
                        && !pair.starts_with("filter[profile]=")
                })
                .collect();
            let uri = format!("{path}?{}", query.join("&"));
            parts.uri = uri.parse::<Uri>().unwrap();
            next.run(Request::from_parts(parts, body)).await
        }
        Behaviour::RepeatedProfile if path == "/profile" => {
            let response = next.run(request).await;
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            let mut answer: Value = serde_json::from_slice(&bytes).unwrap();
            if let Some(items) = answer["result"].as_array_mut() {
                let first = items[0].clone();
                for name in ["Impostor 1", "Impostor 2"] {
                    let mut copy = first.clone();
                    copy["name"] = json!(name);
                    items.push(copy);
                }
            }
            let mut response = Response::from_parts(parts, Body::from(answer.to_string()));
            response
                .headers_mut()
                .remove(axum::http::header::CONTENT_LENGTH);
            response
        }
        Behaviour::TeamItemShape if segments.len() == 4 && segments[3] == "team" => {
            let response = next.run(request).await;
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            let mut answer: Value = serde_json::from_slice(&bytes).unwrap();
            if let Some(items) = answer["result"].as_array_mut() {
                for item in items {
                    item["expire_at"] = json!("2030-01-01T00:00:00.000Z");
                }
            }
            let mut response = Response::from_parts(parts, Body::from(answer.to_string()));
            response
                .headers_mut()
                .remove(axum::http::header::CONTENT_LENGTH);
            response
        }
        Behaviour::ClockOff(seconds) => {
            let mut response = next.run(request).await;
            let date = response
                .headers()
                .get(axum::http::header::DATE)
                .and_then(|value| value.to_str().ok())
                .and_then(|text| chrono::DateTime::parse_from_rfc2822(text).ok());
            if let Some(date) = date {
                let moved = (date + chrono::Duration::seconds(seconds))
                    .format("%a, %d %b %Y %H:%M:%S GMT")
                    .to_string();
                response.headers_mut().insert(
                    axum::http::header::DATE,
                    HeaderValue::from_str(&moved).unwrap(),
                );
            }
            response
        }
        _ => next.run(request).await,
    }
}
