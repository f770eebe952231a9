//! `/protected` — the smallest protected page: signed out → sign in; signed in → your user id.

use leptos::prelude::*;
use leptos_clerk::{ClerkFetchClient, RedirectToSignIn};

use crate::AppError;

/// The loader: the signed-in user's id (redirects to sign-in when signed out).
#[server(client = ClerkFetchClient, endpoint = "protected_user_id")]
pub async fn protected_user_id() -> Result<String, AppError> {
    let auth = crate::server::require_auth()?;
    Ok(auth.user_id().unwrap_or_default().to_owned())
}

/// Shows the signed-in user's id. Mount with `ssr=SsrMode::Async`, so that the server can still
/// redirect a signed-out visitor before the page is sent.
#[component]
pub fn ProtectedPage() -> impl IntoView {
    let user_id = Resource::new(|| (), |_| protected_user_id());
    view! {
        <h1>"Protected page"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                user_id
                    .get()
                    .map(|result| match result {
                        Ok(id) => view! { <p id="protected-user">"Signed in as " {id}</p> }.into_any(),
                        Err(AppError::SignedOut { .. }) => {
                            view! { <RedirectToSignIn/> }.into_any()
                        }
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}
