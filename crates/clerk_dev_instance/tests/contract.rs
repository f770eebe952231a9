//! Contract tests: the objects the instance serves carry every field Clerk's OpenAPI specs
//! (clerk/openapi-specs, `fapi/2025-11-10.yml` and `bapi/2025-11-10.yml`) mark as required, with
//! the JSON type the spec gives. The lists below were written from those specs; a `?` suffix
//! means the spec marks the field nullable.

mod common;

use common::*;
use serde_json::{json, Value};

type Fields = &'static [(&'static str, &'static str)];

/// `Client.User` (FAPI) / `User` (BAPI) required fields.
const USER: Fields = &[
    ("id", "string"),
    ("object", "string"),
    ("username", "string?"),
    ("first_name", "string?"),
    ("last_name", "string?"),
    ("has_image", "boolean"),
    ("primary_email_address_id", "string?"),
    ("primary_phone_number_id", "string?"),
    ("primary_web3_wallet_id", "string?"),
    ("password_enabled", "boolean"),
    ("two_factor_enabled", "boolean"),
    ("totp_enabled", "boolean"),
    ("backup_code_enabled", "boolean"),
    ("email_addresses", "array"),
    ("phone_numbers", "array"),
    ("web3_wallets", "array"),
    ("passkeys", "array"),
    ("external_accounts", "array"),
    ("saml_accounts", "array"),
    ("enterprise_accounts", "array"),
    ("public_metadata", "object"),
    ("external_id", "string?"),
    ("last_sign_in_at", "integer?"),
    ("banned", "boolean"),
    ("locked", "boolean"),
    ("lockout_expires_in_seconds", "integer?"),
    ("verification_attempts_remaining", "integer?"),
    ("created_at", "integer"),
    ("updated_at", "integer"),
    ("delete_self_enabled", "boolean"),
    ("create_organization_enabled", "boolean"),
    ("last_active_at", "integer?"),
    ("mfa_enabled_at", "integer?"),
    ("mfa_disabled_at", "integer?"),
    ("legal_accepted_at", "integer?"),
];
/// BAPI `User` adds these (not required there, but the SDK reads them).
const BACKEND_USER_EXTRA: Fields = &[
    ("private_metadata", "object"),
    ("unsafe_metadata", "object"),
];
/// `Client.EmailAddress` / BAPI `EmailAddress`.
const EMAIL_ADDRESS: Fields = &[
    ("id", "string"),
    ("object", "string"),
    ("email_address", "string"),
    ("verification", "object?"),
    ("linked_to", "array"),
    ("reserved", "boolean"),
    ("created_at", "integer"),
    ("updated_at", "integer"),
];
/// `Client.SessionBase` + `Client.Session`.
const SESSION: Fields = &[
    ("id", "string"),
    ("object", "string"),
    ("status", "string"),
    ("expire_at", "integer"),
    ("abandon_at", "integer"),
    ("last_active_at", "integer"),
    ("last_active_organization_id", "string?"),
    ("public_user_data", "object?"),
    ("factor_verification_age", "array"),
    ("created_at", "integer"),
    ("updated_at", "integer"),
];
/// `Client.PublicUserData`.
const PUBLIC_USER_DATA: Fields = &[
    ("first_name", "string?"),
    ("last_name", "string?"),
    ("identifier", "string"),
    ("has_image", "boolean"),
];
/// `Client.Client`.
const CLIENT: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("sessions", "array"),
    ("sign_in", "object?"),
    ("sign_up", "object?"),
    ("last_active_session_id", "string?"),
    ("last_authentication_strategy", "string?"),
    ("cookie_expires_at", "integer?"),
    ("captcha_bypass", "boolean"),
    ("created_at", "integer"),
    ("updated_at", "integer"),
];
/// `Client.SignIn`.
const SIGN_IN: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("status", "string"),
    ("supported_identifiers", "array"),
    ("supported_first_factors", "array?"),
    ("supported_second_factors", "array?"),
    ("first_factor_verification", "object?"),
    ("second_factor_verification", "object?"),
    ("identifier", "string?"),
    ("user_data", "object?"),
    ("created_session_id", "string?"),
    ("abandon_at", "integer"),
];
/// `Client.SignUp`.
const SIGN_UP: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("status", "string"),
    ("required_fields", "array"),
    ("optional_fields", "array"),
    ("missing_fields", "array"),
    ("unverified_fields", "array"),
    ("verifications", "object"),
    ("username", "string?"),
    ("email_address", "string?"),
    ("phone_number", "string?"),
    ("web3_wallet", "string?"),
    ("password_enabled", "boolean"),
    ("first_name", "string?"),
    ("last_name", "string?"),
    ("custom_action", "boolean"),
    ("external_id", "string?"),
    ("created_session_id", "string?"),
    ("created_user_id", "string?"),
    ("abandon_at", "integer"),
    ("legal_accepted_at", "integer?"),
];
/// `Client.SignUp.Verifications`.
const SIGN_UP_VERIFICATIONS: Fields = &[
    ("email_address", "object?"),
    ("phone_number", "object?"),
    ("web3_wallet", "object?"),
    ("external_account", "object?"),
];
/// `Stubs.Verification.OTP` (`Stubs.Verification.Password` needs only status + strategy).
const OTP_VERIFICATION: Fields = &[
    ("status", "string"),
    ("strategy", "string"),
    ("expire_at", "integer"),
];
/// `Client.Environment` properties ClerkJS needs (the spec lists none as required).
const ENVIRONMENT: Fields = &[
    ("auth_config", "object"),
    ("display_config", "object"),
    ("user_settings", "object"),
    ("organization_settings", "object"),
    ("commerce_settings", "object"),
    ("api_keys_settings", "object"),
    ("maintenance_mode", "boolean"),
    ("partitioned_cookies", "boolean"),
];
/// `Client.AuthConfig`.
const AUTH_CONFIG: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("first_name", "string"),
    ("last_name", "string"),
    ("email_address", "string"),
    ("phone_number", "string"),
    ("username", "string"),
    ("password", "string"),
    ("identification_requirements", "array"),
    ("identification_strategies", "array"),
    ("first_factors", "array"),
    ("second_factors", "array"),
    ("email_address_verification_strategies", "array"),
    ("single_session_mode", "boolean"),
    ("enhanced_email_deliverability", "boolean"),
    ("test_mode", "boolean"),
    ("url_based_session_syncing", "boolean"),
    ("claimed_at", "integer?"),
    ("reverification", "boolean"),
    ("native_settings", "object"),
];
/// `Client.DisplayConfig`.
const DISPLAY_CONFIG: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("instance_environment_type", "string"),
    ("application_name", "string"),
    ("theme", "object"),
    ("preferred_sign_in_strategy", "string"),
    ("home_url", "string"),
    ("sign_in_url", "string"),
    ("sign_up_url", "string"),
    ("user_profile_url", "string"),
    ("waitlist_url", "string"),
    ("oauth_consent_url", "string"),
    ("after_sign_in_url", "string"),
    ("after_sign_up_url", "string"),
    ("after_sign_out_one_url", "string"),
    ("after_sign_out_all_url", "string"),
    ("after_switch_session_url", "string"),
    ("after_join_waitlist_url", "string"),
    ("organization_profile_url", "string"),
    ("create_organization_url", "string"),
    ("after_leave_organization_url", "string"),
    ("after_create_organization_url", "string"),
    ("logo_link_url", "string"),
    ("support_email", "string?"),
    ("branded", "boolean"),
    ("experimental_force_oauth_first", "boolean"),
    ("clerk_js_version", "string?"),
    ("show_devmode_warning", "boolean"),
    ("google_one_tap_client_id", "string?"),
    ("help_url", "string?"),
    ("privacy_policy_url", "string?"),
    ("terms_url", "string?"),
    ("logo_url", "string?"),
    ("favicon_url", "string?"),
    ("logo_image", "object?"),
    ("favicon_image", "object?"),
    ("captcha_public_key", "string?"),
    ("captcha_widget_type", "string?"),
    ("captcha_public_key_invisible", "string?"),
    ("captcha_provider", "string?"),
    ("captcha_oauth_bypass", "array"),
];
/// `Client.UserSettings`.
const USER_SETTINGS: Fields = &[
    ("attributes", "object"),
    ("social", "object"),
    ("saml", "object"),
    ("enterprise_sso", "object"),
    ("sign_in", "object"),
    ("sign_up", "object"),
    ("restrictions", "object"),
    ("password_settings", "object"),
    ("username_settings", "object"),
    ("actions", "object"),
    ("attack_protection", "object"),
    ("passkey_settings", "object"),
];
/// `UserSettings.Attribute`.
const ATTRIBUTE: Fields = &[
    ("enabled", "boolean"),
    ("required", "boolean"),
    ("used_for_first_factor", "boolean"),
    ("first_factors", "array"),
    ("used_for_second_factor", "boolean"),
    ("second_factors", "array"),
    ("verifications", "array"),
    ("verify_at_sign_up", "boolean"),
    ("immutable", "boolean"),
];
/// `UserSettings.PasswordSettings`.
const PASSWORD_SETTINGS: Fields = &[
    ("disable_hibp", "boolean"),
    ("disable_password_reverification", "boolean"),
    ("min_length", "integer"),
    ("max_length", "integer"),
    ("require_special_char", "boolean"),
    ("require_numbers", "boolean"),
    ("require_uppercase", "boolean"),
    ("require_lowercase", "boolean"),
    ("show_zxcvbn", "boolean"),
    ("min_zxcvbn_strength", "integer"),
    ("enforce_hibp_on_sign_in", "boolean"),
    ("allowed_special_characters", "string"),
];
/// `Client.OrganizationSettings`.
const ORGANIZATION_SETTINGS: Fields = &[
    ("enabled", "boolean"),
    ("max_allowed_memberships", "integer"),
    ("actions", "object"),
    ("domains", "object"),
    ("creator_role", "string"),
];

