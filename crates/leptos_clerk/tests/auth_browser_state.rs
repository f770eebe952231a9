//! The browser state ([`ClerkState`]) the layer hands to the page: built once per verified
//! token and shared by the requests carrying it, never handed to another user's request or
//! built from another Clerk's configuration.
#![cfg(feature = "ssr")]

mod auth_support;

use std::sync::Arc;

use auth_support::*;
use axum::routing::get;
use axum::{Json, Router};
use http::request::Parts;
use leptos::prelude::*;
use leptos_clerk::server::{get_clerk_state, Auth, Clerk, ClerkConfig};
use leptos_clerk::{use_auth, ClerkProvider, ClerkScripts, SignedIn, SignedOut};
use leptos_clerk::{AuthSnapshot, ClerkState};
use serde_json::{json, Value};

/// A networkless development configuration (`jwt_key`: no Backend API call).
fn networkless() -> ClerkConfig {
    let mut config = config("http://127.0.0.1:9");
    config.jwt_key = Some(PUBLIC_A.into());
    config
}

/// The shared state of `token` as the layer computes it.
async fn shared_state(clerk: &Clerk, token: &str) -> Arc<ClerkState> {
    let claims = clerk.verify_token(token).await.expect("the token verifies");
    clerk.shared_clerk_state(&Auth::from_claims(claims, token, true))
}

#[tokio::test]
async fn the_state_of_a_token_is_built_once_and_matches_a_fresh_one() {
    let clerk = Clerk::new(networkless()).unwrap();
    let alice = sign(&claims());
    let first = shared_state(&clerk, &alice).await;
    let again = shared_state(&clerk, &alice).await;
    assert!(Arc::ptr_eq(&first, &again), "the second request reuses it");
    let claims = clerk.verify_token(&alice).await.unwrap();
    let fresh = clerk.clerk_state(&Auth::from_claims(claims, &alice, true));
    assert_eq!(
        *first, fresh,
        "the shared state is the one clerk_state builds"
    );
    assert_eq!(first.auth.user_id.as_deref(), Some("user_123"));
    assert_eq!(first.auth.session_id.as_deref(), Some("sess_123"));
}

#[tokio::test]
async fn each_token_gets_its_own_state() {
    let clerk = Clerk::new(networkless()).unwrap();
    let alice = shared_state(&clerk, &sign(&claims())).await;
    let bob_token = sign(&claims_with(json!({"sub": "user_bob", "sid": "sess_bob"})));
    let bob = shared_state(&clerk, &bob_token).await;
    assert!(!Arc::ptr_eq(&alice, &bob));
    assert_eq!(bob.auth.user_id.as_deref(), Some("user_bob"));
    assert_eq!(bob.auth.session_id.as_deref(), Some("sess_bob"));
    assert_eq!(alice.auth.user_id.as_deref(), Some("user_123"));
}

#[tokio::test]
async fn another_clerk_builds_its_own_state_from_the_same_claims() {
    let clerk = Clerk::new(networkless()).unwrap();
    let mut other_config = networkless();
    other_config.urls.sign_in_url = "/login".into();
    let other = Clerk::new(other_config).unwrap();
    let token = sign(&claims());
    let ours = shared_state(&clerk, &token).await;
    // The claims object that memoised `ours`, handed to another Clerk.
    let claims = clerk.verify_token(&token).await.unwrap();
    let theirs = other.shared_clerk_state(&Auth::from_claims(claims, &token, true));
    assert_eq!(theirs.urls.sign_in_url, "/login");
    assert_eq!(ours.urls.sign_in_url, "/sign-in");
    assert_eq!(theirs.auth, ours.auth);
}

#[tokio::test]
async fn pending_and_signed_out_requests_get_no_signed_in_state() {
    let clerk = Clerk::new(networkless()).unwrap();
    let pending = sign(&claims_with(json!({"sts": "pending"})));
    let state = shared_state(&clerk, &pending).await;
    assert_eq!(state.auth.user_id, None, "pending counts as signed out");
    assert_eq!(state.auth.session_status.as_deref(), Some("pending"));
    let signed_out = clerk.shared_clerk_state(&Auth::signed_out(None));
    assert!(!signed_out.auth.is_signed_in());
}

/// The page's view of the request: the user id in the state `get_clerk_state` returns.
async fn page_user(parts: Parts) -> Json<Value> {
    let user = Owner::new().with(|| {
        provide_context(parts);
        get_clerk_state().map(|state| state.auth.user_id)
    });
    Json(json!({ "user": user.ok().flatten() }))
}

