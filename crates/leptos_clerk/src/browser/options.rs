//! The plain-data halves of the objects handed to ClerkJS, built in pure Rust
//! so that they are identical in every build and unit-testable on the host.
// Server builds only mount nothing and load nothing; the builders stay tested there.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

use serde_json::{json, Map, Value};

use crate::state::{ClerkState, ClerkUrls};

/// The ClerkJS UI components this crate mounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mountable {
    SignIn,
    SignUp,
    UserButton,
    UserProfile,
    OrganizationSwitcher,
    OrganizationProfile,
    CreateOrganization,
    OrganizationList,
}

impl Mountable {
    /// The stable name used in `data-cl-mount` attributes.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::SignUp => "sign-up",
            Self::UserButton => "user-button",
            Self::UserProfile => "user-profile",
            Self::OrganizationSwitcher => "organization-switcher",
            Self::OrganizationProfile => "organization-profile",
            Self::CreateOrganization => "create-organization",
            Self::OrganizationList => "organization-list",
        }
    }

    /// Inline style of the placeholder: roughly the size of the mounted
    /// component, so the page does not jump when ClerkJS fills it.
    pub(crate) fn placeholder_style(self) -> &'static str {
        match self {
            Self::SignIn => "min-height:420px",
            Self::SignUp => "min-height:520px",
            Self::UserButton => "display:inline-flex;min-width:28px;min-height:28px",
            Self::UserProfile => "min-height:640px",
            Self::OrganizationSwitcher => "display:inline-flex;min-width:160px;min-height:32px",
            Self::OrganizationProfile => "min-height:640px",
            Self::CreateOrganization => "min-height:360px",
            Self::OrganizationList => "min-height:320px",
        }
    }
}

/// The data part of the `Clerk.load(options)` argument (the functions
/// `routerPush` / `routerReplace` and `ui.ClerkUI` are added in the browser).
pub(super) fn load_options(state: &ClerkState) -> Value {
    let urls = &state.urls;
    let mut options = Map::new();
    insert(&mut options, "signInUrl", Some(&urls.sign_in_url));
    insert(&mut options, "signUpUrl", Some(&urls.sign_up_url));
    insert_redirects(&mut options, urls);
    insert(
        &mut options,
        "afterSignOutUrl",
        Some(&urls.after_sign_out_url),
    );
    insert(&mut options, "proxyUrl", state.proxy_url.as_ref());
    insert(&mut options, "domain", state.domain.as_ref());
    if state.is_satellite {
        options.insert("isSatellite".into(), Value::Bool(true));
    }
    options.insert("telemetry".into(), Value::Bool(false));
    options.insert(
        "sdkMetadata".into(),
        json!({ "name": "leptos_clerk", "version": env!("CARGO_PKG_VERSION") }),
    );
    Value::Object(options)
}

/// Props of `mountSignIn` for a path-routed `<SignIn/>` living at `path`.
pub(crate) fn sign_in_props(urls: &ClerkUrls, path: &str) -> Value {
    let mut props = routed(path);
    insert(&mut props, "signUpUrl", Some(&urls.sign_up_url));
    insert_redirects(&mut props, urls);
    Value::Object(props)
}

/// Props of `mountSignUp` for a path-routed `<SignUp/>` living at `path`.
pub(crate) fn sign_up_props(urls: &ClerkUrls, path: &str) -> Value {
    let mut props = routed(path);
    insert(&mut props, "signInUrl", Some(&urls.sign_in_url));
    insert_redirects(&mut props, urls);
    Value::Object(props)
}

/// Props of `mountUserProfile` for a path-routed `<UserProfile/>` at `path`.
pub(crate) fn user_profile_props(path: &str) -> Value {
    Value::Object(routed(path))
}

/// Props of `mountUserButton`.
pub(crate) fn user_button_props(after_sign_out_url: Option<&str>) -> Value {
    let mut props = Map::new();
    insert(&mut props, "afterSignOutUrl", after_sign_out_url);
    Value::Object(props)
}

/// Props of the organization components; URLs may contain Clerk's `:slug` / `:id`
/// placeholders (e.g. `/orgs/:slug/settings`), which ClerkJS fills in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganizationProps {
    /// Path routing under this base path; `None`: hash routing (`#/…`), which needs no
    /// wildcard route. Used by `<OrganizationProfile/>` and `<CreateOrganization/>`.
    pub path: Option<String>,
    /// Hide the personal account in the switcher and the list (`hidePersonal`).
    pub hide_personal: bool,
    /// Where to go after choosing an organization (`afterSelectOrganizationUrl`).
    pub after_select_organization_url: Option<String>,
    /// Where to go after creating one (`afterCreateOrganizationUrl`).
    pub after_create_organization_url: Option<String>,
    /// Where to go after leaving one (`afterLeaveOrganizationUrl`).
    pub after_leave_organization_url: Option<String>,
    /// Where to go after choosing the personal account (`afterSelectPersonalUrl`).
    pub after_select_personal_url: Option<String>,
}

