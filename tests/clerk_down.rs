//! The app against a Clerk that misbehaves (the Backend API slow, failing, rate limiting,
//! resetting, hanging or trickling), through the real router with networkless verification
//! (`CLERK_JWT_KEY`): what needs the Backend API answers a 503 with `Retry-After` within the
//! deadline (the profile page renders "Sign-in service unavailable", its server function
//! returns [`AppError::Unavailable`]); what does not need it (`/api/me`, a signed-out page,
//! `/healthz`) answers as usual; after repeated outages the breaker answers at once, and the
//! app recovers when Clerk does.
#![cfg(feature = "ssr")]

mod app_support;
#[path = "../crates/leptos_clerk/tests/unreliable_clerk/mod.rs"]
mod unreliable_clerk;

use std::time::{Duration, Instant};

use app_support::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use leptos::server_fn::error::FromServerFnError;
use leptos_clerk::server::backend_api::BreakerConfig;
use leptos_clerk::server::ClerkConfig;
use tower::ServiceExt;
use unreliable_clerk::{Fault, Group, UnreliableClerk};

// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::server::{build_router_with, Draining};
use leptos_clerk_starter::AppError;
// {% endif %}{{nl}}use {{crate_name}}::server::{build_router_with, Draining};{{nl}}use {{crate_name}}::AppError;

/// A Clerk whose Backend API knows the user `user_1` and serves the fixture JWKS.
async fn clerk() -> UnreliableClerk {
    UnreliableClerk::start(|path| {
        if path.starts_with("/v1/jwks") {
            let jwk: serde_json::Value = serde_json::from_str(JWK_A).unwrap();
            return (200, serde_json::json!({ "keys": [jwk] }).to_string());
        }
        let id = path.rsplit('/').next().unwrap_or_default();
        let user = serde_json::json!({
            "object": "user", "id": id, "first_name": "Ada", "last_name": "Lovelace",
            "primary_email_address_id": "idn_1",
            "email_addresses": [{ "id": "idn_1", "email_address": "ada@example.com" }]
        });
        (200, user.to_string())
    })
    .await
}

/// Networkless verification, the Backend API at `clerk`, default limits (2 s deadline).
fn clerk_config(clerk: &UnreliableClerk, breaker: BreakerConfig) -> ClerkConfig {
    let mut config = config(&clerk.base_url);
    config.jwt_key = Some(PUBLIC_A.into());
    config.http_timeout = ClerkConfig::new(PK_TEST, SECRET).http_timeout;
    config.breaker = breaker;
    config
}

fn router(config: ClerkConfig) -> axum::Router {
    build_router_with(
        leptos_options("127.0.0.1:3000".parse().unwrap()),
        setup(config),
        Draining::default(),
    )
}

/// What one request got.
struct Answer {
    status: StatusCode,
    retry_after: Option<String>,
    body: String,
    took: Duration,
}

/// The kinds of route the table covers.
#[derive(Clone, Copy, Debug)]
enum Route {
    /// `/profile`, signed in: its loader reads the user from the Backend API.
    ProfilePage,
    /// The profile loader called from the browser (`POST /api/load_profile`, Bearer).
    ProfileCall,
    /// `/api/me`, signed in: verified networklessly, no Backend API call.
    Me,
    /// `/`, signed in: a page rendered in the session's auth state, no Backend API call.
    SignedInHome,
    /// `/`, signed out.
    SignedOutHome,
    /// `/healthz`.
    Healthz,
    /// `/readyz`.
    Readyz,
}

const ROUTES: [Route; 7] = [
    Route::ProfilePage,
    Route::ProfileCall,
    Route::Me,
    Route::SignedInHome,
    Route::SignedOutHome,
    Route::Healthz,
    Route::Readyz,
];

