//! Who may spend a Backend API call on a handshake nonce, and how often.
//!
//! A `__clerk_handshake_nonce` on a page load costs one `GET /v1/clients/handshake_payload`
//! against the instance's Backend API rate limit, and the page waits for it. Anyone can send
//! made-up nonces, so resolution is admitted only within:
//!
//! - [`MAX_CONCURRENT_NONCE_RESOLUTIONS`] in flight in all, and
//!   [`MAX_CONCURRENT_NONCE_RESOLUTIONS_PER_CLIENT`] per client address, so one client cannot
//!   hold the slots other clients' handshakes need;
//! - a token bucket per client address ([`NONCE_RATE_PER_CLIENT`]) and one for the whole
//!   handle ([`NONCE_RATE_GLOBAL`]), so neither one client nor many together can burn the
//!   Backend API rate limit. A request one client is refused does not spend the global budget.
//!
//! A refused nonce is not resolved and the request goes on without it: its cookies decide
//! (signed out, or a new handshake within the redirect-loop guard). Nothing waits.
//!
//! The client address is the connection's peer (`ConnectInfo<SocketAddr>`: serve the app with
//! `into_make_service_with_connect_info::<SocketAddr>()`), or, with
//! `CLERK_TRUST_FORWARDED_HEADERS`, the last `X-Forwarded-For` entry (the one the trusted proxy
//! appended). IPv6 addresses count per /64, what one host is usually given. Without either,
//! only the global limits apply (logged once).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::ConnectInfo;
use http::request::Parts;
use http::HeaderName;

/// Most handshake nonces resolved through the Backend API at once, per [`Clerk`] handle.
///
/// [`Clerk`]: super::Clerk
pub const MAX_CONCURRENT_NONCE_RESOLUTIONS: usize = 8;
/// Most handshake nonces of one client address resolved at once.
pub const MAX_CONCURRENT_NONCE_RESOLUTIONS_PER_CLIENT: usize = 2;
/// The nonce resolutions one client address may start: 10 at once, then 30 a minute.
pub const NONCE_RATE_PER_CLIENT: NonceRate = NonceRate {
    burst: 10,
    per_minute: 30,
};
/// The nonce resolutions a [`Clerk`] handle starts in all: 60 at once, then 600 a minute.
///
/// [`Clerk`]: super::Clerk
pub const NONCE_RATE_GLOBAL: NonceRate = NonceRate {
    burst: 60,
    per_minute: 600,
};
/// Client addresses remembered at once; when full, those with a full bucket and nothing in
/// flight are forgotten first, and a new client is refused while none can be.
const MAX_TRACKED_CLIENTS: usize = 10_000;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// A token bucket's size and refill rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NonceRate {
    /// Resolutions allowed at once after a quiet period.
    pub burst: u32,
    /// Resolutions added back per minute.
    pub per_minute: u32,
}

/// Why a nonce was not admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NonceRefused {
    /// [`MAX_CONCURRENT_NONCE_RESOLUTIONS`] are in flight.
    #[error("{MAX_CONCURRENT_NONCE_RESOLUTIONS} handshake nonces are being resolved already")]
    AllSlotsBusy,
    /// This client has [`MAX_CONCURRENT_NONCE_RESOLUTIONS_PER_CLIENT`] in flight.
    #[error("this client has {MAX_CONCURRENT_NONCE_RESOLUTIONS_PER_CLIENT} handshake nonces being resolved already")]
    ClientBusy,
    /// This client spent its [`NONCE_RATE_PER_CLIENT`].
    #[error("this client resolved too many handshake nonces lately")]
    ClientRate,
    /// The handle spent its [`NONCE_RATE_GLOBAL`].
    #[error("too many handshake nonces were resolved lately")]
    GlobalRate,
    /// [`MAX_TRACKED_CLIENTS`] other clients are active.
    #[error("too many clients are resolving handshake nonces")]
    TooManyClients,
}

/// Who sent the request, for the per-client limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ClientKey {
    V4([u8; 4]),
    /// The /64 prefix.
    V6([u8; 8]),
}

impl ClientKey {
    fn of(ip: IpAddr) -> ClientKey {
        match ip.to_canonical() {
            IpAddr::V4(ip) => ClientKey::V4(ip.octets()),
            IpAddr::V6(ip) => {
                let mut prefix = [0; 8];
                prefix.copy_from_slice(&ip.octets()[..8]);
                ClientKey::V6(prefix)
            }
        }
    }