/// Props of `mount<component>` for one of the organization components.
pub(crate) fn organization_props(component: Mountable, props: &OrganizationProps) -> Value {
    let mut out = match (component, &props.path) {
        (Mountable::OrganizationProfile | Mountable::CreateOrganization, Some(path)) => {
            routed(path)
        }
        (Mountable::OrganizationProfile | Mountable::CreateOrganization, None) => {
            let mut map = Map::new();
            map.insert("routing".into(), Value::String("hash".into()));
            map
        }
        _ => Map::new(),
    };
    if props.hide_personal
        && matches!(
            component,
            Mountable::OrganizationSwitcher | Mountable::OrganizationList
        )
    {
        out.insert("hidePersonal".into(), Value::Bool(true));
    }
    let urls = [
        (
            "afterSelectOrganizationUrl",
            &props.after_select_organization_url,
        ),
        (
            "afterCreateOrganizationUrl",
            &props.after_create_organization_url,
        ),
        (
            "afterLeaveOrganizationUrl",
            &props.after_leave_organization_url,
        ),
        ("afterSelectPersonalUrl", &props.after_select_personal_url),
    ];
    for (key, value) in urls {
        let applies = match key {
            "afterSelectOrganizationUrl" | "afterSelectPersonalUrl" => matches!(
                component,
                Mountable::OrganizationSwitcher | Mountable::OrganizationList
            ),
            "afterCreateOrganizationUrl" => component != Mountable::OrganizationProfile,
            _ => matches!(
                component,
                Mountable::OrganizationSwitcher | Mountable::OrganizationProfile
            ),
        };
        if applies {
            insert(&mut out, key, value.as_ref());
        }
    }
    Value::Object(out)
}

/// Where to go after a sign-in / sign-up started by a button or redirect.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RedirectOptions {
    /// Always go here afterwards (`forceRedirectUrl`).
    pub force_redirect_url: Option<String>,
    /// Go here afterwards unless the URL carries a `redirect_url`
    /// (`fallbackRedirectUrl`).
    pub fallback_redirect_url: Option<String>,
}

impl RedirectOptions {
    /// Options of `openSignIn` / `redirectToSignIn` (`sign_up == false`) or of
    /// their sign-up twins.
    pub(crate) fn to_props(&self, sign_up: bool) -> Value {
        let prefix = if sign_up { "signUp" } else { "signIn" };
        let (force, fallback) = (&self.force_redirect_url, &self.fallback_redirect_url);
        let mut props = Map::new();
        insert(
            &mut props,
            &format!("{prefix}ForceRedirectUrl"),
            force.as_ref(),
        );
        insert(
            &mut props,
            &format!("{prefix}FallbackRedirectUrl"),
            fallback.as_ref(),
        );
        // The modal components take the short names.
        insert(&mut props, "forceRedirectUrl", force.as_ref());
        insert(&mut props, "fallbackRedirectUrl", fallback.as_ref());
        Value::Object(props)
    }
}

/// Options of `signOut`.
pub(super) fn sign_out_options(redirect_url: Option<&str>) -> Value {
    let mut options = Map::new();
    insert(&mut options, "redirectUrl", redirect_url);
    Value::Object(options)
}

/// Turns a URL ClerkJS asks the router to open into a path for client-side
/// navigation, or `None` when it points to another origin (or is not a URL
/// the router can handle) and needs a full page load instead.
pub(super) fn in_app_path(to: &str, origin: &str) -> Option<String> {
    let rest = match to.strip_prefix(origin) {
        Some(rest) if !origin.is_empty() => rest,
        _ => to,
    };
    if rest.is_empty() {
        return Some("/".into());
    }
    let local = rest.starts_with('/') && !rest.starts_with("//") && !rest.starts_with("/\\");
    local.then(|| rest.to_owned())
}

fn routed(path: &str) -> Map<String, Value> {
    let mut props = Map::new();
    props.insert("routing".into(), Value::String("path".into()));
    props.insert("path".into(), Value::String(path.into()));
    props
}

fn insert_redirects(target: &mut Map<String, Value>, urls: &ClerkUrls) {
    insert(
        target,
        "signInFallbackRedirectUrl",
        urls.sign_in_fallback_redirect_url.as_ref(),
    );
    insert(
        target,
        "signUpFallbackRedirectUrl",
        urls.sign_up_fallback_redirect_url.as_ref(),
    );
    insert(
        target,
        "signInForceRedirectUrl",
        urls.sign_in_force_redirect_url.as_ref(),
    );
    insert(
        target,
        "signUpForceRedirectUrl",
        urls.sign_up_force_redirect_url.as_ref(),
    );
}

