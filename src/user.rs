//! [`AppUser`]: the app's own user, as "Sign in with Clerk" over OAuth keeps it in the app's
//! session cookie (`server/oauth.rs` creates it, `/oauth-demo` shows it).

use serde::{Deserialize, Serialize};

/// The app's user as kept in its OAuth session cookie (what the verify hook in
/// `server/oauth.rs` returns).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppUser {
    /// Clerk user ID (`user_…`).
    pub id: String,
    /// Primary email address.
    pub email: Option<String>,
    /// Full name, when the user has one.
    pub name: Option<String>,
}
