//! Multi-domain (satellite) sync: a satellite asking to sync with
//! `__clerk_synced=false` (production handshake, development redirect to the
//! primary's sign-in URL), and a development primary answering
//! `__clerk_redirect_url` only for origins in `CLERK_AUTHORIZED_PARTIES`.
#![cfg(feature = "ssr")]

mod auth_support;

use auth_support::*;
use axum::http::StatusCode;
use leptos_clerk::server::{Clerk, ClerkConfig, ConfigError};

const PRIMARY_SIGN_IN: &str = "https://primary.test/sign-in";
const SATELLITE: &str = "https://sat.test";

/// Asserts a loop-guarded sync 307 to exactly `location`.
fn assert_sync_redirect(answer: &Answer, reason: &str, location: &str) {
    assert_eq!(answer.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(answer.header("x-clerk-auth-status"), Some("handshake"));
    assert_eq!(answer.reason(), Some(reason));
    assert_eq!(answer.header("location"), Some(location));
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert!(answer.set_cookies()[0].starts_with("__clerk_redirect_count=1;"));
}

/// Asserts that the app ran (no redirect) with the given state and reason.
fn assert_no_redirect(answer: &Answer, status: &str, reason: Option<&str>) {
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("location"), None);
    assert_eq!(answer.header("x-clerk-auth-status"), Some(status));
    assert_eq!(answer.reason(), reason);
}

fn production_satellite(api: &str) -> ClerkConfig {
    let mut config = production_config(api);
    config.is_satellite = true;
    config.domain = Some("sat.test".into());
    config
}

fn development_satellite(api: &str) -> ClerkConfig {
    let mut config = config(api);
    config.is_satellite = true;
    config.domain = Some("sat.test".into());
    config.urls.sign_in_url = PRIMARY_SIGN_IN.into();
    config
}

fn development_primary(api: &str) -> ClerkConfig {
    let mut config = config(api);
    config.authorized_parties = vec![ORIGIN.into(), SATELLITE.into()];
    config
}

#[tokio::test]
async fn production_satellite_syncs_through_a_handshake_only_when_asked() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(production_satellite(&api)).unwrap());
    let answer = send(&app, page("/?a=1&__clerk_synced=false", None)).await;
    assert_sync_redirect(
        &answer,
        "satellite-needs-syncing",
        "https://clerk.sat.test/v1/client/handshake?redirect_url=http%3A%2F%2Flocalhost%3A3000%2F%3Fa%3D1\
         &__clerk_api_version=2025-11-10&suffixed_cookies=false\
         &__clerk_hs_reason=satellite-needs-syncing&format=nonce",
    );
    // Core 3: no automatic sync without the parameter, nor once synced.
    for path in ["/?a=1", "/?__clerk_synced=true"] {
        let answer = send(&app, page(path, None)).await;
        assert_no_redirect(&answer, "signed-out", Some("session-token-and-uat-missing"));
    }
    let token = sign(&claims());
    let cookie = format!("__session={token}; __client_uat={}", now() - 100);
    let answer = send(&app, page("/", Some(&cookie))).await;
    assert_no_redirect(&answer, "signed-in", None);
    assert!(answer.signed_in());
}

#[tokio::test]
async fn satellite_sync_is_never_a_redirect_for_fetches_nor_past_the_loop_guard() {
    let (api, _bapi) = start_bapi().await;
    for config in [production_satellite(&api), development_satellite(&api)] {
        let app = app(&Clerk::new(config).unwrap());
        let answer = send(&app, fetch("/?__clerk_synced=false", "__clerk_db_jwt=dvb")).await;
        assert_no_redirect(&answer, "signed-out", Some("satellite-needs-syncing"));
        assert!(answer.set_cookies().is_empty());
        let looping = page(
            "/?__clerk_synced=false",
            Some("__clerk_db_jwt=dvb; __clerk_redirect_count=3"),
        );
        let answer = send(&app, looping).await;
        assert_no_redirect(&answer, "signed-out", Some("satellite-needs-syncing"));
    }
}

