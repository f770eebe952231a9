//! Shared harness: a stand-in provider, the app under test (a real axum server on 127.0.0.1:0
//! using the OAuth routes, the session layer and the extractors) and a cookie-keeping browser
//! that never follows redirects, so each hop can be asserted.

#![allow(dead_code)] // each test binary uses a different part of this module

pub mod provider;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use leptos_clerk::oauth::{
    oauth_user, ClerkOAuth, ClerkOAuthConfig, OAuthUser, RequireOAuthUser, VerifyParams,
};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::{Response, Url};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[allow(unused_imports)] // not every test binary needs every name
pub use provider::{IdTokenMode, Provider, CLIENT_ID, CLIENT_SECRET};

/// A 32+ byte session secret.
pub const SECRET_A: &str = "secret-A-0123456789abcdef0123456789abcdef";
/// Another one, for rotation.
pub const SECRET_B: &str = "secret-B-0123456789abcdef0123456789abcdef";
/// The default session cookie name.
pub const SESSION: &str = "__app_session";
/// The pending-login cookie name.
pub const PENDING: &str = "__app_session_login";

/// The app's own user type, produced by the verify hook.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AppUser {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
}

/// What the verify hook was given.
#[derive(Clone, Debug)]
pub struct Seen {
    pub user_id: String,
    pub given_name: Option<String>,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub extra_params: Map<String, Value>,
    pub id_token_claims: Option<Map<String, Value>>,
    pub callback_path: String,
}

/// Options for [`start_app`].
pub struct AppOptions {
    pub secrets: String,
    pub scopes: Option<&'static str>,
    pub session_ttl: Duration,
    pub request_timeout: Duration,
    /// Overrides `CLERK_OAUTH_DOMAIN` (default: the stand-in provider).
    pub domain: Option<String>,
    /// Overrides `CLERK_OAUTH_CALLBACK_URL` (default: this app's callback over http).
    pub callback: Option<&'static str>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            secrets: SECRET_A.into(),
            scopes: None,
            session_ttl: Duration::from_secs(3600),
            request_timeout: Duration::from_secs(5),
            domain: None,
            callback: None,
        }
    }
}

impl AppOptions {
    /// The defaults with `scopes` requested (with `openid` for an ID token).
    pub fn with_scopes(scopes: &'static str) -> Self {
        Self {
            scopes: Some(scopes),
            ..Self::default()
        }
    }
}

/// The running app.
pub struct TestApp {
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl TestApp {
    /// An absolute URL on the app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Starts the app against `provider`.
pub async fn start_app(provider: &Provider, options: AppOptions) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut env = HashMap::from([
        (
            "CLERK_OAUTH_DOMAIN",
            options
                .domain
                .clone()
                .unwrap_or_else(|| provider.base_url.clone()),
        ),
        ("CLERK_OAUTH_CLIENT_ID", CLIENT_ID.to_owned()),
        ("CLERK_OAUTH_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        (
            "CLERK_OAUTH_CALLBACK_URL",
            options
                .callback
                .map_or_else(|| format!("{base}/auth/clerk/callback"), Into::into),
        ),
        ("SESSION_SECRET", options.secrets.clone()),
    ]);
    if let Some(scopes) = options.scopes {
        env.insert("CLERK_OAUTH_SCOPES", scopes.to_owned());
    }
    let mut config = ClerkOAuthConfig::from_lookup(|k| env.get(k).cloned()).unwrap();
    config.session_ttl = options.session_ttl;
    config.request_timeout = options.request_timeout;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let oauth = ClerkOAuth::new(config, move |params: VerifyParams| {
        let log = log.clone();
        async move { verify(params, log) }
    })
    .unwrap();
    let app = Router::new()
        .merge(oauth.routes())
        .route("/", get(|| async { "home" }))
        .route(
            "/me",
            get(|OAuthUser(user): OAuthUser<AppUser>| async { Json(user) }),
        )
        .route(
            "/maybe",
            get(|user: Option<OAuthUser<AppUser>>| async move {
                user.map_or("anonymous".to_owned(), |OAuthUser(u)| u.id)
            }),
        )
        .route("/protected", get(protected).post(protected))
        .route("/leptos-me", get(leptos_me))
        .route("/from-headers", get(from_headers).with_state(oauth.clone()))
        // Any other path is protected too, so hostile request paths reach the extractor.
        .fallback(protected)
        .layer(oauth.session_layer());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    TestApp { base, seen }
}

/// The app's verify hook: records its input, refuses `@blocked.test` addresses.
fn verify(
    params: VerifyParams,
    log: Arc<Mutex<Vec<Seen>>>,
) -> Result<AppUser, leptos_clerk::oauth::BoxError> {
    let profile = &params.profile;
    if profile
        .email
        .as_deref()
        .is_some_and(|e| e.ends_with("@blocked.test"))
    {
        return Err("this address is blocked".into());
    }
    log.lock().unwrap().push(Seen {
        user_id: profile.user_id.clone(),
        given_name: profile.given_name.clone(),
        access_token: params.access_token.clone(),
        refresh_token: params.refresh_token.clone(),
        extra_params: params.extra_params.clone(),
        id_token_claims: params.id_token_claims.clone(),
        callback_path: params.request.uri.path().to_owned(),
    });
    let role = profile
        .public_metadata
        .as_ref()
        .and_then(|m| m["role"].as_str())
        .map(Into::into);
    Ok(AppUser {
        id: profile.user_id.clone(),
        email: profile.email.clone(),
        name: profile.name.clone(),
        role,
    })
}

/// Reads the user straight from the headers, without the layer's extension.
async fn from_headers(
    axum::extract::State(oauth): axum::extract::State<ClerkOAuth<AppUser>>,
    headers: axum::http::HeaderMap,
) -> String {
    oauth
        .user_from_headers(&headers)
        .map_or("nobody".to_owned(), |user| user.id)
}

/// A page only signed-in users may see.
async fn protected(RequireOAuthUser(user): RequireOAuthUser<AppUser>) -> String {
    format!("protected page for {}", user.id)
}

/// Reads the user the way a Leptos server function does: `Parts` in the reactive context.
async fn leptos_me(parts: Parts) -> impl IntoResponse {
    let owner = leptos::prelude::Owner::new();
    let user = owner.with(|| {
        leptos::prelude::provide_context(parts);
        oauth_user::<AppUser>()
    });
    match user {
        Ok(Some(user)) => format!("leptos user {}", user.id),
        Ok(None) => "leptos anonymous".to_owned(),
        Err(error) => format!("leptos error {error}"),
    }
}

/// A browser: keeps cookies, follows no redirects.
pub struct Browser {
    pub client: reqwest::Client,
    pub jar: Arc<Jar>,
}

impl Browser {
    /// A fresh browser with an empty cookie jar.
    pub fn new() -> Self {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { client, jar }
    }

