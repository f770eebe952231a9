//! Buttons that start a sign-in, a sign-up or a sign-out.
//!
//! They render a plain `<button type="button">` on the server too; a click
//! before ClerkJS has loaded waits for it, and falls back to a plain
//! navigation to the sign-in / sign-up URL if ClerkJS is unavailable.

// Leptos' `#[component]` derives a public props builder for each component, which this crate
// does not re-export (the `view!` macro names it, users never do).
#![allow(unreachable_pub)]

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::RedirectOptions;
use crate::hooks::{clerk_context, loaded_clerk};
use crate::provider::ClerkContext;

/// How [`SignInButton`] / [`SignUpButton`] show the form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ButtonMode {
    /// Navigate to the sign-in / sign-up page (the default).
    #[default]
    Redirect,
    /// Open ClerkJS's modal on the current page.
    Modal,
}

/// Starts a sign-in.
#[component]
pub fn SignInButton(
    /// Redirect to the sign-in page (default) or open a modal.
    #[prop(optional)]
    mode: ButtonMode,
    /// Always go here after signing in.
    #[prop(optional, into)]
    force_redirect_url: Option<String>,
    /// Go here after signing in unless the URL says otherwise.
    #[prop(optional, into)]
    fallback_redirect_url: Option<String>,
    /// CSS classes of the `<button>`.
    #[prop(optional, into)]
    class: Option<String>,
    /// The button's content (default "Sign in").
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let options = RedirectOptions {
        force_redirect_url,
        fallback_redirect_url,
    };
    flow_button(Flow::SignIn, mode, options, class, children)
}

/// Starts a sign-up.
#[component]
pub fn SignUpButton(
    /// Redirect to the sign-up page (default) or open a modal.
    #[prop(optional)]
    mode: ButtonMode,
    /// Always go here after signing up.
    #[prop(optional, into)]
    force_redirect_url: Option<String>,
    /// Go here after signing up unless the URL says otherwise.
    #[prop(optional, into)]
    fallback_redirect_url: Option<String>,
    /// CSS classes of the `<button>`.
    #[prop(optional, into)]
    class: Option<String>,
    /// The button's content (default "Sign up").
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let options = RedirectOptions {
        force_redirect_url,
        fallback_redirect_url,
    };
    flow_button(Flow::SignUp, mode, options, class, children)
}

/// Signs the user out (`Clerk.signOut`).
#[component]
pub fn SignOutButton(
    /// Where to go afterwards (default: the configured after-sign-out URL).
    #[prop(optional, into)]
    redirect_url: Option<String>,
    /// CSS classes of the `<button>`.
    #[prop(optional, into)]
    class: Option<String>,
    /// The button's content (default "Sign out").
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let context = clerk_context("<SignOutButton>");
    let on_click = move |_| {
        let redirect_url = redirect_url.clone();
        spawn_local(async move {
            let outcome = match loaded_clerk(context).await {
                Ok(clerk) => clerk.sign_out(redirect_url.as_deref()).await,
                Err(error) => Err(error),
            };
            if let Err(error) = outcome {
                leptos::logging::error!("sign-out failed: {error}");
            }
        });
    };
    let content = children.map_or_else(|| "Sign out".into_any(), |children| children().into_any());
    view! {
        <button type="button" class=class data-cl-button="sign-out" on:click=on_click>
            {content}
        </button>
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    SignIn,
    SignUp,
}

fn flow_button(
    flow: Flow,
    mode: ButtonMode,
    options: RedirectOptions,
    class: Option<String>,
    children: Option<Children>,
) -> impl IntoView {
    let context = clerk_context("<SignInButton>/<SignUpButton>");
    let (slug, label) = match flow {
        Flow::SignIn => ("sign-in", "Sign in"),
        Flow::SignUp => ("sign-up", "Sign up"),
    };
    let on_click = move |_| spawn_local(start_flow(context, flow, mode, options.clone()));
    let content = children.map_or_else(|| label.into_any(), |children| children().into_any());
    view! {
        <button type="button" class=class data-cl-button=slug on:click=on_click>
            {content}
        </button>
    }
}

async fn start_flow(context: ClerkContext, flow: Flow, mode: ButtonMode, options: RedirectOptions) {
    let clerk = match loaded_clerk(context).await {
        Ok(clerk) => clerk,
        Err(error) => {
            leptos::logging::warn!("{error}; navigating to the {flow:?} page instead");
            let urls = context.state().urls;
            navigate_to(match flow {
                Flow::SignIn => &urls.sign_in_url,
                Flow::SignUp => &urls.sign_up_url,
            });
            return;
        }
    };
    let outcome = match (flow, mode) {
        (Flow::SignIn, ButtonMode::Modal) => clerk.open_sign_in(&options),
        (Flow::SignUp, ButtonMode::Modal) => clerk.open_sign_up(&options),
        (Flow::SignIn, ButtonMode::Redirect) => clerk.redirect_to_sign_in(&options).await,
        (Flow::SignUp, ButtonMode::Redirect) => clerk.redirect_to_sign_up(&options).await,
    };
    if let Err(error) = outcome {
        leptos::logging::error!("{error}");
    }
}

/// A full page navigation (browser only).
fn navigate_to(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}
