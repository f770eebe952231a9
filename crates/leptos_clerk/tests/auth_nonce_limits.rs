//! A `__clerk_handshake_nonce` costs one Backend API call (and a share of the instance's rate
//! limit), so the layer resolves one only for a page load, only when it looks like a Clerk
//! nonce, and only a bounded number at once. Checked through the real layer against a
//! loopback Backend API that counts the calls.
#![cfg(feature = "ssr")]

mod auth_support;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use auth_support::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use leptos_clerk::server::Clerk;
use leptos_clerk::server::{
    NonceRate, MAX_CONCURRENT_NONCE_RESOLUTIONS, MAX_CONCURRENT_NONCE_RESOLUTIONS_PER_CLIENT,
    NONCE_RATE_GLOBAL, NONCE_RATE_PER_CLIENT,
};

/// A nonce the fake Backend API knows, with the directives of a signed-in session.
fn known_nonce(bapi: &FakeBapi, nonce: &str) {
    let session = sign(&claims());
    bapi.directives
        .lock()
        .unwrap()
        .insert(nonce.into(), vec![format!("__session={session}; Path=/")]);
}

/// A page load of `/` with `nonce` in its query (as given: already percent-encoded).
fn page_with_nonce(nonce: &str) -> Request<Body> {
    page(&format!("/?__clerk_handshake_nonce={nonce}"), None)
}

/// [`page_with_nonce`] over a connection from `ip` (as `axum::serve` with connect info sees it).
fn page_from(ip: [u8; 4], nonce: &str) -> Request<Body> {
    let mut request = page_with_nonce(nonce);
    request
        .extensions_mut()
        .insert(ConnectInfo(std::net::SocketAddr::from((ip, 40000))));
    request
}

/// The layer over a Backend API that holds every handshake-payload call until the returned
/// gate gets permits (or is closed).
async fn app_with_held_backend_api() -> (axum::Router, Arc<FakeBapi>, Arc<tokio::sync::Semaphore>) {
    let (api, bapi) = start_bapi().await;
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    *bapi.payload_gate.lock().unwrap() = Some(gate.clone());
    let mut config = production_config(&api);
    config.http_timeout = Duration::from_secs(30);
    config.http_deadline = Duration::from_secs(30);
    (app(&Clerk::new(config).unwrap()), bapi, gate)
}

#[tokio::test]
async fn only_page_loads_resolve_a_nonce() {
    let (api, bapi) = start_bapi().await;
    known_nonce(&bapi, "nonce-1");
    let app = app(&Clerk::new(production_config(&api)).unwrap());
    let with_dest = |dest: &str, path: &str, cookie: Option<&str>| {
        let mut builder = Request::get(path)
            .header("host", "localhost:3000")
            .header("sec-fetch-dest", dest)
            .header("accept", "text/html");
        if let Some(cookie) = cookie {
            builder = builder.header("cookie", cookie);
        }
        builder.body(Body::empty()).unwrap()
    };
    let not_pages = [
        fetch("/?__clerk_handshake_nonce=nonce-1", ""),
        fetch("/", "__clerk_handshake_nonce=nonce-1"),
        with_dest("image", "/?__clerk_handshake_nonce=nonce-1", None),
        with_dest("script", "/", Some("__clerk_handshake_nonce=nonce-1")),
        Request::get("/api/me?__clerk_handshake_nonce=nonce-1")
            .header("host", "localhost:3000")
            .body(Body::empty())
            .unwrap(),
    ];
    for request in not_pages {
        let answer = send(&app, request).await;
        assert_ne!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!answer.signed_in());
        assert!(answer.set_cookies().is_empty(), "no handshake cookies");
    }
    assert_eq!(bapi.payload_hits(), 0, "no Backend API call for non-pages");

    // The same nonce on a page load is resolved (once).
    let answer = send(
        &app,
        with_dest("document", "/?__clerk_handshake_nonce=nonce-1", None),
    )
    .await;
    assert!(answer.signed_in());
    assert_eq!(bapi.payload_hits(), 1);
}

#[tokio::test]
async fn malformed_nonces_never_reach_the_backend_api() {
    let (api, bapi) = start_bapi().await;
    let app = app(&Clerk::new(production_config(&api)).unwrap());
    let too_long = "a".repeat(129);
    let malformed = [
        "",
        too_long.as_str(),
        "a%20b",
        "..%2Fjwks",
        "nonce%00",
        "n%C3%A9",
        "a.b",
        "a%26nonce%3Db",
        "%3Cscript%3E",
    ];
    for nonce in malformed {
        let answer = send(&app, page_with_nonce(nonce)).await;
        assert_eq!(answer.status, StatusCode::OK, "{nonce:?}");
        assert!(!answer.signed_in(), "{nonce:?}");
        let cookie = format!("__clerk_handshake_nonce={nonce}");
        let answer = send(&app, page("/", Some(&cookie))).await;
        assert_eq!(answer.status, StatusCode::OK, "cookie {nonce:?}");
    }
    assert_eq!(
        bapi.payload_hits(),
        0,
        "no Backend API call for malformed nonces"
    );

    // The longest well-formed nonce is still resolved.
    let longest = format!("{}-_9Z", "a".repeat(124));
    known_nonce(&bapi, &longest);
    let answer = send(&app, page_with_nonce(&longest)).await;
    assert!(answer.signed_in());
    assert_eq!(bapi.payload_hits(), 1);
}

