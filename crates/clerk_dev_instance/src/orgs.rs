//! Organization roles and permissions (Clerk's defaults plus custom permissions from
//! [`crate::DevInstanceConfig::org_permissions`]), slugs, and the v2 `o` session-token claim.

use serde_json::{json, Value};

use crate::config::{DevInstanceConfig, OrgPermission};
use crate::store::{MembershipRecord, OrgRecord};

/// The role of an organization's creator and of its administrators.
pub(crate) const ROLE_ADMIN: &str = "org:admin";
/// The default role of invited members.
pub(crate) const ROLE_MEMBER: &str = "org:member";

/// Clerk's system permissions of `org:admin` (every one of them, billing aside).
const ADMIN_SYSTEM_PERMISSIONS: &[&str] = &[
    "org:sys_profile:manage",
    "org:sys_profile:delete",
    "org:sys_memberships:read",
    "org:sys_memberships:manage",
    "org:sys_domains:read",
    "org:sys_domains:manage",
];
/// Clerk's system permissions of `org:member`.
const MEMBER_SYSTEM_PERMISSIONS: &[&str] = &["org:sys_memberships:read"];

/// The roles the instance knows, with their display names.
pub(crate) const ROLES: &[(&str, &str)] = &[(ROLE_ADMIN, "Admin"), (ROLE_MEMBER, "Member")];

/// `role` with the `org:` prefix (Clerk accepts `admin` for `org:admin`).
pub(crate) fn normalize_role(role: &str) -> String {
    if role.starts_with("org:") {
        role.to_string()
    } else {
        format!("org:{role}")
    }
}

/// Whether `role` (already normalized) is one of [`ROLES`].
pub(crate) fn is_known_role(role: &str) -> bool {
    ROLES.iter().any(|(key, _)| *key == role)
}

/// The display name of `role` (`Admin`).
pub(crate) fn role_name(role: &str) -> String {
    ROLES
        .iter()
        .find(|(key, _)| *key == role)
        .map(|(_, name)| name.to_string())
        .unwrap_or_else(|| role.trim_start_matches("org:").to_string())
}

fn system_permissions(role: &str) -> &'static [&'static str] {
    match role {
        ROLE_ADMIN => ADMIN_SYSTEM_PERMISSIONS,
        ROLE_MEMBER => MEMBER_SYSTEM_PERMISSIONS,
        _ => &[],
    }
}

/// The custom permissions of `role`, in configuration order (only well-formed keys).
fn custom_permissions<'a>(
    config: &'a DevInstanceConfig,
    role: &'a str,
) -> impl Iterator<Item = &'a OrgPermission> + 'a {
    config
        .org_permissions
        .iter()
        .filter(move |p| p.parts().is_some() && p.roles.iter().any(|r| normalize_role(r) == role))
}

/// Every permission of `role`: system permissions first, then custom ones.
pub(crate) fn permissions(config: &DevInstanceConfig, role: &str) -> Vec<String> {
    let mut all: Vec<String> = system_permissions(role)
        .iter()
        .map(|p| p.to_string())
        .collect();
    all.extend(custom_permissions(config, role).map(|p| p.key.clone()));
    all
}

/// The v2 claims of an active organization: `o` and the organization features for `fea`.
///
/// As in Clerk's tokens, system permissions are not in the claims (check them by role on the
/// server). Custom permissions `org:<feature>:<permission>` are encoded as `per` (the distinct
/// permission names, comma-separated), `fea` (`o:<feature>` for each distinct feature) and
/// `fpm` (one decimal bitmask per feature, bit `i` set when the feature has `per[i]`), which
/// `__experimental_JWTPayloadToAuthObjectProperties` decodes back into the permission keys.
/// The organization's billing features (`billing_features`, from its private metadata) follow
/// the permission features in `fea`, each with a mask of 0, so `fpm` stays aligned with `fea`.
pub(crate) fn org_claims(
    config: &DevInstanceConfig,
    org: &OrgRecord,
    membership: &MembershipRecord,
    billing_features: &[String],
) -> (Value, Option<String>) {
    let mut features: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let granted: Vec<(&str, &str)> = custom_permissions(config, &membership.role)
        .filter_map(OrgPermission::parts)
        .collect();
    for (feature, permission) in &granted {
        if !features.contains(feature) {
            features.push(feature);
        }
        if !names.contains(permission) {
            names.push(permission);
        }
    }
    let mut masks: Vec<String> = features
        .iter()
        .map(|feature| {
            let mask = names.iter().enumerate().fold(0u128, |mask, (bit, name)| {
                if bit < 128 && granted.contains(&(feature, name)) {
                    mask | (1u128 << bit)
                } else {
                    mask
                }
            });
            mask.to_string()
        })
        .collect();
    let mut o = json!({
        "id": org.id,
        "slg": org.slug,
        "rol": membership.role.trim_start_matches("org:"),
    });
    for feature in billing_features {
        if !features.contains(&feature.as_str()) {
            features.push(feature);
            masks.push("0".to_owned());
        }
    }
    if !names.is_empty() {
        o["per"] = Value::String(names.join(","));
        o["fpm"] = Value::String(masks.join(","));
    }
    let fea = if features.is_empty() {
        None
    } else {
        Some(
            features
                .iter()
                .map(|f| format!("o:{f}"))
                .collect::<Vec<_>>()
                .join(","),
        )
    };
    (o, fea)
}

