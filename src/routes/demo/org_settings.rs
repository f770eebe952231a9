//! `/orgs/:slug/settings` — an admin-only page: the server answers 403 unless `:slug` is the
//! active organization and the user is its `org:admin` (from the session token), reads the
//! organization and its members through the Backend API, and the browser mounts ClerkJS's
//! `<OrganizationProfile/>`.

use leptos::prelude::*;
use leptos_clerk::{ClerkFetchClient, OrganizationProfile, RedirectToSignIn};
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::routes::ServiceUnavailable;
use crate::AppError;

/// What the settings page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSettings {
    /// `org_…` id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Slug.
    pub slug: String,
    /// `(identifier, role)` of each member, oldest first (first page).
    pub members: Vec<(String, String)>,
}

/// The loader: 403 unless the user is `org:admin` of the active organization `slug`.
#[server(client = ClerkFetchClient, endpoint = "load_org_settings")]
pub async fn load_org_settings(slug: String) -> Result<OrgSettings, AppError> {
    use leptos_clerk::server::backend_api::{BackendApi, Page};
    crate::server::require_org_role_in(&slug, "org:admin")?;
    let api = expect_context::<BackendApi>();
    let org = api
        .organizations()
        .get(&slug)
        .await
        .map_err(AppError::backend_api)?;
    let page = Page {
        limit: Some(100),
        offset: None,
    };
    let members = api
        .organizations()
        .memberships(&org.id, &page)
        .await
        .map_err(AppError::backend_api)?;
    Ok(OrgSettings {
        members: members
            .data
            .into_iter()
            .map(|m| {
                let who = m
                    .public_user_data
                    .and_then(|u| u.identifier.or(Some(u.user_id)))
                    .unwrap_or_default();
                (who, m.role)
            })
            .collect(),
        id: org.id,
        name: org.name,
        slug: org.slug,
    })
}

/// The settings page. Mount with `ssr=SsrMode::Async`, so that the 403 status and the
/// sign-in redirect are decided before the page is sent.
#[component]
pub fn OrgSettingsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let settings = Resource::new(slug, load_org_settings);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                settings
                    .get()
                    .map(|result| match result {
                        Ok(org) => view! { <Settings org/> }.into_any(),
                        Err(AppError::SignedOut { .. }) => view! { <RedirectToSignIn/> }.into_any(),
                        Err(AppError::Unavailable { retry_after_secs }) => {
                            view! { <ServiceUnavailable retry_after_secs/> }.into_any()
                        }
                        Err(AppError::Forbidden(reason)) => {
                            view! {
                                <h1 id="forbidden">"403 — not allowed"</h1>
                                <p>{reason}</p>
                                <p><a href="/orgs">"Back to your organizations"</a></p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// The organization's details, its members and ClerkJS's management UI.
#[component]
fn Settings(org: OrgSettings) -> impl IntoView {
    view! {
        <h1 id="org-settings">"Settings of " {org.name.clone()}</h1>
        <dl class="state">
            <dt>"id"</dt>
            <dd id="org-settings-id">{org.id}</dd>
            <dt>"slug"</dt>
            <dd id="org-settings-slug">{org.slug}</dd>
        </dl>
        <h2>"Members (Backend API)"</h2>
        <ul id="org-members">
            {org
                .members
                .into_iter()
                .map(|(who, role)| view! { <li>{who} " — " {role}</li> })
                .collect_view()}
        </ul>
        <OrganizationProfile after_leave_organization_url="/orgs"/>
    }
}
