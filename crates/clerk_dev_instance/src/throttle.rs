//! Per-account throttling of password checks (FAPI sign-in, the OAuth sign-in form, password
//! change): after [`MAX_FAILURES`] wrong passwords for an identifier within [`WINDOW`], further
//! checks are refused — without running argon2 — until the window of the first failure ends.
//! A right password resets the count. Each check is counted as a failure *before* the password
//! is verified, so parallel requests cannot slip past the limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::StatusCode;

use crate::error::ApiError;
use crate::util::insert_capped;

/// Wrong passwords allowed per identifier within [`WINDOW`].
pub(crate) const MAX_FAILURES: u32 = 5;
/// How long failures are remembered (from the first one).
pub(crate) const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Identifiers remembered at most; beyond it the oldest is forgotten.
const MAX_TRACKED: usize = 10_000;

struct Failures {
    count: u32,
    first: Instant,
}

/// The identifier is locked; retry after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Locked(pub Duration);

impl Locked {
    /// Whole minutes until the lock ends (at least 1).
    pub(crate) fn minutes(self) -> u64 {
        self.0.as_secs().div_ceil(60).max(1)
    }

    /// Clerk's 429 `too_many_requests`, with `Retry-After`.
    pub(crate) fn api_error(self) -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Too many requests",
        )
        .long(format!(
            "Too many failed password attempts for this account. Try again in {} minutes.",
            self.minutes()
        ))
        .retry_after(self.0.as_secs().max(1))
    }
}

/// Failure counts by normalised identifier (trimmed, lower-case).
#[derive(Default)]
pub(crate) struct PasswordThrottle {
    entries: Mutex<HashMap<String, Failures>>,
}

fn key(identifier: &str) -> String {
    identifier.trim().to_lowercase()
}

impl PasswordThrottle {
    /// Starts a password check for `identifier`: `Err` while it is locked, else the check is
    /// counted as a failure until [`Self::succeeded`] is called.
    pub(crate) fn begin(&self, identifier: &str) -> Result<(), Locked> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let key = key(identifier);
        let now = Instant::now();
        if let Some(entry) = entries.get_mut(&key) {
            let age = now.duration_since(entry.first);
            if age < WINDOW {
                if entry.count >= MAX_FAILURES {
                    return Err(Locked(WINDOW - age));
                }
                entry.count += 1;
                return Ok(());
            }
        }
        entries.retain(|_, e| now.duration_since(e.first) < WINDOW);
        let fresh = Failures {
            count: 1,
            first: now,
        };
        insert_capped(&mut entries, MAX_TRACKED, key, fresh, |e| e.first);
        Ok(())
    }

    /// The password was right: forgets the identifier's failures.
    pub(crate) fn succeeded(&self, identifier: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&key(identifier));
    }
}
