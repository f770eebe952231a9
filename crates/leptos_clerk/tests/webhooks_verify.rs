//! Svix / Standard Webhooks signature verification and event typing.
#![cfg(feature = "ssr")]

use axum::http::{HeaderMap, HeaderValue};
use leptos_clerk::server::webhooks::{
    Webhook, WebhookError, WebhookEvent, MAX_BODY_BYTES, MAX_REMEMBERED_DELIVERIES, MAX_SIGNATURES,
    MAX_SIGNATURE_HEADER_BYTES,
};
use serde_json::json;

/// Svix's published example: secret, message id, timestamp, body and expected signature.
const SVIX_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SVIX_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SVIX_TIMESTAMP: i64 = 1_614_265_330;
const SVIX_BODY: &str = r#"{"test": 2432232314}"#;
const SVIX_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const SECRET: &str = "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY=";
const NOW: i64 = 1_732_370_000;

fn headers(prefix: &str, id: &str, timestamp: i64, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("id", id.to_owned()),
        ("timestamp", timestamp.to_string()),
        ("signature", signature.to_owned()),
    ] {
        let name = format!("{prefix}-{name}");
        headers.insert(
            axum::http::HeaderName::try_from(name).unwrap(),
            HeaderValue::try_from(value).unwrap(),
        );
    }
    headers
}

fn user_created_body() -> Vec<u8> {
    let event = json!({
        "object": "event", "type": "user.created", "timestamp": 1_732_370_000_000_i64,
        "instance_id": "ins_123",
        "data": {
            "object": "user", "id": "user_29w83sxmDNGwOuEthce5gg56FcC",
            "first_name": "Example", "last_name": null,
            "primary_email_address_id": "idn_29w83yL7CwVlJXylYLxcslromF1",
            "email_addresses": [{ "id": "idn_29w83yL7CwVlJXylYLxcslromF1",
                "email_address": "example@example.org",
                "verification": { "status": "verified", "strategy": "ticket" } }],
            "public_metadata": {}, "private_metadata": {}, "unsafe_metadata": {},
            "created_at": 1_654_012_591_514_i64, "updated_at": 1_654_012_591_835_i64
        },
        "event_attributes": { "http_request": { "client_ip": "0.0.0.0", "user_agent": "test" } }
    });
    // Deliberately not re-serialised by serde: odd spacing must survive verification.
    format!("{event}   \n").into_bytes()
}

#[test]
fn svix_published_example_signature_is_reproduced_and_accepted() {
    let webhook = Webhook::new(SVIX_SECRET).expect("secret");
    assert_eq!(
        webhook.sign(SVIX_ID, SVIX_TIMESTAMP, SVIX_BODY.as_bytes()),
        SVIX_SIGNATURE
    );

    let headers = headers("svix", SVIX_ID, SVIX_TIMESTAMP, SVIX_SIGNATURE);
    let result = webhook.verify_at(&headers, SVIX_BODY.as_bytes(), SVIX_TIMESTAMP + 10);
    // The signature matches; the body just is not a Clerk event (it has no `type`).
    assert!(
        matches!(result, Err(WebhookError::InvalidPayload(_))),
        "{result:?}"
    );
}

#[test]
fn valid_signature_yields_the_typed_event() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = user_created_body();
    let signature = webhook.sign("msg_1", NOW, &body);
    let verified = webhook
        .verify_at(&headers("svix", "msg_1", NOW, &signature), &body, NOW + 299)
        .expect("valid");

    assert_eq!(verified.message_id, "msg_1");
    assert_eq!(verified.timestamp, NOW);
    let WebhookEvent::UserCreated(user) = verified.event else {
        panic!("{:?}", verified.event)
    };
    assert_eq!(user.id, "user_29w83sxmDNGwOuEthce5gg56FcC");
    assert_eq!(
        user.to_snapshot().primary_email_address.as_deref(),
        Some("example@example.org")
    );
}

