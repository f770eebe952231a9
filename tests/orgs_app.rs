//! Organizations through the whole app on 127.0.0.1:0 (Leptos SSR, Clerk layer, the embedded
//! local Clerk dev instance): users sign in and switch organizations through the Frontend API
//! as ClerkJS does, the typed Backend API client manages the organization, and the
//! `require_org_role_in` guard answers the settings page and its server function: 200 for the
//! admin, 403 (page) / 403 JSON (call) for a member, sign-in redirect / 401 when signed out.
#![cfg(all(feature = "ssr", dev_instance))]

mod app_support;

use app_support::{start, App};
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::ServerFn;
use leptos_clerk::server::backend_api::{
    BackendApi, BackendApiConfig, BackendApiError, CreateOrganization, ListOrganizationsParams,
    Page,
};
// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::routes::demo::LoadOrgSettings;
use leptos_clerk_starter::AppError;
// {% endif %}{{nl}}use {{crate_name}}::routes::demo::LoadOrgSettings;{{nl}}use {{crate_name}}::AppError;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, ORIGIN};
use reqwest::{Client, StatusCode};
use serde_json::Value;

const PASSWORD: &str = "orgs-app-password-123";

fn backend_api(app: &App) -> BackendApi {
    let mut config = BackendApiConfig::new(app.secret_key.clone());
    config.api_url = format!("{}/__clerk/api", app.base);
    BackendApi::new(config).unwrap()
}

