//! A Clerk that misbehaves on purpose: a real HTTP/1.1 server on 127.0.0.1:0, written on bare
//! TCP so that it can also do what no well-behaved server does (reset the connection, accept and
//! never answer, trickle a body). Each endpoint group (Backend API, JWKS, Frontend API) gets its
//! own [`Fault`], switched while the server runs; healthy answers come from a test-given
//! function.
#![allow(dead_code)] // each test binary uses a part

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Which part of Clerk a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    /// `GET /v1/jwks`.
    Jwks,
    /// Every other path outside [`FRONTEND_API_PREFIX`].
    BackendApi,
    /// Paths below [`FRONTEND_API_PREFIX`]: the Frontend API ([`UnreliableClerk::frontend_api_url`]).
    FrontendApi,
}

/// Where the Frontend API lives on this server (Clerk serves it from another host).
pub const FRONTEND_API_PREFIX: &str = "/fapi";

impl Group {
    fn of(path: &str) -> Group {
        if path.starts_with(FRONTEND_API_PREFIX) {
            Group::FrontendApi
        } else if path.starts_with("/v1/jwks") {
            Group::Jwks
        } else {
            Group::BackendApi
        }
    }
}

/// How a group misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answers normally.
    None,
    /// Answers normally after this delay.
    Latency(Duration),
    /// Answers this status with Clerk's error envelope.
    Status(u16),
    /// Answers 429 with `Retry-After: <secs>`.
    RateLimited(u64),
    /// Resets the connection once the request has arrived.
    Reset,
    /// Reads the request and never answers (the connection stays open).
    Hang,
    /// Sends the headers, then the body one byte every 100 ms.
    Trickle,
}

impl Fault {
    /// Every fault, for tables.
    pub const ALL: [Fault; 6] = [
        Fault::Latency(Duration::from_secs(5)),
        Fault::Status(503),
        Fault::RateLimited(30),
        Fault::Reset,
        Fault::Hang,
        Fault::Trickle,
    ];
}

/// The healthy answer to a request path: status and JSON body.
pub type Healthy = dyn Fn(&str) -> (u16, String) + Send + Sync;

struct Shared {
    faults: Mutex<HashMap<Group, Fault>>,
    counts: Mutex<HashMap<Group, usize>>,
    healthy: Box<Healthy>,
    open_connections: AtomicUsize,
}

/// The running server.
pub struct UnreliableClerk {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    shared: Arc<Shared>,
}

impl UnreliableClerk {
    /// Starts a server answering `healthy(path)` wherever no fault is set.
    pub async fn start(healthy: impl Fn(&str) -> (u16, String) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let shared = Arc::new(Shared {
            faults: Mutex::new(HashMap::new()),
            counts: Mutex::new(HashMap::new()),
            healthy: Box::new(healthy),
            open_connections: AtomicUsize::new(0),
        });
        let serving = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, serving.clone()));
            }
        });
        UnreliableClerk { base_url, shared }
    }

    /// The Frontend API's base URL (`{base_url}/fapi`).
    pub fn frontend_api_url(&self) -> String {
        format!("{}{FRONTEND_API_PREFIX}", self.base_url)
    }

    /// Makes `group` misbehave as `fault` from the next request on.
    pub fn set(&self, group: Group, fault: Fault) {
        self.shared.faults.lock().unwrap().insert(group, fault);
    }

    /// Makes every group answer normally again.
    pub fn heal(&self) {
        self.shared.faults.lock().unwrap().clear();
    }

    /// How many requests `group` received.
    pub fn requests(&self, group: Group) -> usize {
        *self.shared.counts.lock().unwrap().get(&group).unwrap_or(&0)
    }
}

fn fault_of(shared: &Shared, group: Group) -> Fault {
    *shared
        .faults
        .lock()
        .unwrap()
        .get(&group)
        .unwrap_or(&Fault::None)
}

/// Serves one connection, request after request (keep-alive), until it closes or a fault ends it.
async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    shared.open_connections.fetch_add(1, Ordering::Relaxed);
    while let Some(path) = read_request(&mut stream).await {
        let group = Group::of(&path);
        *shared.counts.lock().unwrap().entry(group).or_default() += 1;
        let fault = fault_of(&shared, group);
        let (status, body, extra) = match fault {
            Fault::Status(status) => (status, clerk_error(status), String::new()),
            Fault::RateLimited(secs) => (429, clerk_error(429), format!("retry-after: {secs}\r\n")),
            _ => {
                let (status, body) = (shared.healthy)(&path);
                (status, body, String::new())
            }
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}\r\n",
            body.len()
        );
        let written = match fault {
            Fault::Reset => {
                // Linger 0 closes with a RST at once (the deprecation is about blocking drops
                // with a non-zero linger).
                #[allow(deprecated)]
                let _ = stream.set_linger(Some(Duration::ZERO));
                break;
            }
            Fault::Hang => {
                // Hold the connection until the client gives up.
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                break;
            }
            Fault::Latency(delay) => {
                tokio::time::sleep(delay).await;
                write_all(&mut stream, head.as_bytes(), body.as_bytes()).await
            }
            Fault::Trickle => trickle(&mut stream, head.as_bytes(), body.as_bytes()).await,
            _ => write_all(&mut stream, head.as_bytes(), body.as_bytes()).await,
        };
        if written.is_err() {
            break;
        }
    }
    shared.open_connections.fetch_sub(1, Ordering::Relaxed);
}

async fn write_all(stream: &mut TcpStream, head: &[u8], body: &[u8]) -> std::io::Result<()> {
    stream.write_all(head).await?;
    stream.write_all(body).await
}

async fn trickle(stream: &mut TcpStream, head: &[u8], body: &[u8]) -> std::io::Result<()> {
    stream.write_all(head).await?;
    for byte in body {
        stream.write_all(std::slice::from_ref(byte)).await?;
        stream.flush().await?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Reads one request (head and `content-length` body); its path, or `None` at end of stream.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buffer.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let length: usize = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    let mut have = buffer.len() - head_end;
    while have < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        have += n;
    }
    let path = head.split_whitespace().nth(1)?.to_owned();
    Some(path)
}

fn clerk_error(status: u16) -> String {
    serde_json::json!({
        "errors": [{ "code": "unreliable_clerk", "message": format!("fault {status}") }]
    })
    .to_string()
}