#[tokio::test]
async fn development_satellite_sends_the_browser_to_the_primary_sign_in_url() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(development_satellite(&api)).unwrap());
    let answer = send(
        &app,
        page("/?a=1&__clerk_synced=false&b=2", Some("__clerk_db_jwt=dvb")),
    )
    .await;
    assert_sync_redirect(
        &answer,
        "satellite-needs-syncing",
        "https://primary.test/sign-in?__clerk_redirect_url=\
         http%3A%2F%2Flocalhost%3A3000%2F%3Fa%3D1%26b%3D2",
    );
    // Back from the primary: the dev-browser token is synced by the usual
    // handshake, whose redirect_url no longer carries the sync parameters.
    let answer = send(
        &app,
        page("/?__clerk_db_jwt=dvb_1&__clerk_synced=true", None),
    )
    .await;
    assert_eq!(answer.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(answer.reason(), Some("dev-browser-sync"));
    let location = answer.header("location").unwrap();
    assert!(
        location.starts_with(
            "http://localhost:3000/__clerk/v1/client/handshake?\
             redirect_url=http%3A%2F%2Flocalhost%3A3000%2F&"
        ),
        "{location}"
    );
    // A satellite never answers a sync request itself.
    let answer = send(
        &app,
        page(
            "/?__clerk_redirect_url=https%3A%2F%2Fsat.test%2F",
            Some("__clerk_db_jwt=dvb"),
        ),
    )
    .await;
    assert_no_redirect(&answer, "signed-out", Some("session-token-and-uat-missing"));
}

#[tokio::test]
async fn development_satellite_needs_an_absolute_sign_in_url() {
    let (api, _bapi) = start_bapi().await;
    for sign_in_url in ["/sign-in", "primary.test/sign-in", "ftp://primary.test/"] {
        let mut config = development_satellite(&api);
        config.urls.sign_in_url = sign_in_url.into();
        let Err(error) = Clerk::new(config) else {
            panic!("the sign-in URL {sign_in_url} is refused");
        };
        assert!(
            matches!(
                error,
                ConfigError::Invalid {
                    name: "CLERK_SIGN_IN_URL",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("CLERK_SIGN_IN_URL"), "{error}");
    }
    // Production satellites hand the sync to the Frontend API: any sign-in URL works.
    let mut config = production_satellite(&api);
    config.urls.sign_in_url = "/sign-in".into();
    assert!(Clerk::new(config).is_ok());
}

#[tokio::test]
async fn development_primary_returns_to_an_authorized_satellite_with_its_dev_browser() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(development_primary(&api)).unwrap());
    let path = "/sign-in?__clerk_redirect_url=https%3A%2F%2Fsat.test%2Fp%3Fx%3D1";
    let answer = send(&app, page(path, Some("__clerk_db_jwt=dvb_primary"))).await;
    assert_sync_redirect(
        &answer,
        "primary-responds-to-syncing",
        "https://sat.test/p?x=1&__clerk_db_jwt=dvb_primary&__clerk_synced=true",
    );
    // Loop guard, and fetches are never redirected.
    let looping = page(path, Some("__clerk_db_jwt=dvb; __clerk_redirect_count=3"));
    let answer = send(&app, looping).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.header("location"), None);
    assert_eq!(answer.reason(), Some("primary-responds-to-syncing"));
    let answer = send(
        &app,
        fetch("/?__clerk_redirect_url=https%3A%2F%2Fsat.test%2F", ""),
    )
    .await;
    assert_no_redirect(&answer, "signed-out", Some("dev-browser-missing"));
}

#[tokio::test]
async fn development_primary_ignores_unauthorized_return_urls() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(development_primary(&api)).unwrap());
    let token = sign(&claims());
    let signed_in = format!(
        "__session={token}; __client_uat={}; __clerk_db_jwt=dvb_primary",
        now() - 100
    );
    for target in [
        "https%3A%2F%2Fevil.test%2Fp",
        "https%3A%2F%2Fsat.test.evil.test%2F",
        "http%3A%2F%2Fsat.test%2F",
        "javascript%3Aalert(1)%2F%2Fsat.test",
        "%2F%2Fsat.test%2Fp",
        "%2Fp",
    ] {
        let path = format!("/?__clerk_redirect_url={target}");
        // The normal decision tree runs: signed out, or signed in with a session.
        let answer = send(&app, page(&path, Some("__clerk_db_jwt=dvb_primary"))).await;
        assert_no_redirect(&answer, "signed-out", Some("session-token-and-uat-missing"));
        let answer = send(&app, page(&path, Some(&signed_in))).await;
        assert_no_redirect(&answer, "signed-in", None);
        assert_eq!(answer.body["user_id"], "user_123", "{target}");
        // Without a dev-browser token: the usual handshake, to the Frontend API.
        let answer = send(&app, page(&path, None)).await;
        assert_eq!(answer.reason(), Some("dev-browser-missing"), "{target}");
        assert!(answer
            .header("location")
            .unwrap()
            .starts_with("http://localhost:3000/__clerk/v1/client/handshake?"));
    }
}
