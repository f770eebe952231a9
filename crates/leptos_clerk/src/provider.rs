//! [`ClerkProvider`]: the reactive Clerk state shared by hooks and components.
//!
//! Like `@clerk/remix`'s `ClerkApp`, the provider starts from the auth state the
//! server saw (so the SSR HTML and the hydrated app render identically), loads
//! ClerkJS after hydration, and from then on follows ClerkJS.
//!
//! Wiring it into an app (the server half's axum layer must run for every
//! Leptos route, so that the request carries its `ClerkState`):
//!
//! ```text
//! pub fn shell(options: LeptosOptions) -> impl IntoView {
//!     view! {
//!         <!DOCTYPE html>
//!         <html lang="en">
//!             <head>
//!                 <ClerkScripts/>             // state JSON + @clerk/ui + ClerkJS, deferred
//!                 <HydrationScripts options/>
//!                 <MetaTags/>
//!             </head>
//!             <body><App/></body>
//!         </html>
//!     }
//! }
//!
//! #[component]
//! pub fn App() -> impl IntoView {
//!     view! {
//!         <Router>
//!             <ClerkProvider>                 // inside <Router>: ClerkJS navigates client-side
//!                 <header>
//!                     <SignedIn><UserButton/></SignedIn>
//!                     <SignedOut><SignInButton/></SignedOut>
//!                 </header>
//!                 <Routes fallback=|| "Not found">
//!                     <Route path=path!("/sign-in/*any") view=|| view! { <SignIn/> }/>
//!                     <Route path=path!("/sign-up/*any") view=|| view! { <SignUp/> }/>
//!                     <Route path=path!("/user-profile/*any") view=|| view! { <UserProfile/> }/>
//!                 </Routes>
//!             </ClerkProvider>
//!         </Router>
//!     }
//! }
//! ```

// Leptos' `#[component]` derives a public props builder for each component, which this crate
// does not re-export (the `view!` macro names it, users never do).
#![allow(unreachable_pub)]

use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;

use crate::browser::{ClerkJs, ClerkJsError};
use crate::state::{AuthSnapshot, ClerkState, OrganizationsSnapshot};

/// Where the ClerkJS handle is stored. In the browser it wraps a JS object, so it stays on its
/// thread (`LocalStorage`). On the server it is never set, and a page's reactive owner may be
/// dropped on another worker thread than the one that rendered it, so it must be thread-safe
/// there (a `LocalStorage` value dropped on another thread panics).
#[cfg(feature = "hydrate")]
pub type ClerkStorage = LocalStorage;
/// Where the ClerkJS handle is stored (see the `hydrate` build's docs).
#[cfg(not(feature = "hydrate"))]
pub type ClerkStorage = SyncStorage;

/// The Clerk context provided by [`ClerkProvider`]. Hooks such as
/// [`crate::use_auth`] read it; apps rarely need it directly.
#[derive(Clone, Copy, Debug)]
pub struct ClerkContext {
    pub(crate) config: StoredValue<ClerkState>,
    pub(crate) has_ssr_state: bool,
    pub(crate) auth: RwSignal<AuthSnapshot>,
    /// The user's organizations as ClerkJS reports them; `None` until it has loaded.
    pub(crate) organizations: RwSignal<Option<OrganizationsSnapshot>>,
    pub(crate) clerk: RwSignal<Option<ClerkJs>, ClerkStorage>,
    pub(crate) load_error: RwSignal<Option<ClerkJsError>>,
}

impl ClerkContext {
    /// A context starting from `state`; `has_ssr_state` says whether the state
    /// really came from the server (otherwise auth counts as not loaded).
    pub(crate) fn new(state: ClerkState, has_ssr_state: bool) -> Self {
        Self {
            auth: RwSignal::new(state.auth.clone()),
            organizations: RwSignal::new(None),
            config: StoredValue::new(state),
            has_ssr_state,
            clerk: RwSignal::new_with_storage(None),
            load_error: RwSignal::new(None),
        }
    }

    /// Whether ClerkJS has loaded (`Clerk.loaded`); always `false` on the server.
    pub fn is_clerk_loaded(&self) -> Signal<bool> {
        let clerk = self.clerk;
        Signal::derive(move || clerk.with(Option::is_some))
    }

    /// Why ClerkJS failed to load, if it did.
    pub fn load_error(&self) -> ReadSignal<Option<ClerkJsError>> {
        self.load_error.read_only()
    }

    /// The configuration the page was rendered with.
    pub fn state(&self) -> ClerkState {
        self.config.get_value()
    }

    /// Copies ClerkJS's current state into the signals (only what changed).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn follow(&self, clerk: &ClerkJs) {
        let snapshot = clerk.auth_snapshot();
        if self.auth.try_with_untracked(|auth| *auth != snapshot) == Some(true) {
            self.auth.set(snapshot);
        }
        let organizations = Some(clerk.organizations());
        if self
            .organizations
            .try_with_untracked(|current| *current != organizations)
            == Some(true)
        {
            self.organizations.set(organizations);
        }
    }
}

