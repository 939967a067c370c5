//! A scripted HTTP server on 127.0.0.1:0 for the client's tests.
//!
//! Raw sockets rather than a framework, because the faults under test live below HTTP:
//! a connection closed without an answer, an answer that never comes, a body without an
//! end. One request per connection (`Connection: close`), every request recorded, and the
//! script decides each reply from the request and its index. Stops when dropped.

use std::sync::{Arc, Mutex};

use tagoform::api::{Client, ClientBuilder, ManualClock, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const PROFILE: &str = "64f1c2a9e3b1d40012ab34cd";
pub const OTHER: &str = "650a1b2c3d4e5f6071829304";
pub const TOKEN: &str = "c3a9d0e2-5b7f-4e11-9a2d-7f3e8b1c6d40";

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, exactly as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, query)| query)
    }
}

/// What the server does with a request.
pub enum Reply {
    /// An answer with a JSON (or any) body and extra headers.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Close the connection without answering.
    Drop,
    /// Keep the connection open and never answer.
    Hang,
    /// A body with no length, ended by closing the connection.
    Unbounded { status: u16, body: Vec<u8> },
}

impl Reply {
    pub fn ok(result: serde_json::Value) -> Self {
        Self::json(200, serde_json::json!({"status": true, "result": result}))
    }

    pub fn fail(status: u16, message: &str) -> Self {
        Self::json(
            status,
            serde_json::json!({"status": false, "message": message}),
        )
    }

    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::Answer {
            status,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Self {
        match self {
            Self::Answer {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.to_owned(), value.to_owned()));
                Self::Answer {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }
}

type Script = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// The running server; dropping it stops it.
pub struct MockServer {
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// Serves `script(request, index)` for every request.
    pub async fn start(script: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let recorded = recorded.clone();
                let script = script.clone();
                tokio::spawn(async move { serve(stream, recorded, script).await });
            }
        });
        Self {
            url,
            requests,
            task,
        }
    }

    /// Serves the replies in order; the last one repeats.
    pub async fn sequence(replies: Vec<Reply>) -> Self {
        let replies = Mutex::new(replies);
        Self::start(move |_, _| {
            let mut replies = replies.lock().unwrap();
            if replies.len() > 1 {
                replies.remove(0)
            } else {
                clone_reply(&replies[0])
            }
        })
        .await
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// A client with a manual clock (waits are recorded, not slept) and a fixed jitter seed.
    pub fn client(&self) -> (Client, Arc<ManualClock>) {
        let clock = ManualClock::shared();
        let client = self.builder(clock.clone()).build().unwrap();
        (client, clock)
    }

    pub fn builder(&self, clock: Arc<ManualClock>) -> ClientBuilder {
        Client::builder(&self.url)
            .token(tagoform::api::Token::new(TOKEN))
            .clock(clock)
            .retry(RetryPolicy {
                jitter_seed: Some(1),
                ..RetryPolicy::default()
            })
    }
}

fn clone_reply(reply: &Reply) -> Reply {
    match reply {
        Reply::Answer {
            status,
            headers,
            body,
        } => Reply::Answer {
            status: *status,
            headers: headers.clone(),
            body: body.clone(),
        },
        Reply::Drop => Reply::Drop,
        Reply::Hang => Reply::Hang,
        Reply::Unbounded { status, body } => Reply::Unbounded {
            status: *status,
            body: body.clone(),
        },
    }
}

async fn serve(mut stream: TcpStream, recorded: Arc<Mutex<Vec<Recorded>>>, script: Arc<Script>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let index = {
        let mut all = recorded.lock().unwrap();
        all.push(request.clone());
        all.len() - 1
    };
    match script(&request, index) {
        Reply::Answer {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(body.as_bytes()).await;
        }
        Reply::Drop => {}
        Reply::Hang => {
            let mut sink = [0u8; 1];
            let _ = stream.read(&mut sink).await;
        }
        Reply::Unbounded { status, body } => {
            let head = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
        }
    }
    let _ = stream.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(at) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = String::from_utf8_lossy(&buffer[head_end..]).to_string();
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}
