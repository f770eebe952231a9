//! A bounded cache of verified session tokens, so a token seen again costs no
//! RSA operation. An entry is never used at or after its `exp`; the cache only
//! ever holds fully verified tokens.
//!
//! Entries are keyed by the whole token and found by the hash of its last
//! [`HASHED_TAIL_BYTES`] bytes — the end of the RSA signature, unpredictable for
//! every genuine token — so a lookup hashes 32 bytes instead of the whole token,
//! and a hit is only ever a byte-for-byte equal token. (A forged token that
//! copies a genuine signature lands in the same bucket and simply misses.)
//! Memory is bounded by the capacity: at most `capacity` tokens of at most
//! 16 KiB each, about 1 KiB each for real Clerk tokens.
//!
//! Each entry remembers the `kid` that signed it and the key-set generation it
//! was verified in. A hit from an older generation (the JWKS was refetched since)
//! is only used while the current key set still holds that `kid`: a key rotated
//! out of the JWKS stops its cached tokens at once.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::{Arc, Mutex};

use super::claims::SessionClaims;

/// Default number of cached tokens.
pub(super) const DEFAULT_CAPACITY: usize = 10_000;

/// How many bytes at the end of a token its bucket is chosen by.
pub(super) const HASHED_TAIL_BYTES: usize = 32;

/// Hashes only the tail of a token (SipHash with a random per-process key, so
/// buckets cannot be predicted from outside).
#[derive(Clone, Default)]
struct TailHash(RandomState);

impl BuildHasher for TailHash {
    type Hasher = TailHasher;

    fn build_hasher(&self) -> TailHasher {
        TailHasher(self.0.build_hasher())
    }
}

/// The hasher of [`TailHash`]: `str` keys write their bytes once, then a
/// terminator; only the last [`HASHED_TAIL_BYTES`] of the bytes are hashed.
struct TailHasher(std::hash::DefaultHasher);

impl Hasher for TailHasher {
    fn write(&mut self, bytes: &[u8]) {
        let tail = &bytes[bytes.len().saturating_sub(HASHED_TAIL_BYTES)..];
        self.0.write(tail);
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// The key a token was verified with: its `kid` and the key-set generation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyStamp<'a> {
    /// The token's `kid` header.
    pub kid: Option<&'a str>,
    /// The key-set generation (`KeySource::generation`) read before the key was looked up.
    pub generation: u64,
}

/// A cached token: its claims and the key it was verified with.
struct Entry {
    claims: Arc<SessionClaims>,
    kid: Option<Box<str>>,
    generation: u64,
}

/// The verified-token cache.
pub(crate) struct TokenCache {
    capacity: usize,
    entries: Mutex<HashMap<Box<str>, Entry, TailHash>>,
}

impl TokenCache {
    /// A cache holding at most `capacity` tokens (0 disables caching).
    pub(crate) fn new(capacity: usize) -> Self {
        TokenCache {
            capacity,
            entries: Mutex::new(HashMap::default()),
        }
    }

    /// The claims of `token` if it was verified before, `now < exp` and its key is
    /// still trusted: verified in key-set `generation`, or `has_key(kid)` says the
    /// current set still holds its `kid` (then the entry moves to `generation`).
    /// Entries that fail either check are dropped.
    pub(crate) fn get(
        &self,
        token: &str,
        now: i64,
        generation: u64,
        has_key: impl FnOnce(Option<&str>) -> bool,
    ) -> Option<Arc<SessionClaims>> {
        if self.capacity == 0 {
            return None;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get_mut(token)?;
        let trusted = now < entry.claims.exp
            && (entry.generation == generation || has_key(entry.kid.as_deref()));
        if !trusted {
            entries.remove(token);
            return None;
        }
        entry.generation = generation;
        Some(entry.claims.clone())
    }

    /// Remembers a verified token; when full, drops expired entries first and
    /// then an arbitrary tenth of the cache.
    pub(crate) fn insert(
        &self,
        token: &str,
        claims: Arc<SessionClaims>,
        key: KeyStamp<'_>,
        now: i64,
    ) {
        if self.capacity == 0 || now >= claims.exp {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity {
            entries.retain(|_, entry| now < entry.claims.exp);
        }
        if entries.len() >= self.capacity {
            let drop: Vec<Box<str>> = entries
                .keys()
                .take(self.capacity / 10 + 1)
                .cloned()
                .collect();
            for key in drop {
                entries.remove(&key);
            }
        }
        let entry = Entry {
            claims,
            kid: key.kid.map(Into::into),
            generation: key.generation,
        };
        entries.insert(token.into(), entry);
    }

    /// How many tokens are cached.
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(exp: i64) -> Arc<SessionClaims> {
        Arc::new(SessionClaims::from_payload(json!({"sub": "user_1", "exp": exp})).unwrap())
    }

    const KEY: KeyStamp<'static> = KeyStamp {
        kid: Some("key-a"),
        generation: 1,
    };

    /// A lookup in generation 1 (the entries' own).
    fn get(cache: &TokenCache, token: &str, now: i64) -> Option<Arc<SessionClaims>> {
        cache.get(token, now, 1, |_| unreachable!("same generation"))
    }

    #[test]
    fn entries_are_never_used_at_or_past_exp() {
        let cache = TokenCache::new(4);
        cache.insert("t", claims(100), KEY, 50);
        assert!(get(&cache, "t", 99).is_some());
        assert!(get(&cache, "t", 100).is_none());
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn only_the_identical_token_hits() {
        let cache = TokenCache::new(8);
        let signature_tail = "x".repeat(HASHED_TAIL_BYTES);
        let genuine = format!("header.payload.{signature_tail}");
        cache.insert(&genuine, claims(1_000), KEY, 0);
        // Same tail (so the same bucket), other payload: a miss.
        let forged = format!("header.tampered.{signature_tail}");
        assert!(get(&cache, &forged, 1).is_none());
        assert!(get(&cache, &genuine[..genuine.len() - 1], 1).is_none());
        assert!(get(&cache, &genuine, 1).is_some());
        assert!(get(&cache, "", 1).is_none());
    }

    #[test]
    fn a_newer_key_set_keeps_only_entries_whose_kid_it_holds() {
        let cache = TokenCache::new(8);
        cache.insert("signed-by-a", claims(1_000), KEY, 0);
        let b = KeyStamp {
            kid: Some("key-b"),
            ..KEY
        };
        cache.insert("signed-by-b", claims(1_000), b, 0);
        // Generation 2 holds key-b only.
        let holds_b = |kid: Option<&str>| kid == Some("key-b");
        assert!(cache.get("signed-by-a", 1, 2, holds_b).is_none());
        assert!(cache.get("signed-by-b", 1, 2, holds_b).is_some());
        assert_eq!(cache.len(), 1, "the entry of the dropped key is evicted");
        // Re-checked once: later hits in generation 2 need no lookup.
        let no_lookup = |_: Option<&str>| unreachable!("already re-checked");
        assert!(cache.get("signed-by-b", 1, 2, no_lookup).is_some());
    }

    #[test]
    fn capacity_is_bounded() {
        let cache = TokenCache::new(10);
        for i in 0..100 {
            cache.insert(&format!("t{i}"), claims(1_000), KEY, 0);
        }
        assert!(cache.len() <= 10);
        assert!(get(&cache, "t99", 1).is_some());
    }
}
