//! The Backend API client against a Clerk that misbehaves: every fault ends within the
//! deadline as an "unavailable" error, a request's calls share one deadline, and the circuit
//! breaker fails calls at once after repeated outages, then recovers through one probe.
#![cfg(feature = "ssr")]

mod unreliable_clerk;

use std::time::{Duration, Instant};

use leptos_clerk::server::backend_api::{
    BackendApi, BackendApiConfig, BackendApiError, BreakerConfig, CreateUser,
};
use unreliable_clerk::{Fault, Group, UnreliableClerk};

const SECRET_KEY: &str = "sk_test_unreliable-clerk-not-a-clerk-key";

/// A Clerk whose Backend API answers users (`GET /v1/users/{id}`) and creates them.
async fn clerk() -> UnreliableClerk {
    UnreliableClerk::start(|path| {
        let id = path.rsplit('/').next().unwrap_or_default();
        let id = if id == "users" { "user_new" } else { id };
        (
            200,
            serde_json::json!({ "object": "user", "id": id }).to_string(),
        )
    })
    .await
}

/// The default configuration (2 s deadline) against `clerk`, with the breaker set to `breaker`.
fn client(clerk: &UnreliableClerk, breaker: BreakerConfig) -> BackendApi {
    BackendApi::new(BackendApiConfig {
        api_url: clerk.base_url.clone(),
        breaker,
        ..BackendApiConfig::new(SECRET_KEY)
    })
    .unwrap()
}

/// A breaker that never opens during a test.
fn no_breaker() -> BreakerConfig {
    BreakerConfig {
        failures: 1_000,
        cooldown: Duration::from_secs(1),
    }
}

#[tokio::test]
async fn every_fault_ends_within_the_deadline_as_unavailable() {
    let deadline = BackendApiConfig::new(SECRET_KEY).deadline;
    let runs = Fault::ALL.map(|fault| async move {
        let clerk = clerk().await;
        clerk.set(Group::BackendApi, fault);
        let api = client(&clerk, no_breaker());
        let started = Instant::now();
        let result = api.users().get("user_1").await;
        (
            fault,
            started.elapsed(),
            result,
            clerk.requests(Group::BackendApi),
        )
    });
    for (fault, elapsed, result, requests) in futures::future::join_all(runs).await {
        let error = result.expect_err("a misbehaving Backend API");
        assert!(
            error.is_unavailable(),
            "{fault:?}: {error:?} should be unavailable"
        );
        assert!(
            elapsed < deadline + Duration::from_millis(300),
            "{fault:?}: took {elapsed:?}, deadline {deadline:?}"
        );
        eprintln!("{fault:?}: {elapsed:?}, {requests} request(s), {error}");
        match fault {
            // A Retry-After beyond the deadline: no second attempt, no waiting.
            Fault::RateLimited(_) => {
                assert_eq!(requests, 1, "{fault:?}");
                assert!(
                    elapsed < Duration::from_millis(300),
                    "{fault:?}: {elapsed:?}"
                );
                assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
            }
            // Fast failures are retried inside the deadline.
            Fault::Status(_) | Fault::Reset => assert!(requests >= 2, "{fault:?}: {requests}"),
            _ => assert!(
                matches!(error, BackendApiError::Timeout(_)),
                "{fault:?}: {error:?}"
            ),
        }
    }
}

#[tokio::test]
async fn a_post_is_sent_once_even_when_the_connection_resets() {
    let clerk = clerk().await;
    clerk.set(Group::BackendApi, Fault::Reset);
    let api = client(&clerk, no_breaker());
    let error = api
        .users()
        .create(&CreateUser {
            email_address: vec!["a@example.com".into()],
            ..CreateUser::default()
        })
        .await
        .expect_err("reset");
    assert!(matches!(error, BackendApiError::Connection(_)), "{error:?}");
    assert_eq!(clerk.requests(Group::BackendApi), 1, "never retried");
}

