//! The happy path over real HTTP: login → authorize → callback → session → logout.

mod oauth_support;

use std::time::{Duration, Instant};

use oauth_support::*;
use reqwest::Url;

#[tokio::test]
async fn full_login_sets_a_sealed_session_and_each_hop_is_correct() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    let browser = Browser::new();

    // Hop 1: the app redirects to the provider and remembers the login in a sealed cookie.
    let login = browser
        .get(&app.url("/auth/clerk/login?successRedirect=/dashboard%3Ftab%3D1&failureRedirect=/"))
        .await;
    assert_eq!(login.status(), 303);
    assert_eq!(login.headers()["cache-control"], "no-store");
    let pending = set_cookie_for(&login, PENDING).expect("pending-login cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=600"] {
        assert!(
            pending.contains(attribute),
            "{attribute} missing in {pending}"
        );
    }
    assert!(
        !pending.contains("Secure"),
        "loopback http callback: no Secure ({pending})"
    );
    assert!(
        !pending.contains("dashboard"),
        "the pending cookie is encrypted: {pending}"
    );
    let authorize = Url::parse(&location(&login)).unwrap();
    assert_eq!(authorize.path(), "/__clerk/oauth/authorize");
    let query: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], CLIENT_ID);
    assert_eq!(query["redirect_uri"], app.url("/auth/clerk/callback"));
    assert_eq!(query["scope"], "profile email public_metadata");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["code_challenge"].len(), 43, "base64url SHA-256");
    assert!(query["state"].len() >= 16 && query["nonce"].len() >= 16);

    // Hop 2: the provider approves and redirects back with code + state.
    let approved = browser.get(authorize.as_str()).await;
    assert_eq!(approved.status(), 307);
    let callback = Url::parse(&location(&approved)).unwrap();
    assert_eq!(callback.path(), "/auth/clerk/callback");

    // Hop 3: the callback exchanges the code and starts the app session.
    let done = browser.get(callback.as_str()).await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), "/dashboard?tab=1");
    let session = set_cookie_for(&done, SESSION).expect("session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(
            session.contains(attribute),
            "{attribute} missing in {session}"
        );
    }
    assert!(
        !session.contains("ada"),
        "the session cookie is encrypted: {session}"
    );
    let cleared = set_cookie_for(&done, PENDING).expect("pending cookie cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(browser.cookie(&app.base, PENDING), None);

    // The app sees its own user everywhere: extractor, optional extractor, Leptos context.
    let me: AppUser = browser.get(&app.url("/me")).await.json().await.unwrap();
    let expected = AppUser {
        id: "user_2abc".into(),
        email: Some("ada@example.test".into()),
        name: Some("Ada Lovelace".into()),
        role: Some("admin".into()),
    };
    assert_eq!(me, expected);
    assert_eq!(
        browser.get(&app.url("/maybe")).await.text().await.unwrap(),
        "user_2abc"
    );
    let direct = browser.get(&app.url("/from-headers")).await;
    assert_eq!(direct.text().await.unwrap(), "user_2abc");
    let leptos = browser
        .get(&app.url("/leptos-me"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(leptos, "leptos user user_2abc");
    let protected = browser.get(&app.url("/protected")).await;
    assert_eq!(
        protected.text().await.unwrap(),
        "protected page for user_2abc"
    );

    // The verify hook got the profile, both tokens, extra params and the request parts.
    let seen = app.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].user_id, "user_2abc");
    assert_eq!(seen[0].given_name.as_deref(), Some("Ada"));
    assert!(seen[0].access_token.starts_with("oat_"));
    assert_eq!(
        seen[0].refresh_token,
        Some(format!("ort_{}", seen[0].access_token))
    );
    assert_eq!(seen[0].extra_params["clerk_instance"], "ins_test");
    assert!(
        seen[0].id_token_claims.is_none(),
        "no openid scope, no ID token"
    );
    assert_eq!(seen[0].callback_path, "/auth/clerk/callback");
    assert_eq!(
        provider.counts(),
        [1, 1, 1, 0],
        "authorize, token, userinfo, jwks"
    );
}

