//! The Backend API `Organization` and `OrganizationMembership` objects and the paginated
//! `{data, total_count}` envelope, parsed tolerantly like [`super::User`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::user::{empty_object, null_as_default, null_as_empty_object};

/// A Clerk organization as the Backend API returns it (`object: "organization"`).
///
/// Holds `private_metadata`: do not hand it to the browser as is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// `org_…` id.
    pub id: String,
    /// Display name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// URL-friendly unique name (lowercase letters, digits, dashes).
    #[serde(default, deserialize_with = "null_as_default")]
    pub slug: String,
    /// Logo URL.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether a logo was uploaded.
    #[serde(default, deserialize_with = "null_as_default")]
    pub has_image: bool,
    /// Number of members (when Clerk includes it).
    #[serde(default)]
    pub members_count: Option<u64>,
    /// Number of pending invitations (when Clerk includes it).
    #[serde(default)]
    pub pending_invitations_count: Option<u64>,
    /// Membership limit (0: the instance default).
    #[serde(default, deserialize_with = "null_as_default")]
    pub max_allowed_memberships: u64,
    /// Whether admins may delete the organization.
    #[serde(default, deserialize_with = "null_as_default")]
    pub admin_delete_enabled: bool,
    /// Readable by the browser, writable only by the backend.
    #[serde(default = "empty_object", deserialize_with = "null_as_empty_object")]
    pub public_metadata: Value,
    /// Backend only.
    #[serde(default = "empty_object", deserialize_with = "null_as_empty_object")]
    pub private_metadata: Value,
    /// Id of the user who created it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// Creation time, epoch milliseconds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_at: i64,
    /// Last update, epoch milliseconds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub updated_at: i64,
}

/// The member's public data in an [`OrganizationMembership`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipUserData {
    /// `user_…` id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_id: String,
    /// Given name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Avatar URL.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether an avatar was uploaded.
    #[serde(default, deserialize_with = "null_as_default")]
    pub has_image: bool,
    /// The member's primary identifier (usually the email address).
    #[serde(default)]
    pub identifier: Option<String>,
}

/// A user's membership in an organization (`object: "organization_membership"`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrganizationMembership {
    /// `orgmem_…` id.
    pub id: String,
    /// Role key, e.g. `org:admin`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub role: String,
    /// Role display name, e.g. `Admin`.
    #[serde(default)]
    pub role_name: Option<String>,
    /// Every permission of the role (system `org:sys_…` ones included).
    #[serde(default, deserialize_with = "null_as_default")]
    pub permissions: Vec<String>,
    /// Readable by the browser, writable only by the backend.
    #[serde(default = "empty_object", deserialize_with = "null_as_empty_object")]
    pub public_metadata: Value,
    /// Backend only.
    #[serde(default = "empty_object", deserialize_with = "null_as_empty_object")]
    pub private_metadata: Value,
    /// The organization.
    #[serde(default, deserialize_with = "null_as_default")]
    pub organization: Organization,
    /// The member.
    #[serde(default)]
    pub public_user_data: Option<MembershipUserData>,
    /// Creation time, epoch milliseconds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_at: i64,
    /// Last update, epoch milliseconds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub updated_at: i64,
}

impl OrganizationMembership {
    /// The member's user id (from `public_user_data`).
    pub fn user_id(&self) -> Option<&str> {
        self.public_user_data.as_ref().map(|u| u.user_id.as_str())
    }
}

/// One page of a list and the total number of matches (`{data, total_count}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Paginated<T> {
    /// The items of this page.
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    /// How many items match, over all pages.
    #[serde(default)]
    pub total_count: u64,
}
