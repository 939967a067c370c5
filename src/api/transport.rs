//! The request loop under every endpoint: pace, send, read a bounded body, decode
//! TagoIO's envelope, and retry what may be retried.
//!
//! Nothing here knows an endpoint; [`Call`] carries the route, the query, the body and
//! the secrets to hide. Logs (`-v`) name the method, the route template, the status and
//! the time taken, never a header, a body or a concrete path that may hold a token.

use std::time::Duration;

use serde::de::DeserializeOwned;

use super::client::Client;
use super::concurrency::Signal;
use super::error::{ApiError, TransportFailure};
use super::retry::retry_after;
use super::route::Route;
use super::secret::redact;

/// Longest body excerpt kept in an error.
const EXCERPT_CHARS: usize = 200;

/// One API call, before it is sent.
pub(crate) struct Call<'a> {
    pub(crate) route: Route,
    pub(crate) query: String,
    pub(crate) body: Option<Vec<u8>>,
    /// Values to hide from messages and excerpts besides the client's token.
    pub(crate) secrets: Vec<&'a str>,
    /// Whether to send the client's token (login and profile token routes do not).
    pub(crate) authenticated: bool,
    /// Answers of this route hold secrets: no body excerpt in errors.
    pub(crate) sensitive_answer: bool,
}

impl<'a> Call<'a> {
    pub(crate) fn new(route: Route) -> Self {
        Self {
            route,
            query: String::new(),
            body: None,
            secrets: Vec::new(),
            authenticated: true,
            sensitive_answer: false,
        }
    }

    pub(crate) fn query(mut self, query: String) -> Self {
        self.query = query;
        self
    }

    pub(crate) fn json(mut self, body: &impl serde::Serialize) -> Result<Self, ApiError> {
        let bytes = serde_json::to_vec(body).map_err(|error| ApiError::InvalidArgument {
            what: "request body",
            reason: error.to_string(),
        })?;
        self.body = Some(bytes);
        Ok(self)
    }

    pub(crate) fn secret(mut self, secret: &'a str) -> Self {
        self.secrets.push(secret);
        self
    }

    pub(crate) fn anonymous(mut self) -> Self {
        self.authenticated = false;
        self
    }

    pub(crate) fn sensitive(mut self) -> Self {
        self.sensitive_answer = true;
        self
    }
}

/// What one attempt got back.
struct Answer {
    status: u16,
    retry_after: Option<String>,
    /// Where a 3xx answer points (never followed).
    location: Option<String>,
    body: Body,
}

enum Body {
    Complete(Vec<u8>),
    TooLarge,
}

/// The decision after one attempt.
enum Step {
    Done(Result<serde_json::Value, ApiError>),
    /// Repeat after the backoff.
    Backoff,
    /// Repeat once this wait is over (the server's 429).
    RateLimited(Duration),
}

/// TagoIO's envelope; `result` is decoded into the route's type afterwards.
#[derive(serde::Deserialize)]
struct Envelope {
    status: bool,
    #[serde(default)]
    result: serde_json::Value,
    #[serde(default)]
    message: Option<serde_json::Value>,
}

impl Client {
    /// Runs a call to completion (retries included) and decodes its `result`.
    pub(crate) async fn execute<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, ApiError> {
        let result = self.execute_raw(&call).await?;
        serde_json::from_value(result).map_err(|error| ApiError::Decode {
            route: Box::new(call.route.clone()),
            status: 200,
            detail: self.describe_json_error(&call, &error),
            excerpt: None,
        })
    }

