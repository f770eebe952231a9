//! [`ClerkJs`]: the typed handle on the loaded `window.Clerk` instance.

use js_sys::{Array, Function, Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::bindings::{JsClerk, JsMembership, JsOrganization, JsSession, JsUser};
use super::options::{self, Mountable, RedirectOptions};
use super::ClerkJsError;
use crate::state::{
    AuthSnapshot, MembershipSnapshot, OrganizationSnapshot, OrganizationsSnapshot, UserSnapshot,
};

/// A handle on the ClerkJS instance. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ClerkJs(pub(crate) JsClerk);

impl ClerkJs {
    /// Whether `Clerk.load()` has completed.
    pub fn is_loaded(&self) -> bool {
        self.0.loaded()
    }

    /// The current auth state, read from ClerkJS. A `pending` session counts
    /// as signed out, as in Clerk's own SDKs.
    pub fn auth_snapshot(&self) -> AuthSnapshot {
        let session = self.0.session();
        let status = session.as_ref().and_then(|session| session.status());
        let user = self.0.user();
        let (Some(session), Some(user)) = (session, user) else {
            return AuthSnapshot {
                session_status: status,
                ..AuthSnapshot::default()
            };
        };
        if status.as_deref() == Some("pending") {
            return AuthSnapshot {
                session_status: status,
                ..AuthSnapshot::default()
            };
        }
        let organization = self.0.organization();
        let org_id = organization.as_ref().map(|org| org.id());
        let membership = org_id.as_deref().and_then(|id| membership_of(&user, id));
        AuthSnapshot {
            user_id: Some(user.id()),
            session_id: Some(session.id()),
            session_status: status,
            org_role: membership.as_ref().and_then(|m| m.role()),
            org_slug: organization.as_ref().and_then(|org| org.slug()),
            org_permissions: membership
                .and_then(|m| m.permissions())
                .map(strings)
                .unwrap_or_default(),
            org_id,
            user: Some(user_snapshot(&user)),
            features: token_claim(&session, "fea"),
            plans: token_claim(&session, "pla"),
        }
    }

    /// The signed-in user's organizations and the active one (empty when signed out).
    pub fn organizations(&self) -> OrganizationsSnapshot {
        let Some(user) = self.0.user() else {
            return OrganizationsSnapshot::default();
        };
        let memberships = user
            .organization_memberships()
            .map(|list| {
                list.iter()
                    .map(JsCast::unchecked_into::<JsMembership>)
                    .filter_map(|membership| {
                        Some(MembershipSnapshot {
                            organization: organization_snapshot(&membership.organization()?),
                            role: membership.role(),
                            permissions: membership.permissions().map(strings).unwrap_or_default(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        OrganizationsSnapshot {
            active: self.0.organization().map(|org| org.id()),
            memberships,
        }
    }

    /// Makes `organization_id` the session's active organization (`None`: the personal
    /// account), as `Clerk.setActive({ organization })`: the next session token carries it.
    pub async fn set_active_organization(
        &self,
        organization_id: Option<&str>,
    ) -> Result<(), ClerkJsError> {
        let params = to_js(&serde_json::json!({ "organization": organization_id }));
        let promise = self
            .0
            .set_active(&params)
            .map_err(|e| call_error("setActive", &e))?;
        await_promise("setActive", promise).await.map(drop)
    }

    /// The signed-in user's profile, if any.
    pub fn user(&self) -> Option<UserSnapshot> {
        self.0.user().map(|user| user_snapshot(&user))
    }

    /// A session token for the active session (`session.getToken()`), fresh
    /// enough to be sent as `Authorization: Bearer`. `None` when signed out.
    pub async fn get_token(&self, skip_cache: bool) -> Result<Option<String>, ClerkJsError> {
        let Some(session) = self.0.session() else {
            return Ok(None);
        };
        let options = to_js(&serde_json::json!({ "skipCache": skip_cache }));
        let promise = session
            .get_token(&options)
            .map_err(|e| call_error("session.getToken", &e))?;
        let token = await_promise("session.getToken", promise).await?;
        Ok(token.as_string().filter(|token| !token.is_empty()))
    }

    /// Signs out (`Clerk.signOut({ redirectUrl })`); ClerkJS then navigates to
    /// `redirect_url`, or to the configured after-sign-out URL.
    pub async fn sign_out(&self, redirect_url: Option<&str>) -> Result<(), ClerkJsError> {
        let options = to_js(&options::sign_out_options(redirect_url));
        let result = self
            .0
            .sign_out(&options)
            .map_err(|e| call_error("signOut", &e))?;
        settle("signOut", result).await
    }

    /// Opens the sign-in modal (`Clerk.openSignIn`).
    pub fn open_sign_in(&self, options: &RedirectOptions) -> Result<(), ClerkJsError> {
        let props = to_js(&options.to_props(false));
        self.0
            .open_sign_in(&props)
            .map_err(|e| call_error("openSignIn", &e))
    }

    /// Opens the sign-up modal (`Clerk.openSignUp`).
    pub fn open_sign_up(&self, options: &RedirectOptions) -> Result<(), ClerkJsError> {
        let props = to_js(&options.to_props(true));
        self.0
            .open_sign_up(&props)
            .map_err(|e| call_error("openSignUp", &e))
    }

    /// Navigates to the sign-in page, carrying the current URL as redirect target.
    pub async fn redirect_to_sign_in(&self, options: &RedirectOptions) -> Result<(), ClerkJsError> {
        let props = to_js(&options.to_props(false));
        let result = self
            .0
            .redirect_to_sign_in(&props)
            .map_err(|e| call_error("redirectToSignIn", &e))?;
        settle("redirectToSignIn", result).await
    }

    /// Navigates to the sign-up page, carrying the current URL as redirect target.
    pub async fn redirect_to_sign_up(&self, options: &RedirectOptions) -> Result<(), ClerkJsError> {
        let props = to_js(&options.to_props(true));
        let result = self
            .0
            .redirect_to_sign_up(&props)
            .map_err(|e| call_error("redirectToSignUp", &e))?;
        settle("redirectToSignUp", result).await
    }

    /// Calls `on_change` on every ClerkJS state change until the returned
    /// [`Listener`] is dropped.
    pub fn add_listener(&self, mut on_change: impl FnMut() + 'static) -> Listener {
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| on_change());
        let unsubscribe = self.0.add_listener(callback.as_ref().unchecked_ref());
        Listener {
            unsubscribe,
            _callback: callback,
        }
    }

    /// The raw ClerkJS object, for calls this crate does not wrap.
    pub fn as_js(&self) -> &JsValue {
        self.0.as_ref()
    }

    /// Mounts a ClerkJS UI component into `node`.
    pub(crate) fn mount(
        &self,
        component: Mountable,
        node: &web_sys::Element,
        props: &serde_json::Value,
    ) -> Result<(), ClerkJsError> {
        let props = to_js(props);
        let clerk = &self.0;
        let result = match component {
            Mountable::SignIn => clerk.mount_sign_in(node, &props),
            Mountable::SignUp => clerk.mount_sign_up(node, &props),
            Mountable::UserButton => clerk.mount_user_button(node, &props),
            Mountable::UserProfile => clerk.mount_user_profile(node, &props),
            Mountable::OrganizationSwitcher => clerk.mount_organization_switcher(node, &props),
            Mountable::OrganizationProfile => clerk.mount_organization_profile(node, &props),
            Mountable::CreateOrganization => clerk.mount_create_organization(node, &props),
            Mountable::OrganizationList => clerk.mount_organization_list(node, &props),
        };
        result.map_err(|e| call_error("mount", &e))
    }

    /// Unmounts a component mounted with [`ClerkJs::mount`].
    pub(crate) fn unmount(&self, component: Mountable, node: &web_sys::Element) {
        let clerk = &self.0;
        let result = match component {
            Mountable::SignIn => clerk.unmount_sign_in(node),
            Mountable::SignUp => clerk.unmount_sign_up(node),
            Mountable::UserButton => clerk.unmount_user_button(node),
            Mountable::UserProfile => clerk.unmount_user_profile(node),
            Mountable::OrganizationSwitcher => clerk.unmount_organization_switcher(node),
            Mountable::OrganizationProfile => clerk.unmount_organization_profile(node),
            Mountable::CreateOrganization => clerk.unmount_create_organization(node),
            Mountable::OrganizationList => clerk.unmount_organization_list(node),
        };
        if let Err(error) = result {
            leptos::logging::warn!("{}", call_error("unmount", &error));
        }
    }
}

/// A ClerkJS state subscription; unsubscribes when dropped.
#[derive(Debug)]
pub struct Listener {
    unsubscribe: Function,
    _callback: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.unsubscribe.call0(&JsValue::NULL);
    }
}

fn user_snapshot(user: &JsUser) -> UserSnapshot {
    UserSnapshot {
        id: user.id(),
        first_name: user.first_name(),
        last_name: user.last_name(),
        username: user.username(),
        primary_email_address: user.primary_email_address().and_then(|e| e.email_address()),
        image_url: user.image_url(),
        public_metadata: to_json(&user.public_metadata()),
        unsafe_metadata: to_json(&user.unsafe_metadata()),
    }
}

fn organization_snapshot(org: &JsOrganization) -> OrganizationSnapshot {
    OrganizationSnapshot {
        id: org.id(),
        name: org.name(),
        slug: org.slug(),
        image_url: org.image_url().filter(|url| !url.is_empty()),
        members_count: org.members_count().map(|count| count as u64),
    }
}

fn membership_of(user: &JsUser, org_id: &str) -> Option<JsMembership> {
    let memberships = user.organization_memberships()?;
    memberships
        .iter()
        .map(JsCast::unchecked_into::<JsMembership>)
        .find(|membership| {
            membership
                .organization()
                .is_some_and(|org| org.id() == org_id)
        })
}

fn strings(array: Array) -> Vec<String> {
    array.iter().filter_map(|value| value.as_string()).collect()
}

/// Converts plain JSON data into a JavaScript value.
pub(crate) fn to_js(value: &serde_json::Value) -> JsValue {
    JSON::parse(&value.to_string()).unwrap_or(JsValue::UNDEFINED)
}

fn to_json(value: &JsValue) -> serde_json::Value {
    JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// Awaits a promise, mapping a rejection to [`ClerkJsError::Call`].
pub(crate) async fn await_promise(
    call: &'static str,
    promise: Promise,
) -> Result<JsValue, ClerkJsError> {
    JsFuture::from(promise)
        .await
        .map_err(|error| call_error(call, &error))
}

async fn settle(call: &'static str, result: JsValue) -> Result<(), ClerkJsError> {
    match result.dyn_into::<Promise>() {
        Ok(promise) => await_promise(call, promise).await.map(drop),
        Err(_) => Ok(()),
    }
}

/// Describes a thrown JavaScript value.
pub(crate) fn js_message(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

pub(crate) fn call_error(call: &'static str, error: &JsValue) -> ClerkJsError {
    ClerkJsError::Call {
        call,
        message: js_message(error),
    }
}

/// A string claim of the session's last token (`session.lastActiveToken.jwt.claims[name]`), as
/// ClerkJS's own `has({ feature, plan })` reads it.
fn token_claim(session: &JsSession, name: &str) -> Option<String> {
    let mut value: JsValue = session.into();
    for key in ["lastActiveToken", "jwt", "claims", name] {
        value = js_sys::Reflect::get(&value, &JsValue::from_str(key)).ok()?;
        if value.is_undefined() || value.is_null() {
            return None;
        }
    }
    value.as_string()
}
