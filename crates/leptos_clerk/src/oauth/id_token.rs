//! ID-token verification: RS256/384/512 against the provider's JWKS, plus iss/aud/exp/nonce.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use tokio::sync::Mutex;

use super::error::LoginError;

/// How long fetched keys are trusted before a refetch (Clerk's SDKs use 5 minutes).
const JWKS_TTL: Duration = Duration::from_secs(300);
/// Allowed clock skew for `exp`/`iat`/`nbf`.
const LEEWAY_SECS: u64 = 5;

/// Verifies ID tokens; caches the provider's keys.
pub(crate) struct IdTokenVerifier {
    /// JWKS locations, tried in order.
    jwks_urls: [String; 2],
    issuer: String,
    client_id: String,
    cache: Mutex<Option<(Instant, JwkSet)>>,
}

impl IdTokenVerifier {
    /// A verifier for tokens issued by `issuer` to `client_id`, keys under `base_url`.
    pub(super) fn new(base_url: &str, issuer: &str, client_id: &str) -> Self {
        Self {
            jwks_urls: [
                format!("{base_url}/.well-known/jwks.json"),
                format!("{base_url}/v1/jwks"),
            ],
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            cache: Mutex::new(None),
        }
    }

    /// Verifies signature, `iss`, `aud`, `exp`, `iat` and `nonce`; returns the claims.
    pub(super) async fn verify(
        &self,
        http: &reqwest::Client,
        token: &str,
        nonce: &str,
    ) -> Result<Map<String, Value>, LoginError> {
        let invalid = |reason: String| LoginError::IdToken(reason);
        let header = jsonwebtoken::decode_header(token).map_err(|e| invalid(e.to_string()))?;
        if !matches!(
            header.alg,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512
        ) {
            return Err(invalid(format!(
                "algorithm {:?} is not allowed (RS256/384/512 only)",
                header.alg
            )));
        }
        let jwk = self.key(http, header.kid.as_deref()).await?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|e| invalid(format!("bad JWK: {e}")))?;
        let mut validation = Validation::new(header.alg);
        validation.set_audience(&[&self.client_id]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECS;
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|e| invalid(e.to_string()))?
            .claims;
        let iat = claims.get("iat").and_then(Value::as_u64).unwrap_or(0);
        if iat > super::cookies::now_secs() + LEEWAY_SECS {
            return Err(invalid("iat is in the future".into()));
        }
        if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
            return Err(invalid("nonce does not match the pending login".into()));
        }
        Ok(claims)
    }

    /// The key for `kid`: from the cache, else refetched once.
    async fn key(&self, http: &reqwest::Client, kid: Option<&str>) -> Result<Jwk, LoginError> {
        let mut cache = self.cache.lock().await;
        let fresh = matches!(&*cache, Some((at, _)) if at.elapsed() < JWKS_TTL);
        if fresh {
            if let Some(jwk) = cache.as_ref().and_then(|(_, set)| pick(set, kid)) {
                return Ok(jwk);
            }
        }
        let set = self.fetch(http).await?;
        let jwk = pick(&set, kid);
        *cache = Some((Instant::now(), set));
        jwk.ok_or_else(|| LoginError::IdToken(format!("no JWKS key matches kid {kid:?}")))
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<JwkSet, LoginError> {
        let mut last = String::new();
        for url in &self.jwks_urls {
            match http.get(url).send().await {
                Ok(response) if response.status().is_success() => match response.json().await {
                    Ok(set) => return Ok(set),
                    Err(e) => last = format!("{url}: not a JWKS ({e})"),
                },
                Ok(response) => last = format!("{url}: HTTP {}", response.status()),
                Err(e) if e.is_timeout() => {
                    return Err(LoginError::ProviderTimeout("JWKS endpoint"))
                }
                Err(e) => last = format!("{url}: {e}"),
            }
        }
        Err(LoginError::ProviderUnreachable(format!("JWKS: {last}")))
    }
}

/// The RSA key with `kid`, or the only RSA key when the token names none.
fn pick(set: &JwkSet, kid: Option<&str>) -> Option<Jwk> {
    let is_rsa = |k: &&Jwk| matches!(k.algorithm, jsonwebtoken::jwk::AlgorithmParameters::RSA(_));
    match kid {
        Some(kid) => set
            .keys
            .iter()
            .filter(is_rsa)
            .find(|k| k.common.key_id.as_deref() == Some(kid)),
        None => {
            let mut rsa = set.keys.iter().filter(is_rsa);
            rsa.next().filter(|_| rsa.next().is_none())
        }
    }
    .cloned()
}
