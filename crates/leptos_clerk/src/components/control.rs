//! Components that show their children depending on the auth state.

use leptos::prelude::*;

use crate::hooks::{clerk_context, is_authorized, use_auth};
use crate::state::AuthSnapshot;

/// Renders its children only for a signed-in user.
#[component]
pub fn SignedIn(children: ChildrenFn) -> impl IntoView {
    let signed_in = use_auth().is_signed_in;
    move || signed_in.get().then(|| children())
}

/// Renders its children only when no user is signed in.
#[component]
pub fn SignedOut(children: ChildrenFn) -> impl IntoView {
    let signed_in = use_auth().is_signed_in;
    move || (!signed_in.get()).then(|| children())
}

/// Renders its children only for a signed-in user who passes every given
/// check (`role`, `permission` in the active organization, `condition`), and
/// `fallback` otherwise. Renders nothing while the auth state is unknown.
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
    let context = clerk_context("<Protect>");
    let is_loaded = use_auth().is_loaded;
    let allowed = move || {
        context.auth.with(|auth| {
            is_authorized(auth, role.as_deref(), permission.as_deref())
                && condition.is_none_or(|condition| condition.run(auth.clone()))
        })
    };
    move || match (is_loaded.get(), allowed()) {
        (false, _) => ().into_any(),
        (true, true) => children().into_any(),
        (true, false) => fallback.run(),
    }
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
