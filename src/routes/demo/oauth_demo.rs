//! `/oauth-demo` — a page protected by "Sign in with Clerk" over OAuth instead of a Clerk
//! session: signed out → `/auth/clerk/login?successRedirect=/oauth-demo`; signed in → the
//! profile from the app's own session cookie and a sign-out form. No ClerkJS involved.

use crate::{AppError, AppUser};
use leptos::prelude::*;

/// Where the sign-in starts for this page.
const LOGIN_HREF: &str = "/auth/clerk/login?successRedirect=%2Foauth-demo";

/// The loader: the signed-in [`AppUser`]; on the server a signed-out visitor is redirected to
/// the login route.
#[server(endpoint = "oauth_demo_user")]
pub async fn oauth_demo_user() -> Result<AppUser, AppError> {
    oauth_user()
}

/// The app user of the request's OAuth session.
#[cfg(all(feature = "ssr", feature = "oauth"))]
fn oauth_user() -> Result<AppUser, AppError> {
    use leptos_clerk::oauth::{require_oauth_user, OAuthRejection};
    match require_oauth_user::<AppUser>() {
        Ok(user) => Ok(user),
        Err(OAuthRejection::SignInRequired { login_url }) => {
            leptos_axum::redirect(&login_url);
            Err(AppError::SignedOut {
                sign_in_url: Some(login_url),
            })
        }
        Err(OAuthRejection::Unauthenticated) => Err(AppError::SignedOut { sign_in_url: None }),
        Err(OAuthRejection::LayerMissing) => Err(AppError::NotConfigured(
            "OAuth is not configured: set CLERK_OAUTH_CLIENT_ID".into(),
        )),
        Err(other) => Err(AppError::server(other)),
    }
}

/// A build without the cargo feature `oauth` has no OAuth strategy.
#[cfg(all(feature = "ssr", not(feature = "oauth")))]
fn oauth_user() -> Result<AppUser, AppError> {
    Err(AppError::NotConfigured(
        "OAuth is not in this build: enable the cargo feature `oauth`".into(),
    ))
}

/// Shows the OAuth profile. Mount with `ssr=SsrMode::Async` so the redirect happens before
/// the page is sent.
#[component]
pub fn OAuthDemoPage() -> impl IntoView {
    let user = Resource::new(|| (), |_| oauth_demo_user());
    view! {
        <h1>"Sign in with Clerk (OAuth)"</h1>
        <p>"This page is protected by the app's own session, created by signing in with Clerk over OAuth 2.0."</p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || user.get().map(|result| match result {
                Ok(user) => profile(user).into_any(),
                Err(AppError::SignedOut { .. }) => view! {
                    <p><a id="oauth-login" href=LOGIN_HREF rel="external">"Sign in with Clerk"</a></p>
                }
                .into_any(),
                Err(AppError::NotConfigured(_)) => view! {
                    <p id="oauth-off">
                        "OAuth is off: set CLERK_OAUTH_CLIENT_ID (see .env.example), or run without Clerk keys to use the local dev instance."
                    </p>
                }
                .into_any(),
                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}

fn profile(user: AppUser) -> impl IntoView {
    let dash = || "—".to_owned();
    view! {
        <dl id="oauth-profile">
            <dt>"User ID"</dt>
            <dd id="oauth-user-id">{user.id}</dd>
            <dt>"Email"</dt>
            <dd id="oauth-email">{user.email.unwrap_or_else(dash)}</dd>
            <dt>"Name"</dt>
            <dd id="oauth-name">{user.name.unwrap_or_else(dash)}</dd>
        </dl>
        <form method="post" action="/auth/clerk/logout">
            <button id="oauth-logout" type="submit">"Sign out of the app"</button>
        </form>
    }
}
