//! What `<UserProfile/>` does: password change, active sessions, revoking, deleting the account.

mod common;

use common::*;
use serde_json::Value;

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_can_sign_out_other_devices() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let laptop = browser(&app);
    let phone = browser(&app);
    let laptop_session = sign_in(&laptop, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let phone_session = sign_in(&phone, &app, DEMO_EMAIL, DEMO_PASSWORD).await;

    let form = [
        ("current_password", "not-it-at-all"),
        ("new_password", "brand-new-password"),
    ];
    let (status, body) = fapi(&laptop, &app, "POST", "/v1/me/change_password", &form).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "form_password_incorrect")
    );

    let form = [
        ("current_password", DEMO_PASSWORD),
        ("new_password", "brand-new-password"),
        ("sign_out_of_other_sessions", "true"),
    ];
    let (status, body) = fapi(&laptop, &app, "POST", "/v1/me/change_password", &form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["password_enabled"], true);

    let tokens = |sid: &str| format!("/v1/client/sessions/{sid}/tokens");
    let (status, _) = fapi(&phone, &app, "POST", &tokens(&phone_session), &[]).await;
    assert_eq!(status, 401, "the other device was signed out");
    let (status, _) = fapi(&laptop, &app, "POST", &tokens(&laptop_session), &[]).await;
    assert_eq!(status, 200, "the current device stays signed in");

    let other = browser(&app);
    let form = [
        ("identifier", DEMO_EMAIL),
        ("password", DEMO_PASSWORD),
        ("strategy", "password"),
    ];
    let (status, _) = fapi(&other, &app, "POST", "/v1/client/sign_ins", &form).await;
    assert_eq!(status, 422, "the old password no longer works");
    sign_in(&other, &app, DEMO_EMAIL, "brand-new-password").await;
}

#[tokio::test]
async fn active_sessions_are_listed_and_can_be_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let laptop = browser(&app);
    let phone = browser(&app);
    sign_in(&laptop, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let phone_session = sign_in(&phone, &app, DEMO_EMAIL, DEMO_PASSWORD).await;

    let (status, body) = fapi(&laptop, &app, "GET", "/v1/me/sessions/active", &[]).await;
    assert_eq!(status, 200, "{body}");
    let sessions = body.as_array().expect("a bare array, as ClerkJS expects");
    assert_eq!(sessions.len(), 2);
    assert!(sessions
        .iter()
        .all(|s| s["latest_activity"]["is_mobile"] == false));

    let path = format!("/v1/me/sessions/{phone_session}/revoke");
    let (status, body) = fapi(&laptop, &app, "POST", &path, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["status"], "revoked");
    let (_, body) = fapi(&laptop, &app, "GET", "/v1/me/sessions/active", &[]).await;
    assert_eq!(body.as_array().unwrap().len(), 1);
    let (_, client) = fapi(&phone, &app, "GET", "/v1/client", &[]).await;
    assert_eq!(client["response"]["sessions"], Value::Array(vec![]));

    // Someone else's session cannot be revoked.
    let stranger = browser(&app);
    let form = [
        ("email_address", "s@example.com"),
        ("password", "strangers-password"),
    ];
    let _ = fapi(&stranger, &app, "POST", "/v1/client/sign_ups", &form).await;
    let (status, _) = fapi(&stranger, &app, "POST", &path, &[]).await;
    assert_eq!(status, 401, "not signed in");
}

#[tokio::test]
async fn deleting_the_account_removes_the_user_and_signs_out() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let session_id = sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let (status, body) = fapi(&browser, &app, "DELETE", "/v1/me", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["deleted"], true);
    assert_eq!(body["client"]["sessions"], Value::Array(vec![]));
    let path = format!("/v1/client/sessions/{session_id}/tokens");
    let (status, _) = fapi(&browser, &app, "POST", &path, &[]).await;
    assert_eq!(status, 401);
    let form = [
        ("identifier", DEMO_EMAIL),
        ("password", DEMO_PASSWORD),
        ("strategy", "password"),
    ];
    let (status, body) = fapi(&browser, &app, "POST", "/v1/client/sign_ins", &form).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "form_identifier_not_found")
    );
}
