//! `/sign-up` and `/sign-up/*` — the sign-up page.

use leptos::prelude::*;

/// Hosts Clerk's sign-up flow; its steps live under `/sign-up/…`.
#[component]
pub fn SignUpPage() -> impl IntoView {
    view! {
        <section class="auth-page">
            <h1>"Sign up"</h1>
        </section>
    }
}
