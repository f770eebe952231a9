//! Fuzzes the sealed "Sign in with Clerk" cookies: `<Cookie header>\n<plaintext>`. A cookie
//! from outside never opens; what the server sealed opens to the same text, only under its
//! own name and also after a secret rotation; no parser panics (see
//! `leptos_clerk::oauth::fuzzing::unseal_cookies`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| leptos_clerk::oauth::fuzzing::unseal_cookies(data));
