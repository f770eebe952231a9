//! `/orgs` — organizations: the switcher, the list (with pending invitations), creating one,
//! and the active organization as the server sees it (from the session token) next to what
//! the browser sees (`use_organization()`).

use leptos::prelude::*;
use leptos_clerk::{
    use_organization, ClerkFetchClient, CreateOrganization, OrganizationList, OrganizationSwitcher,
    RedirectToSignIn, Show, When,
};
use serde::{Deserialize, Serialize};

use crate::AppError;

/// The active organization as the server read it from the session token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveOrg {
    /// `org_…` id; `None` for the personal account.
    pub id: Option<String>,
    /// Slug.
    pub slug: Option<String>,
    /// The user's role in it.
    pub role: Option<String>,
}

/// The loader: the request's active organization (redirects to sign-in when signed out).
#[server(client = ClerkFetchClient, endpoint = "load_active_org")]
pub async fn load_active_org() -> Result<ActiveOrg, AppError> {
    let auth = crate::server::require_auth()?;
    Ok(ActiveOrg {
        id: auth.org_id().map(str::to_owned),
        slug: auth.org_slug().map(str::to_owned),
        role: auth.org_role().map(str::to_owned),
    })
}

/// The organizations page. Mount with `ssr=SsrMode::Async`.
#[component]
pub fn OrgsPage() -> impl IntoView {
    let server = Resource::new(|| (), |_| load_active_org());
    let browser = use_organization();
    let show = |value: Option<String>| value.unwrap_or_else(|| "—".to_owned());
    view! {
        <h1>"Organizations"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                server
                    .get()
                    .map(|result| match result {
                        Ok(org) => {
                            let settings = org
                                .slug
                                .clone()
                                .map(|slug| format!("/orgs/{slug}/settings"));
                            view! {
                                <h2>"On the server (session token)"</h2>
                                <dl class="state" id="server-org">
                                    <dt>"org_id"</dt>
                                    <dd id="server-org-id">{show(org.id)}</dd>
                                    <dt>"org_slug"</dt>
                                    <dd id="server-org-slug">{show(org.slug)}</dd>
                                    <dt>"org_role"</dt>
                                    <dd id="server-org-role">{show(org.role)}</dd>
                                </dl>
                                // Rendered from the SSR state already: no flash before ClerkJS.
                                <Show when=When::Role("org:admin".into())>
                                    <p>
                                        <a id="org-settings-link" href=settings.clone()>
                                            "Organization settings (admins)"
                                        </a>
                                    </p>
                                </Show>
                            }
                                .into_any()
                        }
                        Err(AppError::SignedOut { .. }) => view! { <RedirectToSignIn/> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Suspense>
        <h2>"In the browser (use_organization)"</h2>
        <dl class="state" id="browser-org">
            <dt>"name"</dt>
            <dd id="browser-org-name">
                {move || show(browser.organization.get().and_then(|o| o.name))}
            </dd>
            <dt>"role"</dt>
            <dd id="browser-org-role">{move || show(browser.membership.get().and_then(|m| m.role))}</dd>
        </dl>
        <h2>"Switch"</h2>
        <OrganizationSwitcher after_select_organization_url="/orgs" after_select_personal_url="/orgs"/>
        <h2>"Your organizations and invitations"</h2>
        <OrganizationList after_select_organization_url="/orgs" after_select_personal_url="/orgs"/>
        <h2>"Create one"</h2>
        <CreateOrganization after_create_organization_url="/orgs"/>
    }
}