#[tokio::test]
async fn concurrent_resolutions_are_bounded() {
    let (app, bapi, gate) = app_with_held_backend_api().await;
    let total = 4 * MAX_CONCURRENT_NONCE_RESOLUTIONS;
    for i in 0..total {
        known_nonce(&bapi, &format!("nonce-{i}"));
    }
    let (done, mut finished) = tokio::sync::mpsc::unbounded_channel();
    for i in 0..total {
        let (app, done) = (app.clone(), done.clone());
        tokio::spawn(async move {
            let answer = send(&app, page_with_nonce(&format!("nonce-{i}"))).await;
            done.send((answer.status, answer.signed_in())).unwrap();
        });
    }
    // While the Backend API holds every call it got, the requests over the bound are answered
    // without one (signed out: the browser gets a fresh handshake later).
    for _ in 0..total - MAX_CONCURRENT_NONCE_RESOLUTIONS {
        let (status, signed_in) = finished.recv().await.unwrap();
        assert_eq!(status, StatusCode::OK);
        assert!(!signed_in);
    }
    // The calls that got a slot may still be on their way to the Backend API.
    for _ in 0..2000 {
        if bapi.payload_in_flight.load(Ordering::SeqCst) == MAX_CONCURRENT_NONCE_RESOLUTIONS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(bapi.payload_hits(), MAX_CONCURRENT_NONCE_RESOLUTIONS);
    gate.close();
    for _ in 0..MAX_CONCURRENT_NONCE_RESOLUTIONS {
        let (status, signed_in) = finished.recv().await.unwrap();
        assert_eq!(status, StatusCode::OK);
        assert!(signed_in, "the resolutions that got a slot complete");
    }
    let max = bapi.payload_max_in_flight.load(Ordering::SeqCst);
    assert!(
        max <= MAX_CONCURRENT_NONCE_RESOLUTIONS,
        "{max} Backend API calls at once"
    );
    assert_eq!(bapi.payload_hits(), MAX_CONCURRENT_NONCE_RESOLUTIONS);

    // With the slots free again, a new page load resolves its nonce.
    known_nonce(&bapi, "later");
    let answer = send(&app, page_with_nonce("later")).await;
    assert!(answer.signed_in());
}

/// Waits until each of `total` requests has either answered (on `finished`) or is held at the
/// Backend API; how many answered.
async fn settle(
    bapi: &FakeBapi,
    finished: &mut tokio::sync::mpsc::UnboundedReceiver<bool>,
    total: usize,
) -> usize {
    let mut answered = 0;
    for _ in 0..2000 {
        while finished.try_recv().is_ok() {
            answered += 1;
        }
        if answered + bapi.payload_in_flight.load(Ordering::SeqCst) == total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    answered
}

#[tokio::test]
async fn a_flood_from_one_client_leaves_another_clients_handshake_working() {
    let (app, bapi, gate) = app_with_held_backend_api().await;
    // One client sends page loads with made-up nonces while the Backend API is slow.
    let attacker = [198, 51, 100, 7];
    let total = 4 * MAX_CONCURRENT_NONCE_RESOLUTIONS;
    let (done, mut finished) = tokio::sync::mpsc::unbounded_channel();
    for i in 0..total {
        let (app, done) = (app.clone(), done.clone());
        tokio::spawn(async move {
            let answer = send(&app, page_from(attacker, &format!("made-up-{i}"))).await;
            done.send(answer.signed_in()).unwrap();
        });
    }
    let answered = settle(&bapi, &mut finished, total).await;
    let held = bapi.payload_in_flight.load(Ordering::SeqCst);
    assert_eq!(
        held, MAX_CONCURRENT_NONCE_RESOLUTIONS_PER_CLIENT,
        "one client holds at most its share of the slots ({answered} answered)"
    );
    // Another client returning from the Frontend API still gets its nonce resolved.
    *bapi.payload_gate.lock().unwrap() = None;
    known_nonce(&bapi, "returning-user");
    let answer = send(&app, page_from([203, 0, 113, 9], "returning-user")).await;
    assert!(answer.signed_in(), "the other client's handshake completed");
    gate.close();
}

/// The most resolutions `rate` admits from a full bucket at `started` until now: its burst plus
/// what refilled meanwhile.
fn most_admitted(rate: NonceRate, started: std::time::Instant) -> usize {
    let refilled = started.elapsed().as_secs_f64() * f64::from(rate.per_minute) / 60.0;
    rate.burst as usize + refilled.ceil() as usize
}

#[tokio::test]
async fn one_client_is_held_to_its_rate_and_all_clients_to_the_global_rate() {
    let (api, bapi) = start_bapi().await;
    let app = app(&Clerk::new(production_config(&api)).unwrap());
    let started = std::time::Instant::now();
    for i in 0..200 {
        let answer = send(&app, page_from([198, 51, 100, 7], &format!("made-up-{i}"))).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let hits = bapi.payload_hits();
    assert!(
        hits <= most_admitted(NONCE_RATE_PER_CLIENT, started),
        "{hits} Backend API calls for one client's 200 nonces"
    );
    // Another client is unaffected.
    known_nonce(&bapi, "returning-user");
    let answer = send(&app, page_from([203, 0, 113, 9], "returning-user")).await;
    assert!(answer.signed_in());

    // Many clients, one nonce each: the global budget bounds the total.
    let started = std::time::Instant::now();
    let before = bapi.payload_hits();
    for i in 0..=255u8 {
        let _ = send(&app, page_from([10, 1, 0, i], &format!("spread-{i}"))).await;
    }
    let hits = bapi.payload_hits() - before;
    assert!(
        hits <= most_admitted(NONCE_RATE_GLOBAL, started),
        "{hits} Backend API calls for 256 clients"
    );
    assert!(hits > 0);
}
