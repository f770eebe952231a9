//! A build without the `oauth` feature: no "Sign in with Clerk" over OAuth. The same names as
//! `oauth.rs`, so the rest of the server reads the same; [`setup_oauth`] is always `None`.

use super::clerk::{ClerkSetupError, DevInstance};
use std::convert::Infallible;

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

/// Registers nothing: this build has no OAuth strategy.
#[cfg(dev_instance)]
pub fn with_dev_client(
    config: clerk_dev_instance::DevInstanceConfig,
    _port: u16,
) -> clerk_dev_instance::DevInstanceConfig {
    config
}

/// Always `None`: this build has no OAuth strategy.
pub fn setup_oauth(
    _port: u16,
    _dev_instance: Option<&DevInstance>,
) -> Result<Option<AppOAuth>, Infallible> {
    Ok(None)
}

/// A build without the `oauth` feature has no OAuth configuration to get wrong.
impl From<Infallible> for ClerkSetupError {
    fn from(never: Infallible) -> Self {
        match never {}
    }
}
