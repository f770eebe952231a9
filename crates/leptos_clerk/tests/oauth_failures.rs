//! Bad input over real HTTP: every case ends in an error page or a redirect to
//! failureRedirect, never a 500 and never a signed-in session.

mod oauth_support;

use std::time::{Duration, Instant};

use oauth_support::*;
use reqwest::Url;

/// Replaces (or adds) query parameter `key` in `url`.
fn with_param(url: &str, key: &str, value: Option<&str>) -> String {
    let mut parsed = Url::parse(url).unwrap();
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != key)
        .collect();
    let mut query = parsed.query_pairs_mut();
    query.clear().extend_pairs(kept);
    if let Some(value) = value {
        query.append_pair(key, value);
    }
    drop(query);
    parsed.into()
}

/// Asserts an error page with `status` naming `code`, and no session.
async fn assert_error_page(response: reqwest::Response, status: u16, code: &str) {
    assert_eq!(response.status(), status);
    assert_eq!(
        set_cookie_for(&response, SESSION),
        None,
        "no session on failure"
    );
    if status == 503 {
        assert_eq!(
            response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap()),
            Some("5"),
            "a 503 says when to try again"
        );
    }
    let page = response.text().await.unwrap();
    assert!(page.contains("Sign-in failed"), "{page}");
    assert!(page.contains(&format!("Error code: {code}")), "{page}");
    assert!(
        !page.contains(CLIENT_SECRET),
        "never leak the client secret"
    );
}

#[tokio::test]
async fn missing_or_mismatched_state_is_refused_before_any_token_request() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    for state in [None, Some("forged-state")] {
        let browser = Browser::new();
        let callback = callback_url(&browser, &app, "").await;
        let response = browser.get(&with_param(&callback, "state", state)).await;
        assert_error_page(response, 400, "state_mismatch").await;
        assert_signed_out(&browser, &app).await;
        assert!(
            browser.cookie(&app.base, PENDING).is_some(),
            "a request that is not the login's own callback leaves the pending login alone"
        );
    }
    assert_eq!(
        provider.counts()[1],
        0,
        "the code was never sent to the token endpoint"
    );
}

#[tokio::test]
async fn callback_without_a_pending_login_or_with_a_tampered_one_is_refused() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    let victim = Browser::new();
    let callback = callback_url(&victim, &app, "").await;

    // Login CSRF: an attacker's callback URL opened in a browser that never started a login.
    let other = Browser::new();
    assert_error_page(other.get(&callback).await, 400, "missing_login_state").await;
    assert_signed_out(&other, &app).await;

    // A tampered pending-login cookie does not open.
    let sealed = victim.cookie(&app.base, PENDING).unwrap();
    let flipped = if &sealed[10..11] == "A" { "B" } else { "A" };
    let tampered = format!("{}{flipped}{}", &sealed[..10], &sealed[11..]);
    victim.set_cookie(&app.base, &format!("{PENDING}={tampered}; Path=/"));
    assert_error_page(victim.get(&callback).await, 400, "missing_login_state").await;
    assert_signed_out(&victim, &app).await;
    assert_eq!(provider.counts()[1], 0);
}

#[tokio::test]
async fn replayed_and_expired_codes_are_refused_by_the_token_endpoint() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;

    // A used code replayed with a fresh pending login (the attacker's own state).
    let first = Browser::new();
    let used = callback_url(&first, &app, "").await;
    assert_eq!(first.get(&used).await.status(), 303);
    let attacker = Browser::new();
    let fresh = callback_url(&attacker, &app, "failureRedirect=/sign-in").await;
    let used_url = Url::parse(&used).unwrap();
    let used_code = used_url.query_pairs().find(|(k, _)| k == "code").unwrap().1;
    let replay = attacker
        .get(&with_param(&fresh, "code", Some(&used_code)))
        .await;
    assert_eq!(replay.status(), 303);
    assert_eq!(location(&replay), "/sign-in?error=code_rejected");
    assert_signed_out(&attacker, &app).await;
    assert_eq!(provider.token_rejections(), ["code already used"]);

    // A code older than the provider allows.
    provider.set(|b| b.code_ttl = Duration::ZERO);
    let late = Browser::new();
    let callback = callback_url(&late, &app, "").await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_error_page(late.get(&callback).await, 401, "code_rejected").await;
    assert_signed_out(&late, &app).await;
    assert_eq!(
        provider.token_rejections(),
        ["code already used", "code expired"]
    );
}

#[tokio::test]
async fn provider_access_denied_redirects_to_failure_or_shows_a_page() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    provider.set(|b| b.deny = true);

    let browser = Browser::new();
    let denied = login(&browser, &app, "failureRedirect=/sign-in%3Fnext%3D1").await;
    assert_eq!(denied.status(), 303);
    assert_eq!(location(&denied), "/sign-in?next=1&error=access_denied");
    assert!(set_cookie_for(&denied, PENDING)
        .unwrap()
        .contains("Max-Age=0"));
    assert_signed_out(&browser, &app).await;

    let browser = Browser::new();
    assert_error_page(login(&browser, &app, "").await, 401, "access_denied").await;
    assert_signed_out(&browser, &app).await;
    assert_eq!(provider.counts()[1], 0);
}

