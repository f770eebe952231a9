//! Hooks in the shape of `@clerk/clerk-react`'s `useAuth`, `useUser`,
//! `useSession` and `useClerk`.
//!
//! Until ClerkJS has loaded they report the state the server rendered with
//! (so `is_loaded` is already `true` when the server knew the auth state, as
//! with `@clerk/remix`); afterwards they follow ClerkJS.

use std::sync::atomic::AtomicBool;

use leptos::prelude::*;

use crate::browser::{self, ClerkJs, ClerkJsError};
use crate::provider::{warn_once, ClerkContext};
pub(crate) use crate::state::is_authorized;
use crate::state::{AuthSnapshot, Check, UserSnapshot};

/// A hook was called outside [`crate::ClerkProvider`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{hook} was called outside <ClerkProvider>: wrap the app's routes in <ClerkProvider> \
     (inside <Router>); until then it reports a signed-out user"
)]
pub(crate) struct MissingProviderError {
    /// The hook or component that looked for the context.
    pub hook: &'static str,
}

/// The Clerk context, or why there is none.
pub(crate) fn try_use_clerk_context(
    hook: &'static str,
) -> Result<ClerkContext, MissingProviderError> {
    use_context::<ClerkContext>().ok_or(MissingProviderError { hook })
}

static MISSING_PROVIDER_WARNED: AtomicBool = AtomicBool::new(false);

/// The Clerk context; outside a provider, logs a descriptive error once and
/// returns a detached signed-out context instead of panicking.
pub(crate) fn clerk_context(hook: &'static str) -> ClerkContext {
    try_use_clerk_context(hook).unwrap_or_else(|error| {
        warn_once(&MISSING_PROVIDER_WARNED, &error.to_string());
        ClerkContext::new(Default::default(), false)
    })
}

/// What [`use_auth`] returns.
#[derive(Clone, Copy, Debug)]
pub struct UseAuth {
    /// Whether the auth state is known (from the server or from ClerkJS).
    pub is_loaded: Signal<bool>,
    /// Whether a user is signed in with an active session.
    pub is_signed_in: Signal<bool>,
    /// The signed-in user's id.
    pub user_id: Signal<Option<String>>,
    /// The active session's id.
    pub session_id: Signal<Option<String>>,
    /// The active organization's id.
    pub org_id: Signal<Option<String>>,
    /// The user's role in the active organization.
    pub org_role: Signal<Option<String>>,
    /// The active organization's slug.
    pub org_slug: Signal<Option<String>>,
    /// The user's permissions in the active organization.
    pub org_permissions: Signal<Vec<String>>,
    context: ClerkContext,
}

impl UseAuth {
    /// A fresh session token (`session.getToken()`), e.g. for calling your own
    /// API with `Authorization: Bearer`. `None` when signed out, on the server,
    /// or when ClerkJS did not load.
    pub async fn get_token(&self) -> Option<String> {
        browser::session_token().await
    }

    /// Signs out; ClerkJS then navigates to `redirect_url`, or to the
    /// configured after-sign-out URL.
    pub async fn sign_out(&self, redirect_url: Option<&str>) -> Result<(), ClerkJsError> {
        loaded_clerk(self.context)
            .await?
            .sign_out(redirect_url)
            .await
    }

    /// Clerk's `has()` in the browser, with the server's [`Check`] (role, permission, feature
    /// or plan); tracks the auth state.
    pub fn has(&self, check: Check<'_>) -> bool {
        self.context.auth.with(|auth| auth.has(check))
    }
}

/// The current user's auth state.
pub fn use_auth() -> UseAuth {
    let context = clerk_context("use_auth()");
    let auth = context.auth;
    let field =
        move |get: fn(&AuthSnapshot) -> Option<String>| Signal::derive(move || auth.with(get));
    UseAuth {
        is_loaded: is_loaded(context),
        is_signed_in: Signal::derive(move || auth.with(AuthSnapshot::is_signed_in)),
        user_id: field(|auth| auth.user_id.clone()),
        session_id: field(|auth| auth.session_id.clone()),
        org_id: field(|auth| auth.org_id.clone()),
        org_role: field(|auth| auth.org_role.clone()),
        org_slug: field(|auth| auth.org_slug.clone()),
        org_permissions: Signal::derive(move || auth.with(|auth| auth.org_permissions.clone())),
        context,
    }
}

/// What [`use_user`] returns.
#[derive(Clone, Copy, Debug)]
pub struct UseUser {
    /// Whether the user (or the absence of one) is known.
    pub is_loaded: Signal<bool>,
    /// Whether a user is signed in.
    pub is_signed_in: Signal<bool>,
    /// The signed-in user's profile.
    pub user: Signal<Option<UserSnapshot>>,
}

/// The signed-in user's profile. Before ClerkJS has loaded it is the profile
/// the server loaded, if it did; otherwise `is_loaded` stays `false` for a
/// signed-in user until ClerkJS has loaded.
pub fn use_user() -> UseUser {
    let context = clerk_context("use_user()");
    let auth = context.auth;
    let clerk_loaded = context.is_clerk_loaded();
    let has_ssr_state = context.has_ssr_state;
    UseUser {
        is_loaded: Signal::derive(move || {
            clerk_loaded.get()
                || (has_ssr_state && auth.with(|auth| !auth.is_signed_in() || auth.user.is_some()))
        }),
        is_signed_in: Signal::derive(move || auth.with(AuthSnapshot::is_signed_in)),
        user: Signal::derive(move || auth.with(|auth| auth.user.clone())),
    }
}

