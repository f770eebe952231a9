//! Session-token claims, v1 (`org_*`) and v2 (`v: 2`, `o: {…}`, `fea`, `pla`).

use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

use crate::state::split_by_scope;
use crate::state::ClerkState;

/// The active organization of a session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgClaims {
    /// `org_…` id.
    pub id: String,
    /// Organization slug.
    pub slug: Option<String>,
    /// Role, always with the `org:` prefix (`org:admin`).
    pub role: Option<String>,
    /// Permissions (`org:<feature>:<permission>` in v2, as listed in v1).
    pub permissions: Vec<String>,
}

/// The verified claims of a Clerk session token.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionClaims {
    /// `sub`: the user id.
    pub sub: String,
    /// `sid`: the session id.
    pub sid: Option<String>,
    /// `sts`: `active` or `pending`.
    pub sts: Option<String>,
    /// `exp`, seconds since the epoch.
    pub exp: i64,
    /// `iat`, seconds since the epoch.
    pub iat: Option<i64>,
    /// The active organization (v1 or v2 claims).
    pub org: Option<OrgClaims>,
    /// `fea`: comma list of scoped features (`o:…`, `u:…`).
    pub features: Option<String>,
    /// `pla`: comma list of scoped plans.
    pub plans: Option<String>,
    /// `fva`: minutes since first/second factor verification (-1 = never).
    pub fva: Option<[i64; 2]>,
    /// `act`: the actor when impersonating.
    pub act: Option<Value>,
    /// The whole payload.
    pub raw: Value,
    /// The browser state built from these claims, kept with them: the verified-token cache
    /// shares one `SessionClaims` between all requests with the same token, so the state is
    /// built once per token instead of once per request.
    browser_state: BrowserStateMemo,
}

/// [`ClerkState`] built from one [`SessionClaims`], with the id of the
/// [`Clerk`](super::clerk::Clerk) that built it (its configuration is part of the state).
/// Not part of the claims' identity: it compares equal, and a clone starts empty.
#[derive(Default)]
struct BrowserStateMemo(OnceLock<(u64, Arc<ClerkState>)>);

impl Clone for BrowserStateMemo {
    fn clone(&self) -> Self {
        BrowserStateMemo::default()
    }
}

impl PartialEq for BrowserStateMemo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for BrowserStateMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "built"
        } else {
            "empty"
        })
    }
}

impl SessionClaims {
    /// Reads the claims from a JSON payload; `None` when `sub` is missing or not
    /// a string, or `exp` is missing or not a number.
    pub fn from_payload(raw: Value) -> Option<SessionClaims> {
        let obj = raw.as_object()?;
        let sub = str_claim(obj, "sub").filter(|s| !s.is_empty())?;
        let exp = obj.get("exp")?.as_f64()? as i64;
        let features = str_claim(obj, "fea");
        let org = if obj.get("v").and_then(Value::as_u64) == Some(2) {
            org_v2(obj, features.as_deref())
        } else {
            org_v1(obj)
        };
        let fva = obj
            .get("fva")
            .and_then(Value::as_array)
            .and_then(|a| match a.as_slice() {
                [a, b] => Some([a.as_i64()?, b.as_i64()?]),
                _ => None,
            });
        Some(SessionClaims {
            sub,
            sid: str_claim(obj, "sid"),
            sts: str_claim(obj, "sts"),
            exp,
            iat: obj.get("iat").and_then(Value::as_f64).map(|v| v as i64),
            org,
            features,
            plans: str_claim(obj, "pla"),
            fva,
            act: obj.get("act").filter(|a| a.is_object()).cloned(),
            raw,
            browser_state: BrowserStateMemo::default(),
        })
    }

    /// The browser state of these claims for the Clerk with id `clerk_id`: built by `build`
    /// the first time, then shared. Claims built by another Clerk get a fresh one each time.
    pub(crate) fn browser_state(
        &self,
        clerk_id: u64,
        build: impl FnOnce() -> ClerkState,
    ) -> Arc<ClerkState> {
        let memo = &self.browser_state.0;
        match memo.get() {
            Some((owner, state)) if *owner == clerk_id => state.clone(),
            Some(_) => Arc::new(build()),
            None => {
                let state = Arc::new(build());
                // Another request may have built it meanwhile: either copy is right.
                let _ = memo.set((clerk_id, state.clone()));
                state
            }
        }
    }
}