fn type_matches(value: &Value, expected: &str) -> bool {
    let (base, nullable) = match expected.strip_suffix('?') {
        Some(base) => (base, true),
        None => (expected, false),
    };
    match value {
        Value::Null => nullable,
        Value::String(_) => base == "string",
        Value::Bool(_) => base == "boolean",
        Value::Number(n) => base == "integer" && n.is_i64(),
        Value::Array(_) => base == "array",
        Value::Object(_) => base == "object",
    }
}

/// Problems of `object` (named `what`) against `fields`.
fn violations(what: &str, object: &Value, fields: Fields) -> Vec<String> {
    let mut problems = Vec::new();
    if !object.is_object() {
        return vec![format!("{what}: not an object: {object}")];
    }
    for (name, expected) in fields {
        match object.get(*name) {
            None => problems.push(format!("{what}.{name}: missing (expected {expected})")),
            Some(value) if !type_matches(value, expected) => {
                problems.push(format!("{what}.{name}: {value} is not {expected}"))
            }
            Some(_) => {}
        }
    }
    problems
}

fn assert_contract(checks: Vec<Vec<String>>) {
    let problems: Vec<String> = checks.into_iter().flatten().collect();
    assert!(
        problems.is_empty(),
        "contract violations:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_catches_missing_and_mistyped_fields() {
    let object = json!({ "id": 1, "name": null });
    let problems = violations(
        "x",
        &object,
        &[("id", "string"), ("name", "string?"), ("gone", "array")],
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[tokio::test]
async fn fapi_objects_match_the_frontend_api_spec() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);

    let form = [
        ("email_address", "spec@example.com"),
        ("password", "spec-password-1"),
    ];
    let (_, created) = fapi(&browser, &app, "POST", "/v1/client/sign_ups", &form).await;
    let id = created["response"]["id"].as_str().unwrap().to_string();
    let path = format!("/v1/client/sign_ups/{id}/prepare_verification");
    let (_, prepared) = fapi(&browser, &app, "POST", &path, &[("strategy", "email_code")]).await;
    let (_, attempt) = fapi(
        &browser,
        &app,
        "POST",
        "/v1/client/sign_ins",
        &[("identifier", DEMO_EMAIL)],
    )
    .await;
    sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let (_, client) = fapi(&browser, &app, "GET", "/v1/client", &[]).await;
    let client = &client["response"];
    let session = &client["sessions"][0];
    let user = &session["user"];
    let (_, me) = fapi(&browser, &app, "GET", "/v1/me", &[]).await;
    let (_, env) = fapi(&browser, &app, "GET", "/v1/environment", &[]).await;
    let attributes = env["user_settings"]["attributes"].as_object().unwrap();
    let mut checks = vec![
        violations("client", client, CLIENT),
        violations("session", session, SESSION),
        violations(
            "session.public_user_data",
            &session["public_user_data"],
            PUBLIC_USER_DATA,
        ),
        violations("user", user, USER),
        violations(
            "user.email_addresses[0]",
            &user["email_addresses"][0],
            EMAIL_ADDRESS,
        ),
        violations("me", &me["response"], USER),
        violations("sign_in", &attempt["response"], SIGN_IN),
        violations("sign_up", &created["response"], SIGN_UP),
        violations(
            "sign_up.verifications",
            &created["response"]["verifications"],
            SIGN_UP_VERIFICATIONS,
        ),
        violations("sign_up(prepared)", &prepared["response"], SIGN_UP),
        violations(
            "sign_up.verifications.email_address",
            &prepared["response"]["verifications"]["email_address"],
            OTP_VERIFICATION,
        ),
        violations("environment", &env, ENVIRONMENT),
        violations("auth_config", &env["auth_config"], AUTH_CONFIG),
        violations("display_config", &env["display_config"], DISPLAY_CONFIG),
        violations("user_settings", &env["user_settings"], USER_SETTINGS),
        violations(
            "password_settings",
            &env["user_settings"]["password_settings"],
            PASSWORD_SETTINGS,
        ),
        violations(
            "organization_settings",
            &env["organization_settings"],
            ORGANIZATION_SETTINGS,
        ),
    ];
    for (name, attribute) in attributes {
        checks.push(violations(
            &format!("attributes.{name}"),
            attribute,
            ATTRIBUTE,
        ));
    }
    assert_contract(checks);
    assert_eq!(client["object"], "client");
    assert_eq!(session["object"], "session");
    assert_eq!(user["object"], "user");
    assert_eq!(attempt["response"]["object"], "sign_in");
    assert_eq!(created["response"]["object"], "sign_up");
}

#[tokio::test]
async fn bapi_objects_match_the_backend_api_spec() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let api = app.instance.backend_api_url(&app.base);
    let http = reqwest::Client::new();
    let key = app.instance.secret_key();
    let users: Value = http
        .get(format!("{api}/v1/users"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = &users[0];
    let count: Value = http
        .get(format!("{api}/v1/users/count"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = user["id"].as_str().unwrap();
    let deleted: Value = http
        .delete(format!("{api}/v1/users/{id}"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwks: Value = http
        .get(format!("{api}/v1/jwks"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_contract(vec![
        violations("user", user, USER),
        violations("user", user, BACKEND_USER_EXTRA),
        violations(
            "user.email_addresses[0]",
            &user["email_addresses"][0],
            EMAIL_ADDRESS,
        ),
        violations(
            "total_count",
            &count,
            &[("object", "string"), ("total_count", "integer")],
        ),
        violations(
            "deleted",
            &deleted,
            &[("object", "string"), ("deleted", "boolean")],
        ),
        violations("jwks", &jwks, &[("keys", "array")]),
        violations(
            "jwks.keys[0]",
            &jwks["keys"][0],
            &[
                ("kty", "string"),
                ("kid", "string"),
                ("alg", "string"),
                ("use", "string"),
                ("n", "string"),
                ("e", "string"),
            ],
        ),
    ]);
    assert_eq!(count["object"], "total_count");
    assert_eq!(jwks["keys"][0]["alg"], "RS256");
}
