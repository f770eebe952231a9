//! Shared state of an opened instance ([`Instance`], the handlers' [`Shared`] state).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::billing::{self, Billing};
use crate::config::{DevInstanceConfig, InstanceEnvironment};
use crate::error::DevInstanceError;
use crate::keys::{SessionClaims, SigningKey};
use crate::local_only::AllowedHosts;
use crate::names::ISSUER;
use crate::oauth::OAuthState;
use crate::orgs;
use crate::passwords::{self, Passwords};
use crate::store::{NewUser, SessionRecord, Store};
use crate::throttle::{Locked, PasswordThrottle};
use crate::util::{now_secs, random_token};

/// Axum state of all handlers.
pub(crate) type Shared = Arc<Instance>;

/// Handshake payloads waiting to be collected, by nonce.
pub(crate) type NonceMap = HashMap<String, (Vec<String>, Instant)>;

/// State shared by all handlers.
pub(crate) struct Instance {
    pub config: DevInstanceConfig,
    pub store: Store,
    pub key: SigningKey,
    pub secret_key: String,
    pub nonces: Mutex<NonceMap>,
    /// Pending OAuth sign-ins, authorization codes and access tokens (in memory).
    pub oauth: OAuthState,
    /// The `Host` values requests may carry.
    pub hosts: Arc<AllowedHosts>,
    /// Argon2 off the async workers, bounded.
    pub passwords: Passwords,
    /// Wrong-password counts per account.
    pub throttle: PasswordThrottle,
}

impl Instance {
    pub(crate) fn open(config: DevInstanceConfig) -> Result<Self, DevInstanceError> {
        let dir = &config.data_dir;
        let io_error = |source| DevInstanceError::DataDir {
            path: dir.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io_error)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(io_error)?;
        }
        // Keep the folder (keys, password hashes) out of version control.
        let gitignore = dir.join(".gitignore");
        if !gitignore.exists() {
            std::fs::write(&gitignore, "*\n").map_err(io_error)?;
        }
        let store = Store::open(&dir.join("instance.sqlite3"))?;
        let key = SigningKey::load_or_generate(dir)?;
        // One secret key per kind of instance (`sk_test_…` / `sk_live_…`), kept across restarts.
        let kind = config.environment.key_kind();
        let meta_key = match config.environment {
            InstanceEnvironment::Development => "secret_key".to_owned(),
            InstanceEnvironment::Production => format!("secret_key_{kind}"),
        };
        let secret_key = match store.meta(&meta_key)? {
            Some(existing) => existing,
            None => {
                let generated = format!("sk_{kind}_{}", random_token(40));
                store.set_meta(&meta_key, &generated)?;
                generated
            }
        };
        let instance = Self {
            hosts: Arc::new(AllowedHosts::new(&config)),
            oauth: OAuthState::new(config.limits.max_pending),
            config,
            store,
            key,
            secret_key,
            nonces: Mutex::default(),
            passwords: Passwords::new(passwords::MAX_CONCURRENT),
            throttle: PasswordThrottle::default(),
        };
        instance.ensure_demo_user()?;
        Ok(instance)
    }

    fn ensure_demo_user(&self) -> Result<(), DevInstanceError> {
        let Some((email, password)) = &self.config.demo_user else {
            return Ok(());
        };
        if self.store.user_by_email(email)?.is_some() {
            return Ok(());
        }
        let hash = passwords::hash_now(password).map_err(DevInstanceError::PasswordHash)?;
        self.store.insert_user(NewUser {
            email: email.clone(),
            password_hash: Some(hash),
            first_name: Some("Demo".to_string()),
            last_name: Some("User".to_string()),
            ..NewUser::default()
        })?;
        tracing::info!("clerk dev instance: created demo user {email}");
        Ok(())
    }

    /// Whether `password` matches `hash` (`None`: no such account or no password), throttled
    /// per `identifier`: `Err` while it is locked, without running argon2.
    pub(crate) async fn check_password(
        &self,
        identifier: &str,
        password: &str,
        hash: Option<&str>,
    ) -> Result<bool, Locked> {
        self.throttle.begin(identifier)?;
        let right = match hash {
            Some(hash) => self.passwords.verify(password, hash).await,
            None => false,
        };
        if right {
            self.throttle.succeeded(identifier);
        }
        Ok(right)
    }

    /// Mints an RS256 session token for an active session, for the session's active
    /// organization. `azp` is the app origin the request came from, when known.
    pub(crate) fn mint_token(
        &self,
        session: &SessionRecord,
        azp: Option<&str>,
    ) -> Result<String, MintError> {
        let org = self.store.session_org(&session.id)?;
        self.mint_token_for(session, azp, org.as_deref())
    }

    /// Like [`Self::mint_token`] for organization `org_id` (`None`: the personal account).
    /// The `o` claim is left out when the user is not a member of that organization.
    pub(crate) fn mint_token_for(
        &self,
        session: &SessionRecord,
        azp: Option<&str>,
        org_id: Option<&str>,
    ) -> Result<String, MintError> {
        let (o, org_features, org_billing) = match org_id {
            Some(org_id) => match (
                self.store.org(org_id)?,
                self.store.membership(org_id, &session.user_id)?,
            ) {
                (Some(org), Some(membership)) => {
                    let billing = Billing::from_metadata(&org.private_metadata);
                    let (o, fea) =
                        orgs::org_claims(&self.config, &org, &membership, &billing.features);
                    (Some(o), fea, billing)
                }
                _ => (None, None, Billing::default()),
            },
            None => (None, None, Billing::default()),
        };
        let user_billing = self
            .store
            .user(&session.user_id)?
            .map(|user| Billing::from_metadata(&user.private_metadata))
            .unwrap_or_default();
        let fea = billing::features_claim(org_features, &user_billing);
        let pla = billing::plans_claim(&user_billing, &org_billing);
        let iat = now_secs();
        let claims = SessionClaims {
            sub: &session.user_id,
            sid: &session.id,
            iss: ISSUER,
            azp,
            exp: iat + self.config.token_lifetime.as_secs() as i64,
            iat,
            nbf: iat - 5,
            v: 2,
            sts: "active",
            fva: [0, -1],
            o,
            fea,
            pla,
        };
        Ok(self.key.sign_session(&claims)?)
    }
}

/// Why a session token could not be minted.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MintError {
    /// The active organization could not be read.
    #[error("reading the active organization: {0}")]
    Store(#[from] rusqlite::Error),
    /// Signing failed.
    #[error("signing: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
}
