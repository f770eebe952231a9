//! The OAuth 2.0 provider over real HTTP: authorize (session or sign-in form), token with
//! PKCE and client authentication, userinfo, ID tokens checked against the published JWKS.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clerk_dev_instance::OAuthClient;
use common::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

const CLIENT_ID: &str = "starter-test";
const SECRET: &str = "test-only-client-secret";
const VERIFIER: &str = "test-only-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

async fn start_provider(dir: &std::path::Path) -> TestApp {
    start_with(dir, |mut config| {
        let callback = format!("{}/auth/clerk/callback", config.app_origins[0]);
        config.oauth_clients = vec![OAuthClient {
            client_id: CLIENT_ID.into(),
            client_secret: SECRET.into(),
            redirect_uris: vec![callback],
        }];
        config
    })
    .await
}

fn callback(app: &TestApp) -> String {
    format!("{}/auth/clerk/callback", app.base)
}

fn challenge(verifier: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// `/oauth/authorize` for the test client with `overrides` replacing default parameters.
fn authorize_url(app: &TestApp, overrides: &[(&str, &str)]) -> String {
    let callback = callback(app);
    let challenge = challenge(VERIFIER);
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", callback.as_str()),
        ("state", "st-123"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("scope", "openid profile email public_metadata"),
        ("nonce", "n-456"),
    ];
    for (key, value) in overrides {
        params.retain(|(k, _)| k != key);
        if !value.is_empty() {
            params.push((key, value));
        }
    }
    let query = serde_urlencoded::to_string(&params).unwrap();
    format!("{}/__clerk/oauth/authorize?{query}", app.base)
}

/// The query parameters of a redirect's `Location`.
fn location_params(response: &reqwest::Response) -> (String, Vec<(String, String)>) {
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let (target, query) = location.split_once('?').unwrap_or((&location, ""));
    (
        target.to_owned(),
        serde_urlencoded::from_str(query).unwrap(),
    )
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The signed request id of a rendered sign-in form.
fn request_id(html: &str) -> String {
    let start = html
        .find("name=\"request\" value=\"")
        .expect("request field")
        + 22;
    html[start..].split('"').next().unwrap().to_owned()
}

async fn post_form(
    browser: &reqwest::Client,
    app: &TestApp,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let url = format!("{}/__clerk/oauth/authorize", app.base);
    browser.post(url).form(form).send().await.unwrap()
}

/// Opens the form in `browser` and signs in; returns the code.
async fn code_via_form(
    browser: &reqwest::Client,
    app: &TestApp,
    overrides: &[(&str, &str)],
) -> String {
    let page = browser
        .get(authorize_url(app, overrides))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let id = request_id(&page.text().await.unwrap());
    let form = [
        ("request", id.as_str()),
        ("action", "sign_in"),
        ("email", DEMO_EMAIL),
        ("password", DEMO_PASSWORD),
    ];
    let response = post_form(browser, app, &form).await;
    assert_eq!(response.status(), 302);
    let (target, params) = location_params(&response);
    assert_eq!(target, callback(app));
    assert_eq!(param(&params, "state"), Some("st-123"));
    param(&params, "code").expect("code").to_owned()
}

async fn token(app: &TestApp, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/__clerk/oauth/token", app.base))
        .form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    let response = request.send().await.unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn exchange(app: &TestApp, code: &str, verifier: &str, redirect_uri: &str) -> (u16, Value) {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("code_verifier", verifier),
        ("redirect_uri", redirect_uri),
    ];
    token(app, &form, Some((CLIENT_ID, SECRET))).await
}

async fn userinfo(app: &TestApp, access_token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}/__clerk/oauth/userinfo", app.base))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn full_code_flow_with_pkce_form_sign_in_id_token_and_userinfo() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_provider(dir.path()).await;
    let browser = browser(&app);

    // Wrong password first: the form comes back with an error, the same request stays usable.
    let page = browser.get(authorize_url(&app, &[])).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let id = request_id(&page.text().await.unwrap());
    let wrong = [
        ("request", id.as_str()),
        ("action", "sign_in"),
        ("email", DEMO_EMAIL),
        ("password", "nope-nope"),
    ];
    let response = post_form(&browser, &app, &wrong).await;
    assert_eq!(response.status(), 401);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Wrong email or password"));
    let right = [
        ("request", id.as_str()),
        ("action", "sign_in"),
        ("email", DEMO_EMAIL),
        ("password", DEMO_PASSWORD),
    ];
    let response = post_form(&browser, &app, &right).await;
    assert_eq!(response.status(), 302);
    let (_, params) = location_params(&response);
    assert_eq!(param(&params, "state"), Some("st-123"));
    let code = param(&params, "code").unwrap().to_owned();

    let (status, body) = exchange(&app, &code, VERIFIER, &callback(&app)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "openid profile email public_metadata");

    // The ID token verifies against the published JWKS with the instance's base URL as issuer.
    let jwks: jsonwebtoken::jwk::JwkSet =
        reqwest::get(format!("{}/__clerk/.well-known/jwks.json", app.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let id_token = body["id_token"].as_str().expect("id_token for openid");
    let header = jsonwebtoken::decode_header(id_token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("kid in JWKS");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[CLIENT_ID]);
    validation.set_issuer(&[format!("{}/__clerk", app.base)]);
    let claims =
        jsonwebtoken::decode::<Value>(id_token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
            .expect("valid ID token")
            .claims;
    assert_eq!(claims["nonce"], "n-456");
    assert_eq!(claims["email"], DEMO_EMAIL);

    let (status, profile) = userinfo(&app, body["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["email"], DEMO_EMAIL);
    assert_eq!(profile["user_id"], claims["sub"]);
    assert_eq!(profile["name"], "Demo User");
    assert_eq!(profile["public_metadata"], serde_json::json!({}));

    // Now signed in at the instance: the next authorization issues a code without a form.
    let response = browser.get(authorize_url(&app, &[])).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let (target, params) = location_params(&response);
    assert_eq!(target, callback(&app));
    assert!(param(&params, "code").is_some());
}

#[tokio::test]
async fn codes_are_single_use_and_need_the_right_verifier_and_redirect_uri() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_provider(dir.path()).await;
    let browser = browser(&app);

    let code = code_via_form(&browser, &app, &[]).await;
    let other_verifier = "another-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    let (status, body) = exchange(&app, &code, other_verifier, &callback(&app)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = exchange(&app, &code, VERIFIER, &callback(&app)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "a failed attempt uses the code up"
    );

    // Already signed in at the instance: the next code comes without a form.
    let response = browser.get(authorize_url(&app, &[])).send().await.unwrap();
    let code = param(&location_params(&response).1, "code")
        .unwrap()
        .to_owned();
    let (status, body) = exchange(
        &app,
        &code,
        VERIFIER,
        "http://127.0.0.1:1/auth/clerk/callback",
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    let response = browser.get(authorize_url(&app, &[])).send().await.unwrap();
    let code = param(&location_params(&response).1, "code")
        .unwrap()
        .to_owned();
    let (status, first) = exchange(&app, &code, VERIFIER, &callback(&app)).await;
    assert_eq!(status, 200);
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(userinfo(&app, access).await.0, 200);
    let (status, body) = exchange(&app, &code, VERIFIER, &callback(&app)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = userinfo(&app, access).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token")),
        "replay revokes the token"
    );
}

#[tokio::test]
async fn clients_must_authenticate_and_be_registered() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_provider(dir.path()).await;
    let browser = browser(&app);
    let code = code_via_form(&browser, &app, &[]).await;
    let cb = callback(&app);
    let grant = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("code_verifier", VERIFIER),
        ("redirect_uri", cb.as_str()),
    ];

    let (status, body) = token(&app, &grant, Some((CLIENT_ID, "wrong-secret"))).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = token(&app, &grant, Some(("who-is-this", SECRET))).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = token(&app, &grant, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    // Form client authentication works too; the failures above did not use the code up.
    let mut form = grant.to_vec();
    form.extend([("client_id", CLIENT_ID), ("client_secret", SECRET)]);
    let (status, body) = token(&app, &form, None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("id_token").is_some());

    // Unknown client or unregistered redirect URI at authorize: an error page, never a redirect.
    for overrides in [
        [("client_id", "who-is-this")],
        [("redirect_uri", "http://evil.example/cb")],
    ] {
        let response = browser
            .get(authorize_url(&app, &overrides))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        assert!(response.headers().get("location").is_none());
    }
    let (status, _) = userinfo(&app, "oat_made-up").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn without_registered_clients_every_endpoint_answers_invalid_client() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let response = browser(&app)
        .get(authorize_url(&app, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("invalid_client"));
    let (status, body) = exchange(&app, "any", VERIFIER, &callback(&app)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

#[tokio::test]
async fn cancel_pkce_and_form_binding() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_provider(dir.path()).await;
    let browser = browser(&app);

    let page = browser.get(authorize_url(&app, &[])).send().await.unwrap();
    let id = request_id(&page.text().await.unwrap());
    // Another browser (no form cookie) cannot submit this form: no login CSRF.
    let stranger = common::browser(&app);
    let right = [
        ("request", id.as_str()),
        ("action", "sign_in"),
        ("email", DEMO_EMAIL),
        ("password", DEMO_PASSWORD),
    ];
    let response = post_form(&stranger, &app, &right).await;
    assert_eq!(response.status(), 400);
    // A tampered signature is refused.
    let tampered = format!("{}x", &id);
    let forged = [
        ("request", tampered.as_str()),
        ("action", "sign_in"),
        ("email", DEMO_EMAIL),
        ("password", DEMO_PASSWORD),
    ];
    assert_eq!(post_form(&browser, &app, &forged).await.status(), 400);

    let response = post_form(
        &browser,
        &app,
        &[("request", id.as_str()), ("action", "cancel")],
    )
    .await;
    assert_eq!(response.status(), 302);
    let (target, params) = location_params(&response);
    assert_eq!(target, callback(&app));
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "state"), Some("st-123"));
    assert_eq!(
        post_form(&browser, &app, &right).await.status(),
        400,
        "a cancelled form is closed"
    );

    for (overrides, error) in [
        (vec![("code_challenge", "")], "invalid_request"),
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
        (vec![("scope", "openid admin")], "invalid_scope"),
    ] {
        let response = browser
            .get(authorize_url(&app, &overrides))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "{overrides:?}");
        let (target, params) = location_params(&response);
        assert_eq!(target, callback(&app));
        assert_eq!(param(&params, "error"), Some(error), "{overrides:?}");
    }
    let repeated = format!("{}&state=again", authorize_url(&app, &[]));
    assert_eq!(browser.get(repeated).send().await.unwrap().status(), 400);
}

/// The form fields of a sign-in as the demo user with `password`.
fn sign_in_fields<'a>(request: &'a str, password: &'a str) -> [(&'static str, &'a str); 4] {
    [
        ("request", request),
        ("action", "sign_in"),
        ("email", DEMO_EMAIL),
        ("password", password),
    ]
}

#[tokio::test]
async fn wrong_passwords_on_the_form_lock_the_account_for_a_while() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_provider(dir.path()).await;
    let browser = browser(&app);
    let page = browser.get(authorize_url(&app, &[])).send().await.unwrap();
    let id = request_id(&page.text().await.unwrap());
    let wrong = sign_in_fields(&id, "wrong-password");
    for attempt in 1..=4 {
        let response = post_form(&browser, &app, &wrong).await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    // The fifth wrong password closes this form.
    let response = post_form(&browser, &app, &wrong).await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        param(&location_params(&response).1, "error"),
        Some("access_denied")
    );
    // A fresh form does not reopen the account: even the right password is refused.
    let page = browser.get(authorize_url(&app, &[])).send().await.unwrap();
    let id = request_id(&page.text().await.unwrap());
    let response = post_form(&browser, &app, &sign_in_fields(&id, DEMO_PASSWORD)).await;
    assert_eq!(response.status(), 429);
    let html = response.text().await.unwrap();
    assert!(html.contains("Too many failed attempts"), "{html}");
    // One lock per account: the Frontend API sign-in is locked too.
    let form = [
        ("identifier", DEMO_EMAIL),
        ("password", DEMO_PASSWORD),
        ("strategy", "password"),
    ];
    let (status, body) = fapi(&browser, &app, "POST", "/v1/client/sign_ins", &form).await;
    assert_eq!((status, error_code(&body)), (429, "too_many_requests"));
}
