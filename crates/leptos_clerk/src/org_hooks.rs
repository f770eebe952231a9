//! `use_organization()` and `use_organization_list()`, in the shape of `@clerk/clerk-react`'s
//! `useOrganization` and `useOrganizationList`.
//!
//! Before ClerkJS has loaded, `use_organization()` reports what the server's session token
//! said (id, slug, role, custom permissions; no name), so pages render the right organization
//! with no flash; afterwards both follow ClerkJS (`Clerk.organization`,
//! `user.organizationMemberships`).

use leptos::prelude::*;

use crate::browser::ClerkJsError;
use crate::hooks::{clerk_context, loaded_clerk};
use crate::provider::ClerkContext;
use crate::state::{AuthSnapshot, MembershipSnapshot, OrganizationSnapshot, OrganizationsSnapshot};

/// What [`use_organization`] returns.
#[derive(Clone, Copy, Debug)]
pub struct UseOrganization {
    /// Whether the active organization (or its absence) is known.
    pub is_loaded: Signal<bool>,
    /// The active organization; `None` for the personal account or when signed out.
    pub organization: Signal<Option<OrganizationSnapshot>>,
    /// The user's membership in it (role and permissions).
    pub membership: Signal<Option<MembershipSnapshot>>,
}

/// The active organization from the server's view of the session (no name, no count).
fn from_auth(auth: &AuthSnapshot) -> Option<MembershipSnapshot> {
    if !auth.is_signed_in() {
        return None;
    }
    Some(MembershipSnapshot {
        organization: OrganizationSnapshot {
            id: auth.org_id.clone()?,
            slug: auth.org_slug.clone(),
            ..OrganizationSnapshot::default()
        },
        role: auth.org_role.clone(),
        permissions: auth.org_permissions.clone(),
    })
}

/// The active membership: ClerkJS's once loaded, else the server's.
fn active_membership(
    auth: &AuthSnapshot,
    organizations: Option<&OrganizationsSnapshot>,
) -> Option<MembershipSnapshot> {
    match organizations {
        Some(organizations) => organizations.active_membership().cloned(),
        None => from_auth(auth),
    }
}

/// The active organization and the user's membership in it.
pub fn use_organization() -> UseOrganization {
    let context = clerk_context("use_organization()");
    let (auth, organizations) = (context.auth, context.organizations);
    let membership = Signal::derive(move || {
        auth.with(|auth| organizations.with(|orgs| active_membership(auth, orgs.as_ref())))
    });
    UseOrganization {
        is_loaded: loaded(context),
        organization: Signal::derive(move || {
            membership.with(|m| m.as_ref().map(|m| m.organization.clone()))
        }),
        membership,
    }
}

/// What [`use_organization_list`] returns.
#[derive(Clone, Copy, Debug)]
pub struct UseOrganizationList {
    /// Whether ClerkJS has loaded the user's memberships (the list is empty until then).
    pub is_loaded: Signal<bool>,
    /// Every organization the user belongs to, with the user's role.
    pub user_memberships: Signal<Vec<MembershipSnapshot>>,
    context: ClerkContext,
}

impl UseOrganizationList {
    /// Makes `organization_id` the active organization (`None`: the personal account), as
    /// `setActive({ organization })`; the next session token, and so the server, sees it.
    pub async fn set_active(&self, organization_id: Option<&str>) -> Result<(), ClerkJsError> {
        loaded_clerk(self.context)
            .await?
            .set_active_organization(organization_id)
            .await
    }
}

/// The user's organization memberships and a way to switch between them.
pub fn use_organization_list() -> UseOrganizationList {
    let context = clerk_context("use_organization_list()");
    let organizations = context.organizations;
    UseOrganizationList {
        is_loaded: Signal::derive(move || organizations.with(Option::is_some)),
        user_memberships: Signal::derive(move || {
            organizations.with(|orgs| {
                orgs.as_ref()
                    .map(|o| o.memberships.clone())
                    .unwrap_or_default()
            })
        }),
        context,
    }
}

fn loaded(context: ClerkContext) -> Signal<bool> {
    let has_ssr_state = context.has_ssr_state;
    let organizations = context.organizations;
    Signal::derive(move || has_ssr_state || organizations.with(Option::is_some))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed_in(org: Option<(&str, &str, &str)>) -> AuthSnapshot {
        AuthSnapshot {
            user_id: Some("user_1".into()),
            session_id: Some("sess_1".into()),
            org_id: org.map(|o| o.0.into()),
            org_slug: org.map(|o| o.1.into()),
            org_role: org.map(|o| o.2.into()),
            ..AuthSnapshot::default()
        }
    }

    #[test]
    fn before_clerkjs_the_servers_organization_is_reported() {
        let auth = signed_in(Some(("org_1", "acme", "org:admin")));
        let membership = active_membership(&auth, None).expect("membership");
        assert_eq!(membership.organization.id, "org_1");
        assert_eq!(membership.organization.slug.as_deref(), Some("acme"));
        assert_eq!(membership.organization.name, None);
        assert_eq!(membership.role.as_deref(), Some("org:admin"));
        assert_eq!(active_membership(&signed_in(None), None), None);
        assert_eq!(active_membership(&AuthSnapshot::default(), None), None);
    }

    #[test]
    fn after_clerkjs_its_active_membership_wins() {
        let auth = signed_in(Some(("org_1", "acme", "org:admin")));
        let acme = MembershipSnapshot {
            organization: OrganizationSnapshot {
                id: "org_1".into(),
                name: Some("Acme".into()),
                ..OrganizationSnapshot::default()
            },
            role: Some("org:member".into()),
            permissions: vec!["org:sys_memberships:read".into()],
        };
        let mut orgs = OrganizationsSnapshot {
            active: Some("org_1".into()),
            memberships: vec![acme.clone()],
        };
        assert_eq!(active_membership(&auth, Some(&orgs)), Some(acme));
        orgs.active = None;
        assert_eq!(
            active_membership(&auth, Some(&orgs)),
            None,
            "switched to personal"
        );
    }

    #[test]
    fn outside_a_provider_the_hooks_are_empty() {
        let owner = Owner::new();
        owner.with(|| {
            let org = use_organization();
            assert!(org.organization.get_untracked().is_none());
            let list = use_organization_list();
            assert!(!list.is_loaded.get_untracked());
            assert!(list.user_memberships.get_untracked().is_empty());
        });
    }
}
