//! Plans and features for the session token's `pla` and `fea` claims. Real Clerk derives them
//! from Billing subscriptions; this instance has no billing, so it reads them from the
//! [`METADATA_KEY`] entry of the private metadata of the user (`u:` scope) and of the active
//! organization (`o:` scope), which the Backend API sets
//! (`PATCH /v1/users/{id}/metadata`, `PATCH /v1/organizations/{id}`):
//!
//! ```json
//! { "private_metadata": { "dev_instance_billing": { "plans": ["pro"], "features": ["reports"] } } }
//! ```
//!
//! The next session token carries `pla: "u:pro"` and `fea: "u:reports"`, which `has(plan)`,
//! `has(feature)` and `<Show when=…>` read. A name that is not a non-empty string without `,` or
//! `:` is skipped (it could not round-trip through the comma list).

use serde_json::Value;

/// The private-metadata key holding `{"plans": [...], "features": [...]}`.
pub const METADATA_KEY: &str = "dev_instance_billing";

/// The plans and features of one scope, as read from private metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Billing {
    pub plans: Vec<String>,
    pub features: Vec<String>,
}

impl Billing {
    /// Reads the [`METADATA_KEY`] entry of `private_metadata` (absent or malformed: nothing).
    pub(crate) fn from_metadata(private_metadata: &Value) -> Billing {
        let entry = &private_metadata[METADATA_KEY];
        Billing {
            plans: names(&entry["plans"]),
            features: names(&entry["features"]),
        }
    }
}

fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let name = name.trim();
        let usable = !name.is_empty() && !name.contains([',', ':']);
        if usable && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

/// The `pla` claim: the user's plans (`u:`), then the active organization's (`o:`).
pub(crate) fn plans_claim(user: &Billing, org: &Billing) -> Option<String> {
    scoped_list(&[("u", &user.plans), ("o", &org.plans)])
}

/// The `fea` claim: the active organization's part (`o:…`, from `orgs::org_claims`, which
/// keeps `fpm` aligned with it), then the user's features (`u:`).
pub(crate) fn features_claim(org_features: Option<String>, user: &Billing) -> Option<String> {
    let user_features = scoped_list(&[("u", &user.features)]);
    match (org_features, user_features) {
        (Some(org), Some(user)) => Some(format!("{org},{user}")),
        (org, user) => org.or(user),
    }
}

/// `scope:name` for every name, comma-separated; `None` when there is none.
fn scoped_list(scopes: &[(&str, &Vec<String>)]) -> Option<String> {
    let items: Vec<String> = scopes
        .iter()
        .flat_map(|(scope, names)| names.iter().map(move |name| format!("{scope}:{name}")))
        .collect();
    (!items.is_empty()).then(|| items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn billing(plans: &[&str], features: &[&str]) -> Billing {
        Billing {
            plans: plans.iter().map(|s| s.to_string()).collect(),
            features: features.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn reads_names_and_skips_what_cannot_round_trip() {
        let metadata = json!({ METADATA_KEY: {
            "plans": ["pro", " pro ", "", "a,b", "o:x", 5, null, "team"],
            "features": "reports"
        }});
        assert_eq!(
            Billing::from_metadata(&metadata),
            billing(&["pro", "team"], &[])
        );
        assert_eq!(Billing::from_metadata(&json!({})), Billing::default());
        assert_eq!(Billing::from_metadata(&json!("x")), Billing::default());
    }

    #[test]
    fn claims_list_the_user_scope_after_the_organization() {
        let user = billing(&["pro"], &["beta"]);
        let org = billing(&["team"], &["reports", "invoices"]);
        assert_eq!(plans_claim(&user, &org).as_deref(), Some("u:pro,o:team"));
        let fea = features_claim(Some("o:invoices,o:reports".into()), &user);
        assert_eq!(fea.as_deref(), Some("o:invoices,o:reports,u:beta"));
        assert_eq!(features_claim(None, &user).as_deref(), Some("u:beta"));
        let none = Billing::default();
        let org_only = features_claim(Some("o:reports".into()), &none);
        assert_eq!(org_only.as_deref(), Some("o:reports"));
        assert_eq!(features_claim(None, &none), None);
        assert_eq!(plans_claim(&none, &none), None);
    }
}