/// What [`use_session`] returns.
#[derive(Clone, Copy, Debug)]
pub struct UseSession {
    /// Whether the session state is known.
    pub is_loaded: Signal<bool>,
    /// Whether there is an active session.
    pub is_signed_in: Signal<bool>,
    /// The active session's id.
    pub session_id: Signal<Option<String>>,
    /// The session's status (`active`, `pending`, …).
    pub status: Signal<Option<String>>,
}

impl UseSession {
    /// A fresh session token; see [`UseAuth::get_token`].
    pub async fn get_token(&self) -> Option<String> {
        browser::session_token().await
    }
}

/// The active session.
pub fn use_session() -> UseSession {
    let context = clerk_context("use_session()");
    let auth = context.auth;
    UseSession {
        is_loaded: is_loaded(context),
        is_signed_in: Signal::derive(move || auth.with(AuthSnapshot::is_signed_in)),
        session_id: Signal::derive(move || auth.with(|auth| auth.session_id.clone())),
        status: Signal::derive(move || auth.with(|auth| auth.session_status.clone())),
    }
}

/// The ClerkJS instance: `None` until it has loaded (always on the server).
pub fn use_clerk() -> ReadSignal<Option<ClerkJs>, crate::provider::ClerkStorage> {
    clerk_context("use_clerk()").clerk.read_only()
}

fn is_loaded(context: ClerkContext) -> Signal<bool> {
    let clerk_loaded = context.is_clerk_loaded();
    let has_ssr_state = context.has_ssr_state;
    Signal::derive(move || has_ssr_state || clerk_loaded.get())
}

/// The loaded ClerkJS instance, waiting if it is still loading.
pub(crate) async fn loaded_clerk(context: ClerkContext) -> Result<ClerkJs, ClerkJsError> {
    if let Some(clerk) = context.clerk.try_get_untracked().flatten() {
        return Ok(clerk);
    }
    match browser::loaded_clerk().await {
        Some(clerk) => Ok(clerk),
        None if cfg!(feature = "hydrate") => Err(ClerkJsError::NotLoaded),
        None => Err(ClerkJsError::NotInBrowser),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: &str, permissions: &[&str]) -> AuthSnapshot {
        AuthSnapshot {
            user_id: Some("user_1".into()),
            session_id: Some("sess_1".into()),
            org_id: Some("org_1".into()),
            org_role: Some(role.into()),
            org_permissions: permissions.iter().map(|p| p.to_string()).collect(),
            ..AuthSnapshot::default()
        }
    }

    #[test]
    fn roles_and_permissions_match_with_or_without_prefix() {
        let auth = member("org:admin", &["org:invoices:read"]);
        assert!(is_authorized(&auth, Some("admin"), None));
        assert!(is_authorized(
            &auth,
            Some("org:admin"),
            Some("invoices:read")
        ));
        assert!(!is_authorized(&auth, Some("org:member"), None));
        assert!(!is_authorized(&auth, None, Some("org:invoices:write")));
        assert!(is_authorized(&auth, None, None));
    }

    #[test]
    fn browser_has_takes_the_servers_checks() {
        let auth = AuthSnapshot {
            features: Some("o:reports,u:beta".into()),
            plans: Some("u:pro".into()),
            ..member("org:admin", &["org:invoices:read"])
        };
        assert!(auth.has(Check::Role("admin")) && !auth.has(Check::Role("member")));
        assert!(auth.has(Check::Permission("invoices:read")));
        assert!(!auth.has(Check::Permission("org:invoices:write")));
        assert!(auth.has(Check::Feature("reports")) && auth.has(Check::Feature("u:beta")));
        assert!(!auth.has(Check::Feature("u:reports")));
        assert!(auth.has(Check::Plan("pro")) && !auth.has(Check::Plan("o:pro")));
        let signed_out = AuthSnapshot {
            user_id: None,
            ..auth
        };
        assert!(!signed_out.has(Check::Plan("pro")) && !signed_out.has(Check::Role("admin")));
    }

    #[test]
    fn signed_out_users_are_never_authorized() {
        assert!(!is_authorized(&AuthSnapshot::default(), None, None));
        let no_org = AuthSnapshot {
            user_id: Some("user_1".into()),
            ..AuthSnapshot::default()
        };
        assert!(is_authorized(&no_org, None, None));
        assert!(!is_authorized(&no_org, Some("admin"), None));
    }

    #[test]
    fn outside_a_provider_hooks_report_signed_out_instead_of_panicking() {
        let owner = Owner::new();
        owner.with(|| {
            assert!(try_use_clerk_context("use_auth()").is_err());
            let auth = use_auth();
            assert!(!auth.is_loaded.get_untracked());
            assert!(!auth.is_signed_in.get_untracked());
            assert!(use_user().user.get_untracked().is_none());
        });
    }
}
