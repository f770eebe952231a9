//! `ClerkFetchClient` satisfies server_fn's `Client` bounds as a server
//! function's `client`: this file is type-checked in both the `ssr` and the
//! `hydrate` build, and on the server the function still runs in-process.

use leptos::prelude::*;

/// Echoes its input; declared the way apps declare Clerk-aware server functions.
#[server(client = leptos_clerk::ClerkFetchClient)]
pub async fn echo(message: String) -> Result<String, ServerFnError> {
    Ok(format!("echo: {message}"))
}

#[cfg(feature = "ssr")]
#[test]
fn server_functions_with_the_clerk_client_run_on_the_server() {
    let reply = futures::executor::block_on(echo("hi".into())).expect("server fn runs");
    assert_eq!(reply, "echo: hi");
}
