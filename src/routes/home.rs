//! `/` — the landing page.

use leptos::prelude::*;

/// The home page, with a small interactive element that proves the page hydrated.
#[component]
pub fn HomePage() -> impl IntoView {
    // A reactive value that the button updates once the WASM has hydrated the page.
    let count = RwSignal::new(0);

    view! {
        <h1>"Welcome to the Leptos + Clerk starter"</h1>
        <p>"A Leptos 0.8 SSR app with Clerk authentication."</p>
        <button id="counter" on:click=move |_| *count.write() += 1>
            "Clicked " {count} " times"
        </button>
    }
}
