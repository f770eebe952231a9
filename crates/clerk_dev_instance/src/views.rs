//! JSON shapes of the objects the instance serves, as Clerk's FAPI/BAPI define them
//! (snake_case, timestamps in epoch milliseconds).

use serde_json::{json, Value};

use crate::store::{ClientRecord, SessionRecord, SignInAttempt, SignUpAttempt, UserRecord};

const DAY_MS: i64 = 86_400_000;

fn verification(status: &str, strategy: &str, attempts: u32, expire_at: Option<i64>) -> Value {
    json!({
        "object": "verification",
        "status": status,
        "strategy": strategy,
        "attempts": attempts,
        "expire_at": expire_at,
        "error": null,
    })
}

fn email_address(user: &UserRecord) -> Value {
    json!({
        "object": "email_address",
        "id": user.email_id,
        "email_address": user.email,
        "reserved": false,
        "verification": verification("verified", "email_code", 1, None),
        "linked_to": [],
        "matches_sso_connection": false,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    })
}

/// The user as FAPI returns it (no private metadata).
pub(crate) fn user_json(user: &UserRecord) -> Value {
    json!({
        "object": "user",
        "id": user.id,
        "external_id": user.external_id,
        "primary_email_address_id": user.email_id,
        "primary_phone_number_id": null,
        "primary_web3_wallet_id": null,
        "image_url": "",
        "has_image": false,
        "profile_image_id": "",
        "username": null,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email_addresses": [email_address(user)],
        "phone_numbers": [],
        "web3_wallets": [],
        "passkeys": [],
        "external_accounts": [],
        "saml_accounts": [],
        "enterprise_accounts": [],
        "organization_memberships": [],
        "password_enabled": user.password_hash.is_some(),
        "two_factor_enabled": false,
        "totp_enabled": false,
        "backup_code_enabled": false,
        "public_metadata": user.public_metadata,
        "unsafe_metadata": user.unsafe_metadata,
        "last_sign_in_at": user.last_sign_in_at,
        "banned": false,
        "locked": false,
        "lockout_expires_in_seconds": null,
        "verification_attempts_remaining": null,
        "delete_self_enabled": true,
        "create_organization_enabled": true,
        "create_organizations_limit": null,
        "last_active_at": user.last_sign_in_at,
        "mfa_enabled_at": null,
        "mfa_disabled_at": null,
        "legal_accepted_at": null,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    })
}

/// The user as BAPI returns it (adds private metadata).
pub(crate) fn backend_user_json(user: &UserRecord) -> Value {
    let mut value = user_json(user);
    value["private_metadata"] = user.private_metadata.clone();
    value
}

/// `public_user_data` of sessions.
fn public_user_data(user: &UserRecord) -> Value {
    json!({
        "first_name": user.first_name,
        "last_name": user.last_name,
        "image_url": "",
        "has_image": false,
        "identifier": user.email,
        "user_id": user.id,
    })
}

/// A session with its user and, when active, a freshly minted `last_active_token`.
pub(crate) fn session_json(
    session: &SessionRecord,
    user: &UserRecord,
    token: Option<String>,
) -> Value {
    json!({
        "object": "session",
        "id": session.id,
        "status": session.status,
        "expire_at": session.expire_at,
        "abandon_at": session.abandon_at,
        "last_active_at": session.last_active_at,
        "last_active_organization_id": null,
        "actor": null,
        "tasks": null,
        "factor_verification_age": [0, -1],
        "last_active_token": token.map(|jwt| json!({ "object": "token", "jwt": jwt })),
        "user": user_json(user),
        "public_user_data": public_user_data(user),
        "created_at": session.created_at,
        "updated_at": session.updated_at,
    })
}

/// A sign-in attempt.
pub(crate) fn sign_in_json(attempt: &SignInAttempt, user: Option<&UserRecord>) -> Value {
    let first_factor = attempt
        .first_factor_verified
        .then(|| verification("verified", "password", 1, None));
    json!({
        "object": "sign_in",
        "id": attempt.id,
        "status": attempt.status,
        "identifier": attempt.identifier,
        "supported_identifiers": ["email_address"],
        "supported_first_factors": [{ "strategy": "password" }],
        "supported_second_factors": null,
        "first_factor_verification": first_factor,
        "second_factor_verification": null,
        "user_data": user.map(|u| json!({
            "first_name": u.first_name,
            "last_name": u.last_name,
            "image_url": "",
            "has_image": false,
        })),
        "created_session_id": attempt.created_session_id,
        "abandon_at": attempt.created_at + DAY_MS,
    })
}

/// A sign-up attempt.
pub(crate) fn sign_up_json(attempt: &SignUpAttempt) -> Value {
    let mut missing = Vec::new();
    if attempt.email.is_none() {
        missing.push("email_address");
    }
    if attempt.password_hash.is_none() {
        missing.push("password");
    }
    let unverified: Vec<&str> = if attempt.email.is_some() && !attempt.email_verified {
        vec!["email_address"]
    } else {
        vec![]
    };
    let email_verification = match (&attempt.code, attempt.email_verified) {
        (_, true) => Some(verification(
            "verified",
            "email_code",
            attempt.code_attempts,
            None,
        )),
        (Some(_), false) => Some(verification(
            "unverified",
            "email_code",
            attempt.code_attempts,
            attempt.code_expires_at,
        )),
        (None, false) => None,
    };
    json!({
        "object": "sign_up",
        "id": attempt.id,
        "status": attempt.status,
        "required_fields": ["email_address", "password"],
        "optional_fields": ["first_name", "last_name"],
        "missing_fields": missing,
        "unverified_fields": unverified,
        "verifications": {
            "email_address": email_verification,
            "phone_number": null,
            "web3_wallet": null,
            "external_account": null,
        },
        "username": null,
        "email_address": attempt.email,
        "phone_number": null,
        "web3_wallet": null,
        "external_account_strategy": null,
        "external_account": null,
        "has_password": attempt.password_hash.is_some(),
        "password_enabled": attempt.password_hash.is_some(),
        "first_name": attempt.first_name,
        "last_name": attempt.last_name,
        "unsafe_metadata": attempt.unsafe_metadata.clone().unwrap_or_else(|| json!({})),
        "custom_action": false,
        "external_id": null,
        "created_session_id": attempt.created_session_id,
        "created_user_id": attempt.created_user_id,
        "abandon_at": attempt.created_at + DAY_MS,
        "legal_accepted_at": null,
        "locale": null,
    })
}

/// A client with its active sessions (already rendered), sign-in and sign-up.
pub(crate) fn client_json(
    client: &ClientRecord,
    sessions: Vec<Value>,
    sign_in: Option<Value>,
) -> Value {
    json!({
        "object": "client",
        "id": client.id,
        "sessions": sessions,
        "sign_in": sign_in,
        "sign_up": client.sign_up.as_ref().map(sign_up_json),
        "last_active_session_id": client.last_active_session_id,
        "last_authentication_strategy": null,
        "cookie_expires_at": null,
        "captcha_bypass": false,
        "created_at": client.created_at,
        "updated_at": client.updated_at,
    })
}
