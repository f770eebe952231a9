//! Server-build twins of the browser bindings: same names, no ClerkJS.
//!
//! Nothing here is ever reached at run time on the server (no [`ClerkJs`] value
//! can be created there); the twins exist so that app code calling the
//! browser API compiles in the `ssr` build too.

use super::{ClerkJsError, RedirectOptions};
use crate::state::{AuthSnapshot, OrganizationsSnapshot, UserSnapshot};

/// A handle on the ClerkJS instance; never constructed outside the browser.
#[derive(Clone, Debug)]
pub struct ClerkJs {
    _private: (),
}

/// A ClerkJS state subscription; never constructed outside the browser.
#[derive(Debug)]
pub struct Listener {
    _private: (),
}

impl ClerkJs {
    /// Whether `Clerk.load()` has completed: never, on the server.
    pub fn is_loaded(&self) -> bool {
        false
    }

    /// The current auth state as ClerkJS sees it.
    pub fn auth_snapshot(&self) -> AuthSnapshot {
        AuthSnapshot::default()
    }

    /// The signed-in user's profile.
    pub fn user(&self) -> Option<UserSnapshot> {
        None
    }

    /// The signed-in user's organizations.
    pub fn organizations(&self) -> OrganizationsSnapshot {
        OrganizationsSnapshot::default()
    }

    /// Sets the active organization.
    pub async fn set_active_organization(
        &self,
        _organization_id: Option<&str>,
    ) -> Result<(), ClerkJsError> {
        Err(ClerkJsError::NotInBrowser)
    }

    /// A session token for the active session.
    pub async fn get_token(&self, _skip_cache: bool) -> Result<Option<String>, ClerkJsError> {
        Err(ClerkJsError::NotInBrowser)
    }

    /// Signs out.
    pub async fn sign_out(&self, _redirect_url: Option<&str>) -> Result<(), ClerkJsError> {
        Err(ClerkJsError::NotInBrowser)
    }

    /// Opens the sign-in modal.
    pub fn open_sign_in(&self, _options: &RedirectOptions) -> Result<(), ClerkJsError> {
        Err(ClerkJsError::NotInBrowser)
    }

    /// Opens the sign-up modal.
    pub fn open_sign_up(&self, _options: &RedirectOptions) -> Result<(), ClerkJsError> {
        Err(ClerkJsError::NotInBrowser)
    }

    /// Navigates to the sign-in page.
    pub async fn redirect_to_sign_in(
        &self,
        _options: &RedirectOptions,
    ) -> Result<(), ClerkJsError> {
        Err(ClerkJsError::NotInBrowser)
    }

    /// Navigates to the sign-up page.
    pub async fn redirect_to_sign_up(
        &self,
        _options: &RedirectOptions,
    ) -> Result<(), ClerkJsError> {
        Err(ClerkJsError::NotInBrowser)
    }

    /// Subscribes to ClerkJS state changes.
    pub fn add_listener(&self, _on_change: impl FnMut() + 'static) -> Listener {
        Listener { _private: () }
    }
}

/// The loaded ClerkJS instance: never, outside the browser.
pub(crate) async fn loaded_clerk() -> Option<ClerkJs> {
    None
}

/// A fresh session token: never, outside the browser.
pub(crate) async fn session_token() -> Option<String> {
    None
}
