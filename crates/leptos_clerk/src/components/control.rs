//! Components that show their children depending on the auth state.

// Leptos' `#[component]` derives a public props builder for each component, which this crate
// does not re-export (the `view!` macro names it, users never do).
#![allow(unreachable_pub)]

use std::str::FromStr;
use std::sync::Arc;

use leptos::prelude::*;

use crate::hooks::{clerk_context, is_authorized, use_auth};
use crate::state::AuthSnapshot;

/// What [`Show`] checks, like `@clerk/react` Core 3's `when` prop.
#[derive(Clone)]
pub enum When {
    /// A user is signed in (`"signed-in"`).
    SignedIn,
    /// Nobody is signed in (`"signed-out"`).
    SignedOut,
    /// The user has this role in the active organization (`org:` prefix optional).
    Role(String),
    /// The user has this permission in the active organization (`org:` prefix optional).
    Permission(String),
    /// The session has this feature (`o:x`, `u:x` or a bare name).
    Feature(String),
    /// The session has this plan (`o:x`, `u:x` or a bare name).
    Plan(String),
    /// Any other check on the auth state, like `when={(has) => …}`; only called for a signed-in
    /// user.
    Check(Arc<dyn Fn(&AuthSnapshot) -> bool + Send + Sync>),
}

impl When {
    /// A [`When::Check`] from a closure.
    pub fn check(check: impl Fn(&AuthSnapshot) -> bool + Send + Sync + 'static) -> Self {
        When::Check(Arc::new(check))
    }

    /// Whether `auth` passes this condition.
    pub fn passes(&self, auth: &AuthSnapshot) -> bool {
        match self {
            When::SignedIn => auth.is_signed_in(),
            When::SignedOut => !auth.is_signed_in(),
            When::Role(role) => is_authorized(auth, Some(role), None),
            When::Permission(permission) => is_authorized(auth, None, Some(permission)),
            When::Feature(feature) => auth.has_feature(feature),
            When::Plan(plan) => auth.has_plan(plan),
            When::Check(check) => auth.is_signed_in() && check(auth),
        }
    }
}

impl std::fmt::Debug for When {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            When::SignedIn => f.write_str("SignedIn"),
            When::SignedOut => f.write_str("SignedOut"),
            When::Role(role) => f.debug_tuple("Role").field(role).finish(),
            When::Permission(permission) => f.debug_tuple("Permission").field(permission).finish(),
            When::Feature(feature) => f.debug_tuple("Feature").field(feature).finish(),
            When::Plan(plan) => f.debug_tuple("Plan").field(plan).finish(),
            When::Check(_) => f.write_str("Check(..)"),
        }
    }
}

/// A `when` text that names no condition: only `"signed-in"` and `"signed-out"` do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a `when` condition: expected \"signed-in\" or \"signed-out\"; use \
     When::Role/Permission/Feature/Plan/check for the other conditions"
)]
pub struct UnknownWhen(pub String);

impl FromStr for When {
    type Err = UnknownWhen;

    /// `"signed-in"` or `"signed-out"`, as Clerk writes them (`<Show when="signed-in">`).
    fn from_str(when: &str) -> Result<Self, UnknownWhen> {
        match when {
            "signed-in" => Ok(When::SignedIn),
            "signed-out" => Ok(When::SignedOut),
            other => Err(UnknownWhen(other.to_owned())),
        }
    }
}

impl TryFrom<&str> for When {
    type Error = UnknownWhen;

    /// [`When::from_str`](FromStr::from_str).
    fn try_from(when: &str) -> Result<Self, UnknownWhen> {
        when.parse()
    }
}

/// Clerk Core 3's `<Show>`: renders its children when `when` passes, and `fallback` otherwise,
/// from the auth state the server rendered with (no flash before ClerkJS loads), then from
/// ClerkJS. While the auth state is unknown (no server state, ClerkJS not loaded yet) a user
/// counts as signed out, and role, permission, feature, plan and check conditions render
/// nothing.
///
/// This hides UI only: protect the data itself on the server. Import it by name
/// (`use leptos_clerk::Show;`) so that it wins over the glob-imported `leptos::prelude::Show`.
#[component]
pub fn Show(
    /// The condition ([`When::SignedIn`], [`When::Role`], …).
    when: When,
    /// What is shown when `when` does not pass (nothing by default).
    #[prop(optional, into)]
    fallback: ViewFn,
    children: ChildrenFn,
) -> impl IntoView {
    let context = clerk_context("<Show>");
    let is_loaded = use_auth().is_loaded;
    // "signed-in"/"signed-out" answer from the state as known (signed out until known), as
    // `<SignedIn>`/`<SignedOut>` always did; the other checks wait for a known state.
    let needs_loaded = !matches!(when, When::SignedIn | When::SignedOut);
    move || match (
        is_loaded.get() || !needs_loaded,
        context.auth.with(|auth| when.passes(auth)),
    ) {
        (false, _) => ().into_any(),
        (true, true) => children().into_any(),
        (true, false) => fallback.run(),
    }
}

/// Renders its children only for a signed-in user: `<Show when=When::SignedIn>`.
#[component]
pub fn SignedIn(children: ChildrenFn) -> impl IntoView {
    view! { <Show when=When::SignedIn children/> }
}

/// Renders its children only when no user is signed in: `<Show when=When::SignedOut>`.
#[component]
pub fn SignedOut(children: ChildrenFn) -> impl IntoView {
    view! { <Show when=When::SignedOut children/> }
}

/// Renders its children only for a signed-in user who passes every given
/// check (`role`, `permission` in the active organization, `condition`), and
/// `fallback` otherwise. Renders nothing while the auth state is unknown.
/// A [`Show`] with a [`When::Check`] of all three.
///
/// This hides UI only: protect the data itself on the server.
#[component]
pub fn Protect(
    /// Required organization role, e.g. `org:admin` (the `org:` prefix is optional).
    #[prop(optional, into)]
    role: Option<String>,
    /// Required organization permission, e.g. `org:invoices:read`.
    #[prop(optional, into)]
    permission: Option<String>,
    /// Any other check on the auth state.
    #[prop(optional, into)]
    condition: Option<Callback<AuthSnapshot, bool>>,
    /// What unauthorized users see (nothing by default).
    #[prop(optional, into)]
    fallback: ViewFn,
    children: ChildrenFn,
) -> impl IntoView {
    let when = When::check(move |auth| {
        is_authorized(auth, role.as_deref(), permission.as_deref())
            && condition.is_none_or(|condition| condition.run(auth.clone()))
    });
    view! { <Show when fallback children/> }
}

/// Renders its children once ClerkJS has loaded (never on the server).
#[component]
pub fn ClerkLoaded(children: ChildrenFn) -> impl IntoView {
    let loaded = clerk_context("<ClerkLoaded>").is_clerk_loaded();
    move || loaded.get().then(|| children())
}

/// Renders its children until ClerkJS has loaded (or failed to).
#[component]
pub fn ClerkLoading(children: ChildrenFn) -> impl IntoView {
    let context = clerk_context("<ClerkLoading>");
    let loaded = context.is_clerk_loaded();
    let failed = context.load_error();
    move || (!loaded.get() && failed.with(Option::is_none)).then(|| children())
}

/// Renders its children when ClerkJS failed to load.
#[component]
pub fn ClerkFailed(children: ChildrenFn) -> impl IntoView {
    let failed = clerk_context("<ClerkFailed>").load_error();
    move || failed.with(Option::is_some).then(|| children())
}
