//! ClerkJS-style flows over real HTTP: sign-up, sign-in, tokens, sign-out, `me`.

mod common;

use common::*;
use serde_json::Value;

#[tokio::test]
async fn sign_up_with_the_code_from_the_dev_page_creates_a_signed_in_user() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);

    let (status, client) = fapi(&browser, &app, "GET", "/v1/client", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(client["response"]["sessions"], Value::Array(vec![]));

    let (status, body) = fapi(
        &browser,
        &app,
        "POST",
        "/v1/client/sign_ups",
        &[
            ("email_address", "new.user@example.com"),
            ("password", "a-long-password-123"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let sign_up = &body["response"];
    assert_eq!(sign_up["status"], "missing_requirements");
    assert_eq!(sign_up["unverified_fields"][0], "email_address");
    let id = sign_up["id"].as_str().unwrap().to_string();

    let prepare = format!("/v1/client/sign_ups/{id}/prepare_verification");
    let (status, body) = fapi(
        &browser,
        &app,
        "POST",
        &prepare,
        &[("strategy", "email_code")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["response"]["verifications"]["email_address"]["status"],
        "unverified"
    );

    let code = code_from_dev_page(&app, "new.user@example.com").await;
    assert!(
        code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()),
        "code {code:?}"
    );
    let wrong = if code == "000000" { "111111" } else { "000000" };

    let attempt = format!("/v1/client/sign_ups/{id}/attempt_verification");
    let form = [("strategy", "email_code"), ("code", wrong)];
    let (status, body) = fapi(&browser, &app, "POST", &attempt, &form).await;
    assert_eq!((status, error_code(&body)), (422, "form_code_incorrect"));
    assert_eq!(body["errors"][0]["meta"]["param_name"], "code");

    let form = [("strategy", "email_code"), ("code", code.as_str())];
    let (status, body) = fapi(&browser, &app, "POST", &attempt, &form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["status"], "complete");
    let session_id = body["response"]["created_session_id"].as_str().unwrap();
    let sessions = body["client"]["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["id"], session_id);
    assert_eq!(
        sessions[0]["user"]["email_addresses"][0]["email_address"],
        "new.user@example.com"
    );
    assert_eq!(body["client"]["sign_up"], Value::Null);

    // The same email cannot sign up twice.
    let form = [
        ("email_address", "NEW.user@example.com"),
        ("password", "another-password"),
    ];
    let (status, body) = fapi(&browser, &app, "POST", "/v1/client/sign_ups", &form).await;
    assert_eq!((status, error_code(&body)), (422, "form_identifier_exists"));
}

#[tokio::test]
async fn sign_up_rejects_bad_emails_and_short_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let form = [
        ("email_address", "not-an-email"),
        ("password", "a-long-password"),
    ];
    let (status, body) = fapi(&browser, &app, "POST", "/v1/client/sign_ups", &form).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "form_param_format_invalid")
    );
    let form = [
        ("email_address", "short@example.com"),
        ("password", "short"),
    ];
    let (status, body) = fapi(&browser, &app, "POST", "/v1/client/sign_ups", &form).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "form_password_length_too_short")
    );
    assert_eq!(body["errors"][0]["meta"]["param_name"], "password");
}

#[tokio::test]
async fn sign_in_reports_unknown_identifiers_and_wrong_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);

    let form = [
        ("identifier", "nobody@example.com"),
        ("password", "x"),
        ("strategy", "password"),
    ];
    let (status, body) = fapi(&browser, &app, "POST", "/v1/client/sign_ins", &form).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "form_identifier_not_found")
    );

    let form = [
        ("identifier", DEMO_EMAIL),
        ("password", "wrong-password"),
        ("strategy", "password"),
    ];
    let (status, body) = fapi(&browser, &app, "POST", "/v1/client/sign_ins", &form).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "form_password_incorrect")
    );
    let (_, client) = fapi(&browser, &app, "GET", "/v1/client", &[]).await;
    assert_eq!(client["response"]["sessions"].as_array().unwrap().len(), 0);

    let session_id = sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let (_, client) = fapi(&browser, &app, "GET", "/v1/client", &[]).await;
    assert_eq!(
        client["response"]["last_active_session_id"],
        session_id.as_str()
    );
    assert_eq!(client["response"]["sessions"][0]["status"], "active");
}

