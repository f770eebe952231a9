//! The names and versions the instance is known by: its keys, issuer, client cookie and the
//! ClerkJS bundles it serves.

/// Publishable key of every local dev instance: `pk_test_` + base64(`clerk.localhost$`).
pub const PUBLISHABLE_KEY: &str = "pk_test_Y2xlcmsubG9jYWxob3N0JA";
/// Publishable key of a dev instance playing a production instance
/// ([`InstanceEnvironment::Production`](crate::InstanceEnvironment::Production)):
/// `pk_live_` + base64(`clerk.localhost$`).
pub const PUBLISHABLE_KEY_LIVE: &str = "pk_live_Y2xlcmsubG9jYWxob3N0JA";
/// The `iss` claim of the instance's session tokens.
pub const ISSUER: &str = "https://clerk.localhost";
/// Name of the HttpOnly cookie identifying the browser's client at the instance.
pub const CLIENT_COOKIE: &str = "__clerk_dev_client";
/// The `@clerk/clerk-js` version whose bundles the instance serves.
pub const CLERK_JS_VERSION: &str = "6.40.0";
/// The `@clerk/ui` version whose bundles the instance serves.
pub const CLERK_UI_VERSION: &str = "1.36.0";
