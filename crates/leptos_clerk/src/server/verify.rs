//! Session-token verification: RS256/RS384/RS512 only, `kid` lookup, explicit
//! clock skew for `exp`/`nbf`/`iat`, `iss`, `azp` and `sub`, plus the
//! verified-token cache.

// Public to the fuzz targets (feature `fuzzing`, `crate::server::fuzzing`); with that feature on,
// `unreachable_pub` checks this module like every other.
#![cfg_attr(not(feature = "fuzzing"), allow(unreachable_pub))]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::Value;

use super::claims::SessionClaims;
use super::jwks::KeySource;
use super::lenient::Lenient;
use super::reasons::{TokenVerificationError, TokenVerificationErrorReason as Reason};
use super::token_cache::{KeyStamp, TokenCache};
use super::token_kind::{self, Category, HeaderKind, NotASessionToken, PayloadKind, Present};

/// Tokens longer than this are rejected without parsing.
pub(super) const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Seconds since the Unix epoch.
pub(super) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[derive(Deserialize)]
struct RawHeader {
    alg: Option<String>,
    typ: Option<String>,
    kid: Option<String>,
    #[serde(default)]
    cat: Category,
}

impl RawHeader {
    fn kind(&self) -> HeaderKind<'_> {
        HeaderKind {
            cat: self.cat,
            typ: self.typ.as_deref(),
        }
    }
}

/// The payload claims read before a signature is checked: `iss`/`iat`/`exp` for the cookie
/// logic and `sub`/`sid`/`aud`/`nonce` for the session-token rules. A claim of the wrong JSON
/// type reads as absent, like a missing one.
#[derive(Default, Deserialize)]
struct RawPayload {
    iss: Option<Lenient<String>>,
    iat: Option<Lenient<f64>>,
    exp: Option<Lenient<f64>>,
    sub: Option<Lenient<String>>,
    sid: Option<Lenient<String>>,
    #[serde(default)]
    aud: Present,
    #[serde(default)]
    nonce: Present,
}

impl RawPayload {
    /// Decodes a JSON object (anything else, duplicate claims included, is `None`).
    fn parse(json: &[u8]) -> Option<RawPayload> {
        let first = json.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return None;
        }
        serde_json::from_slice(json).ok()
    }

    fn kind(&self) -> PayloadKind<'_> {
        PayloadKind {
            sub: self
                .sub
                .as_ref()
                .and_then(Lenient::expected)
                .map(String::as_str),
            has_sid: self.sid.as_ref().and_then(Lenient::expected).is_some(),
            aud: self.aud,
            nonce: self.nonce,
        }
    }
}

/// A token whose parts decode, with its checked algorithm.
struct DecodedToken {
    alg: Algorithm,
    header: RawHeader,
    payload: RawPayload,
}

impl DecodedToken {
    /// The session-token rules of [`token_kind`] on this token.
    fn session_kind(&self) -> Result<(), NotASessionToken> {
        token_kind::check_session_token(self.header.kind(), self.payload.kind())
    }
}

fn type_mismatch(why: NotASessionToken) -> TokenVerificationError {
    TokenVerificationError::new(
        Reason::TokenTypeMismatch,
        format!(
            "The token is not a Clerk session token: {why}. Only session tokens sign a request \
             in; machine, OAuth and JWT-template tokens are not sessions."
        ),
    )
}

/// The JOSE header of a token from its first, base64url-encoded part.
fn decode_header(part: &str) -> Option<RawHeader> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
}

fn invalid(message: &str) -> TokenVerificationError {
    TokenVerificationError::new(
        Reason::TokenInvalid,
        format!("{message}. Make sure that this is a valid Clerk-generated JWT."),
    )
}

