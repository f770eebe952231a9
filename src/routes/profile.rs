//! `/profile` — a protected page whose loader reads the user from Clerk's Backend API and whose
//! action updates the user's name (a Remix loader + action, as server functions).

use leptos::prelude::*;
use leptos_clerk::{ClerkFetchClient, RedirectToSignIn};
use serde::{Deserialize, Serialize};

use crate::routes::ServiceUnavailable;
use crate::AppError;

/// What the page shows of the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Clerk user id.
    pub id: String,
    /// Given name ("" when unset).
    pub first_name: String,
    /// Family name ("" when unset).
    pub last_name: String,
    /// Primary email address.
    pub email: Option<String>,
}

#[cfg(feature = "ssr")]
impl From<leptos_clerk::server::backend_api::User> for Profile {
    fn from(user: leptos_clerk::server::backend_api::User) -> Self {
        Profile {
            email: user
                .primary_email_address()
                .map(|e| e.email_address.clone()),
            first_name: user.first_name.unwrap_or_default(),
            last_name: user.last_name.unwrap_or_default(),
            id: user.id,
        }
    }
}

/// The loader: the signed-in user, read through the Backend API.
#[server(client = ClerkFetchClient, endpoint = "load_profile")]
pub async fn load_profile() -> Result<Profile, AppError> {
    use leptos_clerk::server::backend_api::BackendApi;
    let auth = crate::server::require_auth()?;
    let user_id = auth.user_id().unwrap_or_default();
    let api = expect_context::<BackendApi>();
    let user = api
        .users()
        .get(user_id)
        .await
        .map_err(AppError::backend_api)?;
    Ok(user.into())
}

/// The action: updates the signed-in user's first and last name.
#[server(client = ClerkFetchClient, endpoint = "update_profile")]
pub async fn update_profile(first_name: String, last_name: String) -> Result<Profile, AppError> {
    use leptos_clerk::server::backend_api::{BackendApi, UpdateUser};
    /// Longest name the form accepts.
    const MAX_NAME_CHARS: usize = 100;
    let auth = crate::server::require_auth()?;
    let (first_name, last_name) = (first_name.trim().to_owned(), last_name.trim().to_owned());
    if first_name.chars().count() > MAX_NAME_CHARS || last_name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::BadInput(format!(
            "names can be at most {MAX_NAME_CHARS} characters long"
        )));
    }
    let api = expect_context::<BackendApi>();
    let update = UpdateUser {
        first_name: Some(first_name),
        last_name: Some(last_name),
        ..UpdateUser::default()
    };
    let user = api
        .users()
        .update(auth.user_id().unwrap_or_default(), &update)
        .await
        .map_err(AppError::backend_api)?;
    Ok(user.into())
}

/// The profile page. Mount with `ssr=SsrMode::Async` so that a signed-out visitor is
/// redirected by the server.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    // Re-run the loader after every update, like Remix revalidating after an action.
    let profile = Resource::new(move || update.version().get(), |_| load_profile());

    view! {
        <h1>"Your profile"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                profile
                    .get()
                    .map(|result| match result {
                        Ok(profile) => view! { <ProfileForm profile update/> }.into_any(),
                        Err(AppError::SignedOut { .. }) => {
                            view! { <RedirectToSignIn/> }.into_any()
                        }
                        Err(AppError::Unavailable { retry_after_secs }) => {
                            view! { <ServiceUnavailable retry_after_secs/> }.into_any()
                        }
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Suspense>
        <p id="profile-result">
            {move || {
                update
                    .value()
                    .get()
                    .map(|result| match result {
                        Ok(p) => format!("Saved: {} {}", p.first_name, p.last_name),
                        Err(e) => format!("Could not save: {e}"),
                    })
            }}
        </p>
    }
}

/// The user's data and the form that updates it.
#[component]
fn ProfileForm(profile: Profile, update: ServerAction<UpdateProfile>) -> impl IntoView {
    view! {
        <dl class="state" id="profile">
            <dt>"User id"</dt>
            <dd id="profile-id">{profile.id}</dd>
            <dt>"Email"</dt>
            <dd id="profile-email">{profile.email.unwrap_or_default()}</dd>
            <dt>"Name"</dt>
            <dd id="profile-name">{format!("{} {}", profile.first_name, profile.last_name)}</dd>
        </dl>
        <ActionForm action=update attr:id="profile-form">
            <label>"First name " <input name="first_name" value=profile.first_name/></label>
            <label>"Last name " <input name="last_name" value=profile.last_name/></label>
            <button type="submit">"Save"</button>
        </ActionForm>
    }
}
