//! `/client` — the auth state as the browser sees it (`use_auth()` / `use_user()`), live.

use leptos::prelude::*;
use leptos_clerk::{use_auth, use_user};

/// Shows the values of `use_auth()` and `use_user()`; they update as ClerkJS loads, signs in or
/// signs out, without a reload.
#[component]
pub fn ClientPage() -> impl IntoView {
    let auth = use_auth();
    let user = use_user();
    let show = |value: Option<String>| value.unwrap_or_else(|| "—".to_owned());

    view! {
        <h1>"Client-side auth state"</h1>
        <dl class="state" id="client-state">
            <dt>"is_loaded"</dt>
            <dd id="is-loaded">{move || auth.is_loaded.get().to_string()}</dd>
            <dt>"is_signed_in"</dt>
            <dd id="is-signed-in">{move || auth.is_signed_in.get().to_string()}</dd>
            <dt>"user_id"</dt>
            <dd id="user-id">{move || show(auth.user_id.get())}</dd>
            <dt>"session_id"</dt>
            <dd id="session-id">{move || show(auth.session_id.get())}</dd>
            <dt>"org_id"</dt>
            <dd id="org-id">{move || show(auth.org_id.get())}</dd>
            <dt>"primary email"</dt>
            <dd id="user-email">
                {move || show(user.user.get().and_then(|u| u.primary_email_address))}
            </dd>
            <dt>"name"</dt>
            <dd id="user-name">
                {move || {
                    show(
                        user
                            .user
                            .get()
                            .map(|u| {
                                format!(
                                    "{} {}",
                                    u.first_name.unwrap_or_default(),
                                    u.last_name.unwrap_or_default(),
                                )
                            }),
                    )
                }}
            </dd>
        </dl>
    }
}