/// Decodes the JOSE header and the payload and checks `typ` and `alg` (before any key lookup).
fn decode_checked(token: &str) -> Result<DecodedToken, TokenVerificationError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(invalid("The token is larger than 16 KiB"));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("The token does not have three dot-separated parts"));
    };
    let header = decode_header(header)
        .ok_or_else(|| invalid("The token header is not base64url-encoded JSON"))?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| RawPayload::parse(&bytes));
    let Some(payload) = payload.filter(|_| URL_SAFE_NO_PAD.decode(signature).is_ok()) else {
        return Err(invalid(
            "The token payload or signature is not valid base64url",
        ));
    };
    if token_kind::is_oauth_access_token_type(header.typ.as_deref()) {
        return Err(type_mismatch(NotASessionToken::OAuthAccessToken));
    }
    if header.typ.as_deref().is_some_and(|typ| typ != "JWT") {
        return Err(invalid("The token type (typ) is not JWT"));
    }
    let alg = match header.alg.as_deref() {
        Some("RS256") => Algorithm::RS256,
        Some("RS384") => Algorithm::RS384,
        Some("RS512") => Algorithm::RS512,
        other => {
            return Err(TokenVerificationError::new(
                Reason::TokenInvalidAlgorithm,
                format!(
                    "Invalid JWT algorithm {:?}; supported: RS256, RS384, RS512.",
                    other
                        .unwrap_or("(none)")
                        .chars()
                        .take(16)
                        .collect::<String>()
                ),
            ))
        }
    };
    Ok(DecodedToken {
        alg,
        header,
        payload,
    })
}

fn map_jwt_error(error: jsonwebtoken::errors::Error) -> TokenVerificationError {
    let (reason, message) = match error.kind() {
        ErrorKind::ExpiredSignature => (Reason::TokenExpired, "The token has expired"),
        ErrorKind::ImmatureSignature => (
            Reason::TokenNotActiveYet,
            "The token cannot be used yet (nbf). Make sure your system clock is in sync",
        ),
        ErrorKind::InvalidSignature => (
            Reason::TokenInvalidSignature,
            "The token signature is invalid",
        ),
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => (
            Reason::TokenInvalidAlgorithm,
            "The token algorithm does not match the key",
        ),
        ErrorKind::MissingRequiredClaim(_) => (
            Reason::TokenInvalid,
            "The token misses a required claim (exp, sub) or has a malformed one",
        ),
        ErrorKind::InvalidToken
        | ErrorKind::Base64(_)
        | ErrorKind::Json(_)
        | ErrorKind::Utf8(_) => (Reason::TokenInvalid, "The token is malformed"),
        _ => (
            Reason::TokenVerificationFailed,
            "The token could not be verified",
        ),
    };
    TokenVerificationError::new(reason, format!("{message}."))
}

/// What a [`Verifier`] accepts.
#[derive(Clone, Debug)]
pub(crate) struct VerifyOptions {
    /// Required `iss`: `https://<frontend api host>` of the publishable key.
    pub issuer: String,
    /// Accepted `azp` values (empty = not checked; a missing `azp` passes).
    pub authorized_parties: Vec<String>,
    /// Allowed clock skew.
    pub clock_skew: Duration,
}

/// Verifies session and handshake tokens.
pub(crate) struct Verifier {
    keys: KeySource,
    options: VerifyOptions,
    cache: TokenCache,
}

impl Verifier {
    /// A verifier over `keys` with a token cache of `cache_capacity` entries.
    pub(crate) fn new(keys: KeySource, options: VerifyOptions, cache_capacity: usize) -> Self {
        Verifier {
            keys,
            options,
            cache: TokenCache::new(cache_capacity),
        }
    }

    /// The verified-token cache.
    pub(crate) fn cache(&self) -> &TokenCache {
        &self.cache
    }

    /// Where the verification keys come from (readiness checks ask it whether keys are at hand).
    pub(crate) fn keys(&self) -> &KeySource {
        &self.keys
    }

    /// The `iss`/`iat`/`exp` of `token` for the cookie logic: from the verified-token cache
    /// when the token was verified before (no decoding), else read unverified.
    pub(crate) fn peek(&self, token: &str) -> Option<PeekedClaims> {
        let Some(claims) = self.cached(token, unix_now()) else {
            return peek_claims(token);
        };
        Some(PeekedClaims {
            iss: None,
            iat: claims.iat,
            exp: Some(claims.exp),
            not_a_session_token: None,
            verified: Some(claims),
        })
    }

    /// The claims of `token` from the verified-token cache (oversized tokens are never there).
    fn cached(&self, token: &str, now: i64) -> Option<Arc<SessionClaims>> {
        if token.len() > MAX_TOKEN_BYTES {
            return None;
        }
        let generation = self.keys.generation();
        self.cache
            .get(token, now, generation, |kid| self.keys.has_key(kid))
    }