fn str_claim(obj: &Map<String, Value>, name: &str) -> Option<String> {
    obj.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// Prepends `org:` unless already present (Clerk's `prefixWithOrg`).
pub(super) fn prefix_with_org(value: &str) -> String {
    if value.starts_with("org:") {
        value.to_owned()
    } else {
        format!("org:{value}")
    }
}

fn org_v1(obj: &Map<String, Value>) -> Option<OrgClaims> {
    Some(OrgClaims {
        id: str_claim(obj, "org_id")?,
        slug: str_claim(obj, "org_slug"),
        role: str_claim(obj, "org_role"),
        permissions: obj
            .get("org_permissions")
            .and_then(Value::as_array)
            .map(|p| {
                p.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

fn org_v2(obj: &Map<String, Value>, features: Option<&str>) -> Option<OrgClaims> {
    let o = obj.get("o")?.as_object()?;
    // A malformed `fea` decodes no permission (Clerk's parser would throw on it).
    let org_features = features
        .and_then(split_by_scope)
        .map(|(org, _)| org)
        .unwrap_or_default();
    Some(OrgClaims {
        id: str_claim(o, "id")?,
        slug: str_claim(o, "slg"),
        role: str_claim(o, "rol").map(|r| prefix_with_org(&r)),
        permissions: decode_permissions(
            str_claim(o, "per").as_deref(),
            str_claim(o, "fpm").as_deref(),
            &org_features,
        ),
    })
}

/// The most permissions of one organization feature that [`decode_permissions`] reads (a
/// Clerk instance has far fewer; the bound keeps a huge signed token cheap to read).
const MAX_PERMISSIONS: usize = 256;

/// Decodes v2 permissions as @clerk/shared's `parsePermissions` + `buildOrgPermissions`: `per`
/// names the permissions, `fpm[i]` is a decimal bitmask (least significant bit = first
/// permission, any number of digits) for the i-th org feature; an `fpm` entry that is not all
/// digits grants nothing.
pub(crate) fn decode_permissions(
    per: Option<&str>,
    fpm: Option<&str>,
    features: &[&str],
) -> Vec<String> {
    let (Some(per), Some(fpm)) = (per.filter(|p| !p.is_empty()), fpm.filter(|f| !f.is_empty()))
    else {
        return Vec::new();
    };
    let permissions: Vec<&str> = per.split(',').map(str::trim).collect();
    let wanted = permissions.len().min(MAX_PERMISSIONS);
    let mut out = Vec::new();
    for (feature, mask) in features.iter().zip(fpm.split(',')) {
        let Some(bits) = low_bits(mask.trim(), wanted) else {
            continue;
        };
        for (permission, bit) in permissions.iter().zip(bits) {
            if bit {
                out.push(format!("org:{feature}:{permission}"));
            }
        }
    }
    out
}

/// The lowest `count` bits of a non-negative decimal of any length, least significant first;
/// `None` unless `decimal` is one or more ASCII digits.
fn low_bits(decimal: &str, count: usize) -> Option<Vec<bool>> {
    if decimal.is_empty() || !decimal.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits: Vec<u8> = decimal.bytes().map(|b| b - b'0').collect();
    let mut bits = Vec::with_capacity(count);
    while bits.len() < count {
        // Halve the number in place (long division by 2); the remainder is the next bit.
        let mut remainder = 0;
        for digit in digits.iter_mut() {
            let value = remainder * 10 + *digit;
            *digit = value / 2;
            remainder = value % 2;
        }
        bits.push(remainder == 1);
        let zeros = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..zeros);
        if digits.is_empty() {
            break;
        }
    }
    Some(bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v1_org_claims() {
        let c = SessionClaims::from_payload(json!({
            "sub": "user_1", "exp": 10, "org_id": "org_1", "org_slug": "acme",
            "org_role": "org:admin", "org_permissions": ["org:sys_memberships:manage"]
        }))
        .unwrap();
        let org = c.org.unwrap();
        assert_eq!(org.id, "org_1");
        assert_eq!(org.role.as_deref(), Some("org:admin"));
        assert_eq!(org.permissions, ["org:sys_memberships:manage"]);
    }

    #[test]
    fn v2_org_claims_decode_feature_permission_bitmasks() {
        let c = SessionClaims::from_payload(json!({
            "v": 2, "sub": "user_1", "exp": 10, "fea": "o:billing,u:beta,o:reports",
            "o": {"id": "org_1", "slg": "acme", "rol": "admin", "per": "read,manage", "fpm": "3,1"},
            "fva": [3, -1], "sts": "active", "act": {"sub": "user_admin"}
        }))
        .unwrap();
        let org = c.org.as_ref().unwrap();
        assert_eq!(org.role.as_deref(), Some("org:admin"));
        assert_eq!(
            org.permissions,
            ["org:billing:read", "org:billing:manage", "org:reports:read"]
        );
        assert_eq!(c.fva, Some([3, -1]));
        assert!(c.act.is_some());
    }

    /// @clerk/shared `parsePermissions` + `buildOrgPermissions`, row by row.
    #[test]
    fn permissions_decode_like_clerk() {
        let features = ["billing", "reports"];
        let rows: [(Option<&str>, Option<&str>, &[&str]); 8] = [
            (
                Some("read,manage"),
                Some("3,1"),
                &["org:billing:read", "org:billing:manage", "org:reports:read"],
            ),
            (Some("read, manage"), Some(" 2 ,0"), &["org:billing:manage"]),
            // Not all digits: that feature gets nothing (decimalToBinaryBits returns undefined).
            (Some("read,manage"), Some("+3,-1"), &[]),
            (Some("read,manage"), Some("0x3,1"), &["org:reports:read"]),
            // Bits beyond the permissions, and fpm entries beyond the features, are ignored.
            (
                Some("read"),
                Some("7,1,1"),
                &["org:billing:read", "org:reports:read"],
            ),
            (Some("read,manage"), Some(""), &[]),
            (None, Some("1"), &[]),
            (Some("read"), None, &[]),
        ];
        for (per, fpm, expected) in rows {
            assert_eq!(
                decode_permissions(per, fpm, &features),
                expected,
                "{per:?} {fpm:?}"
            );
        }
    }

    #[test]
    fn permission_masks_have_any_number_of_digits() {
        // 70 permissions; the mask 2^69 (21 digits, more than u64 holds) grants the last one.
        let per = (0..70)
            .map(|i| format!("p{i}"))
            .collect::<Vec<_>>()
            .join(",");
        let mask = "590295810358705651712";
        assert_eq!(
            decode_permissions(Some(&per), Some(mask), &["f"]),
            ["org:f:p69"]
        );
        let ones = decode_permissions(Some(&per), Some(&"9".repeat(400)), &["f"]);
        assert!(ones.len() <= 70 && ones.contains(&"org:f:p0".to_owned()));
        let huge = "1".repeat(5000);
        assert_eq!(low_bits(&huge, 3), Some(vec![true, true, true])); // ...111 is odd, ...
        assert_eq!(low_bits("0", 4), Some(vec![false]));
        assert_eq!(low_bits("", 4), None);
    }

    #[test]
    fn malformed_billing_claims_are_read_without_a_panic() {
        let rows = [
            json!({"fea": 5, "pla": ["u:pro"]}),
            json!({"fea": "broken", "pla": "u:pro,"}),
            json!({"v": 2, "fea": "o:a,oops", "o": {"id": "org_1", "per": "read", "fpm": "1"}}),
            json!({"v": 2, "fea": "o:a", "o": {"id": "org_1", "per": 7, "fpm": ["1"]}}),
        ];
        for row in rows {
            let mut payload = json!({"sub": "user_1", "exp": 10});
            for (name, value) in row.as_object().unwrap() {
                payload[name] = value.clone();
            }
            let claims = SessionClaims::from_payload(payload).unwrap();
            assert!(
                claims
                    .org
                    .as_ref()
                    .is_none_or(|org| org.permissions.is_empty()),
                "{row}"
            );
        }
    }

    #[test]
    fn sub_and_exp_are_required() {
        assert!(SessionClaims::from_payload(json!({"exp": 1})).is_none());
        assert!(SessionClaims::from_payload(json!({"sub": 5, "exp": 1})).is_none());
        assert!(SessionClaims::from_payload(json!({"sub": "user_1"})).is_none());
    }
}
