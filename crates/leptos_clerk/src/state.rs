//! The auth state that crosses from the server to the browser.
//!
//! The server renders [`ClerkState`] into the page (a JSON `<script>` in the
//! document head) so that the SSR HTML and the hydrated app start from the very
//! same auth state: no signed-out flash for a signed-in user and no hydration
//! mismatch. Everything here is safe to show to the browser: never put the
//! secret key, a raw session token or private metadata into these types.

use serde::{Deserialize, Serialize};

/// The `id` of the `<script type="application/json">` element holding the
/// serialised [`ClerkState`].
pub(crate) const CLERK_STATE_ELEMENT_ID: &str = "__clerk_state";

/// Everything the browser needs to boot ClerkJS and render the first frame.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClerkState {
    /// The instance's publishable key (`pk_test_…` / `pk_live_…`).
    pub publishable_key: String,
    /// Frontend API proxy URL (`/__clerk` for the local dev instance), if any.
    pub proxy_url: Option<String>,
    /// Satellite domain, if any.
    pub domain: Option<String>,
    /// Whether this app is a satellite of another Clerk app.
    pub is_satellite: bool,
    /// Where ClerkJS (`clerk.browser.js`) is loaded from.
    pub clerk_js_url: String,
    /// Where the prebuilt UI bundle (`@clerk/ui` `ui.browser.js`) is loaded from.
    pub clerk_ui_url: String,
    /// Redirect configuration handed to `Clerk.load`.
    pub urls: ClerkUrls,
    /// The request's auth state as the server saw it.
    pub auth: AuthSnapshot,
}

/// Sign-in / sign-up URLs and redirect targets, as configured on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClerkUrls {
    /// Path or URL of the sign-in page (`CLERK_SIGN_IN_URL`).
    pub sign_in_url: String,
    /// Path or URL of the sign-up page (`CLERK_SIGN_UP_URL`).
    pub sign_up_url: String,
    /// `CLERK_SIGN_IN_FALLBACK_REDIRECT_URL`.
    pub sign_in_fallback_redirect_url: Option<String>,
    /// `CLERK_SIGN_UP_FALLBACK_REDIRECT_URL`.
    pub sign_up_fallback_redirect_url: Option<String>,
    /// `CLERK_SIGN_IN_FORCE_REDIRECT_URL`.
    pub sign_in_force_redirect_url: Option<String>,
    /// `CLERK_SIGN_UP_FORCE_REDIRECT_URL`.
    pub sign_up_force_redirect_url: Option<String>,
    /// Where to go after signing out (`CLERK_AFTER_SIGN_OUT_URL`, default `/`).
    pub after_sign_out_url: String,
}

/// The request's auth state, minus anything secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthSnapshot {
    /// `sub` of the verified session token.
    pub user_id: Option<String>,
    /// `sid` of the verified session token.
    pub session_id: Option<String>,
    /// `sts`: `active` or `pending`.
    pub session_status: Option<String>,
    /// Active organization id.
    pub org_id: Option<String>,
    /// Role in the active organization (`org:admin`, …).
    pub org_role: Option<String>,
    /// Slug of the active organization.
    pub org_slug: Option<String>,
    /// Permissions in the active organization.
    pub org_permissions: Vec<String>,
    /// The user's basic profile, when the server loaded it.
    pub user: Option<UserSnapshot>,
    /// `fea`: the session token's scoped features (`o:reports,u:beta`), for `has({ feature })`.
    #[serde(default)]
    pub features: Option<String>,
    /// `pla`: the session token's scoped plans (`u:pro`), for `has({ plan })`.
    #[serde(default)]
    pub plans: Option<String>,
}

