//! The app session cookie: tampering, key rotation, expiry, attributes, start-up checks.

mod oauth_support;

use std::collections::HashMap;
use std::time::Duration;

use leptos_clerk::oauth::{ClerkOAuthConfig, OAuthConfigError};
use oauth_support::*;

#[tokio::test]
async fn a_tampered_session_cookie_is_ignored_and_cleared() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    let browser = Browser::new();
    assert_eq!(login(&browser, &app, "").await.status(), 303);
    let sealed = browser.cookie(&app.base, SESSION).unwrap();

    let mut bytes = sealed.into_bytes();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    browser.set_cookie(&app.base, &format!("{SESSION}={tampered}; Path=/"));
    let me = browser.get(&app.url("/me")).await;
    assert_eq!(me.status(), 401);
    assert!(
        set_cookie_for(&me, SESSION).unwrap().contains("Max-Age=0"),
        "cleared"
    );
    assert_signed_out(&browser, &app).await;
}

#[tokio::test]
async fn the_pending_login_cookie_cannot_pose_as_a_session() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    let browser = Browser::new();
    let _ = callback_url(&browser, &app, "").await;
    let pending = browser.cookie(&app.base, PENDING).unwrap();
    browser.set_cookie(&app.base, &format!("{SESSION}={pending}; Path=/"));
    assert_eq!(
        browser.get(&app.url("/me")).await.status(),
        401,
        "the name is authenticated"
    );
}

#[tokio::test]
async fn rotating_session_secrets_keeps_users_signed_in_and_reseals() {
    let provider = Provider::start().await;
    let old = start_app(&provider, AppOptions::default()).await;
    let browser = Browser::new();
    assert_eq!(login(&browser, &old, "").await.status(), 303);
    let sealed_with_a = browser.cookie(&old.base, SESSION).unwrap();

    // New deployment: SESSION_SECRET=B,A. Cookies ignore ports, so the browser sends it along.
    let rotated_secrets = format!("{SECRET_B},{SECRET_A}");
    let rotated = start_app(
        &provider,
        AppOptions {
            secrets: rotated_secrets,
            ..Default::default()
        },
    )
    .await;
    let me = browser.get(&rotated.url("/me")).await;
    assert_eq!(me.status(), 200, "an old-key cookie still opens");
    let resealed = set_cookie_for(&me, SESSION).expect("re-sealed with the newest key");
    assert!(
        !resealed.contains("Max-Age=0") && resealed.contains("HttpOnly"),
        "{resealed}"
    );
    let sealed_with_b = browser.cookie(&rotated.base, SESSION).unwrap();
    assert_ne!(sealed_with_a, sealed_with_b);
    let again = browser.get(&rotated.url("/me")).await;
    assert_eq!(
        set_cookie_for(&again, SESSION),
        None,
        "fresh cookies are not re-sealed"
    );

    // Retiring A: the re-sealed cookie keeps working; an A-only deployment refuses it.
    let only_b = start_app(
        &provider,
        AppOptions {
            secrets: SECRET_B.into(),
            ..Default::default()
        },
    )
    .await;
    let me: AppUser = browser.get(&only_b.url("/me")).await.json().await.unwrap();
    assert_eq!(me.id, "user_2abc");
    assert_eq!(browser.get(&old.url("/me")).await.status(), 401);
    assert_signed_out(&browser, &old).await;
}

#[tokio::test]
async fn sessions_expire_after_their_ttl() {
    let provider = Provider::start().await;
    let session_ttl = Duration::from_secs(1);
    let app = start_app(
        &provider,
        AppOptions {
            session_ttl,
            ..Default::default()
        },
    )
    .await;
    let browser = Browser::new();
    let done = login(&browser, &app, "").await;
    assert!(set_cookie_for(&done, SESSION)
        .unwrap()
        .contains("Max-Age=1"));
    assert_eq!(browser.get(&app.url("/me")).await.status(), 200);
    let sealed = browser.cookie(&app.base, SESSION).unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // Replay the value without Max-Age: the server must refuse it by itself.
    browser.set_cookie(&app.base, &format!("{SESSION}={sealed}; Path=/"));
    let me = browser.get(&app.url("/me")).await;
    assert_eq!(me.status(), 401);
    assert!(
        set_cookie_for(&me, SESSION).unwrap().contains("Max-Age=0"),
        "cleared"
    );
}

#[tokio::test]
async fn cookies_are_secure_unless_the_callback_is_http_loopback() {
    let provider = Provider::start().await;
    let callback = Some("https://app.example.test/auth/clerk/callback");
    let app = start_app(
        &provider,
        AppOptions {
            callback,
            ..Default::default()
        },
    )
    .await;
    let login = Browser::new().get(&app.url("/auth/clerk/login")).await;
    let pending = set_cookie_for(&login, PENDING).unwrap();
    assert!(pending.contains("; Secure"), "{pending}");
    let redirect_uri = reqwest::Url::parse(&location(&login)).unwrap();
    let redirect_uri = redirect_uri
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap()
        .1;
    assert_eq!(redirect_uri, "https://app.example.test/auth/clerk/callback");
}