    async fn execute_raw(&self, call: &Call<'_>) -> Result<serde_json::Value, ApiError> {
        self.remember_secrets(call);
        let inner = &self.inner;
        let route = &call.route;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            // The slot first: the pacer counts a request when it admits it, so admission and
            // sending must not be apart (see `concurrency`).
            let mut slot = inner.limiter.acquire().await;
            inner
                .pacer
                .admit(&inner.pacing_profile, route.method(), route.template())
                .await;
            slot.sending();
            let started = inner.clock.now();
            inner
                .sent
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let outcome = self.attempt(call).await;
            let pushback = match &outcome {
                Err(_) => true,
                Ok(answer) => answer.status == 429 || answer.status >= 500,
            };
            inner.limiter.release(
                slot,
                if pushback {
                    Signal::Pushback
                } else {
                    Signal::Answered
                },
            );
            let elapsed_ms = inner.clock.now().saturating_sub(started).as_millis() as u64;
            let step = match outcome {
                Err((failure, detail)) => {
                    tracing::info!(method = %route.method(), route = route.template(), attempt, elapsed_ms, error = %failure, "request failed");
                    self.judge_failure(call, attempt, failure, &detail)
                }
                Ok(answer) => {
                    tracing::info!(method = %route.method(), route = route.template(), status = answer.status, attempt, elapsed_ms, "request");
                    self.judge_answer(call, attempt, answer)
                }
            };
            match step {
                Step::Done(result) => return result,
                Step::Backoff => inner.clock.sleep(inner.backoff.delay(attempt - 1)).await,
                // The pacer makes the next attempt (and every other request on this
                // route) wait until then.
                Step::RateLimited(wait) => inner.pacer.block(
                    &inner.pacing_profile,
                    route.method(),
                    route.template(),
                    wait,
                ),
            }
        }
    }

    /// What to do after a request got no answer.
    fn judge_failure(
        &self,
        call: &Call<'_>,
        attempt: u32,
        failure: TransportFailure,
        detail: &str,
    ) -> Step {
        let reached_server = failure != TransportFailure::Connect;
        let repeatable = call.route.method().is_idempotent() || !reached_server;
        if repeatable && attempt < self.inner.backoff.policy.max_attempts {
            return Step::Backoff;
        }
        Step::Done(Err(ApiError::Transport {
            route: Box::new(call.route.clone()),
            failure,
            reached_server,
            attempts: attempt,
            detail: self.redact(call, detail),
        }))
    }

    /// What to do with an answer: return it, or repeat the request (429 always, since
    /// nothing was done; 5xx only when the method is idempotent).
    fn judge_answer(&self, call: &Call<'_>, attempt: u32, answer: Answer) -> Step {
        let route = &call.route;
        let status = answer.status;
        // TagoIO's API does not redirect, and following one would send the token header (and
        // a sign-in's password) to wherever it points: never followed, always an error.
        if (300..400).contains(&status) {
            return Step::Done(Err(ApiError::Redirected {
                route: Box::new(route.clone()),
                status,
                target: redirect_target(&self.inner.base_url, answer.location.as_deref()),
            }));
        }
        let bytes = match answer.body {
            Body::Complete(bytes) => bytes,
            Body::TooLarge => {
                return Step::Done(Err(ApiError::Decode {
                    route: Box::new(route.clone()),
                    status,
                    detail: format!(
                        "the answer is larger than {} bytes",
                        self.inner.max_body_bytes
                    ),
                    excerpt: None,
                }))
            }
        };
        let envelope = serde_json::from_slice::<Envelope>(&bytes);
        let success = (200..300).contains(&status);
        let error = match envelope {
            Ok(envelope) if success && envelope.status => return Step::Done(Ok(envelope.result)),
            Err(error) if success => {
                return Step::Done(Err(ApiError::Decode {
                    route: Box::new(route.clone()),
                    status,
                    detail: self.describe_json_error(call, &error),
                    excerpt: self.excerpt(call, &bytes),
                }))
            }
            Ok(envelope) => ApiError::Api {
                route: Box::new(route.clone()),
                status,
                message: self.redact(call, &message_text(envelope.message.as_ref())),
                attempts: attempt,
            },
            Err(_) => ApiError::UnexpectedStatus {
                route: Box::new(route.clone()),
                status,
                excerpt: self
                    .excerpt(call, &bytes)
                    .unwrap_or_else(|| "(body withheld)".to_owned()),
                attempts: attempt,
            },
        };
        if attempt < self.inner.backoff.policy.max_attempts {
            if status == 429 {
                let message = error.server_message().unwrap_or_default();
                if let Some(wait) = self.rate_limit_wait(&answer.retry_after, message, attempt) {
                    return Step::RateLimited(wait);
                }
            } else if status >= 500 && route.method().is_idempotent() {
                return Step::Backoff;
            }
        }
        Step::Done(Err(error))
    }

    /// The wait before repeating after a 429: the server's `Retry-After` (header, else
    /// message), else the backoff. `None` when the server asks for more than the policy
    /// allows, which ends the retries.
    fn rate_limit_wait(
        &self,
        header: &Option<String>,
        message: &str,
        attempt: u32,
    ) -> Option<Duration> {
        let policy = &self.inner.backoff.policy;
        match retry_after(header.as_deref(), Some(message)) {
            Some(wait) if wait > policy.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.inner.backoff.delay(attempt - 1)),
        }
    }

    /// One request on the wire. `Err` carries the failure kind and a URL-free detail.
    async fn attempt(&self, call: &Call<'_>) -> Result<Answer, (TransportFailure, String)> {
        let inner = &self.inner;
        let mut url = format!("{}{}", inner.base_url, call.route.wire_path());
        if !call.query.is_empty() {
            url.push('?');
            url.push_str(&call.query);
        }
        let mut request = inner
            .http
            .request(call.route.method().to_reqwest(), url)
            .header(reqwest::header::ACCEPT, "application/json");
        if call.authenticated {
            if let Some(token) = &inner.token {
                request = request.header("token", token.expose());
            }
        }
        if let Some(body) = &call.body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let mut response = request.send().await.map_err(transport_failure)?;
        let status = response.status().as_u16();
        self.note_server_time(response.headers());
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let limit = inner.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Ok(Answer {
                status,
                retry_after,
                location,
                body: Body::TooLarge,
            });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_failure)? {
            if bytes.len() + chunk.len() > limit {
                return Ok(Answer {
                    status,
                    retry_after,
                    location,
                    body: Body::TooLarge,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            retry_after,
            location,
            body: Body::Complete(bytes),
        })
    }

    /// Remembers the server's clock from the `Date` header.
    fn note_server_time(&self, headers: &reqwest::header::HeaderMap) {
        let date = headers
            .get(reqwest::header::DATE)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| chrono::DateTime::parse_from_rfc2822(text).ok());
        if let (Some(date), Ok(mut time)) = (date, self.inner.server_time.lock()) {
            *time = Some((date.with_timezone(&chrono::Utc), std::time::Instant::now()));
        }
    }

    /// Keeps the call's secrets for [`Client::redact`] of every later answer.
    fn remember_secrets(&self, call: &Call<'_>) {
        if call.secrets.is_empty() {
            return;
        }
        if let Ok(mut sent) = self.inner.sent_secrets.lock() {
            for secret in &call.secrets {
                if !sent.iter().any(|known| known.expose() == *secret) {
                    sent.push(super::Secret::new(*secret));
                }
            }
        }
    }

    /// Hides the client's token, the call's own secrets and every secret sent before.
    fn redact(&self, call: &Call<'_>, text: &str) -> String {
        let sent = self
            .inner
            .sent_secrets
            .lock()
            .map(|sent| sent.clone())
            .unwrap_or_default();
        let mut secrets = call.secrets.clone();
        secrets.extend(sent.iter().map(super::Secret::expose));
        if let Some(token) = &self.inner.token {
            secrets.push(token.expose());
        }
        redact(text, &secrets)
    }

    /// The start of a body for an error, or `None` when the route's answers hold secrets.
    fn excerpt(&self, call: &Call<'_>, bytes: &[u8]) -> Option<String> {
        if call.sensitive_answer {
            return None;
        }
        let head = &bytes[..bytes.len().min(EXCERPT_CHARS * 4)];
        let text: String = String::from_utf8_lossy(head)
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(EXCERPT_CHARS)
            .collect();
        Some(self.redact(call, &text))
    }

    /// A JSON error; for routes whose answers hold secrets only its kind and position,
    /// because serde's messages quote the offending value.
    fn describe_json_error(&self, call: &Call<'_>, error: &serde_json::Error) -> String {
        if call.sensitive_answer {
            format!(
                "{:?} error at line {} column {}",
                error.classify(),
                error.line(),
                error.column()
            )
        } else {
            self.redact(call, &error.to_string())
        }
    }
}

