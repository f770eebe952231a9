//! [`Auth`]: the auth object of one request, like Clerk's `getAuth()` result.

use std::sync::Arc;

use serde_json::Value;

use super::backend_api::{BackendApi, BackendApiError};
use super::claims::{prefix_with_org, SessionClaims};
use super::reasons::AuthReason;
use crate::state::{has_scoped, AuthSnapshot, Check};

/// The auth state of one request. Signed out unless a session token verified.
#[derive(Clone, Debug, Default)]
pub struct Auth {
    claims: Option<Arc<SessionClaims>>,
    pending: Option<Arc<SessionClaims>>,
    token: Option<Arc<str>>,
    reason: Option<AuthReason>,
}

impl Auth {
    /// A signed-out auth object, with an optional reason.
    pub fn signed_out(reason: Option<AuthReason>) -> Self {
        Auth {
            reason,
            ..Auth::default()
        }
    }

    /// The auth object of a verified token. A `pending` session counts as
    /// signed out when `treat_pending_as_signed_out` (Clerk's default).
    pub fn from_claims(
        claims: Arc<SessionClaims>,
        token: &str,
        treat_pending_as_signed_out: bool,
    ) -> Self {
        Auth::from_shared_token(claims, Arc::from(token), treat_pending_as_signed_out)
    }

    /// [`Auth::from_claims`] without copying the token again.
    pub(crate) fn from_shared_token(
        claims: Arc<SessionClaims>,
        token: Arc<str>,
        treat_pending_as_signed_out: bool,
    ) -> Self {
        let token = Some(token);
        if treat_pending_as_signed_out && claims.sts.as_deref() == Some("pending") {
            return Auth {
                pending: Some(claims),
                ..Auth::default()
            };
        }
        Auth {
            claims: Some(claims),
            token,
            reason: None,
            pending: None,
        }
    }

    /// Why the request is signed out (Clerk's reason string), if known.
    pub fn reason(&self) -> Option<AuthReason> {
        self.reason
    }

    /// Whether a signed-in, non-pending session verified.
    pub fn is_authenticated(&self) -> bool {
        self.claims.is_some()
    }