    /// The request's client: the last `X-Forwarded-For` entry when `trust_forwarded_headers`,
    /// else (or without one) the connection's peer; `None` when neither is known.
    pub(crate) fn from_parts(parts: &Parts, trust_forwarded_headers: bool) -> Option<ClientKey> {
        let forwarded = trust_forwarded_headers
            .then(|| {
                let last = parts.headers.get_all(X_FORWARDED_FOR).iter().next_back()?;
                let entry = last.to_str().ok()?.rsplit(',').next()?.trim();
                entry.parse::<IpAddr>().ok()
            })
            .flatten();
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip())
        };
        forwarded.or_else(peer).map(ClientKey::of)
    }
}

/// A token bucket.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    fn full(rate: NonceRate, now: Instant) -> Bucket {
        Bucket {
            tokens: f64::from(rate.burst),
            updated: now,
        }
    }

    /// Adds what `rate` refilled since the last update; whether a token is there.
    fn refill(&mut self, rate: NonceRate, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens =
            (self.tokens + elapsed * f64::from(rate.per_minute) / 60.0).min(f64::from(rate.burst));
        self.updated = now;
        self.tokens >= 1.0
    }

    fn is_full(&self, rate: NonceRate) -> bool {
        self.tokens >= f64::from(rate.burst)
    }
}

#[derive(Debug)]
struct Client {
    bucket: Bucket,
    in_flight: usize,
}

#[derive(Debug)]
struct State {
    in_flight: usize,
    global: Bucket,
    clients: HashMap<ClientKey, Client>,
}

/// The limits of one [`Clerk`](super::Clerk) handle.
#[derive(Debug)]
pub(crate) struct NonceBudget {
    state: Mutex<State>,
    warned_no_client: AtomicBool,
}

/// One admitted resolution; frees its slots when dropped.
#[derive(Debug)]
pub(crate) struct NoncePermit<'a> {
    budget: &'a NonceBudget,
    client: Option<ClientKey>,
}

impl Drop for NoncePermit<'_> {
    fn drop(&mut self) {
        let mut state = self.budget.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        if let Some(client) = self.client.and_then(|key| state.clients.get_mut(&key)) {
            client.in_flight = client.in_flight.saturating_sub(1);
        }
    }
}

