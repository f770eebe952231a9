//! ClerkJS UI components, mounted into a `<div>` that Leptos never fills.
//!
//! The server and the first client render output the same empty placeholder
//! (sized like the component, so nothing jumps); once ClerkJS has loaded an
//! effect mounts the component into it, and it is unmounted when the view goes
//! away (e.g. on a route change).

// Leptos' `#[component]` derives a public props builder for each component, which this crate
// does not re-export (the `view!` macro names it, users never do).
#![allow(unreachable_pub)]

use leptos::html::Div;
use leptos::prelude::*;

use crate::browser::{self, Mountable, OrganizationProps};
use crate::hooks::clerk_context;

/// ClerkJS's sign-in UI, routed by path under `path` (default: the configured
/// sign-in URL). Put it on a wildcard route such as `/sign-in/*any`.
#[component]
pub fn SignIn(
    /// The route's base path, e.g. `/sign-in`.
    #[prop(optional, into)]
    path: Option<String>,
) -> impl IntoView {
    let state = clerk_context("<SignIn>").state();
    let path = path.unwrap_or_else(|| base_path(&state.urls.sign_in_url, "/sign-in"));
    ClerkMount(
        Mountable::SignIn,
        browser::sign_in_props(&state.urls, &path),
    )
}

/// ClerkJS's sign-up UI, routed by path under `path` (default: the configured
/// sign-up URL). Put it on a wildcard route such as `/sign-up/*any`.
#[component]
pub fn SignUp(
    /// The route's base path, e.g. `/sign-up`.
    #[prop(optional, into)]
    path: Option<String>,
) -> impl IntoView {
    let state = clerk_context("<SignUp>").state();
    let path = path.unwrap_or_else(|| base_path(&state.urls.sign_up_url, "/sign-up"));
    ClerkMount(
        Mountable::SignUp,
        browser::sign_up_props(&state.urls, &path),
    )
}

/// ClerkJS's account management UI, routed by path under `path`.
#[component]
pub fn UserProfile(
    /// The route's base path (default `/user-profile`).
    #[prop(optional, into)]
    path: Option<String>,
) -> impl IntoView {
    let path = path.unwrap_or_else(|| "/user-profile".to_owned());
    ClerkMount(Mountable::UserProfile, browser::user_profile_props(&path))
}

/// ClerkJS's avatar menu (manage account, sign out).
#[component]
pub fn UserButton(
    /// Where to go after signing out from the menu (default: the configured
    /// after-sign-out URL).
    #[prop(optional, into)]
    after_sign_out_url: Option<String>,
) -> impl IntoView {
    ClerkMount(
        Mountable::UserButton,
        browser::user_button_props(after_sign_out_url.as_deref()),
    )
}

/// ClerkJS's organization switcher: the active organization, the user's others and the
/// personal account, plus "Create organization" and "Manage" (modals). URLs may use
/// `:slug` / `:id`, e.g. `after_select_organization_url="/orgs/:slug/settings"`.
#[component]
pub fn OrganizationSwitcher(
    /// Hide the personal account.
    #[prop(optional)]
    hide_personal: bool,
    /// Where to go after choosing an organization.
    #[prop(optional, into)]
    after_select_organization_url: Option<String>,
    /// Where to go after creating one.
    #[prop(optional, into)]
    after_create_organization_url: Option<String>,
    /// Where to go after leaving one.
    #[prop(optional, into)]
    after_leave_organization_url: Option<String>,
    /// Where to go after choosing the personal account.
    #[prop(optional, into)]
    after_select_personal_url: Option<String>,
) -> impl IntoView {
    let props = OrganizationProps {
        hide_personal,
        after_select_organization_url,
        after_create_organization_url,
        after_leave_organization_url,
        after_select_personal_url,
        ..OrganizationProps::default()
    };
    organization_mount(Mountable::OrganizationSwitcher, &props)
}