#[test]
fn standard_webhooks_header_names_are_accepted() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = user_created_body();
    let signature = webhook.sign("msg_2", NOW, &body);
    let event = webhook.verify_at(&headers("webhook", "msg_2", NOW, &signature), &body, NOW);

    assert_eq!(event.expect("valid").event.event_type(), "user.created");
}

#[test]
fn one_matching_signature_among_several_is_enough() {
    let webhook = Webhook::new(SECRET).unwrap();
    let other = Webhook::new("whsec_b2xkLXJvdGF0ZWQta2V5").unwrap();
    let body = user_created_body();
    let list = format!(
        "v1,{} v1a,aGVsbG8= v2,abc {} v1,!!notbase64",
        &other.sign("msg_3", NOW, &body)[3..],
        webhook.sign("msg_3", NOW, &body)
    );
    let verified = webhook.verify_at(&headers("svix", "msg_3", NOW, &list), &body, NOW);

    assert!(verified.is_ok(), "{verified:?}");
}

#[test]
fn tampered_body_is_rejected() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = user_created_body();
    let signature = webhook.sign("msg_4", NOW, &body);
    let mut tampered = body.clone();
    tampered.retain(|byte| *byte != b'\n');
    let result = webhook.verify_at(&headers("svix", "msg_4", NOW, &signature), &tampered, NOW);

    assert_eq!(result.unwrap_err(), WebhookError::NoMatchingSignature);
}

#[test]
fn signature_for_another_message_id_is_rejected() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = user_created_body();
    let signature = webhook.sign("msg_original", NOW, &body);
    let result = webhook.verify_at(
        &headers("svix", "msg_replayed", NOW, &signature),
        &body,
        NOW,
    );

    assert_eq!(result.unwrap_err(), WebhookError::NoMatchingSignature);
}

#[test]
fn wrong_secret_is_rejected_with_a_hint() {
    let signer = Webhook::new("whsec_b2xkLXJvdGF0ZWQta2V5").unwrap();
    let body = user_created_body();
    let signature = signer.sign("msg_5", NOW, &body);
    let error = Webhook::new(SECRET)
        .unwrap()
        .verify_at(&headers("svix", "msg_5", NOW, &signature), &body, NOW)
        .unwrap_err();

    assert_eq!(error, WebhookError::NoMatchingSignature);
    assert!(error.to_string().contains("CLERK_WEBHOOK_SIGNING_SECRET"));
}

#[test]
fn old_and_future_timestamps_are_rejected() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = user_created_body();
    for (timestamp, skew) in [(NOW - 301, 301), (NOW + 301, 301), (0, NOW as u64)] {
        let signature = webhook.sign("msg_6", timestamp, &body);
        let result =
            webhook.verify_at(&headers("svix", "msg_6", timestamp, &signature), &body, NOW);
        assert_eq!(
            result.unwrap_err(),
            WebhookError::TimestampOutOfTolerance { skew_secs: skew }
        );
    }
}

#[test]
fn non_numeric_timestamp_is_rejected() {
    let webhook = Webhook::new(SECRET).unwrap();
    let mut headers = headers("svix", "msg_7", NOW, "v1,AAAA");
    headers.insert("svix-timestamp", HeaderValue::from_static("yesterday"));

    assert_eq!(
        webhook.verify_at(&headers, b"{}", NOW).unwrap_err(),
        WebhookError::InvalidTimestamp
    );
}

#[test]
fn missing_headers_are_named() {
    let webhook = Webhook::new(SECRET).unwrap();
    let mut headers = headers("svix", "msg_8", NOW, "v1,AAAA");
    headers.remove("svix-id");
    headers.insert("svix-signature", HeaderValue::from_static("  "));
    let error = webhook.verify_at(&headers, b"{}", NOW).unwrap_err();

    assert_eq!(
        error,
        WebhookError::MissingHeaders(vec!["svix-id", "svix-signature"])
    );
    assert_eq!(
        error.to_string(),
        "missing required webhook headers: svix-id, svix-signature"
    );
}

