//! `/sign-in` and `/sign-in/*` — the sign-in page.

use leptos::prelude::*;

/// Hosts Clerk's sign-in flow; its steps live under `/sign-in/…`.
#[component]
pub fn SignInPage() -> impl IntoView {
    view! {
        <section class="auth-page">
            <h1>"Sign in"</h1>
        </section>
    }
}
