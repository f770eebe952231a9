//! The app with "real" keys whose Clerk is an external process: the local dev instance served on
//! its own port (as `clerk-dev-instance` does), its Frontend API reached through the app's
//! Frontend API proxy, its Backend API (JWKS) directly. Sign-in happens through the proxy; the
//! session token it returns authenticates `/api/me`.

mod app_support;

use std::future::pending;

use app_support::leptos_options;
use clerk_dev_instance::{DevInstance, DevInstanceConfig};
use leptos_clerk::server::{Clerk, ClerkConfig, FrontendApiProxy, ProxyOptions};

// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::server::{build_router_with, serve, ClerkSetup, DrainSettings, Draining};
// {% endif %}{{nl}}use {{crate_name}}::server::{build_router_with, serve, ClerkSetup, DrainSettings, Draining};

use serde_json::{json, Value};

const EMAIL: &str = "proxied@example.com";
const PASSWORD: &str = "proxied-password-123";

/// The app and the external instance it proxies, both running.
struct Stack {
    origin: String,
    instance_url: String,
    instance: DevInstance,
    _dir: tempfile::TempDir,
}

async fn start_stack() -> Stack {
    let app_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_addr = app_listener.local_addr().unwrap();
    let origin = format!("http://{app_addr}");

    // The external instance, at the root of its own port (bound first: like the
    // `clerk-dev-instance` binary, it answers only requests whose Host is that address).
    let dir = tempfile::tempdir().unwrap();
    let instance_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let instance_addr = instance_listener.local_addr().unwrap();
    let instance_url = format!("http://{instance_addr}");
    let mut instance_config = DevInstanceConfig::new(dir.path(), vec![origin.clone()]);
    instance_config.bind_addr = Some(instance_addr);
    let instance = DevInstance::open(instance_config).unwrap();
    let instance_router = instance.router();
    tokio::spawn(async move { axum::serve(instance_listener, instance_router).await });

    // The app: keys of that instance, its Backend API, the proxy to its Frontend API.
    let mut config = ClerkConfig::new(instance.publishable_key(), instance.secret_key());
    config.api_url = format!("{instance_url}/api");
    config.proxy_url = Some("/__clerk".into());
    config.authorized_parties = vec![origin.clone()];
    let clerk = Clerk::new(config).unwrap();
    let proxy = FrontendApiProxy::new(
        &clerk,
        ProxyOptions::from_lookup("/__clerk", |name| {
            (name == "CLERK_FRONTEND_API_URL").then(|| instance_url.clone())
        })
        .unwrap()
        .unwrap(),
    )
    .unwrap();
    let setup = ClerkSetup {
        frontend_api_proxy: Some(proxy),
        ..ClerkSetup::from(clerk)
    };
    let draining = Draining::default();
    let router = build_router_with(leptos_options(app_addr), setup, draining.clone());
    tokio::spawn(serve(
        app_listener,
        router,
        pending(),
        draining,
        DrainSettings::default(),
    ));
    Stack {
        origin,
        instance_url,
        instance,
        _dir: dir,
    }
}

/// `GET /__clerk/v1/environment` on the app, ClerkJS's first call.
async fn environment_through_proxy(http: &reqwest::Client, origin: &str) -> reqwest::Response {
    http.get(format!("{origin}/__clerk/v1/environment"))
        .header("origin", origin)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sign_in_through_the_proxy_against_an_external_dev_instance() {
    let Stack {
        origin,
        instance_url,
        instance,
        _dir,
    } = start_stack().await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let ready = http.get(format!("{origin}/readyz")).send().await.unwrap();
    assert_eq!(
        ready.status(),
        200,
        "the JWKS came from the external Backend API"
    );

    let created = http
        .post(format!("{instance_url}/api/v1/users"))
        .bearer_auth(instance.secret_key())
        .json(&json!({ "email_address": [EMAIL], "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let user_id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // ClerkJS's first calls, through the proxy; the instance's client cookie comes back.
    let environment = environment_through_proxy(&http, &origin).await;
    assert_eq!(environment.status(), 200);
    let signed_in = http
        .post(format!("{origin}/__clerk/v1/client/sign_ins"))
        .header("origin", &origin)
        .form(&[
            ("identifier", EMAIL),
            ("password", PASSWORD),
            ("strategy", "password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    assert!(
        signed_in.headers().get("set-cookie").is_some(),
        "the instance's client cookie passes through"
    );
    let body: Value = signed_in.json().await.unwrap();
    let session = &body["client"]["sessions"][0];
    let token = session["last_active_token"]["jwt"].as_str().unwrap();

    let me = http
        .get(format!("{origin}/api/me"))
        .bearer_auth(token)
        .header("origin", &origin)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["user_id"], user_id.as_str());
    assert_eq!(me["is_authenticated"], true);
}

/// The proxy reaches the instance's Frontend API only: its dev page (the secret key) and its
/// Backend API are out of reach through the app, and no answer carries the secret key.
#[tokio::test]
async fn the_dev_page_and_backend_api_are_not_reachable_through_the_proxy() {
    let Stack {
        origin, instance, ..
    } = start_stack().await;
    let secret = instance.secret_key();
    let http = reqwest::Client::new();
    let mut answers = Vec::new();
    for (method, path, status) in [
        ("GET", "/__clerk/dev", 404),
        ("GET", "/__clerk/api/v1/users", 404),
        ("PATCH", "/__clerk/api/v1/users/user_x", 404),
        ("GET", "/__clerk/", 404),
        // A Frontend API path with the secret key in Authorization never goes upstream.
        ("GET", "/__clerk/v1/environment", 403),
    ] {
        let response = http
            .request(method.parse().unwrap(), format!("{origin}{path}"))
            .bearer_auth(&secret)
            .header("origin", &origin)
            .json(&json!({ "password": "taken-over-123456" }))
            .send()
            .await
            .unwrap();
        let got = response.status().as_u16();
        let headers = format!("{:?}", response.headers());
        let body = response.text().await.unwrap();
        assert_eq!(got, status, "{method} {path}: {body}");
        answers.push(format!("{headers}\n{body}"));
    }
    // The Frontend API itself still answers through the proxy.
    let environment = environment_through_proxy(&http, &origin).await;
    assert_eq!(environment.status(), 200);
    answers.push(environment.text().await.unwrap());
    for answer in &answers {
        assert!(!answer.contains(&secret), "the secret key leaked: {answer}");
        assert!(
            !answer.contains("sk_test_"),
            "a secret key leaked: {answer}"
        );
    }
}