#[tokio::test]
async fn token_endpoint_down_or_slow_gives_a_gateway_error_quickly() {
    let provider = Provider::start().await;
    let timeout = Duration::from_millis(300);
    let app = start_app(
        &provider,
        AppOptions {
            request_timeout: timeout,
            ..Default::default()
        },
    )
    .await;

    provider.set(|b| b.token_down = true);
    let browser = Browser::new();
    assert_error_page(login(&browser, &app, "").await, 502, "token_endpoint_error").await;
    assert_signed_out(&browser, &app).await;

    provider.set(|b| {
        b.token_down = false;
        b.token_delay = Duration::from_secs(3);
    });
    let browser = Browser::new();
    let callback = callback_url(&browser, &app, "failureRedirect=/oops").await;
    let started = Instant::now();
    let slow = browser.get(&callback).await;
    let waited = started.elapsed();
    assert_eq!(location(&slow), "/oops?error=provider_timeout");
    assert!(
        waited >= timeout && waited < Duration::from_secs(2),
        "waited {waited:?}"
    );
    assert_signed_out(&browser, &app).await;
}

#[tokio::test]
async fn the_deadline_covers_all_provider_calls_of_a_callback_together() {
    let provider = Provider::start().await;
    let deadline = Duration::from_millis(600);
    let app = start_app(
        &provider,
        AppOptions {
            request_timeout: deadline,
            ..Default::default()
        },
    )
    .await;
    // Each call alone fits in the deadline, the two together do not.
    provider.set(|b| {
        b.token_delay = Duration::from_millis(400);
        b.userinfo_delay = Duration::from_millis(400);
    });
    let browser = Browser::new();
    let callback = callback_url(&browser, &app, "").await;
    let started = Instant::now();
    let response = browser.get(&callback).await;
    let waited = started.elapsed();
    assert_error_page(response, 503, "provider_timeout").await;
    assert!(
        waited >= deadline && waited < deadline + Duration::from_millis(300),
        "waited {waited:?}"
    );
    assert_eq!(
        provider.counts()[2],
        1,
        "userinfo was reached, then cut off"
    );
    assert_signed_out(&browser, &app).await;
}

#[tokio::test]
async fn an_unreachable_token_endpoint_gives_a_gateway_error() {
    let provider = Provider::start().await;
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}/__clerk", closed.local_addr().unwrap());
    drop(closed);
    let options = AppOptions {
        domain: Some(dead.clone()),
        ..Default::default()
    };
    let app = start_app(&provider, options).await;
    let browser = Browser::new();
    let login = browser.get(&app.url("/auth/clerk/login")).await;
    // The user still reaches the (live) authorize page; only the server-side exchange is cut off.
    let authorize = location(&login).replace(&dead, &provider.base_url);
    let approved = browser.get(&authorize).await;
    let response = browser.get(&location(&approved)).await;
    assert_error_page(response, 503, "provider_unreachable").await;
    assert_signed_out(&browser, &app).await;
}

#[tokio::test]
async fn invalid_id_tokens_never_sign_in() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::with_scopes("openid profile email")).await;
    for mode in [
        IdTokenMode::WrongNonce,
        IdTokenMode::WrongAudience,
        IdTokenMode::WrongIssuer,
        IdTokenMode::Forged,
        IdTokenMode::Expired,
        IdTokenMode::Hs256,
    ] {
        provider.set(|b| b.id_token = mode);
        let browser = Browser::new();
        let response = login(&browser, &app, "").await;
        assert_eq!(response.status(), 403, "{mode:?}");
        assert_error_page(response, 403, "invalid_id_token").await;
        assert_signed_out(&browser, &app).await;
    }
    assert!(
        app.seen.lock().unwrap().is_empty(),
        "the verify hook never ran"
    );

    provider.set(|b| b.id_token = IdTokenMode::Valid);
    let browser = Browser::new();
    assert_eq!(
        login(&browser, &app, "").await.status(),
        303,
        "the valid case still works"
    );
}

#[tokio::test]
async fn the_verify_hook_can_refuse_a_user() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    provider.set(|b| b.user["email"] = "mallory@blocked.test".into());
    let browser = Browser::new();
    assert_error_page(login(&browser, &app, "").await, 403, "user_rejected").await;
    assert_signed_out(&browser, &app).await;
}

#[tokio::test]
async fn open_redirects_are_refused_at_login() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    let browser = Browser::new();
    for target in [
        "successRedirect=https://evil.example",
        "successRedirect=//evil.example",
        "successRedirect=/%5Cevil.example",
        "successRedirect=javascript:alert(1)",
        "failureRedirect=https://evil.example",
        "successRedirect=/ok%0d%0aSet-Cookie:x=1",
    ] {
        let response = browser
            .get(&app.url(&format!("/auth/clerk/login?{target}")))
            .await;
        assert_eq!(set_cookie_for(&response, PENDING), None, "{target}");
        assert_error_page(response, 400, "unsafe_redirect").await;
    }
    assert_eq!(provider.counts(), [0, 0, 0, 0]);
}

