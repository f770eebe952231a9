//! [`ClerkScripts`]: what the document `<head>` needs for Clerk.

// Leptos' `#[component]` derives a public props builder for each component, which this crate
// does not re-export (the `view!` macro names it, users never do).
#![allow(unreachable_pub)]

use std::sync::atomic::AtomicBool;

use leptos::prelude::*;

use crate::provider::{page_state, warn_once};
use crate::state::{ClerkState, CLERK_STATE_ELEMENT_ID};

static SCRIPTS_WARNED: AtomicBool = AtomicBool::new(false);

/// Renders, for the shell's `<head>` (server-rendered, outside the hydrated
/// body): the request's [`ClerkState`] as JSON for [`crate::ClerkProvider`],
/// then the `@clerk/ui` bundle and ClerkJS, both `defer` so they run in this
/// order (the UI defines `window.__internal_ClerkUICtor` before `Clerk.load`).
///
/// Place it before Leptos' `<HydrationScripts/>`. Renders nothing (and warns
/// once) when the request carries no Clerk state, i.e. the axum layer is missing.
#[component]
pub fn ClerkScripts() -> impl IntoView {
    let Some(state) = page_state() else {
        warn_once(
            &SCRIPTS_WARNED,
            "<ClerkScripts/> found no Clerk state for this request: add the leptos_clerk axum \
             layer to the router that serves the Leptos routes",
        );
        return None;
    };
    let json = state_json(&state);
    let ClerkState {
        publishable_key,
        proxy_url,
        domain,
        clerk_js_url,
        clerk_ui_url,
        ..
    } = state;
    let ui_script = (!clerk_ui_url.is_empty()).then(|| {
        view! { <script src=clerk_ui_url defer=true crossorigin="anonymous" data-clerk-ui-script=""></script> }
    });
    Some(view! {
        <script type="application/json" id=CLERK_STATE_ELEMENT_ID inner_html=json></script>
        {ui_script}
        <script
            src=clerk_js_url
            defer=true
            crossorigin="anonymous"
            data-clerk-js-script=""
            data-clerk-publishable-key=publishable_key
            data-clerk-proxy-url=proxy_url
            data-clerk-domain=domain
        ></script>
    })
}

/// The state as JSON that is safe inside a `<script>` element: `<`, `>`, `&`
/// and the JavaScript line separators are written as `\u` escapes, so no value
/// can close the element (`</script>`) or open a comment (`<!--`).
pub(crate) fn state_json(state: &ClerkState) -> String {
    let json = serde_json::to_string(state).unwrap_or_else(|_| "{}".to_owned());
    let mut escaped = String::with_capacity(json.len());
    for character in json.chars() {
        match character {
            '<' => escaped.push_str("\\u003c"),
            '>' => escaped.push_str("\\u003e"),
            '&' => escaped.push_str("\\u0026"),
            '\u{2028}' => escaped.push_str("\\u2028"),
            '\u{2029}' => escaped.push_str("\\u2029"),
            other => escaped.push(other),
        }
    }
    escaped
}
