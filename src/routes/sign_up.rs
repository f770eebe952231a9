//! `/sign-up` and `/sign-up/*` — the sign-up page.

use leptos::prelude::*;
use leptos_clerk::SignUp;

/// Hosts Clerk's sign-up flow; its steps live under `/sign-up/…` (path routing).
#[component]
pub fn SignUpPage() -> impl IntoView {
    view! {
        <section class="auth-page">
            <SignUp path="/sign-up"/>
        </section>
    }
}
