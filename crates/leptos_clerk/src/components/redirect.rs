//! Components that navigate to the sign-in / sign-up page once ClerkJS has loaded.

// Leptos' `#[component]` derives a public props builder for each component, which this crate
// does not re-export (the `view!` macro names it, users never do).
#![allow(unreachable_pub)]

use leptos::prelude::*;

use crate::browser::RedirectOptions;
use crate::hooks::clerk_context;

/// Sends the user to the sign-in page (with the current URL as redirect
/// target) as soon as ClerkJS has loaded. Renders nothing.
///
/// Pair it with [`crate::SignedOut`]; for pages that must never render for a
/// signed-out user, redirect on the server instead.
#[component]
pub fn RedirectToSignIn(
    /// Always go here after signing in.
    #[prop(optional, into)]
    force_redirect_url: Option<String>,
    /// Go here after signing in unless the URL says otherwise.
    #[prop(optional, into)]
    fallback_redirect_url: Option<String>,
) -> impl IntoView {
    redirect_once(
        false,
        RedirectOptions {
            force_redirect_url,
            fallback_redirect_url,
        },
    );
}

/// Sends the user to the sign-up page as soon as ClerkJS has loaded.
/// Renders nothing.
#[component]
pub fn RedirectToSignUp(
    /// Always go here after signing up.
    #[prop(optional, into)]
    force_redirect_url: Option<String>,
    /// Go here after signing up unless the URL says otherwise.
    #[prop(optional, into)]
    fallback_redirect_url: Option<String>,
) -> impl IntoView {
    redirect_once(
        true,
        RedirectOptions {
            force_redirect_url,
            fallback_redirect_url,
        },
    );
}

fn redirect_once(sign_up: bool, options: RedirectOptions) {
    let clerk = clerk_context("<RedirectToSignIn>/<RedirectToSignUp>").clerk;
    let done = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(clerk) = clerk.get() else { return };
        if done.get_value() {
            return;
        }
        done.set_value(true);
        let options = options.clone();
        leptos::task::spawn_local(async move {
            let outcome = if sign_up {
                clerk.redirect_to_sign_up(&options).await
            } else {
                clerk.redirect_to_sign_in(&options).await
            };
            if let Err(error) = outcome {
                leptos::logging::error!("{error}");
            }
        });
    });
}