async fn load(router: &axum::Router, route: Route) -> Answer {
    let token = signed(
        serde_json::json!({"alg": "RS256", "typ": "JWT"}),
        claims(serde_json::json!({})),
    );
    let session = format!("__session={token}; __client_uat=1; __clerk_db_jwt=dvb_test");
    let page = |path: &str, cookie: &str| {
        Request::get(path)
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ACCEPT, "text/html")
            .header("sec-fetch-dest", "document")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };
    let request = match route {
        Route::ProfilePage => page("/profile", &session),
        Route::SignedOutHome => page("/", "__clerk_db_jwt=dvb_test; __client_uat=0"),
        Route::SignedInHome => page("/", &session),
        Route::Healthz => page("/healthz", ""),
        Route::Readyz => page("/readyz", ""),
        Route::ProfileCall => Request::post("/api/load_profile")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::empty())
            .unwrap(),
        Route::Me => Request::get("/api/me")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    };
    let started = Instant::now();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(response.into_body(), 4 << 20)
        .await
        .unwrap();
    Answer {
        status,
        retry_after,
        body: String::from_utf8_lossy(&body).into_owned(),
        took: started.elapsed(),
    }
}

/// The status each route answers with when the Backend API misbehaves.
fn expected(route: Route) -> StatusCode {
    match route {
        Route::ProfilePage | Route::ProfileCall => StatusCode::SERVICE_UNAVAILABLE,
        Route::Me | Route::SignedInHome | Route::SignedOutHome | Route::Healthz | Route::Readyz => {
            StatusCode::OK
        }
    }
}

/// Checks what `route` answered when Clerk misbehaves as `fault`.
fn check(route: Route, fault: Fault, answer: &Answer) {
    let what = format!("{route:?} with {fault:?}");
    assert_eq!(answer.status, expected(route), "{what}: {}", answer.body);
    // The deadline (2 s), plus rendering in a debug build.
    assert!(
        answer.took < Duration::from_millis(2_500),
        "{what}: took {:?}",
        answer.took
    );
    match route {
        Route::ProfilePage => {
            assert!(
                answer.body.contains("Sign-in service unavailable"),
                "{what}"
            );
            let retry_after: u64 = answer
                .retry_after
                .as_deref()
                .expect("Retry-After")
                .parse()
                .unwrap();
            assert!(retry_after >= 1, "{what}: Retry-After {retry_after}");
        }
        Route::ProfileCall => {
            assert!(answer.retry_after.is_some(), "{what}: Retry-After");
            let error = AppError::de(answer.body.clone().into());
            assert!(
                matches!(error, AppError::Unavailable { .. }),
                "{what}: {error:?}"
            );
        }
        Route::SignedInHome => {
            assert!(
                answer.body.contains("You are signed in."),
                "{what}: signed in"
            );
        }
        _ => assert!(answer.retry_after.is_none(), "{what}"),
    }
}

#[tokio::test]
async fn every_fault_gets_its_documented_answer_within_the_deadline() {
    // A breaker that stays closed: this table is about single requests.
    let never_opens = BreakerConfig {
        failures: 1_000,
        cooldown: Duration::from_secs(1),
    };
    let runs = Fault::ALL.map(|fault| async move {
        let clerk = clerk().await;
        let router = router(clerk_config(&clerk, never_opens));
        let control = load(&router, Route::ProfilePage).await;
        assert_eq!(control.status, StatusCode::OK, "control: {}", control.body);
        assert!(control.body.contains("ada@example.com"), "control");
        clerk.set(Group::BackendApi, fault);
        let mut answers = Vec::new();
        for route in ROUTES {
            answers.push((route, load(&router, route).await));
        }
        (fault, answers)
    });
    for (fault, answers) in futures::future::join_all(runs).await {
        for (route, answer) in answers {
            eprintln!(
                "| {fault:?} | {route:?} | {} | {:?} | {} ms |",
                answer.status.as_u16(),
                answer.retry_after,
                answer.took.as_millis()
            );
            check(route, fault, &answer);
        }
    }
}

