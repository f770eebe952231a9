//! The loader-side guard for protected pages and server functions.

use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use leptos_clerk::server::{Auth, AuthError, Check};

use crate::AppError;

/// [`leptos_clerk::server::require_auth`] for this app's pages and server functions, like a
/// Remix loader's `getAuth` + `redirect`: the signed-in [`Auth`] (its `user_id()` is always
/// there), or, when signed out, [`AppError::SignedOut`] with a redirect to the sign-in page (for
/// a page being rendered on the server; `redirect_url` brings the user back) or a 401 (for a
/// server function called from the browser).
pub fn require_auth() -> Result<Auth, AppError> {
    match leptos_clerk::server::require_auth() {
        Ok(auth) => Ok(auth),
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

/// Like [`require_auth`], and the user's role in the active organization must be `role`
/// (`org:admin`, or `admin`): a signed-in user without it gets [`AppError::Forbidden`] with a
/// 403 (the page renders its 403 view; a server-function call answers 403 with the error as
/// JSON). Signed out: a redirect to sign-in (page) or a 401 (call), as [`require_auth`].
pub fn require_org_role(role: &str) -> Result<Auth, AppError> {
    require_org(Check::Role(role), None)
}

/// Like [`require_org_role`] for a permission of the active organization
/// (`org:invoices:read`). Clerk's session tokens carry custom permissions only: check system
/// permissions (`org:sys_…`) by role.
pub fn require_org_permission(permission: &str) -> Result<Auth, AppError> {
    require_org(Check::Permission(permission), None)
}

/// Like [`require_org_role`], and the active organization must be the one whose slug is
/// `slug` (e.g. the `:slug` of `/orgs/:slug/settings`): pages for one organization do not
/// answer for another one that happens to be active.
pub fn require_org_role_in(slug: &str, role: &str) -> Result<Auth, AppError> {
    require_org(Check::Role(role), Some(slug))
}

fn require_org(check: Check<'_>, slug: Option<&str>) -> Result<Auth, AppError> {
    let auth = require_auth()?;
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
        tracing::debug!(user = auth.user_id(), "refused: needs {wanted}");
        return Err(forbidden(format!("this needs {wanted}")));
    }
    Ok(auth)
}

/// [`AppError::Forbidden`] with the response status set to 403.
fn forbidden(reason: String) -> AppError {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(axum::http::StatusCode::FORBIDDEN);
    }
    AppError::Forbidden(reason)
}
