//! A protected server function called with no session, through the real router (Clerk layer,
//! networkless key): the answer is a 401 whose body decodes into [`AppError::SignedOut`], the
//! variant the pages match to redirect to sign-in; the page itself, loaded signed out, is a
//! redirect to sign-in that comes back to it. Part of the demo (`/protected`).
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

#[tokio::test]
async fn a_protected_server_function_called_signed_out_answers_the_typed_signed_out_error() {
    let router = build_router_with(
        leptos_options("127.0.0.1:3000".parse().unwrap()),
        setup(pem_config()),
        Draining::default(),
    );
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

#[tokio::test]
async fn a_protected_page_loaded_signed_out_redirects_to_sign_in_and_back() {
    let router = build_router_with(
        leptos_options("127.0.0.1:3000".parse().unwrap()),
        setup(pem_config()),
        Draining::default(),
    );
    let request = Request::get("/protected")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ACCEPT, "text/html")
        .header("sec-fetch-dest", "document")
        // A development browser that never signed in (no handshake needed).
        .header(header::COOKIE, "__clerk_db_jwt=dvb_test; __client_uat=0")
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
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
