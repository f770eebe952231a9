//! Errors of the browser half.

/// Why a ClerkJS operation did not happen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClerkJsError {
    /// `window.Clerk` never appeared.
    #[error(
        "ClerkJS did not define window.Clerk within {waited_ms} ms: render <ClerkScripts/> in the \
         shell's <head> and check that the ClerkJS script URL (CLERK_JS_URL) is reachable"
    )]
    ScriptTimeout {
        /// How long the loader waited.
        waited_ms: u32,
    },
    /// The page carried no publishable key.
    #[error(
        "the page's Clerk state has no publishable key: set CLERK_PUBLISHABLE_KEY on the server \
         and render <ClerkScripts/> in the shell's <head>"
    )]
    MissingPublishableKey,
    /// `Clerk.load()` rejected.
    #[error(
        "Clerk.load() failed: {0}; check the publishable key and the Frontend API / proxy URL \
         (CLERK_PROXY_URL) configuration"
    )]
    LoadFailed(String),
    /// Any other ClerkJS call threw or rejected.
    #[error("ClerkJS `{call}` failed: {message}")]
    Call {
        /// The ClerkJS method, e.g. `session.getToken`.
        call: &'static str,
        /// The JavaScript error message.
        message: String,
    },
    /// ClerkJS failed to load or was never started.
    #[error(
        "ClerkJS is not loaded: it failed to load (see the earlier error in the browser console) \
         or no <ClerkProvider> started it"
    )]
    NotLoaded,
    /// ClerkJS only exists in the browser build.
    #[error("ClerkJS is only available in the browser: build with the `hydrate` feature")]
    NotInBrowser,
}
