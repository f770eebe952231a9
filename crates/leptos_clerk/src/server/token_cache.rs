//! A bounded cache of verified session tokens, keyed by SHA-256 of the token,
//! so a token seen again costs no RSA operation. An entry is never used at or
//! after its `exp`; the cache only ever holds fully verified tokens.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::claims::SessionClaims;

/// Default number of cached tokens.
pub const DEFAULT_CAPACITY: usize = 10_000;

type TokenHash = [u8; 32];

/// The verified-token cache.
pub struct TokenCache {
    capacity: usize,
    entries: Mutex<HashMap<TokenHash, Arc<SessionClaims>>>,
}

fn hash(token: &str) -> TokenHash {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

impl TokenCache {
    /// A cache holding at most `capacity` tokens (0 disables caching).
    pub fn new(capacity: usize) -> Self {
        TokenCache {
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The claims of `token` if it was verified before and `now < exp`.
    pub fn get(&self, token: &str, now: i64) -> Option<Arc<SessionClaims>> {
        if self.capacity == 0 {
            return None;
        }
        let key = hash(token);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(&key) {
            Some(claims) if now < claims.exp => Some(claims.clone()),
            Some(_) => {
                entries.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Remembers a verified token; when full, drops expired entries first and
    /// then an arbitrary tenth of the cache.
    pub fn insert(&self, token: &str, claims: Arc<SessionClaims>, now: i64) {
        if self.capacity == 0 || now >= claims.exp {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity {
            entries.retain(|_, c| now < c.exp);
        }
        if entries.len() >= self.capacity {
            let drop: Vec<TokenHash> = entries
                .keys()
                .take(self.capacity / 10 + 1)
                .copied()
                .collect();
            for key in drop {
                entries.remove(&key);
            }
        }
        entries.insert(hash(token), claims);
    }

    /// How many tokens are cached.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(exp: i64) -> Arc<SessionClaims> {
        Arc::new(SessionClaims::from_payload(json!({"sub": "user_1", "exp": exp})).unwrap())
    }

    #[test]
    fn entries_are_never_used_at_or_past_exp() {
        let cache = TokenCache::new(4);
        cache.insert("t", claims(100), 50);
        assert!(cache.get("t", 99).is_some());
        assert!(cache.get("t", 100).is_none());
        assert!(cache.is_empty());
    }

    #[test]
    fn capacity_is_bounded() {
        let cache = TokenCache::new(10);
        for i in 0..100 {
            cache.insert(&format!("t{i}"), claims(1_000), 0);
        }
        assert!(cache.len() <= 10);
        assert!(cache.get("t99", 1).is_some());
    }
}
