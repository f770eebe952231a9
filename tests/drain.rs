//! Graceful shutdown with a drain: the real router served by `server::serve` (what the binary
//! runs) with a slow in-flight request, then the shutdown signal.

mod app_support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app_support::*;
use axum::routing::get;
use axum::Router;
use leptos_clerk_starter::server::{build_router_with, serve, DrainSettings, Drained, Draining};
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
