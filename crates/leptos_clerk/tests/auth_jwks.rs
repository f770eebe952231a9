//! The JWKS cache against a real HTTP server on 127.0.0.1: fetch headers,
//! caching, outages, slow answers, 429, malformed JSON and key rotation.
#![cfg(feature = "ssr")]

mod auth_support;

use std::time::{Duration, Instant};

use auth_support::*;
use axum::http::StatusCode;
use jsonwebtoken::Algorithm;
use leptos_clerk::server::Clerk;

#[tokio::test]
async fn fetches_once_with_the_secret_and_api_version_then_caches() {
    let (api, bapi) = start_bapi().await;
    let app = app(&Clerk::new(config(&api)).unwrap());
    for i in 0..5 {
        let token = sign(&claims_with(
            serde_json::json!({"sid": format!("sess_{i}")}),
        ));
        assert!(send(&app, request("/", &token, Carrier::Bearer, false))
            .await
            .signed_in());
    }
    assert_eq!(bapi.jwks_hits(), 1);
    let headers = bapi.last_headers.lock().unwrap().clone().unwrap();
    assert_eq!(
        headers["authorization"],
        format!("Bearer {SECRET}").as_str()
    );
    assert_eq!(headers["clerk-api-version"], "2025-11-10");
}

#[tokio::test]
async fn cached_keys_keep_working_during_an_outage() {
    let (api, bapi) = start_bapi().await;
    let mut config = config(&api);
    config.jwks_cache_ttl = Duration::from_millis(50);
    let app = app(&Clerk::new(config).unwrap());
    assert!(
        send(&app, request("/", &sign(&claims()), Carrier::Bearer, false))
            .await
            .signed_in()
    );
    bapi.set_mode(Mode::Down);
    tokio::time::sleep(Duration::from_millis(80)).await;
    let token = sign(&claims_with(serde_json::json!({"sid": "sess_outage"})));
    let answer = send(&app, request("/", &token, Carrier::Bearer, false)).await;
    assert!(
        answer.signed_in(),
        "stale keys must keep working: {:?}",
        answer.reason()
    );
    assert!(bapi.jwks_hits() >= 2, "a stale cache is refreshed");
    // A key the cache never saw cannot be loaded while the API is down.
    let unknown = sign_with(&claims(), PRIVATE_B, "test-key-b", Algorithm::RS256);
    let answer = send(&app, request("/", &unknown, Carrier::Bearer, false)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.reason(), Some("jwk-remote-failed-to-load"));
}

#[tokio::test]
async fn unknown_kid_refetches_to_pick_up_a_rotated_key() {
    let (api, bapi) = start_bapi().await;
    let app = app(&Clerk::new(config(&api)).unwrap());
    assert!(
        send(&app, request("/", &sign(&claims()), Carrier::Bearer, false))
            .await
            .signed_in()
    );
    bapi.set_mode(Mode::KeysAB);
    let rotated = sign_with(&claims(), PRIVATE_B, "test-key-b", Algorithm::RS256);
    assert!(send(&app, request("/", &rotated, Carrier::Bearer, false))
        .await
        .signed_in());
    assert_eq!(bapi.jwks_hits(), 2);
}

#[tokio::test]
async fn unknown_kids_cannot_hammer_the_api() {
    let (api, bapi) = start_bapi().await;
    let mut config = config(&api);
    config.jwks_min_refetch_interval = Duration::from_secs(60);
    let app = app(&Clerk::new(config).unwrap());
    assert!(
        send(&app, request("/", &sign(&claims()), Carrier::Bearer, false))
            .await
            .signed_in()
    );
    for i in 0..20 {
        let token = sign_with(&claims(), PRIVATE_B, &format!("kid-{i}"), Algorithm::RS256);
        let answer = send(&app, request("/", &token, Carrier::Bearer, false)).await;
        assert_eq!(answer.reason(), Some("jwk-kid-mismatch"));
    }
    assert_eq!(
        bapi.jwks_hits(),
        1,
        "refetches are limited to one per interval"
    );
}

