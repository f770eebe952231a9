//! "Sign in with Clerk" over OAuth through the whole app: the real router (Leptos SSR, Clerk
//! layer, OAuth routes and session layer, local dev instance as the provider) on 127.0.0.1:0,
//! driven like a browser, one request at a time. Part of the demo (`/oauth-demo`).
#![cfg(all(feature = "ssr", dev_instance, feature = "oauth"))]

use std::time::Instant;

mod app_support;

use app_support::{start, App};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{Client, Response};
use serde_json::json;

const EMAIL: &str = "oauth-app@example.com";
const PASSWORD: &str = "oauth-app-password-123";

/// A browser: HTML `Accept` (leptos_axum only redirects documents), no redirects followed.
fn new_browser() -> Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("text/html"));
    Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(response: &Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

/// GETs `path_or_url` like a browser, counting requests. Redirects are returned to the test,
/// except the Clerk layer's dev-browser handshake (to the instance and back), which is
/// followed as a browser would.
async fn get(browser: &Client, app: &App, path_or_url: &str, count: &mut u32) -> Response {
    let mut url = match path_or_url.starts_with("http") {
        true => path_or_url.to_owned(),
        false => format!("{}{path_or_url}", app.base),
    };
    loop {
        *count += 1;
        let response = browser.get(&url).send().await.unwrap();
        let handshake = |u: &str| u.contains("/__clerk/v1/client/handshake");
        // The hops: page → instance handshake → page?__clerk_handshake_nonce=… → page.
        let hop = response.status().is_redirection()
            && (handshake(&url) || handshake(&location(&response)) || url.contains("?__clerk_"));
        if !hop {
            return response;
        }
        url = location(&response);
        if url.starts_with('/') {
            url = format!("{}{url}", app.base);
        }
    }
}

#[tokio::test]
async fn sign_in_with_clerk_over_oauth_against_the_dev_instance() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = new_browser();

    // Seed a user through the dev instance's Backend API.
    let created = Client::new()
        .post(format!("{}/__clerk/api/v1/users", app.base))
        .bearer_auth(&app.secret_key)
        .json(&json!({ "email_address": [EMAIL], "password": PASSWORD, "first_name": "Olga" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);

    let started = Instant::now();
    let mut requests = 0;
    let page = get(&browser, &app, "/oauth-demo", &mut requests).await;
    if page.status() != 302 {
        panic!(
            "signed out: expected a redirect, got {} {:?}",
            page.status(),
            page.headers()
        );
    }
    assert_eq!(
        location(&page),
        "/auth/clerk/login?successRedirect=%2Foauth-demo"
    );
    let login = get(&browser, &app, &location(&page), &mut requests).await;
    assert!(login.status().is_redirection());
    let authorize = location(&login);
    assert!(authorize.starts_with(&format!("{}/__clerk/oauth/authorize?", app.base)));
    let form = get(&browser, &app, &authorize, &mut requests).await;
    assert_eq!(form.status(), 200);
    let html = form.text().await.unwrap();
    let start = html.find("name=\"request\" value=\"").unwrap() + 22;
    let request_id = html[start..].split('"').next().unwrap().to_owned();
    requests += 1;
    let signed_in = browser
        .post(format!("{}/__clerk/oauth/authorize", app.base))
        .form(&[
            ("request", request_id.as_str()),
            ("action", "sign_in"),
            ("email", EMAIL),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 302);
    let callback = location(&signed_in);
    assert!(callback.starts_with(&format!("{}/auth/clerk/callback?code=", app.base)));
    let done = get(&browser, &app, &callback, &mut requests).await;
    assert!(done.status().is_redirection(), "{}", done.status());
    assert_eq!(location(&done), "/oauth-demo");
    let session_cookie = done
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__app_session="))
        .expect("session cookie set")
        .to_owned();
    let page = get(&browser, &app, "/oauth-demo", &mut requests).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    println!(
        "one OAuth login round trip: {requests} requests in {:?}",
        started.elapsed()
    );
    assert!(html.contains(EMAIL), "profile shown");
    assert!(html.contains("Olga"));

    // A tampered session cookie is not a session.
    let (name, value) = session_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap();
    let mut tampered: Vec<char> = value.chars().collect();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let url: reqwest::Url = app.base.parse().unwrap();
    jar.add_cookie_str(&format!("{name}={tampered}; Path=/"), &url);
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("text/html"));
    let forged = Client::builder()
        .cookie_provider(jar)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = get(&forged, &app, "/oauth-demo", &mut 0).await;
    assert_eq!(response.status(), 302, "a tampered cookie is not a session");
    assert!(location(&response).starts_with("/auth/clerk/login"));

    // Logout (a same-origin form POST) ends the app session.
    let out = browser
        .post(format!("{}/auth/clerk/logout", app.base))
        .header(ORIGIN, &app.base)
        .send()
        .await
        .unwrap();
    assert!(out.status().is_redirection(), "{}", out.status());
    let page = get(&browser, &app, "/oauth-demo", &mut 0).await;
    assert_eq!(page.status(), 302);
    assert!(location(&page).starts_with("/auth/clerk/login"));

    // Still signed in at the instance: the next login needs no form (4 hops, no password).
    let mut again = 0;
    let login = get(&browser, &app, &location(&page), &mut again).await;
    let authorize = get(&browser, &app, &location(&login), &mut again).await;
    assert_eq!(authorize.status(), 302, "code issued at once");
    let done = get(&browser, &app, &location(&authorize), &mut again).await;
    assert_eq!(location(&done), "/oauth-demo");
    let page = get(&browser, &app, "/oauth-demo", &mut again).await;
    assert!(page.text().await.unwrap().contains(EMAIL));

    // No redirect of the app (Clerk layer, require_auth, the OAuth demo) leaves its origin,
    // whatever the request path.
    for path in HOSTILE_PATHS {
        walk_on_origin(&app, path).await;
    }
}

/// Request paths that a naive relative redirect turns into a scheme-relative URL.
const HOSTILE_PATHS: [&str; 7] = [
    "//evil.example/x",
    "//oauth-demo",
    "//profile",
    "/%2F%2Fprofile",
    "/%2F%2Foauth-demo",
    "/%5Cevil.example/x",
    "/%09/evil.example/x",
];

/// Query parameters that carry a URL the browser is sent to later.
const NESTED_URLS: [&str; 3] = ["redirect_url", "successRedirect", "__clerk_redirect_url"];

/// Follows every redirect from `path` like a fresh browser, asserting that each `Location`
/// (resolved the way a browser resolves it) and each URL it carries in [`NESTED_URLS`] stays
/// on the app's origin.
async fn walk_on_origin(app: &App, path: &str) {
    let browser = new_browser();
    let base = reqwest::Url::parse(&app.base).unwrap();
    let mut url = reqwest::Url::parse(&format!("{}{path}", app.base)).unwrap();
    for _ in 0..12 {
        let response = browser.get(url.clone()).send().await.unwrap();
        if !response.status().is_redirection() {
            return;
        }
        let next = url.join(&location(&response)).unwrap();
        assert_eq!(next.origin(), base.origin(), "{path:?}: {url} → {next}");
        for (name, value) in next.query_pairs() {
            if NESTED_URLS.contains(&name.as_ref()) {
                let inner = base.join(&value).unwrap();
                assert_eq!(inner.origin(), base.origin(), "{path:?}: {next} → {name}");
            }
        }
        url = next;
    }
    panic!("{path:?}: more than 12 redirects");
}
