//! A build without the `oauth` feature: no "Sign in with Clerk" over OAuth. The same names as
//! `oauth.rs`, so the rest of the server reads the same; [`setup_oauth`] is always `None`.

#[cfg(feature = "dev-instance")]
pub use clerk_dev_instance::OAuthClient;

/// The dev instance's OAuth application; a build without the `dev-instance` feature has none.
#[cfg(not(feature = "dev-instance"))]
pub type OAuthClient = std::convert::Infallible;

/// The OAuth strategy of an app built with the `oauth` feature; it has no value here.
#[derive(Clone)]
pub enum AppOAuth {}

impl AppOAuth {
    /// Never called: there is no OAuth strategy in this build.
    pub fn routes(&self) -> axum::Router {
        match *self {}
    }

    /// Never called: there is no OAuth strategy in this build.
    pub fn session_layer(&self) -> tower::layer::util::Identity {
        match *self {}
    }
}

/// Always `None`: this build has no OAuth strategy.
pub fn setup_oauth(
    _port: u16,
    _dev_client: Option<&OAuthClient>,
) -> Result<Option<AppOAuth>, std::convert::Infallible> {
    Ok(None)
}
