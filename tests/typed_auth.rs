//! A protected server function called with no session, through the real router (Clerk layer,
//! networkless key): the answer is a 401 whose body decodes into [`AppError::SignedOut`], the
//! variant the pages match to redirect to sign-in; the page itself, loaded signed out, is a
//! redirect to sign-in that comes back to it. A JWT of the instance that is not a session token
//! (machine, OAuth access, ID token) gets the same answers as no session, by cookie and Bearer.
//! Part of the demo (`/protected`).
#![cfg(feature = "ssr")]

mod app_support;

use app_support::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::ServerFn;

// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::routes::demo::ProtectedUserId;
use leptos_clerk_starter::server::{build_router_with, Draining};
use leptos_clerk_starter::AppError;
// {% endif %}{{nl}}use {{crate_name}}::routes::demo::ProtectedUserId;{{nl}}use {{crate_name}}::server::{build_router_with, Draining};{{nl}}use {{crate_name}}::AppError;

use tower::ServiceExt;

/// The app's router on 127.0.0.1:3000, verifying with the fixture key (no network).
fn app_router() -> axum::Router {
    build_router_with(
        leptos_options("127.0.0.1:3000".parse().unwrap()),
        setup(pem_config()),
        Draining::default(),
    )
}

#[tokio::test]
async fn a_protected_server_function_called_signed_out_answers_the_typed_signed_out_error() {
    let router = app_router();
    let request = Request::post(<ProtectedUserId as ServerFn>::PATH)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();

    let error = AppError::de(bytes.clone());
    assert_eq!(
        error,
        AppError::SignedOut { sign_in_url: None },
        "body: {}",
        String::from_utf8_lossy(&bytes)
    );
    // What the browser decodes is what the server encoded.
    assert_eq!(AppError::de(error.ser()), error);
}

#[test]
fn a_signed_out_error_with_its_sign_in_url_round_trips() {
    let error = AppError::SignedOut {
        sign_in_url: Some("/sign-in?redirect_url=%2Fprofile".into()),
    };
    assert_eq!(AppError::de(error.ser()), error);
}

/// `/protected` loaded by a development browser that never signed in (no handshake needed).
fn protected_page_signed_out() -> Request<Body> {
    Request::get("/protected")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ACCEPT, "text/html")
        .header("sec-fetch-dest", "document")
        .header(header::COOKIE, "__clerk_db_jwt=dvb_test; __client_uat=0")
        .body(Body::empty())
        .unwrap()
}

/// Asserts that `response` redirects to sign-in and back to `/protected`.
fn assert_redirects_to_sign_in(response: &axum::response::Response) {
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    assert!(
        response.status().is_redirection(),
        "{:?} {location:?}",
        response.status()
    );
    assert_eq!(
        location.as_deref(),
        Some("/sign-in?redirect_url=%2Fprotected")
    );
}

#[tokio::test]
async fn a_protected_page_loaded_signed_out_redirects_to_sign_in_and_back() {
    let response = app_router()
        .oneshot(protected_page_signed_out())
        .await
        .unwrap();
    assert_redirects_to_sign_in(&response);
}

/// Leptos lists an app's routes by rendering it with a process-wide switch on that keeps every
/// `Resource` from loading (leptos_server's `SuppressResourceLoad`): a page whose resource
/// started on another thread meanwhile waited forever (this file's tests hung 1 run in ~50).
/// The app lists its routes once per process, so routers built while pages render (tests side
/// by side, or a second router at run time) never stall a page.
#[test]
fn pages_render_while_other_routers_are_built() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let router = runtime().block_on(async { app_router() });
    let done = Arc::new(AtomicBool::new(false));
    let builder = std::thread::spawn({
        let done = done.clone();
        move || {
            let runtime = runtime();
            let mut built = 0u32;
            while !done.load(Ordering::Relaxed) {
                drop(runtime.block_on(async { app_router() }));
                built += 1;
            }
            built
        }
    });
    let rendered = runtime().block_on(async {
        for render in 0..100 {
            let response = tokio::time::timeout(
                Duration::from_secs(5),
                router.clone().oneshot(protected_page_signed_out()),
            )
            .await;
            let Ok(response) = response else {
                return Err(render);
            };
            assert_redirects_to_sign_in(&response.unwrap());
        }
        Ok(100)
    });
    done.store(true, Ordering::Relaxed);
    let built = builder.join().unwrap();
    assert!(built > 0, "no router was built alongside the pages");
    assert_eq!(
        rendered,
        Ok(100),
        "a page stalled (no answer in 5 s) while {built} routers were built on another thread"
    );
}