fn insert(target: &mut Map<String, Value>, key: &str, value: Option<impl AsRef<str>>) {
    if let Some(value) = value.filter(|value| !value.as_ref().is_empty()) {
        target.insert(key.to_owned(), Value::String(value.as_ref().to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_props_keep_what_each_component_takes() {
        let props = OrganizationProps {
            hide_personal: true,
            after_select_organization_url: Some("/orgs/:slug".into()),
            after_create_organization_url: Some("/orgs/:slug/settings".into()),
            after_leave_organization_url: Some("/orgs".into()),
            ..OrganizationProps::default()
        };
        assert_eq!(
            organization_props(Mountable::OrganizationSwitcher, &props),
            json!({ "hidePersonal": true, "afterSelectOrganizationUrl": "/orgs/:slug",
                "afterCreateOrganizationUrl": "/orgs/:slug/settings",
                "afterLeaveOrganizationUrl": "/orgs" })
        );
        assert_eq!(
            organization_props(Mountable::OrganizationProfile, &props),
            json!({ "routing": "hash", "afterLeaveOrganizationUrl": "/orgs" })
        );
        let routed = OrganizationProps {
            path: Some("/orgs/new".into()),
            ..props
        };
        assert_eq!(
            organization_props(Mountable::CreateOrganization, &routed),
            json!({ "routing": "path", "path": "/orgs/new",
                "afterCreateOrganizationUrl": "/orgs/:slug/settings" })
        );
        assert_eq!(
            organization_props(Mountable::OrganizationList, &OrganizationProps::default()),
            json!({})
        );
    }

    fn state() -> ClerkState {
        ClerkState {
            publishable_key: "pk_test_Y2xlcmsubG9jYWxob3N0JA".into(),
            proxy_url: Some("/__clerk".into()),
            urls: ClerkUrls {
                sign_in_url: "/sign-in".into(),
                sign_up_url: "/sign-up".into(),
                sign_in_fallback_redirect_url: Some("/dashboard".into()),
                after_sign_out_url: "/".into(),
                ..ClerkUrls::default()
            },
            ..ClerkState::default()
        }
    }

    #[test]
    fn load_options_carry_urls_and_disable_telemetry() {
        let options = load_options(&state());
        assert_eq!(options["signInUrl"], "/sign-in");
        assert_eq!(options["signUpUrl"], "/sign-up");
        assert_eq!(options["signInFallbackRedirectUrl"], "/dashboard");
        assert_eq!(options["afterSignOutUrl"], "/");
        assert_eq!(options["proxyUrl"], "/__clerk");
        assert_eq!(options["telemetry"], false);
        assert!(options.get("signUpForceRedirectUrl").is_none());
        assert!(options.get("domain").is_none());
        assert!(options.get("isSatellite").is_none());
    }

    #[test]
    fn sign_in_props_route_by_path() {
        let props = sign_in_props(&state().urls, "/sign-in");
        assert_eq!(props["routing"], "path");
        assert_eq!(props["path"], "/sign-in");
        assert_eq!(props["signUpUrl"], "/sign-up");
        let props = sign_up_props(&state().urls, "/register");
        assert_eq!(props["path"], "/register");
        assert_eq!(props["signInUrl"], "/sign-in");
    }

    #[test]
    fn redirect_props_use_the_flow_prefix() {
        let options = RedirectOptions {
            force_redirect_url: Some("/after".into()),
            ..Default::default()
        };
        let props = options.to_props(true);
        assert_eq!(props["signUpForceRedirectUrl"], "/after");
        assert_eq!(props["forceRedirectUrl"], "/after");
        assert!(props.get("signInForceRedirectUrl").is_none());
        assert_eq!(sign_out_options(None), json!({}));
        assert_eq!(sign_out_options(Some("/bye"))["redirectUrl"], "/bye");
    }

    #[test]
    fn in_app_path_keeps_same_origin_navigation_client_side() {
        let origin = "http://localhost:3000";
        assert_eq!(
            in_app_path("http://localhost:3000/a?b=1#c", origin).as_deref(),
            Some("/a?b=1#c")
        );
        assert_eq!(
            in_app_path("http://localhost:3000", origin).as_deref(),
            Some("/")
        );
        assert_eq!(
            in_app_path("/sign-in/factor-one", origin).as_deref(),
            Some("/sign-in/factor-one")
        );
        assert_eq!(in_app_path("https://evil.example/", origin), None);
        assert_eq!(in_app_path("//evil.example/", origin), None);
        assert_eq!(in_app_path("/\\evil.example/", origin), None);
        assert_eq!(in_app_path("http://localhost:30001/x", origin), None);
    }
}