fn env(overrides: &[(&'static str, &str)]) -> HashMap<&'static str, String> {
    let mut env = HashMap::from([
        ("CLERK_OAUTH_DOMAIN", "clerk.example.test".to_owned()),
        ("CLERK_OAUTH_CLIENT_ID", CLIENT_ID.to_owned()),
        ("CLERK_OAUTH_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        (
            "CLERK_OAUTH_CALLBACK_URL",
            "https://app.example.test/auth/clerk/callback".into(),
        ),
        ("SESSION_SECRET", SECRET_A.to_owned()),
    ]);
    for (key, value) in overrides {
        if value.is_empty() {
            env.remove(key);
        } else {
            env.insert(key, (*value).to_owned());
        }
    }
    env
}

fn load(overrides: &[(&'static str, &str)]) -> Result<ClerkOAuthConfig, OAuthConfigError> {
    let env = env(overrides);
    ClerkOAuthConfig::from_lookup(|key| env.get(key).cloned())
}

#[test]
fn configuration_defaults_and_domain_forms() {
    let config = load(&[]).unwrap();
    assert_eq!(config.base_url, "https://clerk.example.test");
    assert_eq!(config.issuer, config.base_url);
    assert_eq!(config.scopes, ["profile", "email", "public_metadata"]);
    assert_eq!(config.session_cookie, "__app_session");
    assert!(config.secure_cookies(), "https callback ⇒ Secure cookies");
    let debug = format!("{config:?}");
    assert!(
        !debug.contains(CLIENT_SECRET) && !debug.contains(SECRET_A),
        "{debug}"
    );

    let local = load(&[
        ("CLERK_OAUTH_DOMAIN", "http://127.0.0.1:4000/__clerk/"),
        (
            "CLERK_OAUTH_CALLBACK_URL",
            "http://localhost:3000/auth/clerk/callback",
        ),
        ("CLERK_OAUTH_SCOPES", "openid email"),
    ])
    .unwrap();
    assert_eq!(local.base_url, "http://127.0.0.1:4000/__clerk");
    assert_eq!(local.scopes, ["openid", "email"]);
    assert!(!local.secure_cookies());
}

#[test]
fn configuration_errors_name_the_variable_and_the_fix() {
    // (env overrides, text naming the variable, text of the fix)
    type Case = (
        &'static [(&'static str, &'static str)],
        &'static str,
        &'static str,
    );
    let cases: [Case; 8] = [
        (
            &[("CLERK_OAUTH_DOMAIN", "")],
            "CLERK_OAUTH_DOMAIN is not set",
            "clerk.your-domain.com",
        ),
        (
            &[("CLERK_OAUTH_CLIENT_ID", "")],
            "CLERK_OAUTH_CLIENT_ID is not set",
            "dashboard",
        ),
        (
            &[("CLERK_OAUTH_CLIENT_SECRET", "")],
            "CLERK_OAUTH_CLIENT_SECRET",
            "dashboard",
        ),
        (
            &[("CLERK_OAUTH_CALLBACK_URL", "/auth/clerk/callback")],
            "CALLBACK_URL is invalid",
            "absolute",
        ),
        (
            &[(
                "CLERK_OAUTH_CALLBACK_URL",
                "http://app.example.test/auth/clerk/callback",
            )],
            "CLERK_OAUTH_CALLBACK_URL is invalid",
            "https",
        ),
        (
            &[("CLERK_OAUTH_DOMAIN", "http://clerk.example.test")],
            "CLERK_OAUTH_DOMAIN",
            "http",
        ),
        (
            &[("CLERK_OAUTH_SESSION_COOKIE", "__session")],
            "CLERK_OAUTH_SESSION_COOKIE",
            "Clerk",
        ),
        (
            &[("CLERK_OAUTH_SESSION_COOKIE", "a;b")],
            "CLERK_OAUTH_SESSION_COOKIE",
            "letters",
        ),
    ];
    for (overrides, names, fix) in cases {
        let message = load(overrides).unwrap_err().to_string();
        assert!(
            message.contains(names) && message.contains(fix),
            "{overrides:?}: {message}"
        );
    }
    for clerk_cookie in [
        "__client_uat",
        "__session_Abc12345",
        "__clerk_db_jwt",
        "__refresh_x",
    ] {
        let error = load(&[("CLERK_OAUTH_SESSION_COOKIE", clerk_cookie)]).unwrap_err();
        assert!(
            error.to_string().contains("Clerk uses itself"),
            "{clerk_cookie}: {error}"
        );
    }
}

#[test]
fn session_secret_rules_follow_the_build_profile() {
    let missing = load(&[("SESSION_SECRET", "")]);
    let short = load(&[("SESSION_SECRET", "secret")]);
    if cfg!(debug_assertions) {
        // Debug builds fall back to a random secret (with a warning) and accept short ones.
        assert_eq!(missing.unwrap().session_secrets.count(), 1);
        assert!(short.is_ok());
    } else {
        assert!(missing
            .unwrap_err()
            .to_string()
            .contains("SESSION_SECRET is not set"));
        assert!(short.unwrap_err().to_string().contains("at least 32"));
    }
}