#[tokio::test]
async fn pages_of_interleaved_users_each_see_their_own_user() {
    let clerk = Clerk::new(networkless()).unwrap();
    let app = Router::new()
        .route("/", get(page_user))
        .layer(clerk.layer());
    let alice = sign(&claims());
    let bob = sign(&claims_with(json!({"sub": "user_bob", "sid": "sess_bob"})));
    for _ in 0..3 {
        for (token, user) in [(&alice, "user_123"), (&bob, "user_bob")] {
            let cookie = format!(
                "__client_uat={}; __session={token}; __clerk_db_jwt=dvb_test",
                now() - 5
            );
            let answer = send(&app, fetch("/", &cookie)).await;
            assert_eq!(answer.body["user"], json!(user));
        }
        let answer = send(&app, fetch("/", "__clerk_db_jwt=dvb_test")).await;
        assert_eq!(answer.body["user"], Value::Null, "signed out");
    }
}

/// The page leptos_axum would render for the request: `ClerkScripts` and the provider, reading
/// the state the layer left in the request extensions. With `explicit`, a state provided as
/// context first (it wins over the request's). The page's owner is dropped on another thread,
/// as a multi-threaded runtime may do: nothing the provider keeps may be tied to its thread.
fn render_page(parts: Parts, explicit: Option<ClerkState>) -> String {
    let owner = Owner::new();
    let html = owner.with(|| {
        provide_context(parts);
        if let Some(state) = explicit {
            provide_context(state);
        }
        view! {
            <ClerkScripts/>
            <ClerkProvider>
                <p id="who">{move || use_auth().user_id.get().unwrap_or_default()}</p>
                <SignedIn><span id="in">"in"</span></SignedIn>
                <SignedOut><span id="out">"out"</span></SignedOut>
            </ClerkProvider>
        }
        .to_html()
        .replace("<!>", "")
    });
    std::thread::spawn(move || drop(owner))
        .join()
        .expect("the page's owner can be dropped on another thread");
    html
}

fn page_app(clerk: &Clerk) -> Router {
    Router::new()
        .route(
            "/",
            get(|parts: Parts| async move { render_page(parts, None) }),
        )
        .route(
            "/explicit",
            get(|parts: Parts| async move {
                let explicit = ClerkState {
                    auth: AuthSnapshot {
                        user_id: Some("user_explicit".into()),
                        ..AuthSnapshot::default()
                    },
                    ..ClerkState::default()
                };
                render_page(parts, Some(explicit))
            }),
        )
        .layer(clerk.layer())
}

/// The body of a page request with the session of `token` (or none).
async fn page_html(app: &Router, path: &str, token: Option<&str>) -> String {
    let cookie = match token {
        Some(token) => format!(
            "__client_uat={}; __session={token}; __clerk_db_jwt=dvb_test",
            now() - 5
        ),
        None => "__clerk_db_jwt=dvb_test".to_owned(),
    };
    let response = tower::ServiceExt::oneshot(app.clone(), fetch(path, &cookie))
        .await
        .unwrap();
    assert!(response.status().is_success());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn the_provider_and_the_scripts_render_the_state_of_the_layer() {
    let clerk = Clerk::new(networkless()).unwrap();
    let app = page_app(&clerk);
    let token = sign(&claims());
    for _ in 0..2 {
        let html = page_html(&app, "/", Some(&token)).await;
        assert!(html.contains(r#"<p id="who">user_123</p>"#), "{html}");
        assert!(
            html.contains(r#"id="in""#) && !html.contains(r#"id="out""#),
            "{html}"
        );
        assert!(
            html.contains(r#""user_id":"user_123""#),
            "state JSON: {html}"
        );
        assert!(
            html.contains(r#"data-clerk-proxy-url="/__clerk""#),
            "{html}"
        );
    }
    let html = page_html(&app, "/", None).await;
    assert!(!html.contains("user_123"), "{html}");
    assert!(
        html.contains(r#"id="out""#) && !html.contains(r#"id="in""#),
        "{html}"
    );
    assert!(html.contains(r#""user_id":null"#), "state JSON: {html}");
}

#[tokio::test]
async fn an_explicit_state_context_wins_over_the_layer() {
    let clerk = Clerk::new(networkless()).unwrap();
    let app = page_app(&clerk);
    let html = page_html(&app, "/explicit", Some(&sign(&claims()))).await;
    assert!(html.contains(r#"<p id="who">user_explicit</p>"#), "{html}");
    assert!(!html.contains("user_123"), "{html}");
}