#[test]
fn secrets_must_be_whsec_base64() {
    let cases = [
        ("", WebhookError::MissingSecret),
        (
            "c2VjcmV0",
            WebhookError::MalformedSecret("it does not start with `whsec_`"),
        ),
        (
            "whsec_not base64!",
            WebhookError::MalformedSecret("the part after `whsec_` is not base64"),
        ),
        (
            "whsec_",
            WebhookError::MalformedSecret("the key after `whsec_` is empty"),
        ),
    ];
    for (secret, expected) in cases {
        let error = Webhook::new(secret).unwrap_err();
        assert!(
            error.to_string().contains("CLERK_WEBHOOK_SIGNING_SECRET"),
            "{error}"
        );
        assert_eq!(error, expected, "secret {secret:?}");
    }
    assert!(!format!("{:?}", Webhook::new(SECRET).unwrap()).contains("c2VjcmV0"));
}

#[test]
fn user_deleted_and_unknown_events_are_typed() {
    let deleted = br#"{"type":"user.deleted","object":"event","data":{"deleted":true,"id":"user_1","object":"user"}}"#;
    assert_eq!(
        WebhookEvent::from_json(deleted).unwrap(),
        WebhookEvent::UserDeleted {
            id: Some("user_1".to_owned()),
            deleted: true
        }
    );

    let session = br#"{"type":"session.created","object":"event","data":{"id":"sess_1"}}"#;
    let event = WebhookEvent::from_json(session).unwrap();
    assert_eq!(event.event_type(), "session.created");
    assert!(matches!(event, WebhookEvent::Other { data, .. } if data == json!({ "id": "sess_1" })));
}

/// `count` bogus `v1,` entries (right length, wrong MAC).
fn bogus_signatures(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("v1,{i:0<42}A=")).collect()
}

#[test]
fn a_flood_of_signature_entries_is_refused_before_any_mac() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = user_created_body();
    let mut entries = bogus_signatures(2_000);
    // Even with the genuine signature among them: more than MAX_SIGNATURES entries is refused.
    entries.push(webhook.sign("msg_f", NOW, &body));
    let result = webhook.verify_at(
        &headers("svix", "msg_f", NOW, &entries.join(" ")),
        &body,
        NOW,
    );
    assert!(
        matches!(result, Err(WebhookError::SignatureHeaderTooLong { .. })),
        "{result:?}"
    );

    // Short entries, many of them: the entry cap answers, with the count.
    let many = ["v1,x"; MAX_SIGNATURES + 1].join(" ");
    let result = webhook.verify_at(&headers("svix", "msg_f", NOW, &many), &body, NOW);
    assert_eq!(
        result.unwrap_err(),
        WebhookError::TooManySignatures {
            count: MAX_SIGNATURES + 1
        }
    );
}

#[test]
fn an_overlong_signature_header_is_refused() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = user_created_body();
    let long = format!("v1,{}", "A".repeat(MAX_SIGNATURE_HEADER_BYTES));
    let result = webhook.verify_at(&headers("svix", "msg_l", NOW, &long), &body, NOW);
    assert_eq!(
        result.unwrap_err(),
        WebhookError::SignatureHeaderTooLong { bytes: long.len() }
    );
    let status =
        axum::response::IntoResponse::into_response(WebhookError::SignatureHeaderTooLong {
            bytes: 1,
        })
        .status();
    assert_eq!(status, 400);
}