#[tokio::test]
async fn openid_scope_verifies_the_id_token_and_caches_the_jwks() {
    let provider = Provider::start().await;
    let app = start_app(
        &provider,
        AppOptions::with_scopes("openid profile email public_metadata"),
    )
    .await;
    for round in 1..=2 {
        let browser = Browser::new();
        let done = login(&browser, &app, "successRedirect=/").await;
        assert_eq!(done.status(), 303, "round {round}");
        assert_eq!(browser.get(&app.url("/me")).await.status(), 200);
    }
    let seen = app.seen.lock().unwrap().clone();
    let claims = seen[1]
        .id_token_claims
        .clone()
        .expect("verified claims reach the hook");
    assert_eq!(claims["sub"], "user_2abc");
    assert_eq!(claims["aud"], CLIENT_ID);
    assert_eq!(claims["iss"], provider.base_url.as_str());
    assert_eq!(
        provider.counts(),
        [2, 2, 2, 1],
        "the JWKS is fetched once and cached"
    );
}

#[tokio::test]
async fn logout_needs_post_and_same_origin() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    let browser = Browser::new();
    assert_eq!(login(&browser, &app, "").await.status(), 303);

    let get = browser.get(&app.url("/auth/clerk/logout")).await;
    assert_eq!((get.status().as_u16(), location(&get)), (303, "/".into()));
    assert_eq!(
        browser.get(&app.url("/me")).await.status(),
        200,
        "GET does not log out"
    );

    let cross_site = browser
        .client
        .post(app.url("/auth/clerk/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert_eq!(
        browser.get(&app.url("/me")).await.status(),
        200,
        "cross-site POST refused"
    );

    let post = browser
        .client
        .post(app.url("/auth/clerk/logout"))
        .header("origin", &app.base);
    let post = post.send().await.unwrap();
    assert_eq!((post.status().as_u16(), location(&post)), (303, "/".into()));
    assert!(set_cookie_for(&post, SESSION)
        .unwrap()
        .contains("Max-Age=0"));
    assert_signed_out(&browser, &app).await;
}

#[tokio::test]
async fn protected_pages_redirect_to_login_and_come_back() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    let browser = Browser::new();
    let bounce = browser.get(&app.url("/protected?x=1")).await;
    assert_eq!(bounce.status(), 303);
    let to_login = location(&bounce);
    assert_eq!(
        to_login,
        "/auth/clerk/login?successRedirect=%2Fprotected%3Fx%3D1"
    );
    let post = browser.post(&app.url("/protected")).await;
    assert_eq!(
        post.status(),
        401,
        "non-GET requests get 401, not a redirect"
    );
    assert_eq!(
        browser
            .get(&app.url("/leptos-me"))
            .await
            .text()
            .await
            .unwrap(),
        "leptos anonymous"
    );

    let done = browser.get(&app.url(&to_login)).await;
    let authorize = browser.get(&location(&done)).await;
    let callback = browser.get(&location(&authorize)).await;
    assert_eq!(location(&callback), "/protected?x=1");
    let page = browser
        .get(&app.url("/protected?x=1"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(page, "protected page for user_2abc");
}

/// Measures full login round trips on loopback (3 hops + token + userinfo each).
#[tokio::test]
async fn login_round_trip_timing_on_loopback() {
    let provider = Provider::start().await;
    let app = start_app(&provider, AppOptions::default()).await;
    let rounds = 50u32;
    let mut total = Duration::ZERO;
    let mut worst = Duration::ZERO;
    for _ in 0..rounds {
        let browser = Browser::new();
        let started = Instant::now();
        let done = login(&browser, &app, "successRedirect=/me").await;
        let me = browser.get(&app.url("/me")).await;
        let elapsed = started.elapsed();
        assert_eq!((done.status().as_u16(), me.status().as_u16()), (303, 200));
        total += elapsed;
        worst = worst.max(elapsed);
    }
    let counts = provider.counts();
    assert_eq!(counts, [50, 50, 50, 0]);
    println!(
        "oauth login round trip over loopback: {rounds} rounds, mean {:?}, worst {:?}; \
         per login 4 browser requests (login, authorize, callback, /me) + 2 server-to-provider \
         requests (token, userinfo); provider counts {counts:?}",
        total / rounds,
        worst
    );
}