    /// Verifies a session token and returns its claims.
    pub(crate) async fn verify(
        &self,
        token: &str,
    ) -> Result<Arc<SessionClaims>, TokenVerificationError> {
        let now = unix_now();
        if let Some(claims) = self.cached(token, now) {
            return Ok(claims);
        }
        let decoded = decode_checked(token)?;
        // Before any key lookup or RSA operation: another kind of token costs nothing more.
        decoded.session_kind().map_err(type_mismatch)?;
        let (alg, kid) = (decoded.alg, decoded.header.kid);
        // Read before the key: if a refresh drops the key meanwhile, the entry is re-checked.
        let generation = self.keys.generation();
        let key = self.keys.key(kid.as_deref()).await?;
        let skew = self.options.clock_skew.as_secs();
        let mut validation = Validation::new(alg);
        validation.leeway = skew;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let payload = jsonwebtoken::decode::<Value>(token, &key, &validation)
            .map_err(map_jwt_error)?
            .claims;
        if payload
            .get("iat")
            .and_then(Value::as_f64)
            .is_some_and(|iat| iat as i64 > now + skew as i64)
        {
            return Err(TokenVerificationError::new(
                Reason::TokenIatInTheFuture,
                "The token was issued in the future (iat). Make sure your system clock is in sync.",
            ));
        }
        let claims = SessionClaims::from_payload(payload)
            .ok_or_else(|| invalid("Subject claim (sub) is required and must be a string"))?;
        let iss = claims.raw.get("iss").and_then(Value::as_str);
        if iss != Some(self.options.issuer.as_str()) {
            return Err(TokenVerificationError::new(
                Reason::TokenInvalidIssuer,
                format!(
                    "Invalid JWT issuer; expected {}. Make sure CLERK_PUBLISHABLE_KEY belongs to \
                     the instance that issued the token.",
                    self.options.issuer
                ),
            ));
        }
        if let Some(azp) = claims.raw.get("azp").and_then(Value::as_str) {
            let parties = &self.options.authorized_parties;
            if !parties.is_empty() && !parties.iter().any(|p| p == azp.trim_end_matches('/')) {
                return Err(TokenVerificationError::new(
                    Reason::TokenInvalidAuthorizedParties,
                    "Invalid JWT authorized party (azp). Add the app's origin to \
                     CLERK_AUTHORIZED_PARTIES.",
                ));
            }
        }
        let claims = Arc::new(claims);
        let signer = KeyStamp {
            kid: kid.as_deref(),
            generation,
        };
        self.cache.insert(token, claims.clone(), signer, now);
        Ok(claims)
    }

    /// Verifies a legacy handshake token: only `typ`, `alg`, `cat` and the signature,
    /// like Clerk's `verifyHandshakeJwt`. Returns the payload.
    pub(crate) async fn verify_handshake(
        &self,
        token: &str,
    ) -> Result<Value, TokenVerificationError> {
        let decoded = decode_checked(token)?;
        if decoded.header.cat == Category::Other {
            return Err(invalid("Invalid handshake token category (cat)"));
        }
        let key = self.keys.key(decoded.header.kid.as_deref()).await?;
        let mut validation = Validation::new(decoded.alg);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<Value>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(map_jwt_error)
    }
}

/// The claims the cookie logic reads from a token before verifying it.
/// A claim of the wrong JSON type reads as absent, like a missing one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeekedClaims {
    /// The verified claims, when the token was found in the verified-token cache (then the
    /// other fields come from them and the token needs no new verification).
    pub verified: Option<Arc<SessionClaims>>,
    /// `iss` of an unverified token, when a string (not copied when `verified` is set: read
    /// it with [`PeekedClaims::issuer`]).
    pub iss: Option<String>,
    /// `iat` in seconds, when a number.
    pub iat: Option<i64>,
    /// `exp` in seconds, when a number.
    pub exp: Option<i64>,
    /// Why an unverified token is not a session token, when its header and payload say so
    /// (a session token verified before is known to be one).
    pub not_a_session_token: Option<NotASessionToken>,
}

impl PeekedClaims {
    /// `iss`: from the verified claims when there are some, else as read from the token.
    pub fn issuer(&self) -> Option<&str> {
        match &self.verified {
            Some(claims) => claims.raw.get("iss").and_then(Value::as_str),
            None => self.iss.as_deref(),
        }
    }
}

