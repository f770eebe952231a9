//! Bounded retries: only idempotent calls, honouring `Retry-After`, within the deadline.
#![cfg(feature = "ssr")]

mod backend_api_support;

use std::time::{Duration, Instant};

use backend_api_support::{user_json, Reply, StandIn};
use leptos_clerk::server::backend_api::{
    BackendApi, BackendApiConfig, BackendApiError, MetadataPatch, DEFAULT_API_URL,
    DEFAULT_API_VERSION,
};
use serde_json::json;

fn rate_limited(retry_after: &str) -> Reply {
    Reply::clerk_error(429, "too_many_requests", "Too many requests", None)
        .header("retry-after", retry_after.to_owned())
}

#[tokio::test]
async fn get_waits_for_retry_after_then_succeeds() {
    let stand_in = StandIn::start(|_, attempt| match attempt {
        0 => rate_limited("1"),
        _ => Reply::json(200, user_json("user_1")),
    })
    .await;
    let started = Instant::now();
    let user = stand_in
        .client()
        .users()
        .get("user_1")
        .await
        .expect("second attempt");

    assert_eq!(user.id, "user_1");
    assert_eq!(stand_in.requests().len(), 2);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(1),
        "Retry-After ignored: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn retries_stop_after_max_retries() {
    let stand_in = StandIn::start(|_, _| rate_limited("0")).await;
    let error = stand_in
        .client()
        .users()
        .get("user_1")
        .await
        .expect_err("always 429");

    assert!(
        matches!(error, BackendApiError::RateLimited { .. }),
        "{error:?}"
    );
    assert_eq!(stand_in.requests().len(), 3, "1 attempt + max_retries 2");
}

#[tokio::test]
async fn retry_after_beyond_the_deadline_fails_at_once() {
    let stand_in = StandIn::start(|_, _| rate_limited("30")).await;
    let started = Instant::now();
    let error = stand_in
        .client()
        .users()
        .get("user_1")
        .await
        .expect_err("deadline 5 s");

    let BackendApiError::RateLimited { retry_after, .. } = error else {
        panic!("{error:?}")
    };
    assert_eq!(retry_after, Some(Duration::from_secs(30)));
    assert_eq!(stand_in.requests().len(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn server_errors_on_get_are_retried_with_backoff() {
    let stand_in = StandIn::start(|_, attempt| match attempt {
        0 | 1 => Reply::raw(503, "upstream unavailable"),
        _ => Reply::json(200, json!({ "keys": [] })),
    })
    .await;
    let started = Instant::now();
    let jwks = stand_in.client().jwks().await.expect("third attempt");

    assert!(jwks.keys.is_empty());
    assert_eq!(stand_in.requests().len(), 3);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(375),
        "backoff 250 ms + 500 ms, each at least halved by the jitter: {elapsed:?}"
    );
}

#[tokio::test]
async fn delete_is_retried() {
    let stand_in = StandIn::start(|_, attempt| match attempt {
        0 => Reply::raw(502, "bad gateway"),
        _ => Reply::json(
            200,
            json!({ "object": "user", "id": "user_1", "deleted": true }),
        ),
    })
    .await;
    let deleted = stand_in
        .client()
        .users()
        .delete("user_1")
        .await
        .expect("retried");

    assert!(deleted.deleted);
    assert_eq!(stand_in.requests().len(), 2);
}

#[tokio::test]
async fn patch_is_never_retried() {
    let stand_in = StandIn::start(|_, attempt| match attempt {
        0 => rate_limited("0"),
        _ => Reply::json(200, user_json("user_1")),
    })
    .await;
    let patch = MetadataPatch {
        public_metadata: Some(json!({ "visits": 1 })),
        ..Default::default()
    };
    let error = stand_in
        .client()
        .users()
        .update_metadata("user_1", &patch)
        .await
        .expect_err("429");

    assert!(
        matches!(error, BackendApiError::RateLimited { .. }),
        "{error:?}"
    );
    assert_eq!(stand_in.requests().len(), 1);
}

#[tokio::test]
async fn post_is_never_retried() {
    let stand_in = StandIn::start(|_, attempt| match attempt {
        0 => Reply::raw(503, "unavailable"),
        _ => Reply::json(200, json!({ "object": "token", "jwt": "a.b.c" })),
    })
    .await;
    let error = stand_in
        .client()
        .sessions()
        .create_token("sess_1", None)
        .await
        .expect_err("503");

    assert!(
        matches!(error, BackendApiError::Status { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(stand_in.requests().len(), 1);
}

#[tokio::test]
async fn timeouts_of_get_are_retried() {
    let stand_in = StandIn::start(|_, attempt| {
        let reply = Reply::json(200, json!({ "keys": [] }));
        if attempt == 0 {
            reply.delayed(Duration::from_secs(3))
        } else {
            reply
        }
    })
    .await;
    let config = BackendApiConfig {
        timeout: Duration::from_millis(300),
        ..stand_in.config()
    };
    BackendApi::new(config)
        .unwrap()
        .jwks()
        .await
        .expect("second attempt");

    assert_eq!(stand_in.requests().len(), 2);
}

#[test]
fn defaults_match_clerk() {
    let config = BackendApiConfig::new("sk_test_x");
    assert_eq!(config.api_url, DEFAULT_API_URL);
    assert_eq!(DEFAULT_API_URL, "https://api.clerk.com");
    assert_eq!(config.api_version, DEFAULT_API_VERSION);
    assert_eq!(DEFAULT_API_VERSION, "2025-11-10");
    assert!(config.max_retries > 0);
    assert!(
        config.deadline <= Duration::from_secs(2),
        "a page waits at most 2 s for Clerk by default"
    );
    assert!(config.connect_timeout <= config.deadline && config.timeout <= config.deadline);
}