/// A browser talking to the instance's Frontend API (cookies, the app's `Origin`).
fn browser(app: &App) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(ORIGIN, app.base.parse().unwrap());
    Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn fapi(client: &Client, app: &App, path: &str, form: &[(&str, &str)]) -> Value {
    let url = format!("{}/__clerk{path}", app.base);
    let response = client.post(url).form(form).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// Signs in; returns the session id.
async fn sign_in(client: &Client, app: &App, email: &str) -> String {
    let form = [
        ("identifier", email),
        ("password", PASSWORD),
        ("strategy", "password"),
    ];
    let body = fapi(client, app, "/v1/client/sign_ins", &form).await;
    body["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `setActive({ organization })` then `getToken()`: a fresh session token.
async fn token_for(client: &Client, app: &App, session: &str, org: &str) -> String {
    let touch = format!("/v1/client/sessions/{session}/touch");
    fapi(client, app, &touch, &[("active_organization_id", org)]).await;
    let body = fapi(
        client,
        app,
        &format!("/v1/client/sessions/{session}/tokens"),
        &[],
    )
    .await;
    body["jwt"].as_str().unwrap().to_owned()
}

async fn me(app: &App, token: &str) -> Value {
    let response = Client::new()
        .get(format!("{}/api/me", app.base))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Loads the settings page of `slug` as a document, with `token` if any.
async fn settings_page(
    app: &App,
    slug: &str,
    token: Option<&str>,
) -> (StatusCode, String, Option<String>) {
    let mut request = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/orgs/{slug}/settings", app.base))
        .header(ACCEPT, "text/html")
        .header("sec-fetch-dest", "document");
    request = match token {
        Some(token) => request.header(AUTHORIZATION, format!("Bearer {token}")),
        // A development browser that never signed in (no handshake needed).
        None => request.header("cookie", "__clerk_db_jwt=dvb_test; __client_uat=0"),
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    (status, response.text().await.unwrap(), location)
}

/// Calls the settings loader as the browser's server-function client does.
async fn settings_call(app: &App, slug: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut request = Client::new()
        .post(format!(
            "{}{}",
            app.base,
            <LoadOrgSettings as ServerFn>::PATH
        ))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT, "application/json")
        .body(format!("slug={slug}"));
    if let Some(token) = token {
        request = request.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn organization_roles_gate_the_settings_page_and_its_server_function() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let api = backend_api(&app);

    // Users and the organization, through the typed Backend API client.
    let mut ids = Vec::new();
    for email in ["ada@example.com", "bea@example.com"] {
        let user = api
            .users()
            .create(&leptos_clerk::server::backend_api::CreateUser {
                email_address: vec![email.into()],
                password: Some(PASSWORD.into()),
                ..Default::default()
            })
            .await
            .unwrap();
        ids.push(user.id);
    }
    let (ada_id, bea_id) = (ids[0].clone(), ids[1].clone());
    let orgs = api.organizations();
    let error = orgs
        .create(&CreateOrganization::default())
        .await
        .unwrap_err();
    let BackendApiError::Unprocessable(errors) = &error else {
        panic!("an empty name must be a 422, got {error:?}");
    };
    assert_eq!(errors.errors[0].param_name(), Some("name"));
    let acme = orgs
        .create(&CreateOrganization {
            name: "Acme".into(),
            slug: Some("acme".into()),
            created_by: Some(ada_id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((acme.slug.as_str(), acme.members_count), ("acme", Some(1)));
    assert_eq!(orgs.get("acme").await.unwrap().id, acme.id);
    let listed = orgs
        .list(&ListOrganizationsParams::default())
        .await
        .unwrap();
    assert_eq!(listed.total_count, 1);
    let bea_membership = orgs
        .create_membership(&acme.id, &bea_id, "org:member")
        .await
        .unwrap();
    assert_eq!(bea_membership.role, "org:member");
    assert_eq!(bea_membership.permissions, ["org:sys_memberships:read"]);
    let mine = api
        .users()
        .organization_memberships(&bea_id, &Page::default())
        .await
        .unwrap();
    assert_eq!(mine.data[0].organization.slug, "acme");

    let ada = browser(&app);
    let ada_session = sign_in(&ada, &app, "ada@example.com").await;
    let bea = browser(&app);
    let bea_session = sign_in(&bea, &app, "bea@example.com").await;
    let ada_token = token_for(&ada, &app, &ada_session, &acme.id).await;
    let bea_token = token_for(&bea, &app, &bea_session, &acme.id).await;

    // The server's view of real tokens.
    let ada_me = me(&app, &ada_token).await;
    assert_eq!(
        (
            ada_me["org_id"].as_str(),
            ada_me["org_slug"].as_str(),
            ada_me["org_role"].as_str()
        ),
        (Some(acme.id.as_str()), Some("acme"), Some("org:admin"))
    );
    assert_eq!(me(&app, &bea_token).await["org_role"], "org:member");

    // The admin gets the page (organization and members read through the Backend API).
    let (status, html, _) = settings_page(&app, "acme", Some(&ada_token)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("id=\"org-settings\"")
            && html.contains("Acme</h1>")
            && html.contains("bea@example.com"),
        "{html}"
    );
    let (status, body) = settings_call(&app, "acme", Some(&ada_token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let settings: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(settings["members"].as_array().unwrap().len(), 2);

    // /orgs: the server's view, the admin-only link rendered from the SSR state (`<Show>`),
    // and the placeholders ClerkJS mounts its organization components into.
    let orgs_page = |token: String| {
        let url = format!("{}/orgs", app.base);
        async move {
            let response = Client::new()
                .get(url)
                .header(ACCEPT, "text/html")
                .header(AUTHORIZATION, format!("Bearer {token}"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.text().await.unwrap()
        }
    };
    let html = orgs_page(ada_token.clone()).await;
    assert!(
        html.contains("id=\"org-settings-link\"") && html.contains("/orgs/acme/settings"),
        "{html}"
    );
    for mount in [
        "organization-switcher",
        "organization-list",
        "create-organization",
    ] {
        assert!(
            html.contains(&format!("data-cl-mount=\"{mount}\"")),
            "{mount}"
        );
    }
    let html = orgs_page(bea_token.clone()).await;
    assert!(
        html.contains("org:member") && !html.contains("org-settings-link"),
        "{html}"
    );

    // A member: 403 page, 403 call with the typed error.
    let (status, html, _) = settings_page(&app, "acme", Some(&bea_token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("403") && html.contains("org:admin"), "{html}");
    let (status, body) = settings_call(&app, "acme", Some(&bea_token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let error = AppError::de(body.clone().into());
    assert!(
        matches!(&error, AppError::Forbidden(reason) if reason.contains("org:admin")),
        "{body}"
    );

    // Signed out: a redirect to sign-in that comes back (page), a 401 (call).
    let (status, _, location) = settings_page(&app, "acme", None).await;
    assert!(status.is_redirection(), "{status}");
    let location = location.unwrap();
    assert!(
        location.contains("/sign-in") && location.contains("redirect_url"),
        "{location}"
    );
    let (status, body) = settings_call(&app, "acme", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        AppError::de(body.into()),
        AppError::SignedOut { sign_in_url: None }
    );

    // The admin on the personal account, or on another organization's URL: 403.
    let personal = token_for(&ada, &app, &ada_session, "").await;
    assert!(me(&app, &personal).await["org_id"].is_null());
    let (status, html, _) = settings_page(&app, "acme", Some(&personal)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    let (status, _, _) = settings_page(&app, "globex", Some(&ada_token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Promoted: Bea's next token opens the page.
    let promoted = orgs
        .update_membership(&acme.id, &bea_id, "org:admin")
        .await
        .unwrap();
    assert_eq!(promoted.role, "org:admin");
    let bea_token = token_for(&bea, &app, &bea_session, &acme.id).await;
    let (status, _, _) = settings_page(&app, "acme", Some(&bea_token)).await;
    assert_eq!(status, StatusCode::OK);

    // Removed, then the organization deleted.
    let removed = orgs.delete_membership(&acme.id, &bea_id).await.unwrap();
    assert_eq!(removed.user_id(), Some(bea_id.as_str()));
    let tokens = format!("/v1/client/sessions/{bea_session}/tokens");
    let body = fapi(&bea, &app, &tokens, &[]).await;
    let bea_token = body["jwt"].as_str().unwrap();
    assert!(
        me(&app, bea_token).await["org_id"].is_null(),
        "no longer a member"
    );
    assert!(orgs.delete(&acme.id).await.unwrap().deleted);
    assert!(matches!(
        orgs.get("acme").await,
        Err(BackendApiError::NotFound(_))
    ));
}
