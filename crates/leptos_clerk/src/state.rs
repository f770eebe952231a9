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
            Check::Role(role) => is_authorized(self, Some(role), None),
            Check::Permission(permission) => is_authorized(self, None, Some(permission)),
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

/// Splits a scoped list (`o:a,u:b,ou:c`, the `fea` and `pla` claims) into (org values, user
/// values), as @clerk/shared's `splitByScope`: each element is trimmed and split at its first
/// colon; scope `o` is the organization's, `u` the user's, `ou`/`uo` both, any other scope is
/// skipped. `None` when an element has no colon (`splitByScope` throws: the list grants nothing).
pub(crate) fn split_by_scope(list: &str) -> Option<(Vec<&str>, Vec<&str>)> {
    let (mut org, mut user) = (Vec::new(), Vec::new());
    for item in list.split(',').map(str::trim) {
        let (scope, value) = item.split_once(':')?;
        match scope {
            "o" => org.push(value),
            "u" => user.push(value),
            "ou" | "uo" => {
                org.push(value);
                user.push(value);
            }
            _ => {}
        }
    }
    Some((org, user))
}

/// Clerk's `checkForFeatureOrPlan` (with `checkBillingAuthorization`'s guards) on a scoped
/// list: `o:x`/`org:x`/`organization:x` look among the organization's values, `u:x`/`user:x`
/// among the user's, a bare name in both; an unknown scope, a missing or empty claim, or a
/// malformed one ([`split_by_scope`]) never matches. As in Clerk, only the text up to a second
/// colon is read (`o:a:b` asks for `a`) and an empty name after the scope asks for the scope
/// itself (`o:` asks for `o`).
pub(crate) fn has_scoped(claim: Option<&str>, wanted: &str) -> bool {
    let Some((org, user)) = claim
        .filter(|claim| !claim.is_empty())
        .and_then(split_by_scope)
    else {
        return false;
    };
    let mut parts = wanted.split(':');
    let scope = parts.next().unwrap_or_default();
    let Some(id) = parts.next() else {
        return org.contains(&wanted) || user.contains(&wanted);
    };
    let id = if id.is_empty() { scope } else { id };
    match scope {
        "o" | "org" | "organization" => org.contains(&id),
        "u" | "user" => user.contains(&id),
        _ => false,
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

/// Clerk's `has({ role, permission })` for the active organization: signed in,
/// and every given check passes. Roles and permissions may omit the `org:` prefix.
pub(crate) fn is_authorized(
    auth: &AuthSnapshot,
    role: Option<&str>,
    permission: Option<&str>,
) -> bool {
    if !auth.is_signed_in() {
        return false;
    }
    let role_ok = role.is_none_or(|role| {
        auth.org_role
            .as_deref()
            .is_some_and(|have| with_org_prefix(have) == with_org_prefix(role))
    });
    let permission_ok = permission.is_none_or(|permission| {
        let wanted = with_org_prefix(permission);
        auth.org_permissions
            .iter()
            .any(|have| with_org_prefix(have) == wanted)
    });
    role_ok && permission_ok
}

fn with_org_prefix(value: &str) -> String {
    if value.starts_with("org:") {
        value.to_owned()
    } else {
        format!("org:{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// @clerk/shared `splitByScope`, row by row.
    #[test]
    fn split_by_scope_mirrors_clerk() {
        type Split<'a> = Option<(Vec<&'a str>, Vec<&'a str>)>;
        let rows: [(&str, Split<'_>); 9] = [
            ("o:a,u:b", Some((vec!["a"], vec!["b"]))),
            (" ou:c , uo:d ", Some((vec!["c", "d"], vec!["c", "d"]))),
            ("x:a,org:b,user:c", Some((vec![], vec![]))),
            ("o:a:b", Some((vec!["a:b"], vec![]))),
            ("o:,u:", Some((vec![""], vec![""]))),
            ("o:a,broken", None),
            ("o:a,", None),
            ("", None),
            ("u:pro,,o:x", None),
        ];
        for (list, expected) in rows {
            assert_eq!(split_by_scope(list), expected, "{list:?}");
        }
    }

    /// @clerk/shared `checkForFeatureOrPlan` inside `checkBillingAuthorization`, row by row.
    #[test]
    fn has_scoped_mirrors_clerk() {
        let rows = [
            (Some("o:reports,u:beta"), "reports", true),
            (Some("o:reports,u:beta"), "beta", true),
            (Some("o:reports,u:beta"), "o:reports", true),
            (Some("o:reports,u:beta"), "org:reports", true),
            (Some("o:reports,u:beta"), "organization:reports", true),
            (Some("o:reports,u:beta"), "u:reports", false),
            (Some("o:reports,u:beta"), "user:beta", true),
            (Some("o:reports,u:beta"), "x:beta", false),
            (Some("o:reports,u:beta"), "nope", false),
            (Some("ou:pro"), "u:pro", true),
            (Some("uo:pro"), "o:pro", true),
            // A scope that merely contains `o` or `u` is no scope.
            (Some("xo:pro,ux:pro"), "pro", false),
            // A malformed list grants nothing (splitByScope throws; has() fails).
            (Some("u:pro,broken"), "pro", false),
            (Some("u:pro,"), "pro", false),
            (Some(""), "pro", false),
            (None, "pro", false),
            // Only the text up to a second colon is asked for; an empty name asks for the scope.
            (Some("o:a:b"), "o:a:b", false),
            (Some("o:a"), "o:a:b", true),
            (Some("o:o"), "o:", true),
            (Some("o:pro"), ":pro", false),
            (Some("u:"), "", true),
        ];
        for (claim, wanted, expected) in rows {
            assert_eq!(
                has_scoped(claim, wanted),
                expected,
                "{claim:?} has {wanted:?}"
            );
        }
    }

    #[test]
    fn snapshot_has_needs_a_signed_in_user() {
        let mut snapshot = AuthSnapshot {
            plans: Some("u:pro".into()),
            features: Some("o:reports".into()),
            ..AuthSnapshot::default()
        };
        assert!(!snapshot.has(Check::Plan("pro")) && !snapshot.has(Check::Feature("reports")));
        snapshot.user_id = Some("user_1".into());
        assert!(snapshot.has(Check::Plan("pro")) && snapshot.has(Check::Feature("reports")));
    }
}
