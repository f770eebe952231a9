//! `GET|PATCH /v1/environment`: the instance configuration ClerkJS renders its UI from.
//! Email + password sign-in, email-code sign-up and organizations (without domains, logos or
//! membership requests) are on; OAuth, MFA, passkeys, billing, captcha and waitlist are off so
//! the UI offers nothing we do not serve.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use crate::config::request_origin;
use crate::config::InstanceEnvironment;
use crate::instance::Shared;

fn attribute(enabled: bool, extra: Value) -> Value {
    let mut base = json!({
        "enabled": enabled,
        "required": false,
        "used_for_first_factor": false,
        "first_factors": [],
        "used_for_second_factor": false,
        "second_factors": [],
        "verifications": [],
        "verify_at_sign_up": false,
        "immutable": false,
    });
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        base.extend(extra.clone());
    }
    base
}

fn display_config(origin: &str, environment: InstanceEnvironment) -> Value {
    json!({
        "object": "display_config",
        "id": "display_config_local",
        "instance_environment_type": environment.as_str(),
        "application_name": "Local Clerk dev instance",
        "theme": {
            "buttons": { "font_color": "#ffffff", "font_family": "", "font_weight": "" },
            "general": { "color": "#6c47ff", "padding": "", "box_shadow": "", "font_color": "#151515",
                "font_family": "", "border_radius": "", "background_color": "#ffffff",
                "label_font_weight": "" },
            "accounts": { "background_color": "#ffffff" },
        },
        "preferred_sign_in_strategy": "password",
        "logo_image_url": "", "favicon_image_url": "", "logo_url": null, "favicon_url": null,
        "logo_image": null, "favicon_image": null, "logo_link_url": origin,
        "home_url": origin,
        "sign_in_url": format!("{origin}/sign-in"),
        "sign_up_url": format!("{origin}/sign-up"),
        "user_profile_url": format!("{origin}/user"),
        "waitlist_url": "", "oauth_consent_url": "",
        "after_sign_in_url": origin, "after_sign_up_url": origin,
        "after_sign_out_one_url": origin, "after_sign_out_all_url": origin,
        "after_switch_session_url": origin, "after_join_waitlist_url": "",
        "organization_profile_url": "", "create_organization_url": "",
        "after_leave_organization_url": "", "after_create_organization_url": "",
        "support_email": null, "help_url": null, "terms_url": null, "privacy_policy_url": null,
        "branded": false, "experimental_force_oauth_first": false, "clerk_js_version": "6",
        "show_devmode_warning": false, "google_one_tap_client_id": null,
        "captcha_public_key": null, "captcha_widget_type": null, "captcha_provider": null,
        "captcha_public_key_invisible": null, "captcha_oauth_bypass": [], "captcha_heartbeat": false,
    })
}

fn auth_config() -> Value {
    json!({
        "object": "auth_config", "id": "aac_local",
        "first_name": "on", "last_name": "on", "email_address": "required",
        "phone_number": "off", "username": "off", "password": "required",
        "identification_requirements": [["email_address"]],
        "identification_strategies": ["email_address"],
        "first_factors": ["password"], "second_factors": [],
        "email_address_verification_strategies": ["email_code"],
        "single_session_mode": true, "enhanced_email_deliverability": false, "test_mode": false,
        "url_based_session_syncing": false, "claimed_at": null, "reverification": false,
        "preferred_channels": {},
        "native_settings": { "object": "native_settings", "api_enabled": false,
            "trusted_device_sign_in_enabled": false,
            "trusted_device_enrollment_prompt_after_sign_in_enabled": false,
            "trusted_device_enrollment_prompt_after_sign_up_enabled": false },
    })
}

fn user_settings() -> Value {
    let off = || attribute(false, json!({}));
    json!({
        "attributes": {
            "email_address": attribute(true, json!({ "required": true, "used_for_first_factor": true,
                "first_factors": ["email_code"], "verifications": ["email_code"],
                "verify_at_sign_up": true })),
            "phone_number": off(), "username": off(), "web3_wallet": off(),
            "first_name": attribute(true, json!({})), "last_name": attribute(true, json!({})),
            "password": attribute(true, json!({ "required": true })),
            "authenticator_app": off(), "ticket": attribute(true, json!({})),
            "backup_code": off(), "passkey": off(),
        },
        "sign_in": { "second_factor": { "required": false, "enabled": false } },
        "sign_up": { "captcha_enabled": false, "captcha_widget_type": "invisible",
            "custom_action_required": false, "progressive": true, "mode": "public",
            "legal_consent_enabled": false },
        "restrictions": { "allowlist": { "enabled": false }, "blocklist": { "enabled": false },
            "block_email_subaddresses": { "enabled": false },
            "block_disposable_email_domains": { "enabled": false },
            "ignore_dots_for_gmail_addresses": { "enabled": false } },
        "username_settings": { "min_length": 4, "max_length": 64 },
        "actions": { "delete_self": true, "create_organization": true,
            "create_organizations_limit": null },
        "attack_protection": { "user_lockout": { "enabled": false }, "pii": { "enabled": false },
            "email_link": { "require_same_client": false } },
        "passkey_settings": { "allow_autofill": false, "show_sign_in_button": false },
        "password_settings": { "disable_hibp": true, "disable_password_reverification": true,
            "min_length": 8, "max_length": 72, "require_special_char": false,
            "require_numbers": false, "require_uppercase": false, "require_lowercase": false,
            "show_zxcvbn": false, "min_zxcvbn_strength": 0, "enforce_hibp_on_sign_in": false,
            "allowed_special_characters": "" },
        "social": {}, "saml": { "enabled": false }, "enterprise_sso": { "enabled": false },
    })
}

/// The environment JSON for an app served at `origin`.
pub(crate) fn environment_json(origin: &str, environment: InstanceEnvironment) -> Value {
    json!({
        "object": "environment", "id": "env_local",
        "maintenance_mode": false, "partitioned_cookies": false, "client_debug_mode": false,
        "auth_config": auth_config(),
        "display_config": display_config(origin, environment),
        "user_settings": user_settings(),
        "organization_settings": { "enabled": true, "max_allowed_memberships": 0,
            "force_organization_selection": false, "creator_role": "org:admin",
            "actions": { "admin_delete": true },
            "domains": { "enabled": false, "enrollment_modes": [], "default_role": null },
            "slug": { "disabled": false } },
        "commerce_settings": { "billing": { "stripe_publishable_key": null,
            "organization": { "enabled": false, "has_paid_plans": false },
            "user": { "enabled": false, "has_paid_plans": false } } },
        "api_keys_settings": { "enabled": false, "user_api_keys_enabled": false,
            "orgs_api_keys_enabled": false },
    })
}

/// `GET /v1/environment` and the development "touch" `PATCH /v1/environment`.
pub(crate) async fn get(State(state): State<Shared>, headers: HeaderMap) -> Json<Value> {
    let origin = request_origin(&headers, &state.config).unwrap_or(state.config.primary_origin());
    Json(environment_json(origin, state.config.environment))
}
