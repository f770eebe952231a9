//! Where verification keys come from: the networkless PEM key (`CLERK_JWT_KEY`,
//! any `kid`) or the instance JWKS from `GET {api_url}/v1/jwks`.
//!
//! The JWKS is cached for `jwks_cache_ttl` (5 min). An unknown `kid` or a stale
//! cache triggers a refetch, at most once per `jwks_min_refetch_interval`, one at a time;
//! when the Backend API is down, the keys already cached keep working, and while a refetch is
//! out, requests whose `kid` the cache holds do not wait for it.
//!
//! Every successful fetch starts a new key-set generation ([`KeySource::generation`]): the
//! verified-token cache re-checks an entry's `kid` against the current set once per
//! generation, so a key dropped from the JWKS stops its cached tokens at once.
//!
//! Fetches go through the shared [`BackendApi`] client in a single attempt: the
//! request being verified waits for the answer, so there is no retry or backoff.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use serde::Deserialize;

use super::backend_api::{BackendApi, BackendApiError};
use super::reasons::{TokenVerificationError, TokenVerificationErrorReason as Reason};

/// A source of RSA verification keys.
pub(crate) enum KeySource {
    /// One PEM key that verifies tokens of any `kid`.
    Local(Arc<DecodingKey>),
    /// The instance JWKS fetched from the Backend API.
    Remote(Box<RemoteJwks>),
}

impl KeySource {
    /// The key for `kid`.
    pub(crate) async fn key(
        &self,
        kid: Option<&str>,
    ) -> Result<Arc<DecodingKey>, TokenVerificationError> {
        match self {
            KeySource::Local(key) => Ok(key.clone()),
            KeySource::Remote(jwks) => jwks.key(kid.unwrap_or_default()).await,
        }
    }

    /// Whether keys are at hand: the PEM key, or a JWKS fetched at least once.
    pub(crate) fn available(&self) -> bool {
        match self {
            KeySource::Local(_) => true,
            KeySource::Remote(jwks) => jwks.has_keys(),
        }
    }

    /// [`KeySource::available`], first fetching the JWKS when none was fetched yet (at most
    /// once per `jwks_min_refetch_interval`, like any fetch); for readiness checks.
    pub(crate) async fn load(&self) -> bool {
        if let KeySource::Remote(jwks) = self {
            if !jwks.has_keys() {
                // The answer for this empty kid does not matter: a successful fetch fills the cache.
                let _ = jwks.key("").await;
            }
        }
        self.available()
    }

    /// The current key-set generation: 0 for a local key, else bumped by every JWKS fetch.
    pub(crate) fn generation(&self) -> u64 {
        match self {
            KeySource::Local(_) => 0,
            KeySource::Remote(jwks) => jwks.generation.load(Ordering::Acquire),
        }
    }

    /// Whether the current key set still holds `kid` (a local key holds every `kid`).
    pub(crate) fn has_key(&self, kid: Option<&str>) -> bool {
        match self {
            KeySource::Local(_) => true,
            KeySource::Remote(jwks) => jwks.lookup(kid.unwrap_or_default()).key.is_some(),
        }
    }
}

/// Cache settings of a [`RemoteJwks`].
#[derive(Clone, Debug)]
pub(crate) struct JwksSettings {
    /// How long a fetched JWKS is fresh.
    pub ttl: Duration,
    /// Minimum time between two fetch attempts.
    pub min_refetch_interval: Duration,
}

#[derive(Default)]
struct Cached {
    keys: HashMap<String, Arc<DecodingKey>>,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
}

/// The cached JWKS of a Clerk instance.
pub(crate) struct RemoteJwks {
    api: BackendApi,
    settings: JwksSettings,
    cached: RwLock<Cached>,
    fetching: tokio::sync::Mutex<()>,
    /// Bumped (under the write lock) each time fetched keys replace the cached ones.
    generation: AtomicU64,
}

/// What a lookup in the cache found.
struct Lookup {
    key: Option<Arc<DecodingKey>>,
    fresh: bool,
    may_fetch: bool,
    has_keys: bool,
}

impl RemoteJwks {
    /// A JWKS cache that fetches `GET /v1/jwks` through `api` (one attempt per fetch).
    pub(crate) fn new(api: BackendApi, settings: JwksSettings) -> Self {
        RemoteJwks {
            api,
            settings,
            cached: RwLock::new(Cached::default()),
            fetching: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
        }
    }

    /// Whether a JWKS was fetched at least once (its keys keep working after a failed refresh).
    pub(crate) fn has_keys(&self) -> bool {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        !cached.keys.is_empty()
    }

