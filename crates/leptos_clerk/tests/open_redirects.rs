//! No `Location` the Clerk layer, `require_auth` or the OAuth routes emit leaves the app's
//! origin, whatever the request path: one table of hostile paths (`//host`, `/\host`, their
//! percent-encoded forms, encoded tabs and newlines) through every emitter, resolved the way a
//! browser resolves a `Location` (WHATWG URL parsing via `url::Url::join`).

mod auth_support;
mod oauth_support;

use auth_support::{config, page, production_config, send, start_bapi, ORIGIN};
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use leptos_clerk::server::require_auth_from_parts;
use leptos_clerk::server::Clerk;
use oauth_support::{AppOptions, Browser, Provider};
use url::Url;

/// Request paths that a naive relative redirect turns into a scheme-relative URL.
const HOSTILE: &[&str] = &[
    "//evil.example/x",
    "///evil.example/x",
    "/\\evil.example/x",
    "/%2F%2Fevil.example/x",
    "/%2f/evil.example/x",
    "/%5Cevil.example/x",
    "/%5c%5Cevil.example/x",
    "/%09/evil.example/x",
    "/%0A/evil.example/x",
];

/// Asserts that `location`, resolved against `base` as a browser would, stays on `base`'s
/// origin, and so does the URL in each query parameter named in `nested`.
fn assert_same_origin(emitter: &str, path: &str, base: &str, location: &str, nested: &[&str]) {
    let base = Url::parse(base).unwrap();
    let target = base.join(location).unwrap();
    assert_eq!(
        target.origin(),
        base.origin(),
        "{emitter}, request path {path:?}: Location {location} leaves the app"
    );
    for name in nested {
        let value = target
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .unwrap_or_else(|| panic!("{emitter}: no {name} in {location}"));
        let inner = base.join(&value).unwrap();
        assert_eq!(
            inner.origin(),
            base.origin(),
            "{emitter}, request path {path:?}: {name}={value} leaves the app"
        );
    }
}

/// The `Location` of the layer's answer to `request`, which must be a redirect.
async fn layer_redirect(app: &Router, request: Request<Body>, emitter: &str, path: &str) -> String {
    let answer = send(app, request).await;
    assert_eq!(
        answer.status,
        StatusCode::TEMPORARY_REDIRECT,
        "{emitter} for {path:?}"
    );
    answer.header("location").unwrap().to_owned()
}

/// `path` with `param` appended to its query.
fn with_query(path: &str, param: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}{param}")
}

/// Every emitter of the layer (development and production instances) and of `require_auth`.
#[tokio::test]
async fn layer_and_require_auth_redirects_stay_on_the_app_origin() {
    let (api, bapi) = start_bapi().await;
    let session = auth_support::sign(&auth_support::claims());
    bapi.directives.lock().unwrap().insert(
        "nonce-ok".into(),
        vec![format!("__session={session}; Path=/")],
    );
    let dev = auth_support::app(&Clerk::new(config(&api)).unwrap());
    let mut satellite = config(&api);
    satellite.is_satellite = true;
    satellite.domain = Some("localhost:3000".into());
    satellite.urls.sign_in_url = format!("{ORIGIN}/sign-in");
    let satellite = auth_support::app(&Clerk::new(satellite).unwrap());
    // `require_auth` on any path: the sign-in redirect with `redirect_url=<this page>`.
    let clerk = Clerk::new(production_config(&api)).unwrap();
    let guarded = Router::new()
        .fallback(|parts: Parts| async move {
            require_auth_from_parts(&parts)
                .map_or_else(|e| e.into_response(), |_| "in".into_response())
        })
        .layer(clerk.layer());

    for &path in HOSTILE {
        let back: String =
            url::form_urlencoded::byte_serialize(format!("{ORIGIN}{path}").as_bytes()).collect();
        let dev_browser = Some("__clerk_db_jwt=dvb");
        let nonce = with_query(path, "__clerk_handshake_nonce=nonce-ok");
        let sync = with_query(path, "__clerk_synced=false");
        let sync_back = format!("/?__clerk_redirect_url={back}");
        // (emitter, app, request, query parameters that carry a URL)
        let rows: [(&str, &Router, Request<Body>, &[&str]); 5] = [
            // The development clean-up redirect after a resolved handshake nonce.
            ("handshake clean-up", &dev, page(&nonce, dev_browser), &[]),
            // The handshake 307 (proxied Frontend API on this origin) and its redirect_url.
            ("handshake", &dev, page(path, None), &["redirect_url"]),
            // A development satellite asking its primary to sync.
            (
                "satellite sync",
                &satellite,
                page(&sync, None),
                &["__clerk_redirect_url"],
            ),
            // The development primary answering a sync back to an authorized origin.
            ("primary sync", &dev, page(&sync_back, dev_browser), &[]),
            // require_auth's sign-in redirect and its redirect_url.
            (
                "require_auth",
                &guarded,
                page(path, None),
                &["redirect_url"],
            ),
        ];
        for (emitter, app, request, nested) in rows {
            let location = layer_redirect(app, request, emitter, path).await;
            assert_same_origin(emitter, path, ORIGIN, &location, nested);
        }
    }
}

/// Every emitter of the OAuth routes and extractors, over real HTTP.
#[tokio::test]
async fn oauth_redirects_stay_on_the_app_origin() {
    let provider = Provider::start().await;
    let app = oauth_support::start_app(&provider, AppOptions::default()).await;
    for &path in HOSTILE {
        // RequireOAuthUser on a protected page: the login URL and its successRedirect.
        let browser = Browser::new();
        let bounce = browser.get(&app.url(path)).await;
        assert_eq!(bounce.status(), 303, "protected page {path:?}");
        let location = oauth_support::location(&bounce);
        let nested = ["successRedirect"];
        assert_same_origin("RequireOAuthUser", path, &app.base, &location, &nested);

        // The login route with the path as successRedirect: refused, or the callback's
        // redirect stays here.
        let encoded: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
        for (param, deny) in [("successRedirect", false), ("failureRedirect", true)] {
            provider.set(|b| b.deny = deny);
            let browser = Browser::new();
            let login = browser
                .get(&app.url(&format!("/auth/clerk/login?{param}={encoded}")))
                .await;
            if login.status() == 400 {
                continue; // refused as unsafe_redirect: no redirect at all
            }
            assert_eq!(login.status(), 303, "login with {param}={path:?}");
            let authorize = browser.get(&oauth_support::location(&login)).await;
            let callback = browser.get(&oauth_support::location(&authorize)).await;
            assert_eq!(callback.status(), 303, "callback with {param}={path:?}");
            let location = oauth_support::location(&callback);
            assert_same_origin(param, path, &app.base, &location, &[]);
        }
        provider.set(|b| b.deny = false);
    }
    let logout = Browser::new().post(&app.url("/auth/clerk/logout")).await;
    assert_same_origin(
        "logout",
        "/auth/clerk/logout",
        &app.base,
        &oauth_support::location(&logout),
        &[],
    );
}
