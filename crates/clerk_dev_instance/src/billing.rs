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

/// The `fea` claim and the matching `o.fpm`. `permission_features` (`o:` features of the
/// custom permissions, with `fpm` their bitmasks, one each) come first, as the org features
/// that `fpm` describes; the organization's billing features are appended with a mask of 0
/// each, then the user's (`u:`, which `fpm` does not describe).
pub(crate) fn features_claim(
    permission_features: Option<&str>,
    fpm: Option<&str>,
    user: &Billing,
    org: &Billing,
) -> (Option<String>, Option<String>) {
    let mut org_features: Vec<&str> = permission_features
        .into_iter()
        .flat_map(|list| list.split(','))
        .filter_map(|item| item.strip_prefix("o:"))
        .collect();
    let described = org_features.len();
    for feature in &org.features {
        if !org_features.contains(&feature.as_str()) {
            org_features.push(feature);
        }
    }
    let fpm = fpm.map(|fpm| {
        let extra = org_features.len() - described;
        std::iter::once(fpm)
            .chain(std::iter::repeat_n("0", extra))
            .collect::<Vec<_>>()
            .join(",")
    });
    let org_features: Vec<String> = org_features.iter().map(|f| f.to_string()).collect();
    (
        scoped_list(&[("o", &org_features), ("u", &user.features)]),
        fpm,
    )
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
    fn claims_keep_fpm_aligned_with_the_org_features() {
        let user = billing(&["pro"], &["beta"]);
        let org = billing(&["team"], &["reports", "invoices"]);
        assert_eq!(plans_claim(&user, &org).as_deref(), Some("u:pro,o:team"));
        let (fea, fpm) = features_claim(Some("o:invoices"), Some("3"), &user, &org);
        assert_eq!(fea.as_deref(), Some("o:invoices,o:reports,u:beta"));
        assert_eq!(fpm.as_deref(), Some("3,0"));
        let (fea, fpm) = features_claim(None, None, &user, &Billing::default());
        assert_eq!((fea.as_deref(), fpm), (Some("u:beta"), None));
        let none = Billing::default();
        assert_eq!(features_claim(None, None, &none, &none), (None, None));
        assert_eq!(plans_claim(&none, &none), None);
    }
}
