//! A second front door onto a running emulator (same state, another port) that injects
//! deterministic faults: refuse a request, carry it out and lose the answer, or carry it out
//! and never answer (so the test can kill the caller mid-request). It also records every
//! write with its JSON body, to check exactly what was sent.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::emulator::Api;

/// What a fault does to the request it hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultMode {
    /// Answered 503 before the emulator sees it: nothing was done.
    Refuse,
    /// The emulator carries it out, then the answer is replaced by a 503: done, answer lost.
    LoseAnswer,
    /// The emulator carries it out, then the answer never comes, and the door tells the test
    /// ([`FaultyDoor::crashed`]), which kills the caller: a crash at the worst moment.
    Hang,
    /// Answered with success and `result`, without the emulator seeing it: a server that
    /// says it did what it did not.
    Pretend(&'static str),
    /// Answered 404 with this message, without the emulator seeing it: a route TagoIO has
    /// retired.
    Gone(&'static str),
    /// Held before the emulator sees it until the test calls [`FaultyDoor::resume`] (the door
    /// tells the test through [`FaultyDoor::crashed`]), then carried out: the test acts at an
    /// exact point of a run.
    Pause,
}

/// Hits the `nth` (from 1) request with this method and path; `{...}` segments of the
/// path match any segment (`/integration/network/{id}/share`).
#[derive(Debug, Clone)]
pub struct Fault {
    pub method: Method,
    pub path: String,
    pub nth: usize,
    pub mode: FaultMode,
    seen: usize,
}

impl Fault {
    pub fn new(method: Method, path: &str, nth: usize, mode: FaultMode) -> Self {
        Fault {
            method,
            path: path.to_owned(),
            nth,
            mode,
            seen: 0,
        }
    }
}

/// The faults to inject, and every write that came through: (method, path, JSON body).
#[derive(Clone, Default)]
struct Door {
    faults: Arc<Mutex<Vec<Fault>>>,
    hung: Arc<tokio::sync::Notify>,
    resume: Arc<tokio::sync::Notify>,
    writes: Arc<Mutex<Vec<(String, String, Value)>>>,
}

/// A second listener serving the same emulator state through a fault-injecting layer.
/// Stops when dropped.
pub struct FaultyDoor {
    pub url: String,
    door: Door,
    task: tokio::task::JoinHandle<()>,
}

impl FaultyDoor {
    pub async fn open(api: &Api, faults: Vec<Fault>) -> Self {
        let door = Door {
            faults: Arc::new(Mutex::new(faults)),
            ..Door::default()
        };
        let router = tagoform::emulator::app(api.emulator.state().clone())
            .layer(axum::middleware::from_fn_with_state(door.clone(), inject));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        FaultyDoor { url, door, task }
    }

    /// A door that holds the `nth` request of `method` on `path` ([`FaultMode::Pause`]).
    pub async fn pausing(api: &Api, method: Method, path: &str, nth: usize) -> Self {
        Self::open(api, vec![Fault::new(method, path, nth, FaultMode::Pause)]).await
    }

    /// How many faults were injected so far.
    pub fn injected(&self) -> usize {
        self.door
            .faults
            .lock()
            .unwrap()
            .iter()
            .filter(|f| f.seen >= f.nth)
            .count()
    }
}

impl FaultyDoor {
    /// Returns once a [`FaultMode::Hang`] fault has held a request.
    pub async fn crashed(&self) {
        self.door.hung.notified().await;
    }

    /// Lets a [`FaultMode::Pause`]d request go on.
    pub fn resume(&self) {
        self.door.resume.notify_one();
    }

    /// Runs `command` to its end; when a [`FaultMode::Pause`] holds one of its requests,
    /// runs `meanwhile`, then lets the request go on. Stdout and stderr as text.
    pub async fn run_paused(
        &self,
        mut command: tokio::process::Command,
        meanwhile: impl std::future::Future<Output = ()>,
    ) -> (Option<i32>, String, String) {
        let run = command.output();
        let act = async {
            self.crashed().await;
            meanwhile.await;
            self.resume();
        };
        let (output, ()) = tokio::join!(run, act);
        let output = output.unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// The writes that came through so far, with their JSON bodies (`null` when none).
    pub fn writes(&self) -> Vec<(String, String, Value)> {
        self.door.writes.lock().unwrap().clone()
    }
}

impl Drop for FaultyDoor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// True when a concrete path fits a route template (`{...}` matches one segment).
pub fn template_matches(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(t, p)| t == p || t.starts_with('{'))
}

async fn inject(State(door): State<Door>, request: Request, next: Next) -> Response {
    let request = if request.method() == Method::GET {
        request
    } else {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        door.writes.lock().unwrap().push((
            parts.method.to_string(),
            parts.uri.path().to_owned(),
            json,
        ));
        Request::from_parts(parts, axum::body::Body::from(bytes))
    };
    let hit = {
        let mut faults = door.faults.lock().unwrap();
        let path = request.uri().path().trim_end_matches('/').to_owned();
        let mut hit = None;
        for fault in faults.iter_mut() {
            if fault.method == *request.method() && template_matches(&fault.path, &path) {
                fault.seen += 1;
                if fault.seen == fault.nth {
                    hit = Some(fault.mode);
                }
            }
        }
        hit
    };
    let unavailable = || {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": false, "message": "Service unavailable, try again"})),
        )
            .into_response()
    };
    match hit {
        Some(FaultMode::Refuse) => unavailable(),
        Some(FaultMode::LoseAnswer) => {
            let _ = next.run(request).await;
            unavailable()
        }
        Some(FaultMode::Hang) => {
            let _ = next.run(request).await;
            door.hung.notify_one();
            std::future::pending().await
        }
        Some(FaultMode::Pause) => {
            door.hung.notify_one();
            door.resume.notified().await;
            next.run(request).await
        }
        Some(FaultMode::Pretend(result)) => {
            axum::Json(json!({"status": true, "result": result})).into_response()
        }
        Some(FaultMode::Gone(message)) => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"status": false, "message": message})),
        )
            .into_response(),
        None => next.run(request).await,
    }
}
