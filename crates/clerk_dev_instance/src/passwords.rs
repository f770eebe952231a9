//! Password hashing with argon2id (PHC strings in the database).
//!
//! Argon2 is deliberately slow (tens of milliseconds and 19 MiB per call), so requests never run
//! it on an async worker: [`Passwords`] runs it with `spawn_blocking`, at most
//! [`MAX_CONCURRENT`] at a time, so a burst of sign-in attempts cannot stall the app's other
//! requests or take all memory.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

/// Argon2 computations allowed at the same time.
pub(crate) const MAX_CONCURRENT: usize = 2;

/// Hashes `password` into a PHC string, on the calling thread (start-up only).
pub(crate) fn hash_now(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the stored PHC string, on the calling thread.
fn verify_now(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Runs argon2 off the async workers with bounded concurrency.
pub(crate) struct Passwords {
    permits: Semaphore,
}

impl Passwords {
    /// Allows `permits` computations at a time.
    pub(crate) fn new(permits: usize) -> Self {
        Self {
            permits: Semaphore::new(permits.max(1)),
        }
    }

    /// Runs `work` on the blocking pool once a permit is free; `None` if it panicked.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        // The semaphore is never closed, so acquiring only waits.
        let _permit = self.permits.acquire().await.ok()?;
        tokio::task::spawn_blocking(work).await.ok()
    }

    /// Hashes `password` into a PHC string.
    pub(crate) async fn hash(&self, password: &str) -> Result<String, String> {
        let password = password.to_owned();
        self.run(move || hash_now(&password))
            .await
            .unwrap_or_else(|| Err("the hashing task failed".to_owned()))
    }

    /// Whether `password` matches the stored PHC string.
    pub(crate) async fn verify(&self, password: &str, stored: &str) -> bool {
        let (password, stored) = (password.to_owned(), stored.to_owned());
        self.run(move || verify_now(&password, &stored))
            .await
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::task::Poll;

    use super::*;

    /// Polls `future` once: whether it finished.
    async fn ready_after_one_poll<F: Future>(future: std::pin::Pin<&mut F>) -> bool {
        let mut future = future;
        std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx).is_ready())).await
    }

    #[tokio::test(flavor = "current_thread")]
    async fn argon2_runs_on_the_blocking_pool_not_on_the_async_worker() {
        let passwords = Passwords::new(MAX_CONCURRENT);
        let worker = std::thread::current().id();
        let ran_on = passwords.run(|| std::thread::current().id()).await;
        assert_ne!(ran_on, Some(worker));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn checks_wait_for_a_free_permit() {
        let passwords = Passwords::new(1);
        let stored = hash_now("correct-horse-battery").unwrap();
        let held = passwords.permits.acquire().await.unwrap();
        let check = passwords.verify("correct-horse-battery", &stored);
        let mut check = std::pin::pin!(check);
        // Every permit is taken: the check waits instead of hashing on this thread.
        assert!(!ready_after_one_poll(check.as_mut()).await);
        drop(held);
        assert!(check.await);
        assert!(!passwords.verify("wrong", &stored).await);
        let fresh = passwords.hash("another-password").await.unwrap();
        assert!(passwords.verify("another-password", &fresh).await);
    }
}
