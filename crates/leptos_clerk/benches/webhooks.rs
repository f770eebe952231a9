//! Webhook verification cost against a signature-header flood: one bogus `v1,` signature
//! vs 2,000 of them over a 1 MiB body (the largest body the webhook route accepts), plus the
//! largest header still accepted (`MAX_SIGNATURES` bogus entries). Every case is rejected;
//! the time is what one such request costs a worker.
//!
//! `cargo bench -p leptos_clerk --features ssr --bench webhooks`

use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};
use leptos_clerk::server::webhooks::Webhook;

const SECRET: &str = "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY=";
const BODY_BYTES: usize = 1024 * 1024;
const NOW: i64 = 1_700_000_000;
/// Stop repeating a case after this long (the flood case takes seconds per request before
/// the fix).
const BUDGET: Duration = Duration::from_secs(3);

fn headers(signatures: usize) -> HeaderMap {
    let bogus = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let value = vec![bogus; signatures].join(" ");
    let mut headers = HeaderMap::new();
    headers.insert("svix-id", HeaderValue::from_static("msg_bench"));
    headers.insert("svix-timestamp", HeaderValue::from(NOW));
    headers.insert("svix-signature", HeaderValue::from_str(&value).unwrap());
    headers
}

/// Runs one case until `BUDGET` or `max_rounds`; prints the mean time per request.
fn run(webhook: &Webhook, label: &str, signatures: usize, body: &[u8], max_rounds: usize) {
    let headers = headers(signatures);
    let started = Instant::now();
    let mut rounds = 0;
    while rounds < max_rounds && (rounds == 0 || started.elapsed() < BUDGET) {
        let result = webhook.verify_at(&headers, body, NOW);
        assert!(result.is_err(), "a bogus signature never verifies");
        rounds += 1;
    }
    let each = started.elapsed() / rounds as u32;
    let shown = match each.as_micros() {
        micros if micros >= 10_000 => format!("{:.1} ms", each.as_secs_f64() * 1e3),
        _ => format!("{:.1} µs", each.as_secs_f64() * 1e6),
    };
    println!("{label:<44} {rounds:>6} requests  {shown:>12} each (rejected)");
}

fn main() {
    let webhook = Webhook::new(SECRET).unwrap();
    let body = vec![b'x'; BODY_BYTES];
    run(
        &webhook,
        "webhook: 1 bogus signature, 1 MiB body",
        1,
        &body,
        2_000,
    );
    run(
        &webhook,
        "webhook: 10 bogus signatures, 1 MiB body",
        10,
        &body,
        2_000,
    );
    run(
        &webhook,
        "webhook: 2,000 bogus signatures, 1 MiB body",
        2_000,
        &body,
        2_000,
    );
}