/// Reads `iss`, `iat` and `exp` of a token WITHOUT verifying it, and whether its header and
/// payload break a session-token rule — base64 decodes and JSON passes that skip every other
/// claim (the cookie selection, the token-kind check and the `iat < __client_uat` check run on
/// every request; never trust the result). `None` when the token is larger than
/// [`MAX_TOKEN_BYTES`] or its payload is not a JSON object. An undecodable header breaks no
/// rule here: verification refuses it.
pub fn peek_claims(token: &str) -> Option<PeekedClaims> {
    if token.len() > MAX_TOKEN_BYTES {
        return None;
    }
    let mut parts = token.split('.');
    let (header, payload) = (parts.next()?, parts.next()?);
    let raw = RawPayload::parse(&URL_SAFE_NO_PAD.decode(payload).ok()?)?;
    let not_a_session_token = decode_header(header)
        .and_then(|header| token_kind::check_session_token(header.kind(), raw.kind()).err());
    let seconds = |n: Option<Lenient<f64>>| n.and_then(Lenient::into_option).map(|n| n as i64);
    Some(PeekedClaims {
        iss: raw.iss.and_then(Lenient::into_option),
        iat: seconds(raw.iat),
        exp: seconds(raw.exp),
        not_a_session_token,
        verified: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn unsigned(payload: &str) -> String {
        format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.sig",
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn peek_reads_iss_iat_and_exp_only() {
        let payload = json!({"iss": "https://a.test", "iat": 10, "exp": 20.9, "sub": "u",
            "o": {"id": "org_1"}, "fea": ["x"]});
        let claims = peek_claims(&unsigned(&payload.to_string())).expect("an object");
        assert_eq!(claims.iss.as_deref(), Some("https://a.test"));
        assert_eq!((claims.iat, claims.exp), (Some(10), Some(20)));
    }

    #[test]
    fn peek_treats_wrong_types_as_absent_and_rejects_non_objects() {
        let claims = peek_claims(&unsigned(r#"{"iss": 5, "iat": "10", "exp": null}"#)).unwrap();
        assert_eq!(
            claims,
            PeekedClaims {
                not_a_session_token: Some(NotASessionToken::MissingSessionId),
                ..PeekedClaims::default()
            }
        );
        assert_eq!(peek_claims(&unsigned("[1,2]")), None);
        assert_eq!(peek_claims(&unsigned("not json")), None);
        assert_eq!(peek_claims("a.%%%.c"), None);
        assert_eq!(peek_claims("no-dots"), None);
        let huge = unsigned(&format!(r#"{{"iss":"{}"}}"#, "x".repeat(MAX_TOKEN_BYTES)));
        assert_eq!(peek_claims(&huge), None, "oversized tokens are not decoded");
    }

    #[tokio::test]
    async fn peek_answers_from_the_cache_once_a_token_is_verified() {
        const PRIVATE: &str = include_str!("../../tests/fixtures/test_only_rsa_a_private.pem");
        const PUBLIC: &str = include_str!("../../tests/fixtures/test_only_rsa_a_public.pem");
        let key = jsonwebtoken::DecodingKey::from_rsa_pem(PUBLIC.as_bytes()).unwrap();
        let options = VerifyOptions {
            issuer: "https://clerk.a.test".into(),
            authorized_parties: Vec::new(),
            clock_skew: Duration::from_secs(5),
        };
        let verifier = Verifier::new(KeySource::Local(Arc::new(key)), options, 8);
        let now = unix_now();
        let payload = json!({"iss": "https://clerk.a.test", "sub": "user_1", "sid": "sess_1",
            "iat": now - 1, "exp": now + 60});
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::RS256),
            &payload,
            &jsonwebtoken::EncodingKey::from_rsa_pem(PRIVATE.as_bytes()).unwrap(),
        )
        .unwrap();

        let unverified = verifier.peek(&token).unwrap();
        assert!(unverified.verified.is_none());
        assert_eq!(unverified.issuer(), Some("https://clerk.a.test"));

        let claims = verifier.verify(&token).await.unwrap();
        let cached = verifier.peek(&token).unwrap();
        assert!(Arc::ptr_eq(cached.verified.as_ref().unwrap(), &claims));
        assert_eq!(cached.iss, None, "not copied on a cache hit");
        assert_eq!(cached.issuer(), Some("https://clerk.a.test"));
        assert_eq!((cached.iat, cached.exp), (Some(now - 1), Some(now + 60)));
    }
}