#[tokio::test]
async fn two_step_sign_in_goes_through_attempt_first_factor() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let (status, body) = fapi(
        &browser,
        &app,
        "POST",
        "/v1/client/sign_ins",
        &[("identifier", DEMO_EMAIL)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["status"], "needs_first_factor");
    assert_eq!(
        body["response"]["supported_first_factors"][0]["strategy"],
        "password"
    );
    let id = body["response"]["id"].as_str().unwrap();
    let path = format!("/v1/client/sign_ins/{id}/attempt_first_factor");

    let form = [("strategy", "password"), ("password", "nope-nope-nope")];
    let (status, body) = fapi(&browser, &app, "POST", &path, &form).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "form_password_incorrect")
    );

    let form = [("strategy", "password"), ("password", DEMO_PASSWORD)];
    let (status, body) = fapi(&browser, &app, "POST", &path, &form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["status"], "complete");
    assert_eq!(
        body["response"]["first_factor_verification"]["status"],
        "verified"
    );
    assert!(body["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .starts_with("sess_"));
}

#[tokio::test]
async fn tokens_verify_against_the_jwks_and_sign_out_ends_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let session_id = sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;

    let (status, _) = fapi(
        &browser,
        &app,
        "POST",
        &format!("/v1/client/sessions/{session_id}/touch"),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    let path = format!("/v1/client/sessions/{session_id}/tokens");
    let (status, body) = fapi(&browser, &app, "POST", &path, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["object"], "token");
    let claims = verify_token(&app, body["jwt"].as_str().unwrap()).await;
    assert_eq!(claims["sid"], session_id.as_str());
    assert!(claims["sub"].as_str().unwrap().starts_with("user_"));
    assert_eq!(claims["azp"], app.base.as_str());
    assert_eq!(claims["v"], 2);
    assert_eq!(claims["sts"], "active");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        60
    );
    assert!(claims["nbf"].as_i64().unwrap() < claims["iat"].as_i64().unwrap());

    let (status, body) = fapi(&browser, &app, "POST", &format!("{path}/supabase"), &[]).await;
    assert_eq!(status, 200);
    verify_token(&app, body["jwt"].as_str().unwrap()).await;

    // A token request from another browser (another client) is refused.
    let stranger = common::browser(&app);
    let (status, body) = fapi(&stranger, &app, "POST", &path, &[]).await;
    assert_eq!((status, error_code(&body)), (401, "signed_out"));

    let (status, body) = fapi(&browser, &app, "DELETE", "/v1/client/sessions", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["sessions"].as_array().unwrap().len(), 0);
    assert_eq!(body["response"]["last_active_session_id"], Value::Null);
    let (status, body) = fapi(&browser, &app, "POST", &path, &[]).await;
    assert_eq!((status, error_code(&body)), (401, "signed_out"));
}

#[tokio::test]
async fn ending_a_session_removes_it_from_the_client() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let session_id = sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let path = format!("/v1/client/sessions/{session_id}/end");
    let (status, body) = fapi(&browser, &app, "POST", &path, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["status"], "ended");
    assert_eq!(body["response"]["last_active_token"], Value::Null);
    assert_eq!(body["client"]["sessions"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn me_reads_and_updates_the_signed_in_user() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);

    let (status, body) = fapi(&browser, &app, "GET", "/v1/me", &[]).await;
    assert_eq!((status, error_code(&body)), (401, "signed_out"));

    let session_id = sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let me = format!("/v1/me?_clerk_session_id={session_id}");
    let (status, body) = fapi(&browser, &app, "GET", &me, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["first_name"], "Demo");

    let form = [
        ("first_name", "Renamed"),
        ("last_name", "Person"),
        ("unsafe_metadata", r#"{"theme":"dark"}"#),
    ];
    let (status, body) = fapi(&browser, &app, "PATCH", &me, &form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["first_name"], "Renamed");
    assert_eq!(body["response"]["unsafe_metadata"]["theme"], "dark");
    let (_, body) = fapi(&browser, &app, "GET", &me, &[]).await;
    assert_eq!(body["response"]["last_name"], "Person");

    let form = [("unsafe_metadata", "not json")];
    let (status, body) = fapi(&browser, &app, "PATCH", &me, &form).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "form_param_format_invalid")
    );
}

#[tokio::test]
async fn environment_offers_only_password_and_email_code() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let (status, env) = fapi(&browser, &app, "PATCH", "/v1/environment", &[]).await;
    assert_eq!(status, 200);
    let attributes = &env["user_settings"]["attributes"];
    assert_eq!(attributes["password"]["enabled"], true);
    assert_eq!(
        attributes["email_address"]["verifications"][0],
        "email_code"
    );
    for off in [
        "phone_number",
        "username",
        "web3_wallet",
        "passkey",
        "authenticator_app",
    ] {
        assert_eq!(attributes[off]["enabled"], false, "{off}");
    }
    assert_eq!(env["user_settings"]["social"], serde_json::json!({}));
    assert_eq!(env["organization_settings"]["enabled"], true);
    assert_eq!(env["display_config"]["captcha_public_key"], Value::Null);
    assert_eq!(
        env["display_config"]["sign_in_url"],
        format!("{}/sign-in", app.base)
    );
}

#[tokio::test]
async fn bad_input_never_causes_a_server_error() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let url = format!("{}/__clerk/v1/client/sign_ins", app.base);
    let response = browser.post(&url).body("%%%=&&==%zz").send().await.unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    let (status, _) = fapi(
        &browser,
        &app,
        "POST",
        "/v1/client/sign_ins/sia_nope/attempt_first_factor",
        &[],
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = fapi(
        &browser,
        &app,
        "POST",
        "/v1/client/sessions/sess_nope/tokens",
        &[],
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = fapi(&browser, &app, "GET", "/v1/does-not-exist", &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_client_cookie_is_http_only_and_destroying_the_client_signs_out() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let plain = reqwest::Client::new();
    let response = plain
        .get(format!("{}/__clerk/v1/client", app.base))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("__clerk_dev_client=client_"), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }

    let browser = browser(&app);
    let session_id = sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let (status, body) = fapi(&browser, &app, "POST", "/v1/dev_browser", &[]).await;
    assert_eq!(status, 200);
    assert!(body["id"].as_str().unwrap().starts_with("dvb_"));

    let (status, body) = fapi(&browser, &app, "DELETE", "/v1/client", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["deleted"], true);
    let path = format!("/v1/client/sessions/{session_id}/tokens");
    let (status, _) = fapi(&browser, &app, "POST", &path, &[]).await;
    assert_eq!(status, 401);
    let (_, client) = fapi(&browser, &app, "GET", "/v1/client", &[]).await;
    assert_eq!(client["response"]["sessions"].as_array().unwrap().len(), 0);
}
