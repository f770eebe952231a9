use std::collections::HashMap;

use super::*;

const PK: &str = "pk_test_Y2xlcmsubG9jYWxob3N0JA";

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

fn load(vars: &[(&str, &str)]) -> Result<ClerkConfig, ConfigError> {
    ClerkConfig::from_lookup(lookup(vars))
}

fn variable(error: ConfigError) -> &'static str {
    match error {
        ConfigError::Missing { name, .. } | ConfigError::Invalid { name, .. } => name,
    }
}

#[test]
fn defaults() {
    let c = load(&[
        ("CLERK_PUBLISHABLE_KEY", PK),
        ("CLERK_SECRET_KEY", "sk_test_x"),
    ])
    .unwrap();
    assert_eq!(c.api_url, "https://api.clerk.com");
    assert_eq!(c.api_version, "2025-11-10");
    assert_eq!(c.urls.sign_in_url, "/sign-in");
    assert_eq!(c.urls.sign_up_url, "/sign-up");
    assert_eq!(c.urls.after_sign_out_url, "/");
    assert_eq!(c.clock_skew, Duration::from_secs(5));
    assert!(
        !c.trust_forwarded_headers,
        "forwarded headers are not trusted by default"
    );
    let pk = c.validate().unwrap();
    assert_eq!(
        c.clerk_js_script_url(&pk),
        "https://clerk.localhost/npm/@clerk/clerk-js@6.40.0/dist/clerk.browser.js"
    );
    assert_eq!(
        c.clerk_ui_script_url(&pk),
        "https://clerk.localhost/npm/@clerk/ui@1.36.0/dist/ui.browser.js"
    );
}

#[test]
fn reads_every_variable() {
    let c = load(&[
        ("CLERK_PUBLISHABLE_KEY", PK),
        ("CLERK_SECRET_KEY", "sk_test_x"),
        ("CLERK_API_URL", "http://127.0.0.1:9/v1/"),
        (
            "CLERK_AUTHORIZED_PARTIES",
            "http://a.test, https://b.test/ ,",
        ),
        ("CLERK_PROXY_URL", "/__clerk"),
        ("CLERK_CLOCK_SKEW_SECS", "60"),
        ("CLERK_SIGN_IN_FORCE_REDIRECT_URL", "/after"),
        ("CLERK_JS_VERSION", "6.1.0"),
        ("CLERK_TRUST_FORWARDED_HEADERS", "1"),
    ])
    .unwrap();
    assert!(c.trust_forwarded_headers);
    assert!(!ClerkConfig::new(PK, "sk_test_x").trust_forwarded_headers);
    assert!(
        ClerkConfig::new(PK, "sk_test_x")
            .with_trusted_forwarded_headers(true)
            .trust_forwarded_headers
    );
    assert_eq!(c.api_url, "http://127.0.0.1:9");
    assert_eq!(c.authorized_parties, ["http://a.test", "https://b.test"]);
    assert_eq!(c.urls.sign_in_force_redirect_url.as_deref(), Some("/after"));
    let pk = c.validate().unwrap();
    assert_eq!(
        c.clerk_js_script_url(&pk),
        "/__clerk/npm/@clerk/clerk-js@6.1.0/dist/clerk.browser.js"
    );
}

#[test]
fn deprecated_names_still_work() {
    let c = load(&[
        ("CLERK_FRONTEND_API", "clerk.example.com"),
        ("CLERK_API_KEY", "sk_live_x"),
        ("CLERK_AFTER_SIGN_IN_URL", "/dash"),
        ("CLERK_AFTER_SIGN_UP_URL", "/welcome"),
    ])
    .unwrap();
    let pk = c.validate().unwrap();
    assert_eq!(pk.frontend_api, "clerk.example.com");
    assert_eq!(pk.instance_type, InstanceType::Production);
    assert_eq!(
        c.urls.sign_in_fallback_redirect_url.as_deref(),
        Some("/dash")
    );
    assert_eq!(
        c.urls.sign_up_fallback_redirect_url.as_deref(),
        Some("/welcome")
    );
}

#[test]
fn start_up_failures_name_the_variable() {
    let sk = ("CLERK_SECRET_KEY", "sk_test_x");
    assert_eq!(variable(load(&[sk]).unwrap_err()), "CLERK_PUBLISHABLE_KEY");
    assert_eq!(
        variable(load(&[("CLERK_PUBLISHABLE_KEY", PK)]).unwrap_err()),
        "CLERK_SECRET_KEY"
    );
    assert_eq!(
        variable(load(&[("CLERK_PUBLISHABLE_KEY", "pk_test_nope"), sk]).unwrap_err()),
        "CLERK_PUBLISHABLE_KEY"
    );
    let mixed = load(&[
        ("CLERK_PUBLISHABLE_KEY", PK),
        ("CLERK_SECRET_KEY", "sk_live_x"),
    ])
    .unwrap_err();
    assert!(mixed.to_string().contains("pk_test_") && mixed.to_string().contains("sk_live_"));
    let pk = ("CLERK_PUBLISHABLE_KEY", PK);
    assert_eq!(
        variable(load(&[pk, sk, ("CLERK_JWT_KEY", "not a pem")]).unwrap_err()),
        "CLERK_JWT_KEY"
    );
    assert_eq!(
        variable(load(&[pk, sk, ("CLERK_CLOCK_SKEW_SECS", "61")]).unwrap_err()),
        "CLERK_CLOCK_SKEW_SECS"
    );
    assert_eq!(
        variable(load(&[pk, sk, ("CLERK_CLOCK_SKEW_SECS", "-1")]).unwrap_err()),
        "CLERK_CLOCK_SKEW_SECS"
    );
    assert_eq!(
        variable(load(&[pk, sk, ("CLERK_IS_SATELLITE", "true")]).unwrap_err()),
        "CLERK_DOMAIN"
    );
    let satellite = [
        pk,
        sk,
        ("CLERK_IS_SATELLITE", "true"),
        ("CLERK_DOMAIN", "b.test"),
    ];
    let error = load(&satellite).unwrap_err();
    let message = error.to_string();
    assert_eq!(variable(error), "CLERK_SIGN_IN_URL");
    assert!(message.contains("absolute"), "{message}");
    let relative = [&satellite[..], &[("CLERK_SIGN_IN_URL", "/sign-in")]].concat();
    assert_eq!(variable(load(&relative).unwrap_err()), "CLERK_SIGN_IN_URL");
    let absolute = [
        &satellite[..],
        &[("CLERK_SIGN_IN_URL", "https://a.test/sign-in")],
    ]
    .concat();
    assert!(load(&absolute).is_ok());
}

#[test]
fn networkless_pem_key_is_accepted() {
    let pem = include_str!("../../tests/fixtures/test_only_rsa_a_public.pem");
    let c = load(&[
        ("CLERK_PUBLISHABLE_KEY", PK),
        ("CLERK_SECRET_KEY", "sk_test_x"),
        ("CLERK_JWT_KEY", pem),
    ])
    .unwrap();
    assert!(c.jwt_key.is_some());
}

#[test]
fn debug_output_redacts_the_secret_key() {
    let c = ClerkConfig::new(PK, "sk_test_very_secret");
    assert!(!format!("{c:?}").contains("very_secret"));
}

#[test]
fn errors_never_contain_the_secret() {
    let err = load(&[
        ("CLERK_PUBLISHABLE_KEY", PK),
        ("CLERK_SECRET_KEY", "nope_secret_value"),
    ])
    .unwrap_err();
    assert!(!err.to_string().contains("nope_secret_value"));
}