/// The server's message as text (TagoIO sometimes sends a list or an object).
/// The server's message, with control and text-direction characters written as `\u{...}`:
/// it is printed to a terminal, where an escape sequence could clear the screen and a newline
/// forge a line such as `No changes.`.
fn message_text(message: Option<&serde_json::Value>) -> String {
    let text = match message {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(other) => other.to_string().chars().take(EXCERPT_CHARS).collect(),
        None => "(no message)".to_owned(),
    };
    crate::text::visible(&text).into_owned()
}

/// Classifies a reqwest error and describes it without the URL (which may hold a token).
fn transport_failure(error: reqwest::Error) -> (TransportFailure, String) {
    let failure = if error.is_connect() {
        TransportFailure::Connect
    } else if error.is_timeout() {
        TransportFailure::Timeout
    } else {
        TransportFailure::Dropped
    };
    let error = error.without_url();
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    (failure, detail)
}

/// Where a redirect points, as `scheme://host[:port]` only: a path or query may hold a
/// secret, and the host is what the user must check.
fn redirect_target(base_url: &str, location: Option<&str>) -> String {
    let Some(location) = location else {
        return "nowhere (no Location header)".to_owned();
    };
    let absolute = reqwest::Url::parse(base_url)
        .and_then(|base| base.join(location))
        .ok();
    match absolute {
        Some(url) => {
            let host = url.host_str().unwrap_or("?");
            match url.port() {
                Some(port) => format!("{}://{host}:{port}", url.scheme()),
                None => format!("{}://{host}", url.scheme()),
            }
        }
        None => "an address that is not a URL".to_owned(),
    }
}