/// ClerkJS's organization management UI for the active organization (general settings,
/// members, invitations, leave, delete). Hash-routed unless `path` is given (then put it on
/// a wildcard route such as `/orgs/:slug/settings/*any`).
#[component]
pub fn OrganizationProfile(
    /// Base path for path routing; default: hash routing.
    #[prop(optional, into)]
    path: Option<String>,
    /// Where to go after leaving the organization.
    #[prop(optional, into)]
    after_leave_organization_url: Option<String>,
) -> impl IntoView {
    let props = OrganizationProps {
        path,
        after_leave_organization_url,
        ..OrganizationProps::default()
    };
    organization_mount(Mountable::OrganizationProfile, &props)
}

/// ClerkJS's form that creates an organization (the creator becomes its `org:admin`) and
/// makes it active. Hash-routed unless `path` is given.
#[component]
pub fn CreateOrganization(
    /// Base path for path routing; default: hash routing.
    #[prop(optional, into)]
    path: Option<String>,
    /// Where to go afterwards (`:slug` / `:id` are filled in).
    #[prop(optional, into)]
    after_create_organization_url: Option<String>,
) -> impl IntoView {
    let props = OrganizationProps {
        path,
        after_create_organization_url,
        ..OrganizationProps::default()
    };
    organization_mount(Mountable::CreateOrganization, &props)
}

/// ClerkJS's list of the user's organizations and pending invitations (join, switch,
/// create).
#[component]
pub fn OrganizationList(
    /// Hide the personal account.
    #[prop(optional)]
    hide_personal: bool,
    /// Where to go after choosing an organization.
    #[prop(optional, into)]
    after_select_organization_url: Option<String>,
    /// Where to go after creating one.
    #[prop(optional, into)]
    after_create_organization_url: Option<String>,
    /// Where to go after choosing the personal account.
    #[prop(optional, into)]
    after_select_personal_url: Option<String>,
) -> impl IntoView {
    let props = OrganizationProps {
        hide_personal,
        after_select_organization_url,
        after_create_organization_url,
        after_select_personal_url,
        ..OrganizationProps::default()
    };
    organization_mount(Mountable::OrganizationList, &props)
}

fn organization_mount(component: Mountable, props: &OrganizationProps) -> impl IntoView {
    ClerkMount(component, browser::organization_props(component, props))
}

/// `configured` when it is a path, else `default`.
fn base_path(configured: &str, default: &str) -> String {
    let path = if configured.starts_with('/') {
        configured
    } else {
        default
    };
    path.trim_end_matches('/').to_owned()
}

/// The placeholder `<div>` and, in the browser, the effect that mounts into it.
#[allow(non_snake_case)]
fn ClerkMount(component: Mountable, props: serde_json::Value) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let mounted = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    mount_when_ready(component, props, node, mounted);
    #[cfg(not(feature = "hydrate"))]
    drop(props);
    view! {
        <div
            node_ref=node
            class="cl-mount"
            data-cl-mount=component.slug()
            data-cl-mounted=move || if mounted.get() { "true" } else { "false" }
            style=component.placeholder_style()
        ></div>
    }
}

#[cfg(feature = "hydrate")]
fn mount_when_ready(
    component: Mountable,
    props: serde_json::Value,
    node: NodeRef<Div>,
    mounted: RwSignal<bool>,
) {
    use crate::browser::ClerkJs;

    let clerk = clerk_context("mounted Clerk component").clerk;
    let handle = StoredValue::new_local(None::<(ClerkJs, web_sys::Element)>);
    Effect::new(move |_| {
        let (Some(clerk), Some(element)) = (clerk.get(), node.get()) else {
            return;
        };
        if handle.with_value(Option::is_some) {
            return;
        }
        let element = web_sys::Element::from(element);
        match clerk.mount(component, &element, &props) {
            Ok(()) => {
                handle.set_value(Some((clerk, element)));
                mounted.set(true);
            }
            Err(error) => leptos::logging::error!("{error}"),
        }
    });
    on_cleanup(move || {
        if let Some(Some((clerk, element))) = handle.try_update_value(Option::take) {
            clerk.unmount(component, &element);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::base_path;

    #[test]
    fn base_path_comes_from_a_configured_path_only() {
        assert_eq!(base_path("/login/", "/sign-in"), "/login");
        assert_eq!(
            base_path("https://accounts.example.com/sign-in", "/sign-in"),
            "/sign-in"
        );
    }
}