/// `request` carrying `token` as the session cookie of a signed-in development browser, or as
/// `Authorization: Bearer`.
fn carrying(request: axum::http::request::Builder, token: &str, bearer: bool) -> Request<Body> {
    let request = request.header(header::HOST, "127.0.0.1:3000");
    let request = if bearer {
        request.header(header::AUTHORIZATION, format!("Bearer {token}"))
    } else {
        request.header(
            header::COOKIE,
            format!("__session={token}; __client_uat=1; __clerk_db_jwt=dvb_test"),
        )
    };
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn only_session_tokens_open_the_protected_page_server_function_and_json_route() {
    let router = app_router();
    use serde_json::json;
    // (case, header parameters besides alg/typ, claim changes, is a session token)
    let cases = [
        (
            "session token",
            json!({"cat": "cl_B7d4PD111AAA"}),
            json!({}),
            true,
        ),
        ("session token, no cat", json!({}), json!({}), true),
        (
            "M2M token",
            json!({"cat": "cl_B7d4PD333AAA"}),
            json!({}),
            false,
        ),
        ("machine subject", json!({}), json!({"sub": "mch_1"}), false),
        (
            "OAuth access token",
            json!({"typ": "at+jwt"}),
            json!({}),
            false,
        ),
        (
            "OAuth ID token",
            json!({}),
            json!({"aud": "client_1", "nonce": "n", "sid": null}),
            false,
        ),
    ];
    for (name, header_fields, changes, session) in cases {
        let mut header = json!({"alg": "RS256", "typ": "JWT"});
        for (field, value) in header_fields.as_object().unwrap() {
            header[field] = value.clone();
        }
        let token = signed(header, claims(changes));
        for bearer in [false, true] {
            let what = format!("{name}, bearer={bearer}");
            let call = Request::post(<ProtectedUserId as ServerFn>::PATH)
                .header(header::ORIGIN, "http://127.0.0.1:3000")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json");
            let answer = router
                .clone()
                .oneshot(carrying(call, &token, bearer))
                .await
                .unwrap();
            let expected = if session {
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            };
            assert_eq!(answer.status(), expected, "server function: {what}");

            let me = Request::get("/api/me").header(header::ACCEPT, "application/json");
            let answer = router
                .clone()
                .oneshot(carrying(me, &token, bearer))
                .await
                .unwrap();
            assert_eq!(answer.status(), expected, "/api/me: {what}");

            let page = Request::get("/protected")
                .header(header::ACCEPT, "text/html")
                .header("sec-fetch-dest", "document");
            let answer = router
                .clone()
                .oneshot(carrying(page, &token, bearer))
                .await
                .unwrap();
            let location = answer
                .headers()
                .get(header::LOCATION)
                .map(|v| v.to_str().unwrap().to_owned());
            if session {
                assert_eq!(answer.status(), StatusCode::OK, "page: {what} {location:?}");
            } else {
                assert!(
                    answer.status().is_redirection(),
                    "page: {what}: {}",
                    answer.status()
                );
                assert_eq!(
                    location.as_deref(),
                    Some("/sign-in?redirect_url=%2Fprotected"),
                    "page: {what}"
                );
            }
        }
    }
}

/// A server function call authenticated by the session cookie runs only when it comes from the
/// app's own origin (CSRF: `SameSite=Lax` lets a sibling subdomain or another `localhost` port
/// post with the cookie); with `Authorization: Bearer` the origin does not matter.
#[tokio::test]
async fn cookie_authenticated_server_function_calls_must_come_from_the_apps_origin() {
    let router = app_router();
    let token = signed(
        serde_json::json!({"alg": "RS256", "typ": "JWT"}),
        claims(serde_json::json!({})),
    );
    // (request headers, bearer?, runs as the user?)
    type Case<'a> = (&'a [(&'a str, &'a str)], bool, bool);
    let cases: [Case; 10] = [
        (&[("origin", "http://127.0.0.1:3000")], false, true),
        (&[("sec-fetch-site", "same-origin")], false, true),
        (&[("origin", "http://127.0.0.1:3001")], false, false),
        (&[("origin", "http://localhost:3000")], false, false),
        (
            &[
                ("origin", "http://evil.127.0.0.1.nip.example"),
                ("sec-fetch-site", "same-site"),
            ],
            false,
            false,
        ),
        (&[("origin", "null")], false, false),
        (&[("sec-fetch-site", "cross-site")], false, false),
        (&[], false, false),
        (&[("origin", "http://127.0.0.1:3001")], true, true),
        (&[], true, true),
    ];
    for (headers, bearer, runs) in cases {
        let mut call = Request::post(<ProtectedUserId as ServerFn>::PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        for (name, value) in headers {
            call = call.header(*name, *value);
        }
        let answer = router
            .clone()
            .oneshot(carrying(call, &token, bearer))
            .await
            .unwrap();
        let status = answer.status();
        let reason = answer
            .headers()
            .get("x-clerk-auth-reason")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = axum::body::to_bytes(answer.into_body(), 1 << 20)
            .await
            .unwrap();
        let what = format!("{headers:?} bearer={bearer}: {reason:?}");
        if runs {
            assert_eq!(status, StatusCode::OK, "{what}");
            assert!(
                String::from_utf8_lossy(&body).contains("user_1"),
                "{what}: ran as the user"
            );
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
            assert_eq!(
                AppError::de(body),
                AppError::SignedOut { sign_in_url: None },
                "{what}"
            );
        }
    }
}
