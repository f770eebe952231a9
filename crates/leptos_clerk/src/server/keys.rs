//! Publishable-key parsing, the cookie suffix and the script URLs, as in
//! Clerk's `packages/shared/src/keys.ts` and `loadClerkJsScript.ts`.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;

/// Whether a Clerk instance is a development or a production instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceType {
    /// `pk_test_…` / `sk_test_…`.
    Development,
    /// `pk_live_…` / `sk_live_…`.
    Production,
}

impl InstanceType {
    /// The key prefix word: `test` or `live`.
    pub fn key_word(self) -> &'static str {
        match self {
            InstanceType::Development => "test",
            InstanceType::Production => "live",
        }
    }
}

/// A decoded publishable key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishableKey {
    /// The key as configured.
    pub key: String,
    /// The instance's Frontend API host, e.g. `clerk.example.com`.
    pub frontend_api: String,
    /// Development or production.
    pub instance_type: InstanceType,
}

impl PublishableKey {
    /// Parses `pk_test_`/`pk_live_` + base64(`<frontend-api-host>$`); the base64
    /// padding may be missing. Returns `None` when the key is malformed.
    pub fn parse(key: &str) -> Option<PublishableKey> {
        let key = key.trim();
        let (instance_type, encoded) = if let Some(rest) = key.strip_prefix("pk_test_") {
            (InstanceType::Development, rest)
        } else if let Some(rest) = key.strip_prefix("pk_live_") {
            (InstanceType::Production, rest)
        } else {
            return None;
        };
        let decoded = STANDARD_NO_PAD.decode(encoded.trim_end_matches('=')).ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let host = decoded.strip_suffix('$')?;
        let valid_host = !host.is_empty()
            && host.contains('.')
            && !host.contains('$')
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b));
        valid_host.then(|| PublishableKey {
            key: key.to_owned(),
            frontend_api: host.to_owned(),
            instance_type,
        })
    }

    /// Builds a publishable key for a Frontend API host (used for the
    /// deprecated `CLERK_FRONTEND_API` variable).
    pub fn from_frontend_api(host: &str, instance_type: InstanceType) -> PublishableKey {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{host}$"));
        PublishableKey {
            key: format!("pk_{}_{encoded}", instance_type.key_word()),
            frontend_api: host.to_owned(),
            instance_type,
        }
    }

    /// The issuer every session token of this instance carries.
    pub fn issuer(&self) -> String {
        format!("https://{}", self.frontend_api)
    }

    /// The cookie suffix: the first 8 characters of the URL-safe base64 of
    /// SHA-1(publishable key), as Clerk's `getCookieSuffix`.
    pub fn cookie_suffix(&self) -> String {
        cookie_suffix(&self.key)
    }
}

/// The first 8 characters of URL-safe base64 (no padding) of SHA-1(`publishable_key`).
pub(super) fn cookie_suffix(publishable_key: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        publishable_key.as_bytes(),
    );
    let mut encoded = URL_SAFE_NO_PAD.encode(digest.as_ref());
    encoded.truncate(8);
    encoded
}

/// The instance type a secret key belongs to, if it has a known prefix.
pub(super) fn secret_key_instance(secret_key: &str) -> Option<InstanceType> {
    if secret_key.starts_with("sk_test_") {
        Some(InstanceType::Development)
    } else if secret_key.starts_with("sk_live_") {
        Some(InstanceType::Production)
    } else {
        None
    }
}

/// Where a browser bundle is served from, following Clerk's `loadClerkJsScript`:
/// an explicit override, else `{relative proxy}/npm/…`, else
/// `https://{proxy host | frontend API host}/npm/…`.
pub(super) fn script_url(
    override_url: Option<&str>,
    proxy_url: Option<&str>,
    frontend_api: &str,
    package_path: &str,
) -> String {
    if let Some(url) = override_url.filter(|u| !u.is_empty()) {
        return url.to_owned();
    }
    match proxy_url.filter(|p| !p.is_empty()) {
        Some(proxy) if proxy.starts_with('/') => {
            format!("{}/npm/{package_path}", proxy.trim_end_matches('/'))
        }
        Some(proxy) => {
            let host = proxy
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            format!("https://{}/npm/{package_path}", host.trim_end_matches('/'))
        }
        None => format!("https://{frontend_api}/npm/{package_path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_local_dev_key_without_padding() {
        let pk = PublishableKey::parse("pk_test_Y2xlcmsubG9jYWxob3N0JA").unwrap();
        assert_eq!(pk.frontend_api, "clerk.localhost");
        assert_eq!(pk.instance_type, InstanceType::Development);
        assert_eq!(pk.issuer(), "https://clerk.localhost");
    }

    #[test]
    fn parses_padded_live_keys_and_round_trips() {
        let pk = PublishableKey::from_frontend_api("clerk.example.com", InstanceType::Production);
        assert!(pk.key.starts_with("pk_live_"));
        assert_eq!(PublishableKey::parse(&pk.key), Some(pk));
    }

    #[test]
    fn rejects_malformed_keys() {
        // A secret-key prefix on an otherwise valid publishable payload (base64 "clerk.localhost$").
        let secret_prefix = format!("sk_test_{}", STANDARD_NO_PAD.encode("clerk.localhost$"));
        for key in [
            "",
            "pk_test_",
            &secret_prefix,
            "pk_test_!!!",
            "pk_test_Zm9v",
        ] {
            assert_eq!(PublishableKey::parse(key), None, "{key}");
        }
        // "foo$" has no dot, "a.b$$" has two dollars.
        let no_dot = base64::engine::general_purpose::STANDARD.encode("foo$");
        assert_eq!(PublishableKey::parse(&format!("pk_test_{no_dot}")), None);
        let two = base64::engine::general_purpose::STANDARD.encode("a.b$$");
        assert_eq!(PublishableKey::parse(&format!("pk_test_{two}")), None);
    }

    #[test]
    fn cookie_suffix_matches_sha1_base64url() {
        // SHA-1("pk_test_Y2xlcmsubG9jYWxob3N0JA") computed independently with openssl.
        let suffix = cookie_suffix("pk_test_Y2xlcmsubG9jYWxob3N0JA");
        assert_eq!(suffix.len(), 8);
        assert_eq!(suffix, EXPECTED_LOCAL_SUFFIX);
    }

    const EXPECTED_LOCAL_SUFFIX: &str =
        include_str!("../../tests/fixtures/local_cookie_suffix.txt");

    #[test]
    fn script_urls_follow_clerk_rules() {
        let path = "@clerk/clerk-js@6.40.0/dist/clerk.browser.js";
        assert_eq!(
            script_url(None, Some("/__clerk"), "clerk.localhost", path),
            format!("/__clerk/npm/{path}")
        );
        assert_eq!(
            script_url(None, Some("https://app.example.com/__clerk/"), "x.y", path),
            format!("https://app.example.com/__clerk/npm/{path}")
        );
        assert_eq!(
            script_url(None, None, "clerk.a.b", path),
            format!("https://clerk.a.b/npm/{path}")
        );
        assert_eq!(
            script_url(Some("/js/clerk.js"), None, "clerk.a.b", path),
            "/js/clerk.js"
        );
    }
}