#[tokio::test]
async fn a_forged_error_callback_cannot_abort_someone_elses_login() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    let victim = Browser::new();
    let genuine = callback_url(&victim, &app, "failureRedirect=/sign-in").await;
    let pending = victim.cookie(&app.base, PENDING).expect("a pending login");

    // A third party sends the victim to the callback with error=… and no or another state.
    let forged_base = app.url("/auth/clerk/callback?error=access_denied&error_description=x");
    for forged in [forged_base.clone(), format!("{forged_base}&state=guessed")] {
        let response = victim.get(&forged).await;
        assert_eq!(
            set_cookie_for(&response, PENDING),
            None,
            "the pending login cookie is not touched"
        );
        assert_error_page(response, 400, "state_mismatch").await;
        assert_eq!(victim.cookie(&app.base, PENDING), Some(pending.clone()));
    }

    // The victim's own callback still completes the login.
    let done = victim.get(&genuine).await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), "/");
    assert!(victim.cookie(&app.base, SESSION).is_some());
}

/// Collects everything logged (by every test of this binary; only this one reads it).
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn provider_supplied_error_text_cannot_forge_log_lines() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // Global (the only test here that installs one): a thread-local default can miss events
    // whose callsite interest another test thread cached first.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;

    let browser = Browser::new();
    let callback = callback_url(&browser, &app, "").await;
    let denied = with_param(&callback, "code", None);
    let denied = with_param(&denied, "error", Some("access_denied\nFORGED-CODE"));
    let denied = with_param(
        &denied,
        "error_description",
        Some("denied\r\n2026-01-01T00:00:00Z  INFO FORGED: admin signed in"),
    );
    assert_error_page(browser.get(&denied).await, 401, "provider_error").await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("Clerk OAuth login failed"), "{log}");
    for line in log.lines() {
        assert!(
            !line.starts_with("2026-01-01") && !line.starts_with("FORGED"),
            "forged log line: {line:?}\n{log}"
        );
    }
}

#[tokio::test]
async fn a_missing_id_token_is_an_error_when_openid_was_requested() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::with_scopes("openid profile email")).await;
    provider.set(|b| b.id_token = IdTokenMode::Missing);
    let browser = Browser::new();
    assert_error_page(login(&browser, &app, "").await, 502, "missing_id_token").await;
    assert_signed_out(&browser, &app).await;
    assert!(
        app.seen.lock().unwrap().is_empty(),
        "the verify hook never ran"
    );

    // Without `openid`, no ID token is expected.
    let app = start_app(&provider, AppOptions::default()).await;
    let browser = Browser::new();
    assert_eq!(login(&browser, &app, "").await.status(), 303);
}

#[test]
fn debug_output_never_shows_tokens_or_secrets() {
    use leptos_clerk::oauth::{ClerkOAuthConfig, ClerkProfile, ClerkTokenFields, VerifyParams};
    let (parts, ()) = axum::http::Request::get("/auth/clerk/callback?code=code_secret&state=st")
        .header("cookie", "__session=cookie_token_secret")
        .body(())
        .unwrap()
        .into_parts();
    let mut claims = serde_json::Map::new();
    claims.insert("sub".into(), "user_1".into());
    claims.insert("nonce".into(), "nonce_secret".into());
    let params = VerifyParams {
        profile: ClerkProfile::default(),
        access_token: "access_secret".into(),
        refresh_token: Some("refresh_secret".into()),
        extra_params: serde_json::Map::new(),
        id_token_claims: Some(claims),
        request: parts,
    };
    let fields = ClerkTokenFields {
        id_token: Some("id_token_secret".into()),
        extra: serde_json::Map::new(),
    };
    let env = std::collections::HashMap::from([
        ("CLERK_OAUTH_DOMAIN", "http://127.0.0.1:9".to_owned()),
        ("CLERK_OAUTH_CLIENT_ID", CLIENT_ID.to_owned()),
        ("CLERK_OAUTH_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        (
            "CLERK_OAUTH_CALLBACK_URL",
            "http://127.0.0.1:3000/auth/clerk/callback".to_owned(),
        ),
        ("SESSION_SECRET", SECRET_A.to_owned()),
    ]);
    let config = ClerkOAuthConfig::from_lookup(|k| env.get(k).cloned()).unwrap();
    let shown = format!("{params:?} {fields:?} {config:?} {params:#?}");
    for secret in [
        "access_secret",
        "refresh_secret",
        "nonce_secret",
        "code_secret",
        "cookie_token_secret",
        "id_token_secret",
        CLIENT_SECRET,
        SECRET_A,
    ] {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }
    assert!(shown.contains("[redacted]"), "{shown}");
    assert!(
        shown.contains("user_1"),
        "the claims stay readable: {shown}"
    );
}
