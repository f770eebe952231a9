use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

use super::*;

const HOST: &str = "clerk.localhost";
const SUFFIX: &str = "abcdefgh";

/// An unsigned token shape (the selection logic reads claims unverified).
fn token(iss: &str, iat: i64, exp: i64) -> String {
    let part = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.sig",
        part(json!({"alg": "RS256"})),
        part(json!({"iss": iss, "iat": iat, "exp": exp}))
    )
}

fn read(header: &str) -> ClerkCookies {
    ClerkCookies::read(
        &CookieJar::parse(header),
        SUFFIX,
        HOST,
        InstanceType::Development,
        1_000,
    )
}

#[test]
fn parses_first_occurrence_and_percent_decodes() {
    let jar = CookieJar::parse("a=1; a=2; b=%20x%3D; broken; =v; c=\"q\"");
    assert_eq!(jar.get("a"), Some("1"));
    assert_eq!(jar.get("b"), Some(" x="));
    assert_eq!(jar.get("c"), Some("q"));
    assert_eq!(jar.get("broken"), None);
}

#[test]
fn unsuffixed_only_is_used() {
    let t = token("https://clerk.localhost", 900, 2_000);
    let c = read(&format!(
        "__session={t}; __client_uat=800; __clerk_db_jwt=dv"
    ));
    assert!(!c.uses_suffixed);
    assert_eq!(c.session.as_deref(), Some(t.as_str()));
    assert_eq!(c.client_uat, 800);
    assert_eq!(c.dev_browser.as_deref(), Some("dv"));
}

#[test]
fn suffixed_pair_wins_over_unsuffixed() {
    let old = token("https://clerk.localhost", 900, 2_000);
    let new = token("https://clerk.localhost", 950, 2_000);
    let c = read(&format!(
        "__session={old}; __client_uat=800; __session_{SUFFIX}={new}; __client_uat_{SUFFIX}=900"
    ));
    assert!(c.uses_suffixed);
    assert_eq!(c.session.as_deref(), Some(new.as_str()));
    assert_eq!(
        c.session_iat(),
        Some(950),
        "the iat of the chosen (suffixed) token"
    );
    assert_eq!(c.client_uat, 900);
}

#[test]
fn foreign_unsuffixed_session_means_suffixed() {
    let foreign = token("https://other.example.com", 900, 2_000);
    let c = read(&format!("__session={foreign}; __client_uat=800"));
    assert!(c.uses_suffixed);
    assert_eq!(c.session, None);
}

#[test]
fn newer_unsuffixed_session_wins() {
    let newer = token("https://clerk.localhost", 990, 2_000);
    let older = token("https://clerk.localhost", 900, 2_000);
    let c = read(&format!(
        "__session={newer}; __client_uat=800; __session_{SUFFIX}={older}; __client_uat_{SUFFIX}=800"
    ));
    assert!(!c.uses_suffixed);
    assert_eq!(c.session.as_deref(), Some(newer.as_str()));
    assert_eq!(
        c.session_iat(),
        Some(990),
        "the iat of the chosen (unsuffixed) token"
    );
}

#[test]
fn suffixed_session_without_suffixed_uat_is_ignored() {
    let t = token("https://clerk.localhost", 900, 2_000);
    let c = read(&format!("__session_{SUFFIX}={t}; __client_uat=5"));
    assert!(!c.uses_suffixed);
    assert_eq!(c.session, None);
    assert_eq!(c.client_uat, 5);
}

#[test]
fn signed_out_suffixed_uat_with_signed_in_unsuffixed_uses_unsuffixed() {
    let c = read(&format!("__client_uat_{SUFFIX}=0; __client_uat=800"));
    assert!(!c.uses_suffixed);
    assert_eq!(c.client_uat, 800);
}

#[test]
fn session_iat_is_absent_when_the_payload_has_none() {
    let part = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let no_iat = format!(
        "{}.{}.sig",
        part(json!({"alg": "RS256"})),
        part(json!({"iss": "https://clerk.localhost", "iat": "yesterday"}))
    );
    let c = read(&format!("__session={no_iat}; __client_uat=800"));
    assert!(
        !c.uses_suffixed,
        "a wrong-typed iat does not hide a good iss"
    );
    assert_eq!(c.session.as_deref(), Some(no_iat.as_str()));
    assert_eq!(c.session_iat(), None);
    let c = read("__session=not-a-token; __client_uat=800");
    assert_eq!(c.session.as_deref(), Some("not-a-token"));
    assert_eq!(c.session_iat(), None);
}

#[test]
fn suffixed_lookup_matches_the_exact_name_only() {
    let jar = CookieJar::parse(
        "__session_abcdefgh=right; __session_abcdefghi=longer; __sessionXabcdefgh=no_underscore; \
         __session_bcdefgh=shorter",
    );
    assert_eq!(jar.get_suffixed(SESSION, SUFFIX), Some("right"));
    assert_eq!(jar.get_suffixed(SESSION, "zzzzzzzz"), None);
    assert_eq!(jar.get_suffixed(CLIENT_UAT, SUFFIX), None);
    let only_near_misses = CookieJar::parse("__sessionXabcdefgh=1; __session_abcdefghi=2");
    assert_eq!(only_near_misses.get_suffixed(SESSION, SUFFIX), None);
}
