//! Graceful shutdown with a drain: the real router served by `server::serve` (what the binary
//! runs) with a slow in-flight request, then the shutdown signal.

mod app_support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app_support::*;
use axum::routing::get;
use axum::Router;

// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::server::{build_router_with, serve, DrainSettings, Drained, Draining};
// {% endif %}{{nl}}use {{crate_name}}::server::{build_router_with, serve, DrainSettings, Drained, Draining};

use tokio::sync::{oneshot, Notify};

/// The real router plus `/test/slow`, which answers once `release` is notified (and tells
/// `entered` it has started).
fn app(draining: Draining, entered: Arc<Notify>, release: Arc<Notify>) -> Router {
    let addr: SocketAddr = "127.0.0.1:3000".parse().unwrap();
    build_router_with(leptos_options(addr), setup(pem_config()), draining).route(
        "/test/slow",
        get(move || async move {
            entered.notify_one();
            release.notified().await;
            "done"
        }),
    )
}

struct Server {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    served: tokio::task::JoinHandle<std::io::Result<Drained>>,
    entered: Arc<Notify>,
    release: Arc<Notify>,
}

async fn start(settings: DrainSettings) -> Server {
    let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let draining = Draining::default();
    let app = app(draining.clone(), entered.clone(), release.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let signal = async {
        let _ = stopped.await;
    };
    let served = tokio::spawn(serve(listener, app, signal, draining, settings));
    Server {
        addr,
        stop,
        served,
        entered,
        release,
    }
}

/// A client that opens a new connection per request (no pooled keep-alive connection).
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// Polls until a TCP connection to `addr` is refused (at most 10 s).
async fn wait_until_refused(addr: SocketAddr) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn shutdown_turns_readyz_503_refuses_new_connections_and_finishes_in_flight_requests() {
    let server = start(DrainSettings {
        ready_delay: Duration::from_secs(2),
        grace: Duration::from_secs(30),
    })
    .await;
    let base = format!("http://{}", server.addr);
    let http = client();
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    let slow = tokio::spawn(http.get(format!("{base}/test/slow")).send());
    server.entered.notified().await;
    server.stop.send(()).unwrap();

    // During the ready delay the listener still accepts, and /readyz says 503.
    let started = Instant::now();
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["reason"], "shutting down");
    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "liveness holds while draining");

    // Then the listener closes while the slow request is still in flight.
    assert!(wait_until_refused(server.addr).await, "the listener closes");
    eprintln!("listener closed {:?} after the signal", started.elapsed());
    assert!(!slow.is_finished(), "the slow request is still in flight");
    assert!(!server.served.is_finished(), "serve waits for it");

    server.release.notify_one();
    let slow = slow
        .await
        .unwrap()
        .expect("the in-flight request completes");
    assert_eq!(slow.status(), 200);
    assert_eq!(slow.text().await.unwrap(), "done");
    let drained = server.served.await.unwrap().unwrap();
    assert_eq!(drained, Drained::Complete);
    eprintln!("drained {:?} after the signal", started.elapsed());
}

#[tokio::test]
async fn the_grace_period_bounds_the_drain() {
    let server = start(DrainSettings {
        ready_delay: Duration::ZERO,
        grace: Duration::from_millis(300),
    })
    .await;
    let base = format!("http://{}", server.addr);
    let slow = tokio::spawn(client().get(format!("{base}/test/slow")).send());
    server.entered.notified().await;
    server.stop.send(()).unwrap();
    // Never released: the drain gives up after the grace period, and the client sees its
    // connection cut (no response).
    let drained = server.served.await.unwrap().unwrap();
    assert_eq!(drained, Drained::GraceExpired);
    assert!(wait_until_refused(server.addr).await);
    drop(server.release);
    slow.abort();
}

/// A Frontend API stand-in whose `/v1/slow` answers once `release` is notified.
async fn start_slow_upstream(entered: Arc<Notify>, release: Arc<Notify>) -> SocketAddr {
    let app = Router::new().route(
        "/v1/slow",
        get(move || async move {
            entered.notify_one();
            release.notified().await;
            "slow done"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Polls `url` until it answers (at most 60 s: the binary starts).
async fn wait_until_serving(http: &reqwest::Client, url: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if http.get(url).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server never answered {url}");
}

#[tokio::test]
async fn the_binary_drains_on_sigterm_and_exits_0() {
    let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let upstream = start_slow_upstream(entered.clone(), release.clone()).await;
    let addr = closed_address().await;
    let mut child =
        std::process::Command::new(env!(concat!("CARGO_BIN_EXE_", env!("CARGO_PKG_NAME"))))
            .env_clear()
            .env("LEPTOS_SITE_ADDR", addr.to_string())
            // A debug binary has no hash.txt beside it (Leptos.toml turns hash-files on).
            .env("LEPTOS_HASH_FILES", "false")
            .env("CLERK_PUBLISHABLE_KEY", PK_TEST)
            .env("CLERK_SECRET_KEY", SECRET)
            .env("CLERK_JWT_KEY", PUBLIC_A)
            .env("CLERK_PROXY_URL", "/__clerk")
            .env("CLERK_FRONTEND_API_URL", format!("http://{upstream}"))
            .env("SHUTDOWN_READY_DELAY_SECS", "3")
            .env("SHUTDOWN_GRACE_SECS", "20")
            .env("RUST_LOG", "info")
            .spawn()
            .unwrap();
    let base = format!("http://{addr}");
    let http = client();
    wait_until_serving(&http, &format!("{base}/healthz")).await;
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    // An in-flight request through the Frontend API proxy.
    let slow = tokio::spawn(http.get(format!("{base}/__clerk/v1/slow")).send());
    entered.notified().await;
    let sent = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());

    // The signal is delivered asynchronously: poll until /readyz answers 503, well within the
    // 3 s ready delay during which the listener still accepts.
    let mut status = 0;
    while sent.elapsed() < Duration::from_secs(2) && status != 503 {
        status = http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
    }
    assert_eq!(status, 503, "readyz turns 503 before the listener closes");
    let turned_503_after = sent.elapsed();
    assert!(wait_until_refused(addr).await, "the listener closes");
    let refused_after = sent.elapsed();
    assert!(
        !slow.is_finished(),
        "the proxied request is still in flight"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "the process waits for it"
    );

    release.notify_one();
    let slow = slow
        .await
        .unwrap()
        .expect("the in-flight request completes");
    assert_eq!(slow.status(), 200);
    assert_eq!(slow.text().await.unwrap(), "slow done");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the process exits after the drain"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "exit status {status}");
    eprintln!(
        "SIGTERM → readyz 503 after {turned_503_after:?}, listener closed after \
         {refused_after:?}, exit after {:?}",
        sent.elapsed()
    );
}
