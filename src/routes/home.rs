//! `/` — the landing page.

use leptos::prelude::*;
// `Show` named: it wins over `leptos::prelude::Show`.
use leptos_clerk::{use_user, Show, When};

/// The home page: says whether you are signed in, plus a small interactive element that proves
/// the page hydrated.
#[component]
pub fn HomePage() -> impl IntoView {
    // A reactive value that the button updates once the WASM has hydrated the page.
    let count = RwSignal::new(0);
    let user = use_user();
    let greeting = move || {
        user.user.with(|user| match user {
            Some(user) => format!("Hello, {}!", user.first_name.as_deref().unwrap_or(&user.id)),
            None => "Hello!".to_owned(),
        })
    };

    view! {
        <h1>"Welcome to the Leptos + Clerk starter"</h1>
        <Show
            when=When::SignedIn
            fallback=|| {
                view! {
                    <p id="auth-status">
                        "You are signed out. Sign in or sign up with the buttons above."
                    </p>
                }
            }
        >
            <p id="auth-status">"You are signed in. " {greeting}</p>
        </Show>
        <button id="counter" on:click=move |_| *count.write() += 1>
            "Clicked " {count} " times"
        </button>
    }
}
