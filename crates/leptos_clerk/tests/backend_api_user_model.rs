//! Parsing the Backend API `User` object and turning it into the browser-safe snapshot.
#![cfg(feature = "ssr")]

mod backend_api_support;

use backend_api_support::USER_FIXTURE;
use leptos_clerk::server::backend_api::User;
use serde_json::json;

fn fixture_user() -> User {
    serde_json::from_str(USER_FIXTURE).expect("the documented User object parses")
}

#[test]
fn documented_user_object_parses_field_by_field() {
    let user = fixture_user();

    assert_eq!(user.id, "user_2lWTrXWZ8qYxKbD0nY5tUHxQm1c");
    assert_eq!(user.external_id, None);
    assert_eq!(user.username.as_deref(), Some("ada"));
    assert_eq!(user.full_name().as_deref(), Some("Ada Lovelace"));
    assert_eq!(
        user.image_url.as_deref(),
        Some("https://img.example.test/eyJ0eXBlIjoicHJveHki.png")
    );
    assert!(user.has_image && user.password_enabled);
    assert!(!user.two_factor_enabled && !user.banned && !user.locked);
    assert_eq!(user.created_at, 1_732_362_900_000);
    assert_eq!(user.updated_at, 1_732_370_000_000);
    assert_eq!(user.last_sign_in_at, Some(1_732_370_000_000));
    assert_eq!(user.last_active_at, Some(1_732_320_000_000));
    assert_eq!(
        user.public_metadata,
        json!({ "plan": "pro", "onboarded": true })
    );
    assert_eq!(
        user.private_metadata,
        json!({ "stripe_customer_id": "cus_secret_42" })
    );
    assert_eq!(user.unsafe_metadata, json!({ "theme": "dark" }));

    let statuses: Vec<(&str, bool, Option<&str>)> = user
        .email_addresses
        .iter()
        .map(|email| {
            let strategy = email
                .verification
                .as_ref()
                .and_then(|v| v.strategy.as_deref());
            (email.email_address.as_str(), email.is_verified(), strategy)
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("ada.work@example.test", false, Some("email_code")),
            ("ada@example.test", true, Some("from_oauth_google")),
        ]
    );
}

#[test]
fn primary_email_address_follows_the_primary_id_not_the_order() {
    let user = fixture_user();
    let primary = user.primary_email_address().expect("primary");

    assert_eq!(primary.id, "idn_2lWTs1k0aRxOsU6XmcfHvNuh7Jv");
    assert_eq!(primary.email_address, "ada@example.test");

    let without_primary = User {
        primary_email_address_id: None,
        ..user
    };
    assert!(without_primary.primary_email_address().is_none());
}

#[test]
fn snapshot_keeps_the_public_profile_and_drops_private_metadata() {
    let snapshot = fixture_user().to_snapshot();

    assert_eq!(snapshot.id, "user_2lWTrXWZ8qYxKbD0nY5tUHxQm1c");
    assert_eq!(snapshot.first_name.as_deref(), Some("Ada"));
    assert_eq!(snapshot.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(snapshot.username.as_deref(), Some("ada"));
    assert_eq!(
        snapshot.primary_email_address.as_deref(),
        Some("ada@example.test")
    );
    assert_eq!(
        snapshot.public_metadata,
        json!({ "plan": "pro", "onboarded": true })
    );
    assert_eq!(snapshot.unsafe_metadata, json!({ "theme": "dark" }));
    let serialised = serde_json::to_string(&snapshot).expect("serialise");
    assert!(
        !serialised.contains("cus_secret_42"),
        "private metadata leaked: {serialised}"
    );
}

#[test]
fn minimal_and_null_heavy_users_parse_with_defaults() {
    let minimal: User = serde_json::from_value(json!({ "id": "user_min" })).expect("minimal");
    assert_eq!(minimal.id, "user_min");
    assert!(minimal.email_addresses.is_empty());
    assert_eq!(minimal.public_metadata, json!({}));

    let nulls: User = serde_json::from_value(json!({
        "id": "user_nulls", "first_name": null, "image_url": null, "has_image": null,
        "email_addresses": null, "private_metadata": null, "banned": null,
        "created_at": null, "last_sign_in_at": null,
        "email_addresses_v2": [{ "brand": "new field" }]
    }))
    .expect("nulls");
    assert_eq!(nulls.first_name, None);
    assert!(!nulls.has_image && !nulls.banned);
    assert_eq!(nulls.private_metadata, json!({}));
    assert_eq!(nulls.created_at, 0);
    assert_eq!(nulls.to_snapshot().primary_email_address, None);
}

#[test]
fn a_user_without_id_is_rejected() {
    let error = serde_json::from_value::<User>(json!({ "first_name": "Nobody" }));
    assert!(error.is_err());
}