#[tokio::test]
async fn slow_api_times_out_to_signed_out_not_500() {
    let (api, bapi) = start_bapi().await;
    bapi.set_mode(Mode::Slow);
    let app = app(&Clerk::new(config(&api)).unwrap());
    let started = Instant::now();
    for document in [false, true] {
        let answer = send(
            &app,
            request("/", &sign(&claims()), Carrier::Cookie, document),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(!answer.signed_in());
        assert_eq!(answer.reason(), Some("jwk-remote-failed-to-load"));
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the 500 ms timeout applies"
    );
}

#[tokio::test]
async fn rate_limited_and_malformed_answers_sign_out() {
    for (mode, reason) in [
        (Mode::TooMany, "jwk-remote-failed-to-load"),
        (Mode::Malformed, "jwk-remote-invalid"),
    ] {
        let (api, bapi) = start_bapi().await;
        bapi.set_mode(mode);
        let app = app(&Clerk::new(config(&api)).unwrap());
        for carrier in [Carrier::Cookie, Carrier::Bearer] {
            let answer = send(&app, request("/", &sign(&claims()), carrier, false)).await;
            assert_eq!(answer.status, StatusCode::OK, "{mode:?}");
            assert!(!answer.signed_in());
            assert_eq!(answer.reason(), Some(reason), "{mode:?}");
        }
        // Once the API recovers, the next request signs in.
        bapi.set_mode(Mode::KeyA);
        assert!(
            send(&app, request("/", &sign(&claims()), Carrier::Bearer, false))
                .await
                .signed_in()
        );
    }
}

#[tokio::test]
async fn unreachable_api_signs_out() {
    // Bind and drop a listener so the port is closed.
    let port = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = app(&Clerk::new(config(&format!("http://127.0.0.1:{port}"))).unwrap());
    let answer = send(&app, request("/", &sign(&claims()), Carrier::Bearer, false)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.reason(), Some("jwk-remote-failed-to-load"));
}

#[tokio::test]
async fn a_key_rotated_out_stops_its_cached_tokens_after_an_unknown_kid_refresh() {
    let (api, bapi) = start_bapi().await;
    let clerk = Clerk::new(config(&api)).unwrap();
    let app = app(&clerk);
    let signed_by_a = sign(&claims());
    assert!(
        send(&app, request("/", &signed_by_a, Carrier::Bearer, false))
            .await
            .signed_in()
    );
    assert_eq!(clerk.cached_token_count(), 1, "the A-token is cached");

    // Key A is rotated out; the first B-token (unknown kid) refreshes the key set.
    bapi.set_mode(Mode::KeyB);
    let signed_by_b = sign_with(&claims(), PRIVATE_B, "test-key-b", Algorithm::RS256);
    assert!(
        send(&app, request("/", &signed_by_b, Carrier::Bearer, false))
            .await
            .signed_in()
    );
    assert_eq!(bapi.jwks_hits(), 2);

    let answer = send(&app, request("/", &signed_by_a, Carrier::Bearer, false)).await;
    assert!(!answer.signed_in(), "a cached token of a dropped key");
    assert_eq!(answer.reason(), Some("jwk-kid-mismatch"));
    assert!(
        send(&app, request("/", &signed_by_b, Carrier::Bearer, false))
            .await
            .signed_in()
    );
}

#[tokio::test]
async fn a_key_rotated_out_stops_its_cached_tokens_after_an_expiry_refresh() {
    let (api, bapi) = start_bapi().await;
    let mut config = config(&api);
    config.jwks_cache_ttl = Duration::from_millis(50);
    let clerk = Clerk::new(config).unwrap();
    let app = app(&clerk);
    let cached = sign(&claims());
    assert!(send(&app, request("/", &cached, Carrier::Bearer, false))
        .await
        .signed_in());

    // Key A is rotated out; the next new token after the JWKS expired refreshes the key set.
    bapi.set_mode(Mode::KeyB);
    tokio::time::sleep(Duration::from_millis(80)).await;
    let fresh = sign(&claims_with(serde_json::json!({"sid": "sess_new"})));
    let answer = send(&app, request("/", &fresh, Carrier::Bearer, false)).await;
    assert_eq!(answer.reason(), Some("jwk-kid-mismatch"));
    assert_eq!(bapi.jwks_hits(), 2, "the stale key set was refreshed");

    let answer = send(&app, request("/", &cached, Carrier::Bearer, false)).await;
    assert!(!answer.signed_in(), "a cached token of a dropped key");
    assert_eq!(answer.reason(), Some("jwk-kid-mismatch"));
}

#[tokio::test]
async fn while_a_refresh_hangs_requests_with_a_cached_key_do_not_wait_for_it() {
    let (api, bapi) = start_bapi().await;
    let mut config = config(&api);
    config.jwks_cache_ttl = Duration::from_millis(50);
    config.http_timeout = Duration::from_secs(2);
    let app = app(&Clerk::new(config).unwrap());
    assert!(
        send(&app, request("/", &sign(&claims()), Carrier::Bearer, false))
            .await
            .signed_in()
    );
    bapi.set_mode(Mode::Slow);
    tokio::time::sleep(Duration::from_millis(80)).await;

    // The first request after expiry refreshes; it waits (within the deadline), then goes on
    // with the last good keys.
    let refreshing = {
        let app = app.clone();
        let token = sign(&claims_with(serde_json::json!({"sid": "sess_a"})));
        tokio::spawn(async move {
            let started = Instant::now();
            let answer = send(&app, request("/", &token, Carrier::Bearer, false)).await;
            (answer.signed_in(), started.elapsed())
        })
    };
    while bapi.jwks_hits() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Meanwhile others are verified with the cached key at once.
    for i in 0..5 {
        let token = sign(&claims_with(
            serde_json::json!({"sid": format!("sess_b{i}")}),
        ));
        let started = Instant::now();
        let answer = send(&app, request("/", &token, Carrier::Bearer, false)).await;
        assert!(answer.signed_in(), "{:?}", answer.reason());
        assert!(
            started.elapsed() < Duration::from_millis(200),
            "waited for the refresh: {:?}",
            started.elapsed()
        );
    }
    assert_eq!(bapi.jwks_hits(), 2, "one refresh at a time");
    let (signed_in, took) = refreshing.await.unwrap();
    assert!(signed_in, "the last good keys after a failed refresh");
    assert!(took < Duration::from_millis(2_500), "{took:?}");
}
