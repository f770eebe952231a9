//! The Backend API `User` object, parsed tolerantly: unknown fields are ignored and
//! missing or `null` optional fields fall back to their defaults.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::state::UserSnapshot;

/// A Clerk user as the Backend API returns it (`object: "user"`).
///
/// Holds `private_metadata`: never hand it to the browser as is, use [`User::to_snapshot`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// `user_…` id.
    pub id: String,
    /// The id of this user in your own system, if you set one.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Given name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Username, if the instance uses usernames.
    #[serde(default)]
    pub username: Option<String>,
    /// Avatar URL (Clerk serves a generated one when the user uploaded none).
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether the user uploaded an avatar.
    #[serde(default, deserialize_with = "null_as_default")]
    pub has_image: bool,
    /// Id of the primary entry of [`User::email_addresses`].
    #[serde(default)]
    pub primary_email_address_id: Option<String>,
    /// Id of the primary phone number.
    #[serde(default)]
    pub primary_phone_number_id: Option<String>,
    /// All email addresses of the user.
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_addresses: Vec<EmailAddress>,
    /// Readable by the browser, writable only by the backend.
    #[serde(default = "empty_object", deserialize_with = "null_as_empty_object")]
    pub public_metadata: Value,
    /// Backend only: never sent to the browser.
    #[serde(default = "empty_object", deserialize_with = "null_as_empty_object")]
    pub private_metadata: Value,
    /// Readable and writable by the browser: do not trust it.
    #[serde(default = "empty_object", deserialize_with = "null_as_empty_object")]
    pub unsafe_metadata: Value,
    /// Whether the user has a password.
    #[serde(default, deserialize_with = "null_as_default")]
    pub password_enabled: bool,
    /// Whether a second factor is enabled.
    #[serde(default, deserialize_with = "null_as_default")]
    pub two_factor_enabled: bool,
    /// Whether the user is banned.
    #[serde(default, deserialize_with = "null_as_default")]
    pub banned: bool,
    /// Whether the user is locked out (too many failed attempts or locked via the API).
    #[serde(default, deserialize_with = "null_as_default")]
    pub locked: bool,
    /// Creation time, Unix milliseconds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_at: i64,
    /// Last update time, Unix milliseconds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub updated_at: i64,
    /// Last sign-in time, Unix milliseconds.
    #[serde(default)]
    pub last_sign_in_at: Option<i64>,
    /// Latest session activity (day precision), Unix milliseconds.
    #[serde(default)]
    pub last_active_at: Option<i64>,
}

/// One email address of a [`User`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress {
    /// `idn_…` id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// The address itself.
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_address: String,
    /// How (and whether) the address was verified.
    #[serde(default)]
    pub verification: Option<Verification>,
}

impl EmailAddress {
    /// Whether the address has been verified.
    pub fn is_verified(&self) -> bool {
        self.verification
            .as_ref()
            .is_some_and(|verification| verification.status == "verified")
    }
}

/// The verification state of an identifier.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// `unverified`, `verified`, `failed`, `expired`, `transferable`, …
    #[serde(default, deserialize_with = "null_as_default")]
    pub status: String,
    /// `email_code`, `email_link`, `from_oauth_google`, `admin`, …
    #[serde(default)]
    pub strategy: Option<String>,
}

impl User {
    /// The primary email address, if the user has one.
    pub fn primary_email_address(&self) -> Option<&EmailAddress> {
        let primary_id = self.primary_email_address_id.as_deref()?;
        self.email_addresses
            .iter()
            .find(|email| email.id == primary_id)
    }

    /// "First Last", whichever parts are set, or `None`.
    pub fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    /// The browser-safe profile handed to the client; drops `private_metadata`.
    pub fn to_snapshot(&self) -> UserSnapshot {
        UserSnapshot {
            id: self.id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            username: self.username.clone(),
            primary_email_address: self
                .primary_email_address()
                .map(|email| email.email_address.clone()),
            image_url: self.image_url.clone(),
            public_metadata: self.public_metadata.clone(),
            unsafe_metadata: self.unsafe_metadata.clone(),
        }
    }
}

pub(super) fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

pub(super) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

pub(super) fn null_as_empty_object<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Value, D::Error> {
    Ok(Option::<Value>::deserialize(deserializer)?
        .filter(|value| !value.is_null())
        .unwrap_or_else(empty_object))
}