/// One authorization check, as Clerk's `has({ role | permission | feature | plan })`: the same
/// type on the server (`server::Auth::has`) and in the browser ([`crate::UseAuth::has`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check<'a> {
    /// An organization role (`admin` or `org:admin`).
    Role(&'a str),
    /// An organization permission (`org:invoices:read`).
    Permission(&'a str),
    /// A billing feature, optionally scoped (`o:reports`, `u:beta`).
    Feature(&'a str),
    /// A billing plan, optionally scoped (`u:pro`).
    Plan(&'a str),
}

impl AuthSnapshot {
    /// Clerk's `has()`: signed in and `check` holds for the session (roles and permissions in
    /// its active organization).
    pub fn has(&self, check: Check<'_>) -> bool {
        match check {
            Check::Role(role) => crate::hooks::is_authorized(self, Some(role), None),
            Check::Permission(permission) => {
                crate::hooks::is_authorized(self, None, Some(permission))
            }
            Check::Feature(feature) => self.has_feature(feature),
            Check::Plan(plan) => self.has_plan(plan),
        }
    }

    /// Whether the server saw a signed-in, active session.
    pub fn is_signed_in(&self) -> bool {
        self.user_id.is_some()
    }

    /// Clerk's `has({ feature })`: signed in and `feature` (`o:x`, `u:x` or a bare name) is in
    /// the session's features.
    pub fn has_feature(&self, feature: &str) -> bool {
        self.is_signed_in() && has_scoped(self.features.as_deref(), feature)
    }

    /// Clerk's `has({ plan })`: signed in and `plan` is in the session's plans.
    pub fn has_plan(&self, plan: &str) -> bool {
        self.is_signed_in() && has_scoped(self.plans.as_deref(), plan)
    }
}

/// Splits a scoped list (`o:a,u:b,ou:c`) into (org values, user values).
pub(crate) fn split_by_scope(list: Option<&str>) -> (Vec<String>, Vec<String>) {
    let (mut org, mut user) = (Vec::new(), Vec::new());
    for item in list.unwrap_or_default().split(',').map(str::trim) {
        let Some((scope, value)) = item.split_once(':') else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        if scope.contains('o') {
            org.push(value.to_owned());
        }
        if scope.contains('u') {
            user.push(value.to_owned());
        }
    }
    (org, user)
}

/// Clerk's `checkForFeatureOrPlan` on a scoped list: `o:x` / `u:x` look in one scope, a bare
/// name in both; an unknown scope never matches.
pub(crate) fn has_scoped(claim: Option<&str>, wanted: &str) -> bool {
    let (org, user) = split_by_scope(claim);
    match wanted.split_once(':') {
        Some(("o" | "org", id)) => org.iter().any(|f| f == id),
        Some(("u" | "user", id)) => user.iter().any(|f| f == id),
        Some(_) => false,
        None => org.iter().chain(&user).any(|f| f == wanted),
    }
}

/// A user's public profile: what `use_user()` shows before ClerkJS has loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSnapshot {
    /// `user_…` id.
    pub id: String,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Username, if the instance uses usernames.
    pub username: Option<String>,
    /// Primary email address.
    pub primary_email_address: Option<String>,
    /// Avatar URL.
    pub image_url: Option<String>,
    /// Public metadata (readable by the browser, writable by the backend only).
    pub public_metadata: serde_json::Value,
    /// Unsafe metadata (readable and writable by the browser).
    pub unsafe_metadata: serde_json::Value,
}

/// An organization as the browser sees it (`Clerk.organization`, `membership.organization`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSnapshot {
    /// `org_…` id.
    pub id: String,
    /// Display name (unknown until ClerkJS has loaded: the session token carries no name).
    pub name: Option<String>,
    /// Slug.
    pub slug: Option<String>,
    /// Logo URL.
    pub image_url: Option<String>,
    /// Number of members, when ClerkJS knows it.
    pub members_count: Option<u64>,
}

/// One of the signed-in user's organization memberships.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipSnapshot {
    /// The organization.
    pub organization: OrganizationSnapshot,
    /// The user's role in it (`org:admin`).
    pub role: Option<String>,
    /// The role's permissions (ClerkJS lists system permissions too).
    pub permissions: Vec<String>,
}

/// The signed-in user's organizations, as ClerkJS reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationsSnapshot {
    /// Id of the active organization (`None`: the personal account).
    pub active: Option<String>,
    /// Every membership of the user (`user.organizationMemberships`).
    pub memberships: Vec<MembershipSnapshot>,
}

impl OrganizationsSnapshot {
    /// The membership in the active organization.
    pub fn active_membership(&self) -> Option<&MembershipSnapshot> {
        let active = self.active.as_deref()?;
        self.memberships
            .iter()
            .find(|membership| membership.organization.id == active)
    }
}