#[tokio::test]
async fn the_calls_of_one_request_share_its_deadline() {
    let clerk = clerk().await;
    clerk.set(
        Group::BackendApi,
        Fault::Latency(Duration::from_millis(1_200)),
    );
    let api = client(&clerk, no_breaker()).for_request();
    let started = Instant::now();
    api.users().get("user_1").await.expect("1.2 s fits in 2 s");
    let error = api
        .users()
        .get("user_2")
        .await
        .expect_err("0.8 s left for a 1.2 s answer");
    let elapsed = started.elapsed();
    assert!(matches!(error, BackendApiError::Timeout(_)), "{error:?}");
    assert!(
        elapsed < Duration::from_millis(2_300),
        "two calls of one request: {elapsed:?}"
    );
    // Without the shared deadline each call gets its own 2 s.
    let own = client(&clerk, no_breaker());
    own.users().get("user_1").await.unwrap();
    own.users().get("user_2").await.unwrap();
}

#[tokio::test]
async fn the_breaker_fails_calls_at_once_after_repeated_outages_then_recovers() {
    let clerk = clerk().await;
    clerk.set(Group::BackendApi, Fault::Status(503));
    let cooldown = Duration::from_millis(400);
    let api = BackendApi::new(BackendApiConfig {
        api_url: clerk.base_url.clone(),
        max_retries: 0,
        breaker: BreakerConfig {
            failures: 3,
            cooldown,
        },
        ..BackendApiConfig::new(SECRET_KEY)
    })
    .unwrap();
    for _ in 0..3 {
        let error = api.users().get("user_1").await.expect_err("503");
        assert_eq!(error.status(), Some(503), "{error:?}");
    }
    assert!(api.is_circuit_open());
    let sent = clerk.requests(Group::BackendApi);

    let started = Instant::now();
    let error = api.users().get("user_1").await.expect_err("open");
    let elapsed = started.elapsed();
    assert!(
        matches!(error, BackendApiError::CircuitOpen { .. }),
        "{error:?}"
    );
    assert!(error.is_unavailable());
    assert!(error.retry_after().unwrap() <= cooldown);
    assert!(elapsed < Duration::from_millis(50), "{elapsed:?}");
    assert_eq!(clerk.requests(Group::BackendApi), sent, "Clerk not called");

    // Still failing after the cool-down: the one probe reopens it.
    tokio::time::sleep(cooldown).await;
    api.users().get("user_1").await.expect_err("probe fails");
    assert_eq!(clerk.requests(Group::BackendApi), sent + 1, "one probe");
    assert!(matches!(
        api.users().get("user_1").await,
        Err(BackendApiError::CircuitOpen { .. })
    ));

    // Clerk is back: after the cool-down the probe closes it.
    clerk.heal();
    tokio::time::sleep(cooldown).await;
    let user = api.users().get("user_1").await.expect("recovered");
    assert_eq!(user.id, "user_1");
    assert!(!api.is_circuit_open());
    api.users().get("user_2").await.expect("closed");
}

#[tokio::test]
async fn answers_never_open_the_breaker_only_outages_do() {
    // 404 answers about the request, 500 is a bug on Clerk's side for this call: Clerk is up.
    for status in [404, 500] {
        let clerk = clerk().await;
        clerk.set(Group::BackendApi, Fault::Status(status));
        // No retries: one call, one answer for the breaker to judge.
        let api = BackendApi::new(BackendApiConfig {
            api_url: clerk.base_url.clone(),
            max_retries: 0,
            breaker: BreakerConfig {
                failures: 1,
                cooldown: Duration::from_secs(60),
            },
            ..BackendApiConfig::new(SECRET_KEY)
        })
        .unwrap();
        for _ in 0..3 {
            let error = api
                .users()
                .get("user_1")
                .await
                .expect_err("an error status");
            assert_eq!(error.status(), Some(status), "{error:?}");
        }
        assert!(!api.is_circuit_open(), "{status}");
    }
}

#[tokio::test]
async fn a_call_after_its_request_deadline_passed_is_not_sent_and_is_no_outage() {
    let clerk = clerk().await;
    let api = BackendApi::new(BackendApiConfig {
        api_url: clerk.base_url.clone(),
        deadline: Duration::from_millis(20),
        breaker: BreakerConfig {
            failures: 1,
            cooldown: Duration::from_secs(60),
        },
        ..BackendApiConfig::new(SECRET_KEY)
    })
    .unwrap()
    .for_request();
    tokio::time::sleep(Duration::from_millis(40)).await;
    let error = api
        .users()
        .get("user_1")
        .await
        .expect_err("deadline passed");
    assert!(matches!(error, BackendApiError::Timeout(_)), "{error:?}");
    assert_eq!(clerk.requests(Group::BackendApi), 0, "not sent");
    assert!(!api.is_circuit_open(), "Clerk did not fail");
}