#[test]
fn the_valid_signature_among_the_allowed_entries_still_verifies() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = user_created_body();
    let genuine = webhook.sign("msg_r", NOW, &body);
    // Key rotation: the valid signature first, last, or in the middle of the cap.
    for position in [0, MAX_SIGNATURES / 2, MAX_SIGNATURES - 1] {
        let id = format!("msg_r{position}");
        let mut entries = bogus_signatures(MAX_SIGNATURES - 1);
        entries.insert(position, webhook.sign(&id, NOW, &body));
        // Other schemes (Standard Webhooks' asymmetric v1a) and junk are skipped.
        entries[if position == 0 { 1 } else { 0 }] = "v1a,c29tZXRoaW5n".into();
        let headers = headers("svix", &id, NOW, &entries.join(" "));
        let verified = webhook.verify_at(&headers, &body, NOW);
        assert_eq!(verified.expect("valid").message_id, id, "{position}");
    }
    // A truncated or re-padded copy of the genuine tag never matches.
    let truncated = &genuine[..genuine.len() - 4];
    let result = webhook.verify_at(&headers("svix", "msg_r", NOW, truncated), &body, NOW);
    assert_eq!(result.unwrap_err(), WebhookError::NoMatchingSignature);
}

#[test]
fn a_body_above_the_limit_is_refused_by_verify() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = vec![b' '; MAX_BODY_BYTES + 1];
    let signature = webhook.sign("msg_b", NOW, &body);
    let result = webhook.verify_at(&headers("svix", "msg_b", NOW, &signature), &body, NOW);
    assert_eq!(
        result.unwrap_err(),
        WebhookError::BodyTooLarge {
            limit: MAX_BODY_BYTES
        }
    );
}

#[test]
fn a_replayed_delivery_is_ignored_with_a_200_and_a_retry_is_processed() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = user_created_body();
    let delivery = |id: &str, at: i64| headers("svix", id, at, &webhook.sign(id, at, &body));
    let first = webhook
        .verify_at(&delivery("msg_1", NOW), &body, NOW)
        .unwrap();
    // The same request again, now or later within the tolerance, from any clone of the verifier.
    for (verifier, now) in [(&webhook, NOW), (&webhook.clone(), NOW + 299)] {
        let replay = verifier.verify_at(&delivery("msg_1", NOW), &body, now);
        assert_eq!(
            replay.unwrap_err(),
            WebhookError::Replayed {
                message_id: "msg_1".into(),
                timestamp: NOW
            }
        );
    }
    let status = axum::response::IntoResponse::into_response(WebhookError::Replayed {
        message_id: "msg_1".into(),
        timestamp: NOW,
    })
    .status();
    assert_eq!(status, 200, "Svix counts it as delivered and stops");
    // Svix's retry of the same message is signed at its own time: processed.
    let retry = webhook.verify_at(&delivery("msg_1", NOW + 5), &body, NOW + 5);
    assert_eq!(retry.unwrap().message_id, "msg_1");
    // After the window the timestamp check refuses the replay.
    let late = webhook.verify_at(&delivery("msg_1", NOW), &body, NOW + 301);
    assert!(matches!(
        late.unwrap_err(),
        WebhookError::TimestampOutOfTolerance { .. }
    ));
    // A handler that failed forgets the delivery: the identical retry verifies again.
    webhook.forget(&first);
    assert!(webhook
        .verify_at(&delivery("msg_1", NOW), &body, NOW)
        .is_ok());
    // Refusals are not remembered: a bad signature first does not block the genuine one.
    let bad = headers("svix", "msg_2", NOW, "v1,AAAA");
    assert!(webhook.verify_at(&bad, &body, NOW).is_err());
    assert!(webhook
        .verify_at(&delivery("msg_2", NOW), &body, NOW)
        .is_ok());
}

#[test]
fn remembered_deliveries_are_bounded() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = user_created_body();
    let delivery = |id: &str| headers("svix", id, NOW, &webhook.sign(id, NOW, &body));
    for i in 0..=MAX_REMEMBERED_DELIVERIES {
        webhook
            .verify_at(&delivery(&format!("msg_{i}")), &body, NOW)
            .unwrap();
    }
    // The oldest was forgotten to make room; the newest is still remembered.
    assert!(webhook.verify_at(&delivery("msg_0"), &body, NOW).is_ok());
    let newest = format!("msg_{MAX_REMEMBERED_DELIVERIES}");
    assert!(matches!(
        webhook.verify_at(&delivery(&newest), &body, NOW),
        Err(WebhookError::Replayed { .. })
    ));
}
