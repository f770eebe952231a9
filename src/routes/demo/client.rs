//! `/client` — the auth state as the browser sees it (`use_auth()` / `use_user()`), live.

use leptos::prelude::*;
use leptos_clerk::{use_auth, use_user, Check, Show, When};

/// Shows the values of `use_auth()` and `use_user()`, and the plan and feature checks (Clerk
/// Billing's `pla`/`fea` claims; in the local dev instance the user's `dev_instance_billing`
/// private metadata); they update as ClerkJS loads, signs in or signs out, without a reload.
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
            <dt>"has(Check::Plan(\"pro\"))"</dt>
            <dd id="has-plan-pro">{move || auth.has(Check::Plan("pro")).to_string()}</dd>
            <dt>"has(Check::Feature(\"u:reports\"))"</dt>
            <dd id="has-feature-reports">
                {move || auth.has(Check::Feature("u:reports")).to_string()}
            </dd>
        </dl>
        <Show
            when=When::Plan("pro".into())
            fallback=|| view! { <p id="plan-fallback">"Not on the pro plan."</p> }
        >
            <p id="plan-content">"Pro plan content."</p>
        </Show>
    }
}