    fn lookup(&self, kid: &str) -> Lookup {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        Lookup {
            key: cached.keys.get(kid).cloned(),
            fresh: cached
                .fetched_at
                .is_some_and(|t| now.duration_since(t) < self.settings.ttl),
            may_fetch: cached
                .last_attempt
                .is_none_or(|t| now.duration_since(t) >= self.settings.min_refetch_interval),
            has_keys: !cached.keys.is_empty(),
        }
    }

    /// The key for `kid`, fetching the JWKS when needed.
    pub(crate) async fn key(&self, kid: &str) -> Result<Arc<DecodingKey>, TokenVerificationError> {
        let found = self.lookup(kid);
        if let (Some(key), true) = (&found.key, found.fresh) {
            return Ok(key.clone());
        }
        if !found.may_fetch {
            return found.key.ok_or_else(|| missing(kid, found.has_keys));
        }
        // One fetch at a time. While it is out, a request that has a (stale) key for its `kid`
        // goes on with it instead of waiting: a slow or hanging Clerk holds up only the fetch.
        let _single_flight = match (self.fetching.try_lock(), found.key) {
            (Ok(guard), _) => guard,
            (Err(_), Some(stale)) => return Ok(stale),
            (Err(_), None) => self.fetching.lock().await,
        };
        let found = self.lookup(kid);
        if found.key.is_some() && found.fresh || !found.may_fetch {
            return found.key.ok_or_else(|| missing(kid, found.has_keys));
        }
        self.cached
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .last_attempt = Some(Instant::now());
        match self.fetch().await {
            Ok(keys) => {
                let mut cached = self.cached.write().unwrap_or_else(|e| e.into_inner());
                cached.keys = keys;
                cached.fetched_at = Some(Instant::now());
                self.generation.fetch_add(1, Ordering::AcqRel);
                cached
                    .keys
                    .get(kid)
                    .cloned()
                    .ok_or_else(|| missing(kid, true))
            }
            Err(error) => {
                tracing::warn!(reason = %error.reason, "Clerk: {}", error.message);
                found.key.ok_or(error)
            }
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, Arc<DecodingKey>>, TokenVerificationError> {
        let invalid = || {
            TokenVerificationError::new(
                Reason::RemoteJwkInvalid,
                format!(
                    "The JWKS from {} is not a valid RSA key set.",
                    self.api.jwks_url()
                ),
            )
        };
        match self.api.jwks_once::<Jwks>().await {
            Ok(jwks) => decoding_keys(jwks).ok_or_else(invalid),
            Err(BackendApiError::MalformedResponse { .. }) => Err(invalid()),
            Err(error) => Err(TokenVerificationError::new(
                Reason::RemoteJwkFailedToLoad,
                format!(
                    "Failed to load the JWKS from {}: {}. Check CLERK_SECRET_KEY and \
                     CLERK_API_URL, or set CLERK_JWT_KEY for networkless verification.",
                    self.api.jwks_url(),
                    failure(&error)
                ),
            )),
        }
    }
}

/// What went wrong, in a few words (the message around it names the fix).
fn failure(error: &BackendApiError) -> String {
    match (error, error.status()) {
        (BackendApiError::Timeout(_), _) => "the request timed out".into(),
        (BackendApiError::Connection(cause), _) => format!("the connection failed ({cause})"),
        (_, Some(status)) => match error.trace_id() {
            Some(trace_id) => format!("HTTP {status} (clerk_trace_id {trace_id})"),
            None => format!("HTTP {status}"),
        },
        (_, None) => error.to_string(),
    }
}

fn missing(kid: &str, has_keys: bool) -> TokenVerificationError {
    if has_keys {
        TokenVerificationError::new(
            Reason::JwkKidMismatch,
            format!(
                "Unable to find a signing key in the JWKS that matches kid='{}'. Make sure \
                 the token comes from this Clerk instance.",
                kid.chars().take(64).collect::<String>()
            ),
        )
    } else {
        TokenVerificationError::new(
            Reason::RemoteJwkFailedToLoad,
            "No JWKS is available yet (the last fetch failed). Check CLERK_SECRET_KEY and \
             CLERK_API_URL, or set CLERK_JWT_KEY for networkless verification.",
        )
    }
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kid: String,
    kty: String,
    n: String,
    e: String,
}

/// The RSA keys of a `{"keys":[{kid,kty:"RSA",n,e}]}` set by `kid`; `None` if it has none.
fn decoding_keys(jwks: Jwks) -> Option<HashMap<String, Arc<DecodingKey>>> {
    let keys: HashMap<_, _> = jwks
        .keys
        .into_iter()
        .filter(|k| k.kty == "RSA")
        .filter_map(|k| {
            let key = DecodingKey::from_rsa_components(&k.n, &k.e).ok()?;
            Some((k.kid, Arc::new(key)))
        })
        .collect();
    (!keys.is_empty()).then_some(keys)
}