/// Provides the Clerk context to its children: put it at the root of the app,
/// inside `<Router>` so that ClerkJS navigates client-side.
///
/// On the server it takes the request's [`ClerkState`] (inserted by the axum
/// layer); in the browser it reads the copy [`crate::ClerkScripts`] wrote into
/// the page. After hydration it loads ClerkJS and follows its state.
#[component]
pub fn ClerkProvider(children: Children) -> impl IntoView {
    let state = page_state();
    if state.is_none() && rendering_a_page() {
        warn_once(
            &PROVIDER_WARNED,
            "<ClerkProvider> found no Clerk state: add the leptos_clerk axum layer on the server \
             and render <ClerkScripts/> in the shell's <head>; rendering signed out",
        );
    }
    let has_ssr_state = state.is_some();
    let context = ClerkContext::new(state.unwrap_or_default(), has_ssr_state);
    provide_context(context);
    #[cfg(feature = "hydrate")]
    start_clerk(context);
    children()
}

static PROVIDER_WARNED: AtomicBool = AtomicBool::new(false);

/// Whether a real page is being rendered: always in the browser; on the server only for a
/// request path (leptos_axum's `generate_route_list` renders the app once at start-up with an
/// empty one, where a missing Clerk state is expected and not worth a warning).
fn rendering_a_page() -> bool {
    #[cfg(feature = "ssr")]
    return with_context::<leptos_router::location::RequestUrl, _>(|url| !url.as_ref().is_empty())
        .unwrap_or(true);
    #[allow(unreachable_code)]
    true
}

/// Logs `message` the first time only.
pub(crate) fn warn_once(flag: &AtomicBool, message: &str) {
    if !flag.swap(true, Ordering::Relaxed) {
        #[cfg(feature = "ssr")]
        tracing::warn!("{message}");
        #[cfg(not(feature = "ssr"))]
        leptos::logging::warn!("{message}");
    }
}

/// The Clerk state of the page being rendered: an explicitly provided
/// [`ClerkState`] context first, then (server) the request's extensions, or
/// (browser) the JSON element written by [`crate::ClerkScripts`].
pub(crate) fn page_state() -> Option<ClerkState> {
    if let Some(state) = use_context::<ClerkState>() {
        return Some(state);
    }
    // Read in place: `use_context` would copy the whole request head.
    #[cfg(feature = "ssr")]
    if let Some(state) = with_context::<http::request::Parts, _>(|parts| {
        let request = crate::server::context::clerk_request(parts).ok()?;
        Some(ClerkState::clone(&request.state))
    }) {
        return state;
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    return state_from_document();
    #[allow(unreachable_code)]
    None
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn state_from_document() -> Option<ClerkState> {
    let element = web_sys::window()?
        .document()?
        .get_element_by_id(crate::state::CLERK_STATE_ELEMENT_ID)?;
    let text = element.text_content()?;
    serde_json::from_str(&text)
        .map_err(|error| leptos::logging::error!("unreadable Clerk state in the page: {error}"))
        .ok()
}

/// Loads ClerkJS after hydration and keeps the context in sync with it.
#[cfg(feature = "hydrate")]
fn start_clerk(context: ClerkContext) {
    use crate::browser::{load_clerk, Listener};

    let navigator = router_navigator();
    let listener = StoredValue::new_local(None::<Listener>);
    on_cleanup(move || drop(listener.try_update_value(Option::take)));
    Effect::new(move |_| {
        let navigator = navigator.clone();
        leptos::task::spawn_local(async move {
            let state = context.config.get_value();
            match load_clerk(&state, navigator).await {
                Ok(clerk) => {
                    context.follow(&clerk);
                    let handle = clerk.clone();
                    let subscription = clerk.add_listener(move || context.follow(&handle));
                    // When the provider is already gone, the subscription is dropped here.
                    drop(listener.try_set_value(Some(subscription)));
                    context.clerk.try_set(Some(clerk));
                }
                Err(error) => {
                    leptos::logging::error!("{error}");
                    context.load_error.try_set(Some(error));
                }
            }
        });
    });
}

/// Client-side navigation through the surrounding `<Router>`, if any.
#[cfg(feature = "hydrate")]
fn router_navigator() -> Option<crate::browser::Navigator> {
    use leptos_router::{hooks::use_navigate, location::BrowserUrl, NavigateOptions};

    use_context::<BrowserUrl>()?;
    let navigate = use_navigate();
    Some(std::rc::Rc::new(move |path: &str, replace: bool| {
        navigate(
            path,
            NavigateOptions {
                resolve: false,
                replace,
                ..NavigateOptions::default()
            },
        )
    }))
}
