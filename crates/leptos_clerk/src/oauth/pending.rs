//! The pending login: what `/login` remembers for `/callback`, kept in a sealed cookie.

use serde::{Deserialize, Serialize};

use super::cookies::now_secs;
use super::secrets::REDACTED;
use crate::server::redirect::is_same_origin_path;

/// How long a started login may take before the callback refuses it.
pub const LOGIN_TTL_SECS: u64 = 600;

/// State carried from the login redirect to the callback. `Debug` redacts the secrets.
#[derive(Serialize, Deserialize)]
pub(crate) struct PendingLogin {
    /// The `state` sent to the provider (CSRF protection).
    pub state: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// The OpenID Connect nonce expected in an ID token.
    pub nonce: String,
    /// Where to go after a successful login (a same-origin path).
    pub success_redirect: String,
    /// Where to go after a failed login (a same-origin path); `None` shows an error page.
    pub failure_redirect: Option<String>,
    /// When the login started (Unix seconds).
    pub created_at: u64,
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("state", &REDACTED)
            .field("pkce_verifier", &REDACTED)
            .field("nonce", &REDACTED)
            .field("success_redirect", &self.success_redirect)
            .field("failure_redirect", &self.failure_redirect)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl PendingLogin {
    /// True once [`LOGIN_TTL_SECS`] have passed (or the clock went backwards a lot).
    pub(super) fn is_expired(&self) -> bool {
        let now = now_secs();
        now > self.created_at + LOGIN_TTL_SECS || self.created_at > now + 60
    }
}

/// Accepts only same-origin relative paths such as `/dashboard?tab=1`.
///
/// Rejects absolute and scheme-relative URLs (`https://evil`, `//evil`, `/\evil`, `/%2F%2Fevil`),
/// backslashes, whitespace and control characters — anything the crate's one same-origin rule
/// would have to change — so a login link can never become an open redirect.
pub fn safe_redirect_path(raw: &str) -> Option<&str> {
    (raw.len() <= 2048 && is_same_origin_path(raw)).then_some(raw)
}

/// Appends `error=<code>` to a same-origin path.
pub(crate) fn with_error_param(path: &str, code: &str) -> String {
    let (base, fragment) = match path.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (path, None),
    };
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut url = format!("{base}{separator}error={code}");
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_paths_pass() {
        for good in ["/", "/dashboard", "/a/b?c=d&e=%2F%2F", "/x#frag"] {
            assert_eq!(safe_redirect_path(good), Some(good), "{good}");
        }
        for bad in [
            "",
            "dashboard",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/ok\r\nSet-Cookie: x",
            "/a b",
            "/a\\b",
            "/%2F%2Fevil.example",
            "/%5Cevil.example",
            "/\t/evil.example",
        ] {
            assert_eq!(safe_redirect_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn pending_logins_expire_after_ten_minutes() {
        let at = |created_at| PendingLogin {
            state: String::new(),
            pkce_verifier: String::new(),
            nonce: String::new(),
            success_redirect: "/".into(),
            failure_redirect: None,
            created_at,
        };
        let now = now_secs();
        assert!(!at(now).is_expired());
        assert!(!at(now - LOGIN_TTL_SECS + 5).is_expired());
        assert!(at(now - LOGIN_TTL_SECS - 1).is_expired());
        assert!(at(now + 3600).is_expired(), "created in the future");
    }

    #[test]
    fn debug_redacts_state_verifier_and_nonce() {
        let pending = PendingLogin {
            state: "state_secret".into(),
            pkce_verifier: "verifier_secret".into(),
            nonce: "nonce_secret".into(),
            success_redirect: "/dashboard".into(),
            failure_redirect: None,
            created_at: 1,
        };
        let shown = format!("{pending:?}");
        assert!(!shown.contains("_secret"), "{shown}");
        assert!(shown.contains("/dashboard"), "{shown}");
    }

    #[test]
    fn error_param_keeps_query_and_fragment() {
        assert_eq!(
            with_error_param("/login", "access_denied"),
            "/login?error=access_denied"
        );
        assert_eq!(with_error_param("/l?a=1#top", "x"), "/l?a=1&error=x#top");
    }
}
