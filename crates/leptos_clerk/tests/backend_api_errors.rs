//! Error envelopes and transport failures, against the stand-in Backend API.
#![cfg(feature = "ssr")]

mod backend_api_support;

use std::time::{Duration, Instant};

use backend_api_support::{refused_url, Reply, StandIn, SECRET_KEY};
use leptos_clerk::server::backend_api::{BackendApi, BackendApiConfig, BackendApiError};
use serde_json::json;

fn assert_secret_not_shown(error: &BackendApiError) {
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(SECRET_KEY), "secret key leaked: {shown}");
    // Nor its secret part alone (everything after `sk_test_`).
    let secret_part = SECRET_KEY.trim_start_matches("sk_test_");
    assert!(!shown.contains(secret_part), "secret key leaked: {shown}");
}

#[tokio::test]
async fn unauthorized_names_the_secret_key_variable_without_showing_it() {
    let stand_in = StandIn::start(|_, _| {
        Reply::clerk_error(
            401,
            "clerk_key_invalid",
            "Secret key invalid",
            Some("trace_401"),
        )
    })
    .await;
    let error = stand_in
        .client()
        .users()
        .get("user_1")
        .await
        .expect_err("401");

    let BackendApiError::Unauthorized(errors) = &error else {
        panic!("not Unauthorized: {error:?}")
    };
    assert_eq!(errors.errors[0].code, "clerk_key_invalid");
    assert_eq!(
        errors.errors[0].long_message.as_deref(),
        Some("Secret key invalid.")
    );
    assert_eq!(error.trace_id(), Some("trace_401"));
    assert_eq!(error.status(), Some(401));
    assert!(error.to_string().contains("CLERK_SECRET_KEY"));
    assert_secret_not_shown(&error);
    assert_eq!(stand_in.requests().len(), 1, "401 is not retried");
}

#[tokio::test]
async fn not_found_takes_the_trace_id_from_cf_ray_when_the_body_has_none() {
    let stand_in = StandIn::start(|_, _| {
        Reply::clerk_error(404, "resource_not_found", "User not found", None)
            .header("cf-ray", "8e1f0c2b3a4d5e6f-FRA")
    })
    .await;
    let error = stand_in
        .client()
        .users()
        .get("user_missing")
        .await
        .expect_err("404");

    assert!(matches!(error, BackendApiError::NotFound(_)), "{error:?}");
    assert_eq!(error.trace_id(), Some("8e1f0c2b3a4d5e6f-FRA"));
    assert!(error.to_string().contains("resource_not_found"));
}

#[tokio::test]
async fn unprocessable_carries_every_field_error() {
    let stand_in = StandIn::start(|_, _| {
        Reply::json(
            422,
            json!({
                "errors": [
                    { "code": "form_identifier_exists", "message": "taken",
                      "long_message": "That email address is taken.",
                      "meta": { "param_name": "email_address" } },
                    { "code": "form_password_pwned", "message": "pwned",
                      "long_message": "Password has been found in a data breach.",
                      "meta": { "param_name": "password" } }
                ],
                "clerk_trace_id": "trace_422"
            }),
        )
    })
    .await;
    let create = Default::default();
    let error = stand_in
        .client()
        .users()
        .create(&create)
        .await
        .expect_err("422");

    let BackendApiError::Unprocessable(errors) = &error else {
        panic!("not 422: {error:?}")
    };
    let fields: Vec<_> = errors
        .errors
        .iter()
        .map(|e| (e.code.as_str(), e.param_name()))
        .collect();
    assert_eq!(
        fields,
        [
            ("form_identifier_exists", Some("email_address")),
            ("form_password_pwned", Some("password"))
        ]
    );
    assert!(error.to_string().contains("That email address is taken."));
}

#[tokio::test]
async fn rate_limited_reports_retry_after() {
    let stand_in = StandIn::start(|_, _| {
        Reply::clerk_error(429, "too_many_requests", "Too many requests", None)
            .header("retry-after", "7")
    })
    .await;
    let config = BackendApiConfig {
        max_retries: 0,
        ..stand_in.config()
    };
    let error = BackendApi::new(config)
        .unwrap()
        .users()
        .get("user_1")
        .await
        .expect_err("429");

    let BackendApiError::RateLimited {
        retry_after,
        errors,
    } = &error
    else {
        panic!("not 429: {error:?}")
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(7)));
    assert_eq!(errors.errors[0].code, "too_many_requests");
}