    /// Always `"session_token"` (machine tokens are not supported).
    pub fn token_type(&self) -> &'static str {
        "session_token"
    }

    /// `sub`: the user id; `Some` exactly when [`Auth::is_authenticated`], so a signed-in
    /// `Auth` from [`require_auth`](super::require_auth) always has it.
    pub fn user_id(&self) -> Option<&str> {
        self.claims.as_ref().map(|c| c.sub.as_str())
    }

    /// `sid`: the session id.
    pub fn session_id(&self) -> Option<&str> {
        self.claims.as_ref().and_then(|c| c.sid.as_deref())
    }

    /// `sts`: `active` or `pending` (also for a pending session treated as signed out).
    pub fn session_status(&self) -> Option<&str> {
        self.claims
            .as_ref()
            .or(self.pending.as_ref())
            .and_then(|c| c.sts.as_deref())
    }

    /// The active organization id.
    pub fn org_id(&self) -> Option<&str> {
        self.org().map(|o| o.id.as_str())
    }

    /// The role in the active organization (`org:admin`).
    pub fn org_role(&self) -> Option<&str> {
        self.org().and_then(|o| o.role.as_deref())
    }

    /// The active organization's slug.
    pub fn org_slug(&self) -> Option<&str> {
        self.org().and_then(|o| o.slug.as_deref())
    }

    /// The permissions in the active organization.
    pub fn org_permissions(&self) -> &[String] {
        self.org().map_or(&[], |o| o.permissions.as_slice())
    }

    fn org(&self) -> Option<&super::claims::OrgClaims> {
        self.claims.as_ref().and_then(|c| c.org.as_ref())
    }

    /// `act`: the impersonating actor, if any.
    pub fn actor(&self) -> Option<&Value> {
        self.claims.as_ref().and_then(|c| c.act.as_ref())
    }

    /// `fva`: minutes since the first and second factor verification.
    pub fn factor_verification_age(&self) -> Option<[i64; 2]> {
        self.claims.as_ref().and_then(|c| c.fva)
    }

    /// The whole verified payload.
    pub fn session_claims(&self) -> Option<&Value> {
        self.claims.as_ref().map(|c| &c.raw)
    }

    /// The verified claims.
    pub fn claims(&self) -> Option<&SessionClaims> {
        self.claims.as_deref()
    }

    /// The request's session token (to call other services as this user).
    pub fn get_token(&self) -> Option<&str> {
        self.claims.as_ref().and(self.token.as_deref())
    }

    /// A token shaped by the JWT template `template` (Clerk's `getToken({ template })`), minted
    /// for this session by the Backend API (`POST /v1/sessions/{sid}/tokens/{template}`, never
    /// retried). `Ok(None)` when signed out or the token has no session id; no request is made
    /// then.
    pub async fn get_token_with_template(
        &self,
        backend_api: &BackendApi,
        template: &str,
    ) -> Result<Option<String>, BackendApiError> {
        let Some(session_id) = self.session_id() else {
            return Ok(None);
        };
        let token = backend_api
            .sessions()
            .create_token(session_id, Some(template))
            .await?;
        Ok(Some(token))
    }

    /// Whether the user passes `check`, like `@clerk/shared`
    /// `createCheckAuthorization`: always `false` when signed out.
    pub fn has(&self, check: Check<'_>) -> bool {
        let Some(claims) = &self.claims else {
            return false;
        };
        match check {
            Check::Role(role) => self
                .org_role()
                .is_some_and(|r| prefix_with_org(r) == prefix_with_org(role)),
            Check::Permission(permission) => {
                self.org().is_some()
                    && self
                        .org_permissions()
                        .contains(&prefix_with_org(permission))
            }
            Check::Feature(feature) => has_scoped(claims.features.as_deref(), feature),
            Check::Plan(plan) => has_scoped(claims.plans.as_deref(), plan),
        }
    }

    /// The browser-safe snapshot for [`crate::state::ClerkState`].
    pub fn snapshot(&self) -> AuthSnapshot {
        AuthSnapshot {
            user_id: self.user_id().map(str::to_owned),
            session_id: self.session_id().map(str::to_owned),
            session_status: self.session_status().map(str::to_owned),
            org_id: self.org_id().map(str::to_owned),
            org_role: self.org_role().map(str::to_owned),
            org_slug: self.org_slug().map(str::to_owned),
            org_permissions: self.org_permissions().to_vec(),
            user: None,
            features: self.claims.as_ref().and_then(|c| c.features.clone()),
            plans: self.claims.as_ref().and_then(|c| c.plans.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn auth(payload: Value) -> Auth {
        let claims = Arc::new(SessionClaims::from_payload(payload).unwrap());
        Auth::from_claims(claims, "tok", true)
    }

    #[test]
    fn has_role_permission_feature_plan() {
        let a = auth(json!({
            "v": 2, "sub": "user_1", "sid": "sess_1", "exp": 9, "fea": "o:reports,u:beta", "pla": "u:pro",
            "o": {"id": "org_1", "rol": "admin", "per": "read", "fpm": "1"}
        }));
        assert!(a.has(Check::Role("admin")) && a.has(Check::Role("org:admin")));
        assert!(!a.has(Check::Role("member")));
        // The browser snapshot carries the features and plans for `<Show when=Feature/Plan>`.
        let snapshot = a.snapshot();
        assert!(snapshot.has_feature("o:reports") && snapshot.has_feature("beta"));
        assert!(snapshot.has_plan("pro") && !snapshot.has_plan("o:pro"));
        assert!(a.has(Check::Permission("org:reports:read")));
        assert!(!a.has(Check::Permission("org:reports:manage")));
        assert!(a.has(Check::Feature("reports")) && a.has(Check::Feature("o:reports")));
        assert!(!a.has(Check::Feature("u:reports")) && a.has(Check::Feature("u:beta")));
        assert!(
            a.has(Check::Plan("pro"))
                && !a.has(Check::Plan("o:pro"))
                && !a.has(Check::Plan("x:pro"))
        );
        assert_eq!(a.get_token(), Some("tok"));
        assert_eq!(a.snapshot().org_role.as_deref(), Some("org:admin"));
    }

    #[test]
    fn pending_sessions_are_signed_out_by_default() {
        let a = auth(
            json!({"sub": "user_1", "exp": 9, "sts": "pending", "org_id": "org_1", "org_role": "org:admin"}),
        );
        assert!(!a.is_authenticated());
        assert_eq!(a.user_id(), None);
        assert_eq!(a.session_status(), Some("pending"));
        assert!(!a.has(Check::Role("admin")));
        assert_eq!(a.get_token(), None);
    }
}
