//! The loader-side guard for protected pages and server functions.

use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use leptos_clerk::server::{require_auth, Auth, AuthError, Check};

use crate::AppError;

/// A signed-in request's auth: like [`Auth`], but the user id is always there.
#[derive(Clone, Debug)]
pub struct SignedIn {
    auth: Auth,
    user_id: String,
}

impl SignedIn {
    /// The signed-in [`SignedIn`] of `auth`, or `None` when `auth` has no user.
    pub fn new(auth: Auth) -> Option<Self> {
        let user_id = auth.user_id()?.to_owned();
        Some(SignedIn { auth, user_id })
    }

    /// `sub`: the signed-in user's id (`user_…`).
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// `sid`: the session id (absent only for tokens without a session).
    pub fn session_id(&self) -> Option<&str> {
        self.auth.session_id()
    }

    /// The whole [`Auth`] (organization, roles, permissions, `has()`).
    pub fn auth(&self) -> &Auth {
        &self.auth
    }
}

/// Like a Remix loader's `getAuth` + `redirect`: the [`SignedIn`] user, or, when signed out,
/// [`AppError::SignedOut`] with a redirect to the sign-in page (for a page being rendered on
/// the server; `redirect_url` brings the user back) or a 401 (for a server function called from
/// the browser).
pub fn require_user() -> Result<SignedIn, AppError> {
    match require_auth() {
        Ok(auth) => SignedIn::new(auth).ok_or_else(unauthenticated),
        Err(AuthError::SignedOut { sign_in_url }) => {
            leptos_axum::redirect(&sign_in_url);
            Err(AppError::SignedOut {
                sign_in_url: Some(sign_in_url),
            })
        }
        Err(AuthError::Unauthenticated) => Err(unauthenticated()),
        Err(e) => Err(AppError::server(e)),
    }
}

/// [`AppError::SignedOut`] answered with a 401 (a server-function call, no redirect).
fn unauthenticated() -> AppError {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(axum::http::StatusCode::UNAUTHORIZED);
    }
    AppError::SignedOut { sign_in_url: None }
}

/// Like [`require_user`], and the user's role in the active organization must be `role`
/// (`org:admin`, or `admin`): a signed-in user without it gets [`AppError::Forbidden`] with a
/// 403 (the page renders its 403 view; a server-function call answers 403 with the error as
/// JSON). Signed out: a redirect to sign-in (page) or a 401 (call), as [`require_user`].
pub fn require_org_role(role: &str) -> Result<SignedIn, AppError> {
    require_org(Check::Role(role), None)
}

/// Like [`require_org_role`] for a permission of the active organization
/// (`org:invoices:read`). Clerk's session tokens carry custom permissions only: check system
/// permissions (`org:sys_…`) by role.
pub fn require_org_permission(permission: &str) -> Result<SignedIn, AppError> {
    require_org(Check::Permission(permission), None)
}

/// Like [`require_org_role`], and the active organization must be the one whose slug is
/// `slug` (e.g. the `:slug` of `/orgs/:slug/settings`): pages for one organization do not
/// answer for another one that happens to be active.
pub fn require_org_role_in(slug: &str, role: &str) -> Result<SignedIn, AppError> {
    require_org(Check::Role(role), Some(slug))
}

fn require_org(check: Check<'_>, slug: Option<&str>) -> Result<SignedIn, AppError> {
    let user = require_user()?;
    let auth = user.auth();
    if let Some(slug) = slug {
        if auth.org_slug() != Some(slug) {
            return Err(forbidden(format!(
                "the organization \"{slug}\" is not your active organization: switch to it first"
            )));
        }
    }
    if !auth.has(check) {
        let needed = match check {
            Check::Role(role) => format!("the role {role}"),
            Check::Permission(permission) => format!("the permission {permission}"),
            Check::Feature(feature) => format!("the feature {feature}"),
            Check::Plan(plan) => format!("the plan {plan}"),
        };
        let wanted = match auth.org_slug() {
            Some(active) => format!("{needed} in the organization \"{active}\""),
            None => format!("{needed} in an active organization"),
        };
        tracing::debug!(user = user.user_id(), "refused: needs {wanted}");
        return Err(forbidden(format!("this needs {wanted}")));
    }
    Ok(user)
}

/// [`AppError::Forbidden`] with the response status set to 403.
fn forbidden(reason: String) -> AppError {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(axum::http::StatusCode::FORBIDDEN);
    }
    AppError::Forbidden(reason)
}