#[tokio::test]
async fn after_repeated_outages_the_breaker_answers_at_once_and_the_app_recovers() {
    let clerk = clerk().await;
    let cooldown = Duration::from_secs(1);
    let mut config = clerk_config(
        &clerk,
        BreakerConfig {
            failures: 3,
            cooldown,
        },
    );
    config.http_max_retries = 0;
    let router = router(config);
    clerk.set(Group::BackendApi, Fault::Hang);
    for _ in 0..3 {
        let answer = load(&router, Route::ProfileCall).await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    }
    let sent = clerk.requests(Group::BackendApi);

    let call = load(&router, Route::ProfileCall).await;
    check(Route::ProfileCall, Fault::Hang, &call);
    assert!(
        call.took < Duration::from_millis(50),
        "breaker open: {:?}",
        call.took
    );
    assert_eq!(call.retry_after.as_deref(), Some("1"), "the cool-down left");
    let page = load(&router, Route::ProfilePage).await;
    check(Route::ProfilePage, Fault::Hang, &page);
    assert!(
        page.took < Duration::from_millis(500),
        "breaker open: {:?}",
        page.took
    );
    assert_eq!(
        clerk.requests(Group::BackendApi),
        sent,
        "Clerk was not called"
    );
    let ready = load(&router, Route::Readyz).await;
    assert_eq!(ready.status, StatusCode::OK, "the instance stays ready");
    assert!(
        ready.body.contains(r#""clerk_backend_api":"failing""#),
        "{}",
        ready.body
    );

    clerk.heal();
    tokio::time::sleep(cooldown).await;
    let page = load(&router, Route::ProfilePage).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("ada@example.com"), "recovered");
    let ready = load(&router, Route::Readyz).await;
    assert!(
        ready.body.contains(r#""clerk_backend_api":"ok""#),
        "{}",
        ready.body
    );
}

/// `/api/me` with a session token whose `kid` is the fixture JWK's; status and time.
async fn me_by_jwks(router: &axum::Router) -> (StatusCode, Duration) {
    let jwk: serde_json::Value = serde_json::from_str(JWK_A).unwrap();
    let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": jwk["kid"]});
    // A new session id each time: a token verified before would come from the token cache.
    static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let sid = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let token = signed(
        header,
        claims(serde_json::json!({ "sid": format!("sess_{sid}") })),
    );
    let request = Request::get("/api/me")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let started = Instant::now();
    let status = router.clone().oneshot(request).await.unwrap().status();
    (status, started.elapsed())
}

#[tokio::test]
async fn a_misbehaving_jwks_endpoint_keeps_the_last_good_keys_and_never_fails_a_request() {
    let runs = Fault::ALL.map(|fault| async move {
        let clerk = clerk().await;
        // Verification through the JWKS (no CLERK_JWT_KEY), refreshed after 100 ms.
        let mut config = config(&clerk.base_url);
        config.http_timeout = ClerkConfig::new(PK_TEST, SECRET).http_timeout;
        config.jwks_cache_ttl = Duration::from_millis(100);
        config.jwks_min_refetch_interval = Duration::ZERO;
        let warm = router(config.clone());
        assert_eq!(me_by_jwks(&warm).await.0, StatusCode::OK, "control");
        clerk.set(Group::Jwks, fault);
        tokio::time::sleep(Duration::from_millis(150)).await;
        // Keys fetched before: the failed refresh falls back to them.
        let stale = me_by_jwks(&warm).await;
        // No keys ever fetched: signed out (401 from /api/me), never a 500.
        let cold = me_by_jwks(&router(config)).await;
        (fault, stale, cold)
    });
    for (fault, (stale, stale_took), (cold, cold_took)) in futures::future::join_all(runs).await {
        eprintln!(
            "| JWKS {fault:?} | keys cached: {stale} {stale_took:?} | none: {cold} {cold_took:?} |"
        );
        assert_eq!(stale, StatusCode::OK, "{fault:?}: the last good keys");
        assert_eq!(cold, StatusCode::UNAUTHORIZED, "{fault:?}: no keys");
        for took in [stale_took, cold_took] {
            assert!(took < Duration::from_millis(2_300), "{fault:?}: {took:?}");
        }
    }
}
