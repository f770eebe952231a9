//! The app's start-up path refuses to serve the local Clerk dev instance on a non-loopback
//! address unless `CLERK_DEV_INSTANCE_ALLOW_REMOTE=1`.
#![cfg(all(feature = "ssr", dev_instance))]

use clerk_dev_instance::{DevInstanceError, ALLOW_REMOTE_VAR};

// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::server::{setup_clerk, ClerkSetupError};
// {% endif %}{{nl}}use {{crate_name}}::server::{setup_clerk, ClerkSetupError};

#[tokio::test]
async fn the_dev_instance_refuses_a_public_bind_address_unless_opted_in() {
    // The only test in this binary, so setting the process environment is safe.
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("CLERK_DEV_DATA_DIR", dir.path());
    for name in [
        "CLERK_PUBLISHABLE_KEY",
        "CLERK_SECRET_KEY",
        "CLERK_FRONTEND_API",
        "CLERK_API_KEY",
        ALLOW_REMOTE_VAR,
    ] {
        std::env::remove_var(name);
    }
    for public in ["0.0.0.0:3000", "[::]:3000", "192.168.1.5:3000"] {
        let error = setup_clerk(public.parse().unwrap())
            .err()
            .expect("a public bind address is refused");
        assert!(
            matches!(
                error,
                ClerkSetupError::DevInstance(DevInstanceError::RemoteBind { .. })
            ),
            "{public}: {error}"
        );
        assert!(error
            .to_string()
            .contains("CLERK_DEV_INSTANCE_ALLOW_REMOTE=1"));
    }
    assert!(setup_clerk("127.0.0.1:3000".parse().unwrap()).is_ok());
    std::env::set_var(ALLOW_REMOTE_VAR, "1");
    assert!(setup_clerk("0.0.0.0:3000".parse().unwrap()).is_ok());
}
