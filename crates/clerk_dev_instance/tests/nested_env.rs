//! The Clerk variables of an app that nests the instance in its own server
//! (`DevInstanceConfig::nested_from_env` + `DevInstance::nested_clerk_env`). Its own test
//! binary: it sets the process environment.

use clerk_dev_instance::{DevInstance, DevInstanceConfig};
use std::net::SocketAddr;

#[test]
fn a_nested_instance_hands_the_app_its_keys_proxy_and_origins_and_the_rest_from_the_env() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("CLERK_DEV_DATA_DIR", dir.path());
    // Describe another instance: never passed through for the nested one.
    std::env::set_var("CLERK_JWT_KEY", "-----BEGIN PUBLIC KEY-----elsewhere");
    std::env::set_var("CLERK_DOMAIN", "clerk.elsewhere.example");
    std::env::remove_var("CLERK_AUTHORIZED_PARTIES");
    std::env::set_var("CLERK_SIGN_IN_URL", "/login");
    let site: SocketAddr = "127.0.0.1:4123".parse().unwrap();
    let config = DevInstanceConfig::nested_from_env(site).unwrap();
    assert_eq!(config.data_dir, dir.path());
    assert_eq!(
        config.app_origins,
        ["http://127.0.0.1:4123", "http://localhost:4123"]
    );
    let instance = DevInstance::open(config).unwrap();

    let lookup = instance.nested_clerk_env(4123, "/__clerk");
    assert_eq!(
        lookup("CLERK_PUBLISHABLE_KEY").as_deref(),
        Some(instance.publishable_key())
    );
    assert_eq!(lookup("CLERK_SECRET_KEY"), Some(instance.secret_key()));
    assert_eq!(
        lookup("CLERK_API_URL").as_deref(),
        Some("http://127.0.0.1:4123/__clerk/api")
    );
    assert_eq!(lookup("CLERK_PROXY_URL").as_deref(), Some("/__clerk"));
    assert_eq!(
        lookup("CLERK_AUTHORIZED_PARTIES").as_deref(),
        Some("http://127.0.0.1:4123,http://localhost:4123")
    );
    assert_eq!(lookup("CLERK_JWT_KEY"), None);
    assert_eq!(lookup("CLERK_DOMAIN"), None);
    assert_eq!(lookup("CLERK_SIGN_IN_URL").as_deref(), Some("/login"));

    // Authorized parties the app sets win over the derived ones.
    std::env::set_var("CLERK_AUTHORIZED_PARTIES", "https://app.example.com");
    assert_eq!(
        lookup("CLERK_AUTHORIZED_PARTIES").as_deref(),
        Some("https://app.example.com")
    );
}