#[tokio::test]
async fn other_status_with_a_non_json_body_keeps_the_status() {
    let stand_in = StandIn::start(|_, _| Reply::raw(403, "<html>forbidden</html>")).await;
    let error = stand_in
        .client()
        .users()
        .get("user_1")
        .await
        .expect_err("403");

    let BackendApiError::Status { status, errors } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 403);
    assert!(errors.errors.is_empty());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let stand_in = StandIn::start(|request, _| match request.path.as_str() {
        "/v1/users/user_1" => Reply::raw(307, "").header("location", "/elsewhere"),
        _ => Reply::json(200, json!({ "id": "user_elsewhere" })),
    })
    .await;
    let error = stand_in
        .client()
        .users()
        .get("user_1")
        .await
        .expect_err("307");

    assert!(
        matches!(error, BackendApiError::Status { status: 307, .. }),
        "{error:?}"
    );
    assert_eq!(stand_in.requests().len(), 1);
}

#[tokio::test]
async fn malformed_json_on_success_is_its_own_error() {
    let stand_in = StandIn::start(|_, _| Reply::raw(200, "{\"id\": \"user_1\", ")).await;
    let error = stand_in
        .client()
        .users()
        .get("user_1")
        .await
        .expect_err("malformed");

    assert!(
        matches!(
            error,
            BackendApiError::MalformedResponse { status: 200, .. }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn wrong_shape_on_success_is_malformed_too() {
    let stand_in = StandIn::start(|_, _| Reply::json(200, json!({ "first_name": "no id" }))).await;
    let error = stand_in
        .client()
        .users()
        .get("user_1")
        .await
        .expect_err("no id");

    assert!(
        matches!(error, BackendApiError::MalformedResponse { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn slow_answer_times_out() {
    let stand_in = StandIn::start(|_, _| {
        Reply::json(200, json!({ "keys": [] })).delayed(Duration::from_secs(3))
    })
    .await;
    let config = BackendApiConfig {
        timeout: Duration::from_millis(300),
        max_retries: 0,
        ..stand_in.config()
    };
    let started = Instant::now();
    let error = BackendApi::new(config)
        .unwrap()
        .jwks()
        .await
        .expect_err("timeout");

    assert!(
        matches!(error, BackendApiError::Timeout(limit) if limit == Duration::from_millis(300))
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn connection_refused_is_a_connection_error() {
    let config = BackendApiConfig {
        api_url: refused_url().await,
        max_retries: 0,
        ..BackendApiConfig::new(SECRET_KEY)
    };
    let error = BackendApi::new(config)
        .unwrap()
        .jwks()
        .await
        .expect_err("refused");

    assert!(matches!(error, BackendApiError::Connection(_)), "{error:?}");
    assert!(error.to_string().contains("CLERK_API_URL"));
    assert_secret_not_shown(&error);
}

#[test]
fn bad_configuration_is_rejected_with_a_hint() {
    let empty = BackendApi::new(BackendApiConfig::new("  ")).expect_err("empty key");
    assert!(empty.to_string().contains("CLERK_SECRET_KEY"), "{empty}");

    let config = BackendApiConfig {
        api_url: "ftp://example.test".to_owned(),
        ..BackendApiConfig::new(SECRET_KEY)
    };
    let bad_url = BackendApi::new(config).expect_err("bad url");
    assert!(bad_url.to_string().contains("CLERK_API_URL"), "{bad_url}");
}

#[test]
fn debug_output_never_shows_the_secret_key() {
    let config = BackendApiConfig::new(SECRET_KEY);
    let api = BackendApi::new(config.clone()).expect("client");

    for shown in [
        format!("{config:?}"),
        format!("{api:?}"),
        format!("{:?}", api.users()),
    ] {
        assert!(
            !shown.contains("StandInSecretKey"),
            "secret key leaked: {shown}"
        );
        assert!(shown.contains("sk_test_[redacted]"), "{shown}");
    }
}