    /// GET `url`.
    pub async fn get(&self, url: &str) -> Response {
        self.client.get(url).send().await.unwrap()
    }

    /// POST `url` (empty form body).
    pub async fn post(&self, url: &str) -> Response {
        self.client.post(url).send().await.unwrap()
    }

    /// The value of cookie `name` the browser would send to `url`.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        let header = self.jar.cookies(&Url::parse(url).unwrap())?;
        header.to_str().unwrap().split("; ").find_map(|pair| {
            pair.split_once('=')
                .filter(|(k, _)| *k == name)
                .map(|(_, v)| v.to_owned())
        })
    }

    /// Stores a cookie as if `url` had set it.
    pub fn set_cookie(&self, url: &str, cookie: &str) {
        self.jar.add_cookie_str(cookie, &Url::parse(url).unwrap());
    }
}

/// The `Location` header.
pub fn location(response: &Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// All `Set-Cookie` headers.
pub fn set_cookies(response: &Response) -> Vec<String> {
    let all = response.headers().get_all("set-cookie");
    all.iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

/// The `Set-Cookie` header for `name`, if any.
pub fn set_cookie_for(response: &Response, name: &str) -> Option<String> {
    set_cookies(response)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
}

/// Hops 1–2: `/auth/clerk/login?<query>` → provider authorize → the callback URL (not visited).
pub async fn callback_url(browser: &Browser, app: &TestApp, query: &str) -> String {
    let login = browser
        .get(&app.url(&format!("/auth/clerk/login?{query}")))
        .await;
    assert_eq!(login.status(), 303, "login redirects to the provider");
    let authorize = browser.get(&location(&login)).await;
    assert_eq!(authorize.status(), 307, "the provider redirects back");
    location(&authorize)
}

/// A complete login; returns the callback response (a 303 on success).
pub async fn login(browser: &Browser, app: &TestApp, query: &str) -> Response {
    let callback = callback_url(browser, app, query).await;
    browser.get(&callback).await
}

/// Asserts that the browser holds no session and the app sees nobody.
pub async fn assert_signed_out(browser: &Browser, app: &TestApp) {
    assert_eq!(
        browser.cookie(&app.base, SESSION),
        None,
        "no session cookie"
    );
    assert_eq!(browser.get(&app.url("/me")).await.status(), 401);
    assert_eq!(
        browser.get(&app.url("/maybe")).await.text().await.unwrap(),
        "anonymous"
    );
    let direct = browser.get(&app.url("/from-headers")).await;
    assert_eq!(direct.text().await.unwrap(), "nobody");
}