/// A slug from an organization name: lowercase ASCII letters and digits, other runs turned
/// into one dash (Clerk's UI suggests the same).
pub(crate) fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// Clerk's slug rule: lowercase alphanumerics and dashes, not empty.
pub(crate) fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 256
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The roles JSON of FAPI `GET /v1/organizations/{id}/roles`.
pub(crate) fn roles_json(config: &DevInstanceConfig) -> Vec<Value> {
    ROLES
        .iter()
        .map(|(key, name)| {
            let permissions: Vec<Value> = permissions(config, key)
                .iter()
                .map(|permission| {
                    json!({
                        "object": "permission",
                        "id": format!("perm_{}", permission.replace(':', "_")),
                        "name": permission,
                        "key": permission,
                        "description": "",
                        "type": if permission.starts_with("org:sys_") { "system" } else { "user" },
                        "created_at": 0,
                        "updated_at": 0,
                    })
                })
                .collect();
            json!({
                "object": "role",
                "id": format!("role_{}", key.trim_start_matches("org:")),
                "key": key,
                "name": name,
                "description": "",
                "is_creator_eligible": *key == ROLE_ADMIN,
                "permissions": permissions,
                "created_at": 0,
                "updated_at": 0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn membership(role: &str) -> MembershipRecord {
        MembershipRecord {
            id: "orgmem_1".into(),
            organization_id: "org_1".into(),
            user_id: "user_1".into(),
            role: role.into(),
            public_metadata: json!({}),
            private_metadata: json!({}),
            created_at: 0,
            updated_at: 0,
        }
    }

    fn org() -> OrgRecord {
        OrgRecord {
            id: "org_1".into(),
            name: "Acme".into(),
            slug: "acme".into(),
            max_allowed_memberships: 0,
            admin_delete_enabled: true,
            public_metadata: json!({}),
            private_metadata: json!({}),
            created_by: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn custom_permissions_encode_as_per_fpm_and_fea() {
        let mut config = DevInstanceConfig::new("/tmp/x", vec!["http://a".into()]);
        config.org_permissions = vec![
            OrgPermission::new("org:invoices:read", &["org:admin", "member"]),
            OrgPermission::new("org:invoices:manage", &["org:admin"]),
            OrgPermission::new("org:reports:read", &["org:admin"]),
            OrgPermission::new("malformed", &["org:admin"]),
        ];
        let (o, fea) = org_claims(&config, &org(), &membership(ROLE_ADMIN), &[]);
        assert_eq!(o["rol"], "admin");
        assert_eq!(o["per"], "read,manage");
        assert_eq!(o["fpm"], "3,1");
        assert_eq!(fea.as_deref(), Some("o:invoices,o:reports"));
        let (o, fea) = org_claims(&config, &org(), &membership(ROLE_MEMBER), &[]);
        assert_eq!(
            (o["per"].as_str(), o["fpm"].as_str()),
            (Some("read"), Some("1"))
        );
        assert_eq!(fea.as_deref(), Some("o:invoices"));
        let member = permissions(&config, ROLE_MEMBER);
        assert_eq!(member, ["org:sys_memberships:read", "org:invoices:read"]);
    }

    #[test]
    fn billing_features_follow_the_permission_features_with_a_zero_mask() {
        let mut config = DevInstanceConfig::new("/tmp/x", vec!["http://a".into()]);
        config.org_permissions = vec![OrgPermission::new("org:invoices:read", &["org:admin"])];
        let billed = ["reports", "invoices", "analytics"].map(String::from);
        let (o, fea) = org_claims(&config, &org(), &membership(ROLE_ADMIN), &billed);
        assert_eq!(fea.as_deref(), Some("o:invoices,o:reports,o:analytics"));
        assert_eq!(
            (o["per"].as_str(), o["fpm"].as_str()),
            (Some("read"), Some("1,0,0"))
        );
        // Without custom permissions: the features, and no per/fpm to align.
        let plain = DevInstanceConfig::new("/tmp/x", vec![]);
        let (o, fea) = org_claims(&plain, &org(), &membership(ROLE_ADMIN), &billed);
        assert_eq!(fea.as_deref(), Some("o:reports,o:invoices,o:analytics"));
        assert!(o.get("per").is_none() && o.get("fpm").is_none());
    }

    #[test]
    fn no_custom_permissions_no_per_claims() {
        let config = DevInstanceConfig::new("/tmp/x", vec!["http://a".into()]);
        let (o, fea) = org_claims(&config, &org(), &membership(ROLE_MEMBER), &[]);
        assert_eq!(o, json!({ "id": "org_1", "slg": "acme", "rol": "member" }));
        assert_eq!(fea, None);
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("  Acme, Inc.  "), "acme-inc");
        assert!(is_valid_slug("acme-2") && !is_valid_slug("Acme") && !is_valid_slug(""));
    }
}
