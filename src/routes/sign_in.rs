//! `/sign-in` and `/sign-in/*` — the sign-in page.

use leptos::prelude::*;
use leptos_clerk::SignIn;

/// Hosts Clerk's sign-in flow; its steps live under `/sign-in/…` (path routing).
#[component]
pub fn SignInPage() -> impl IntoView {
    view! {
        <section class="auth-page">
            <SignIn path="/sign-in"/>
        </section>
    }
}
