//! Organizations through the Frontend API, the way ClerkJS's organization components call it:
//! create, activate on the session (tokens carry Clerk's v2 `o` claim), invite by email with
//! the invitation in the dev mailbox, accept, change roles, permissions, leave, delete.

mod common;

use common::*;
use serde_json::{json, Value};

async fn create_user(app: &TestApp, email: &str, password: &str) -> String {
    let url = format!("{}/v1/users", app.instance.backend_api_url(&app.base));
    let user: Value = reqwest::Client::new()
        .post(url)
        .bearer_auth(app.instance.secret_key())
        .json(&json!({ "email_address": [email], "password": password, "first_name": "Bea" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    user["id"].as_str().expect("user id").to_string()
}

/// A fresh token of `session`, as `session.getToken()` fetches it (optionally for an
/// organization), verified against the JWKS.
async fn token_claims(
    browser: &reqwest::Client,
    app: &TestApp,
    session: &str,
    form: &[(&str, &str)],
) -> Value {
    let path = format!("/v1/client/sessions/{session}/tokens");
    let (status, body) = fapi(browser, app, "POST", &path, form).await;
    assert_eq!(status, 200, "{body}");
    verify_token(app, body["jwt"].as_str().expect("jwt")).await
}

async fn set_active(
    browser: &reqwest::Client,
    app: &TestApp,
    session: &str,
    org: &str,
) -> (u16, Value) {
    let path = format!("/v1/client/sessions/{session}/touch");
    fapi(
        browser,
        app,
        "POST",
        &path,
        &[("active_organization_id", org)],
    )
    .await
}

#[tokio::test]
async fn the_environment_turns_organizations_on() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let (status, env) = fapi(&browser(&app), &app, "GET", "/v1/environment", &[]).await;
    assert_eq!(status, 200);
    let settings = &env["organization_settings"];
    assert_eq!(settings["enabled"], true);
    assert_eq!(settings["creator_role"], "org:admin");
    assert_eq!(settings["slug"]["disabled"], false);
    assert_eq!(settings["domains"]["enabled"], false);
    assert_eq!(env["user_settings"]["actions"]["create_organization"], true);
}

#[tokio::test]
async fn an_organization_flow_from_creation_to_deletion() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let ada = browser(&app);
    let ada_session = sign_in(&ada, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let bea_id = create_user(&app, "bea@example.com", "bea-password-123").await;
    let bea = browser(&app);
    let bea_session = sign_in(&bea, &app, "bea@example.com", "bea-password-123").await;

    // Create: an empty name is refused in Clerk's envelope; then "Acme".
    let (status, error) = fapi(&ada, &app, "POST", "/v1/organizations", &[("name", " ")]).await;
    assert_eq!((status, error_code(&error)), (422, "form_param_missing"));
    assert_eq!(error["errors"][0]["meta"]["param_name"], "name");
    let (status, body) = fapi(&ada, &app, "POST", "/v1/organizations", &[("name", "Acme")]).await;
    assert_eq!(status, 200, "{body}");
    let org = &body["response"];
    let org_id = org["id"].as_str().unwrap().to_string();
    assert_eq!(
        (org["slug"].as_str(), org["members_count"].as_i64()),
        (Some("acme"), Some(1))
    );
    assert!(
        org.get("private_metadata").is_none(),
        "no private metadata in FAPI"
    );
    // The client in the answer lists the new membership on the user.
    let memberships = &body["client"]["sessions"][0]["user"]["organization_memberships"];
    assert_eq!(memberships[0]["role"], "org:admin");
    assert_eq!(memberships[0]["organization"]["id"], org_id.as_str());

    let (status, mine) = fapi(
        &ada,
        &app,
        "GET",
        "/v1/me/organization_memberships?paginated=true&limit=10&offset=0",
        &[],
    )
    .await;
    assert_eq!(
        (status, mine["response"]["total_count"].as_i64()),
        (200, Some(1))
    );
    let (_, bare) = fapi(&ada, &app, "GET", "/v1/me/organization_memberships", &[]).await;
    assert!(bare["response"].is_array());

    // Before activation the token has no organization.
    let claims = token_claims(&ada, &app, &ada_session, &[]).await;
    assert!(claims.get("o").is_none(), "{claims}");

    // setActive({ organization }): touch with active_organization_id.
    let (status, touched) = set_active(&ada, &app, &ada_session, &org_id).await;
    assert_eq!(status, 200, "{touched}");
    assert_eq!(
        touched["response"]["last_active_organization_id"],
        org_id.as_str()
    );
    let jwt = touched["response"]["last_active_token"]["jwt"]
        .as_str()
        .unwrap();
    let claims = verify_token(&app, jwt).await;
    assert_eq!(claims["v"], 2);
    assert_eq!(
        claims["o"],
        json!({ "id": org_id, "slg": "acme", "rol": "admin" })
    );
    let claims = token_claims(&ada, &app, &ada_session, &[]).await;
    assert_eq!(claims["o"]["id"], org_id.as_str(), "the session keeps it");
    // getToken({ organizationId: null }) sends an empty organization_id: the personal account.
    let claims = token_claims(&ada, &app, &ada_session, &[("organization_id", "")]).await;
    assert!(claims.get("o").is_none());

    // Bea is not a member: she cannot activate it, nor read it.
    let (status, refused) = set_active(&bea, &app, &bea_session, &org_id).await;
    assert_eq!(
        (status, error_code(&refused)),
        (404, "organization_not_found_or_unauthorized")
    );
    let (status, _) = fapi(
        &bea,
        &app,
        "GET",
        &format!("/v1/organizations/{org_id}"),
        &[],
    )
    .await;
    assert_eq!(status, 404);

    // Ada invites Bea (organization.inviteMembers: the bulk endpoint).
    let bulk = format!("/v1/organizations/{org_id}/invitations/bulk");
    let (status, invited) = fapi(
        &ada,
        &app,
        "POST",
        &bulk,
        &[("email_address", "bea@example.com"), ("role", "org:member")],
    )
    .await;
    assert_eq!(status, 200, "{invited}");
    let invitation = &invited["response"][0];
    let invitation_id = invitation["id"].as_str().unwrap().to_string();
    assert_eq!(
        (invitation["status"].as_str(), invitation["role"].as_str()),
        (Some("pending"), Some("org:member"))
    );
    assert_eq!(invitation["public_organization_data"]["name"], "Acme");
    let (status, again) = fapi(
        &ada,
        &app,
        "POST",
        &bulk,
        &[("email_address", "bea@example.com"), ("role", "org:member")],
    )
    .await;
    assert_eq!((status, error_code(&again)), (422, "duplicate_record"));
    let (_, pending) = fapi(
        &ada,
        &app,
        "GET",
        &format!("/v1/organizations/{org_id}/invitations?status=pending"),
        &[],
    )
    .await;
    assert_eq!(pending["response"]["total_count"], 1);
    // The invitation shows in the dev mailbox.
    let dev = reqwest::get(format!("{}/__clerk/dev", app.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        dev.contains(&invitation_id) && dev.contains("invitation to the organization"),
        "{dev}"
    );

    // Bea sees and accepts it.
    let (status, mine) = fapi(
        &bea,
        &app,
        "GET",
        "/v1/me/organization_invitations?status=pending",
        &[],
    )
    .await;
    assert_eq!(
        (status, mine["response"]["total_count"].as_i64()),
        (200, Some(1))
    );
    let accept = format!("/v1/me/organization_invitations/{invitation_id}/accept");
    let (status, accepted) = fapi(&bea, &app, "POST", &accept, &[]).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["response"]["status"], "accepted");
    let (status, _) = fapi(&bea, &app, "POST", &accept, &[]).await;
    assert_eq!(status, 404, "accepted only once");

    // As a member, Bea reads the members but may not rename, invite or delete.
    let (status, touched) = set_active(&bea, &app, &bea_session, &org_id).await;
    assert_eq!(status, 200);
    let claims = verify_token(
        &app,
        touched["response"]["last_active_token"]["jwt"]
            .as_str()
            .unwrap(),
    )
    .await;
    assert_eq!(claims["o"]["rol"], "member");
    let members = format!("/v1/organizations/{org_id}/memberships");
    let (status, list) = fapi(&bea, &app, "GET", &format!("{members}?paginated=true"), &[]).await;
    assert_eq!(
        (status, list["response"]["total_count"].as_i64()),
        (200, Some(2))
    );
    let (status, list) = fapi(&bea, &app, "GET", &format!("{members}?role=org:admin"), &[]).await;
    assert_eq!(
        (status, list["response"]["total_count"].as_i64()),
        (200, Some(1))
    );
    let org_path = format!("/v1/organizations/{org_id}");
    let (status, refused) = fapi(&bea, &app, "PATCH", &org_path, &[("name", "Bea Corp")]).await;
    assert_eq!((status, error_code(&refused)), (403, "not_allowed_access"));
    let (status, _) = fapi(
        &bea,
        &app,
        "POST",
        &bulk,
        &[("email_address", "x@example.com"), ("role", "org:member")],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = fapi(&bea, &app, "DELETE", &org_path, &[]).await;
    assert_eq!(status, 403);

    // Ada promotes Bea: Bea's next token says admin, and Bea may now rename.
    let (status, promoted) = fapi(
        &ada,
        &app,
        "PATCH",
        &format!("{members}/{bea_id}"),
        &[("role", "org:admin")],
    )
    .await;
    assert_eq!(
        (status, promoted["response"]["role"].as_str()),
        (200, Some("org:admin"))
    );
    let claims = token_claims(&bea, &app, &bea_session, &[]).await;
    assert_eq!(claims["o"]["rol"], "admin");
    let (status, renamed) = fapi(
        &bea,
        &app,
        "PATCH",
        &org_path,
        &[("name", "Acme Corp"), ("slug", "acme-corp")],
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    let claims = token_claims(&ada, &app, &ada_session, &[]).await;
    assert_eq!(
        claims["o"]["slg"], "acme-corp",
        "the slug in the claims follows"
    );

    // Roles as OrganizationProfile lists them.
    let (status, roles) = fapi(&ada, &app, "GET", &format!("{org_path}/roles"), &[]).await;
    assert_eq!(status, 200);
    let keys: Vec<&str> = roles["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["org:admin", "org:member"]);

    // Bea leaves: her session falls back to the personal account.
    let (status, left) = fapi(
        &bea,
        &app,
        "DELETE",
        &format!("/v1/me/organization_memberships/{org_id}"),
        &[],
    )
    .await;
    assert_eq!(
        (status, left["response"]["deleted"].as_bool()),
        (200, Some(true))
    );
    let claims = token_claims(&bea, &app, &bea_session, &[]).await;
    assert!(claims.get("o").is_none(), "{claims}");
    // Ada, the last admin, may not leave.
    let (status, last) = fapi(
        &ada,
        &app,
        "DELETE",
        &format!("/v1/me/organization_memberships/{org_id}"),
        &[],
    )
    .await;
    assert_eq!(
        (status, error_code(&last)),
        (422, "organization_minimum_permissions_needed")
    );

    // Ada deletes it: gone, and her tokens no longer carry it.
    let (status, deleted) = fapi(&ada, &app, "DELETE", &org_path, &[]).await;
    assert_eq!(
        (status, deleted["response"]["deleted"].as_bool()),
        (200, Some(true))
    );
    let claims = token_claims(&ada, &app, &ada_session, &[]).await;
    assert!(claims.get("o").is_none());
    let (_, mine) = fapi(
        &ada,
        &app,
        "GET",
        "/v1/me/organization_memberships?paginated=true",
        &[],
    )
    .await;
    assert_eq!(mine["response"]["total_count"], 0);
}

#[tokio::test]
async fn custom_permissions_ride_in_per_and_fpm_and_the_handshake_keeps_the_organization() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_with(dir.path(), |mut config| {
        config.org_permissions = vec![
            clerk_dev_instance::OrgPermission::new(
                "org:invoices:read",
                &["org:admin", "org:member"],
            ),
            clerk_dev_instance::OrgPermission::new("org:invoices:manage", &["org:admin"]),
        ];
        config
    })
    .await;
    let ada = browser(&app);
    let session = sign_in(&ada, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let (_, body) = fapi(
        &ada,
        &app,
        "POST",
        "/v1/organizations",
        &[("name", "Acme"), ("slug", "acme")],
    )
    .await;
    let org_id = body["response"]["id"].as_str().unwrap().to_string();
    set_active(&ada, &app, &session, &org_id).await;
    let claims = token_claims(&ada, &app, &session, &[]).await;
    assert_eq!(claims["fea"], "o:invoices");
    assert_eq!(claims["o"]["per"], "read,manage");
    assert_eq!(claims["o"]["fpm"], "3");
    let membership = &body["client"]["sessions"][0]["user"]["organization_memberships"][0];
    assert!(membership["permissions"]
        .as_array()
        .unwrap()
        .contains(&json!("org:invoices:manage")));

    // The handshake (server-side refresh) mints for the same active organization.
    let response = ada
        .get(format!(
            "{}/__clerk/v1/client/handshake?redirect_url={}/&format=nonce",
            app.base, app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 307);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let nonce = location
        .split("__clerk_handshake_nonce=")
        .nth(1)
        .expect("nonce")
        .split(['&', '#'])
        .next()
        .unwrap()
        .to_string();
    let payload: Value = reqwest::Client::new()
        .get(format!(
            "{}/v1/clients/handshake_payload?nonce={nonce}",
            app.instance.backend_api_url(&app.base)
        ))
        .bearer_auth(app.instance.secret_key())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cookie = payload["directives"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .find(|d| d.starts_with("__session="))
        .expect("session cookie");
    let jwt = cookie
        .trim_start_matches("__session=")
        .split(';')
        .next()
        .unwrap();
    let claims = verify_token(&app, jwt).await;
    assert_eq!(claims["o"]["id"], org_id.as_str());
}
