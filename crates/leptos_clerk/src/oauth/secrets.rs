//! [`SessionSecrets`]: the keys behind the session cookies, with rotation (newest first).

use std::fmt;

use super::error::OAuthConfigError;

/// What `Debug` shows instead of a token, verifier, nonce or secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// Comma-separated session secrets, newest first (each ≥ 32 bytes in release builds).
pub const ENV_SESSION_SECRET: &str = "SESSION_SECRET";
/// Minimum length of a session secret in release builds.
pub const MIN_SECRET_LEN: usize = 32;

/// Session secrets, newest first. `Debug` never prints them.
#[derive(Clone)]
pub struct SessionSecrets(pub(crate) Vec<Vec<u8>>);

impl SessionSecrets {
    /// Parses a comma-separated list (newest first) with the same rules as `SESSION_SECRET`.
    pub fn parse(raw: &str) -> Result<Self, OAuthConfigError> {
        parse_secrets(Some(raw.to_owned()), !cfg!(debug_assertions))
    }

    /// How many secrets are configured (the first seals, all open).
    pub fn count(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Debug for SessionSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionSecrets({} redacted)", self.0.len())
    }
}

/// Parses `SESSION_SECRET`; `release` demands it and ≥ 32 bytes per secret, otherwise a missing
/// value becomes a random per-process secret and short ones only warn.
pub(crate) fn parse_secrets(
    raw: Option<String>,
    release: bool,
) -> Result<SessionSecrets, OAuthConfigError> {
    let hint = "generate one with `openssl rand -base64 48`; for rotation put the new secret first: NEW,OLD";
    let Some(raw) = raw else {
        if release {
            return Err(OAuthConfigError::Missing {
                var: ENV_SESSION_SECRET,
                hint,
            });
        }
        tracing::warn!(
            "{ENV_SESSION_SECRET} is not set: using a random per-process secret, \
             so sessions end when the server restarts (debug builds only)"
        );
        let mut secret = vec![0u8; MIN_SECRET_LEN];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut secret).map_err(
            |_| OAuthConfigError::Missing {
                var: ENV_SESSION_SECRET,
                hint,
            },
        )?;
        return Ok(SessionSecrets(vec![secret]));
    };
    let secrets: Vec<Vec<u8>> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.as_bytes().to_vec())
        .collect();
    if secrets.is_empty() {
        return Err(OAuthConfigError::Missing {
            var: ENV_SESSION_SECRET,
            hint,
        });
    }
    for (index, secret) in secrets.iter().enumerate() {
        if secret.len() < MIN_SECRET_LEN {
            if release {
                return Err(OAuthConfigError::Invalid {
                    var: ENV_SESSION_SECRET,
                    reason: format!(
                        "secret #{} is {} bytes, at least {MIN_SECRET_LEN} are required",
                        index + 1,
                        secret.len()
                    ),
                    hint,
                });
            }
            tracing::warn!(
                "{ENV_SESSION_SECRET} secret #{} is shorter than {MIN_SECRET_LEN} bytes; \
                 release builds will refuse to start",
                index + 1
            );
        }
    }
    Ok(SessionSecrets(secrets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_builds_refuse_missing_or_short_secrets() {
        assert!(matches!(
            parse_secrets(None, true),
            Err(OAuthConfigError::Missing { .. })
        ));
        let short = parse_secrets(Some("secret".into()), true).unwrap_err();
        assert!(short.to_string().contains("SESSION_SECRET"), "{short}");
        assert!(short.to_string().contains("6 bytes"), "{short}");
        let long = "x".repeat(32);
        assert_eq!(
            parse_secrets(Some(format!("{long}, {long}y")), true)
                .unwrap()
                .0
                .len(),
            2
        );
    }

    #[test]
    fn debug_builds_fall_back_to_a_random_secret() {
        let a = parse_secrets(None, false).unwrap();
        let b = parse_secrets(None, false).unwrap();
        assert_eq!(a.0[0].len(), MIN_SECRET_LEN);
        assert_ne!(a.0[0], b.0[0]);
    }
}
