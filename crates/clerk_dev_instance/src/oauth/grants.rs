//! In-memory OAuth state: pending sign-in forms, authorization codes and access tokens, each
//! with a deadline; expired entries are dropped whenever a new one is added.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::hmac;

use crate::util::{constant_time_eq, insert_capped, random_token};

/// How long the sign-in form stays usable.
pub(crate) const PENDING_TTL: Duration = Duration::from_secs(600);
/// Lifetime of an authorization code.
pub(crate) const CODE_TTL: Duration = Duration::from_secs(60);
/// Lifetime of an access token (`expires_in`).
pub(crate) const TOKEN_TTL: Duration = Duration::from_secs(3600);
/// Wrong passwords allowed per sign-in form before it is closed.
pub(crate) const MAX_FAILURES: u32 = 5;

/// A validated authorization request.
#[derive(Debug, Clone)]
pub(crate) struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub code_challenge: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
}

/// A sign-in form waiting for the user, bound to one browser by a cookie value.
pub(crate) struct Pending {
    pub request: AuthRequest,
    pub browser: String,
    pub failures: u32,
    deadline: Instant,
}

/// An issued authorization code.
pub(crate) struct CodeGrant {
    pub request: AuthRequest,
    pub user_id: String,
    /// The access token the code was exchanged for; set on first use.
    pub exchanged_for: Option<String>,
    deadline: Instant,
}

/// An issued access token.
#[derive(Clone)]
pub(crate) struct AccessGrant {
    pub user_id: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    deadline: Instant,
}

/// All OAuth state of an instance.
pub(crate) struct OAuthState {
    pending: Mutex<HashMap<String, Pending>>,
    codes: Mutex<HashMap<String, CodeGrant>>,
    tokens: Mutex<HashMap<String, AccessGrant>>,
    form_key: hmac::Key,
    /// Pending forms kept at most (anyone can open one).
    max_pending: usize,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl OAuthState {
    /// Empty state with a fresh key for signing form request ids, keeping at most
    /// `max_pending` sign-in forms (the oldest is dropped first).
    pub(crate) fn new(max_pending: usize) -> Self {
        Self {
            pending: Mutex::default(),
            codes: Mutex::default(),
            tokens: Mutex::default(),
            form_key: hmac::Key::new(hmac::HMAC_SHA256, random_token(48).as_bytes()),
            max_pending,
        }
    }

    /// Stores a sign-in form for `browser`; returns its signed request id.
    pub(crate) fn add_pending(&self, request: AuthRequest, browser: &str) -> String {
        let id = random_token(32);
        let mut pending = lock(&self.pending);
        pending.retain(|_, p| p.deadline > Instant::now());
        let form = Pending {
            request,
            browser: browser.to_owned(),
            failures: 0,
            deadline: Instant::now() + PENDING_TTL,
        };
        insert_capped(&mut pending, self.max_pending, id.clone(), form, |p| {
            p.deadline
        });
        let tag = hmac::sign(&self.form_key, id.as_bytes());
        format!("{id}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// The request id inside a signed one, when the signature is ours.
    pub(crate) fn verify_request_id<'a>(&self, signed: &'a str) -> Option<&'a str> {
        let (id, tag) = signed.split_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        hmac::verify(&self.form_key, id.as_bytes(), &tag).ok()?;
        Some(id)
    }

    /// Runs `f` on the live pending form `id` if it belongs to `browser`; `f` returns whether
    /// the form stays open.
    pub(crate) fn with_pending<R>(
        &self,
        id: &str,
        browser: Option<&str>,
        f: impl FnOnce(&mut Pending) -> (R, bool),
    ) -> Option<R> {
        let mut pending = lock(&self.pending);
        let entry = pending.get_mut(id)?;
        let owned = browser.is_some_and(|b| constant_time_eq(b, &entry.browser));
        if entry.deadline <= Instant::now() || !owned {
            return None;
        }
        let (result, keep) = f(entry);
        if !keep {
            pending.remove(id);
        }
        Some(result)
    }

    /// Issues a single-use code for `user_id`.
    pub(crate) fn issue_code(&self, request: AuthRequest, user_id: &str) -> String {
        let code = random_token(40);
        let mut codes = lock(&self.codes);
        // Used codes are kept until their deadline so that a replay can be detected.
        codes.retain(|_, c| c.deadline > Instant::now());
        codes.insert(
            code.clone(),
            CodeGrant {
                request,
                user_id: user_id.to_owned(),
                exchanged_for: None,
                deadline: Instant::now() + CODE_TTL,
            },
        );
        code
    }

    /// Redeems `code`: `Ok` with the grant on first use, `Err(())` when it is unknown, expired
    /// or already used (a replay also revokes the token issued for it, RFC 6749 §4.1.2).
    /// `token` is the access token that will be issued if the caller's checks pass.
    pub(crate) fn redeem_code(&self, code: &str, token: &str) -> Result<CodeGrant, ()> {
        let mut codes = lock(&self.codes);
        let grant = codes.get_mut(code).ok_or(())?;
        if grant.deadline <= Instant::now() {
            return Err(());
        }
        if let Some(issued) = grant.exchanged_for.take() {
            lock(&self.tokens).remove(&issued);
            grant.exchanged_for = Some(String::new());
            return Err(());
        }
        grant.exchanged_for = Some(token.to_owned());
        Ok(CodeGrant {
            request: grant.request.clone(),
            user_id: grant.user_id.clone(),
            exchanged_for: None,
            deadline: grant.deadline,
        })
    }

    /// Stores access token `token`.
    pub(crate) fn add_token(&self, token: &str, user_id: &str, client_id: &str, scopes: &[String]) {
        let mut tokens = lock(&self.tokens);
        tokens.retain(|_, t| t.deadline > Instant::now());
        tokens.insert(
            token.to_owned(),
            AccessGrant {
                user_id: user_id.to_owned(),
                client_id: client_id.to_owned(),
                scopes: scopes.to_vec(),
                deadline: Instant::now() + TOKEN_TTL,
            },
        );
    }

    /// The live grant of access token `token`.
    pub(crate) fn token(&self, token: &str) -> Option<AccessGrant> {
        lock(&self.tokens)
            .get(token)
            .filter(|t| t.deadline > Instant::now())
            .cloned()
    }
}