impl NonceBudget {
    pub(crate) fn new() -> NonceBudget {
        NonceBudget {
            state: Mutex::new(State {
                in_flight: 0,
                global: Bucket::full(NONCE_RATE_GLOBAL, Instant::now()),
                clients: HashMap::new(),
            }),
            warned_no_client: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent across a panic (plain counters), so a poisoned lock is used.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Admits one resolution for `client` at `now`, or says which limit refused it. Never waits.
    pub(crate) fn admit(
        &self,
        client: Option<ClientKey>,
        now: Instant,
    ) -> Result<NoncePermit<'_>, NonceRefused> {
        if client.is_none() && !self.warned_no_client.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "a handshake nonce arrived without a known client address: only the global \
                 limits apply. Serve the app with into_make_service_with_connect_info::<SocketAddr>() \
                 (or, behind a proxy that sets X-Forwarded-For, CLERK_TRUST_FORWARDED_HEADERS=1)"
            );
        }
        let mut state = self.lock();
        let state = &mut *state;
        if state.in_flight >= MAX_CONCURRENT_NONCE_RESOLUTIONS {
            return Err(NonceRefused::AllSlotsBusy);
        }
        let mut entry = None;
        if let Some(key) = client {
            if !state.clients.contains_key(&key) && state.clients.len() >= MAX_TRACKED_CLIENTS {
                state.clients.retain(|_, c| {
                    c.in_flight > 0 || {
                        c.bucket.refill(NONCE_RATE_PER_CLIENT, now);
                        !c.bucket.is_full(NONCE_RATE_PER_CLIENT)
                    }
                });
                if state.clients.len() >= MAX_TRACKED_CLIENTS {
                    return Err(NonceRefused::TooManyClients);
                }
            }
            let client = state.clients.entry(key).or_insert_with(|| Client {
                bucket: Bucket::full(NONCE_RATE_PER_CLIENT, now),
                in_flight: 0,
            });
            if client.in_flight >= MAX_CONCURRENT_NONCE_RESOLUTIONS_PER_CLIENT {
                return Err(NonceRefused::ClientBusy);
            }
            if !client.bucket.refill(NONCE_RATE_PER_CLIENT, now) {
                return Err(NonceRefused::ClientRate);
            }
            entry = Some(client);
        }
        if !state.global.refill(NONCE_RATE_GLOBAL, now) {
            return Err(NonceRefused::GlobalRate);
        }
        state.global.tokens -= 1.0;
        state.in_flight += 1;
        if let Some(client) = entry {
            client.bucket.tokens -= 1.0;
            client.in_flight += 1;
        }
        Ok(NoncePermit {
            budget: self,
            client,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn client(last: u8) -> Option<ClientKey> {
        Some(ClientKey::of(IpAddr::from([192, 0, 2, last])))
    }

    #[test]
    fn one_client_gets_its_burst_then_its_rate_and_others_are_unaffected() {
        let budget = NonceBudget::new();
        let start = Instant::now();
        for _ in 0..NONCE_RATE_PER_CLIENT.burst {
            drop(budget.admit(client(1), start).unwrap());
        }
        assert_eq!(
            budget.admit(client(1), start).unwrap_err(),
            NonceRefused::ClientRate
        );
        drop(budget.admit(client(2), start).unwrap());
        // 30 a minute: one more after two seconds.
        let later = start + Duration::from_secs(2);
        drop(budget.admit(client(1), later).unwrap());
        assert_eq!(
            budget.admit(client(1), later).unwrap_err(),
            NonceRefused::ClientRate
        );
    }

    #[test]
    fn a_client_holds_at_most_its_share_of_the_slots() {
        let budget = NonceBudget::new();
        let now = Instant::now();
        let held: Vec<_> = (0..MAX_CONCURRENT_NONCE_RESOLUTIONS_PER_CLIENT)
            .map(|_| budget.admit(client(1), now).unwrap())
            .collect();
        assert_eq!(
            budget.admit(client(1), now).unwrap_err(),
            NonceRefused::ClientBusy
        );
        let others: Vec<_> = (2..)
            .take(MAX_CONCURRENT_NONCE_RESOLUTIONS - held.len())
            .map(|i| budget.admit(client(i), now).unwrap())
            .collect();
        assert_eq!(
            budget.admit(client(99), now).unwrap_err(),
            NonceRefused::AllSlotsBusy
        );
        drop(others);
        drop(held);
        drop(budget.admit(client(1), now).unwrap());
    }

    #[test]
    fn the_global_budget_caps_many_clients_and_refusals_do_not_spend_it() {
        let budget = NonceBudget::new();
        let now = Instant::now();
        // One client's refused requests cost the global budget nothing.
        for _ in 0..1000 {
            let _ = budget.admit(client(0), now);
        }
        let admitted = (1..=255)
            .filter(|&i| budget.admit(client(i), now).is_ok())
            .count();
        assert_eq!(
            admitted + NONCE_RATE_PER_CLIENT.burst as usize,
            NONCE_RATE_GLOBAL.burst as usize
        );
        assert_eq!(
            budget.admit(None, now).unwrap_err(),
            NonceRefused::GlobalRate
        );
        // 600 a minute: ten more a second.
        let later = now + Duration::from_secs(1);
        let admitted = (0..20)
            .filter(|_| budget.admit(None, later).is_ok())
            .count();
        assert_eq!(admitted, 10);
    }

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ClientKey::of(a), ClientKey::of(b));
        assert_ne!(ClientKey::of(a), ClientKey::of(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(ClientKey::of(mapped), client(1).unwrap());
    }

    #[test]
    fn the_client_is_the_peer_or_the_last_trusted_forwarded_entry() {
        let parts = |xff: Option<&str>, peer: Option<&str>| {
            let mut builder = http::Request::get("/");
            if let Some(xff) = xff {
                builder = builder.header("x-forwarded-for", xff);
            }
            let (mut parts, ()) = builder.body(()).unwrap().into_parts();
            if let Some(peer) = peer {
                parts
                    .extensions
                    .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
            }
            parts
        };
        let peer = parts(Some("192.0.2.7, 192.0.2.8"), Some("192.0.2.9:5000"));
        assert_eq!(ClientKey::from_parts(&peer, false), client(9));
        assert_eq!(ClientKey::from_parts(&peer, true), client(8));
        let junk = parts(Some("not-an-ip"), Some("192.0.2.9:5000"));
        assert_eq!(ClientKey::from_parts(&junk, true), client(9));
        assert_eq!(ClientKey::from_parts(&parts(None, None), true), None);
    }
}
