//! The instance's RSA signing key: generated once (2048 bit), stored as PKCS#1 PEM with mode
//! 0600 in the data folder, published as a JWKS and used to mint RS256 session tokens.

use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::DevInstanceError;

/// File name of the signing key inside the data folder.
pub(crate) const KEY_FILE: &str = "signing-key.pem";

/// The loaded signing key.
pub(crate) struct SigningKey {
    encoding: EncodingKey,
    kid: String,
    jwk: Value,
}

/// The JOSE header `cat` of a Clerk session token.
const SESSION_TOKEN_CATEGORY: &str = "cl_B7d4PD111AAA";

/// Claims of a Clerk v2 session token.
#[derive(Debug, Serialize)]
pub(crate) struct SessionClaims<'a> {
    pub sub: &'a str,
    pub sid: &'a str,
    pub iss: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azp: Option<&'a str>,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub v: u8,
    pub sts: &'a str,
    pub fva: [i64; 2],
    /// The active organization (`{id, slg, rol, per?, fpm?}`), absent for the personal account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub o: Option<serde_json::Value>,
    /// Scoped features: the organization's (`o:<feature>`, those the `fpm` bitmasks refer to
    /// first), then the user's (`u:<feature>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fea: Option<String>,
    /// Scoped plans (`u:<plan>`, `o:<plan>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pla: Option<String>,
}

impl SigningKey {
    /// Loads the key from `data_dir`, generating and storing a new one when there is none.
    pub(crate) fn load_or_generate(data_dir: &Path) -> Result<Self, DevInstanceError> {
        let path = data_dir.join(KEY_FILE);
        let io_error = |source| DevInstanceError::DataDir {
            path: path.clone(),
            source,
        };
        let key = if path.exists() {
            let pem = std::fs::read_to_string(&path).map_err(io_error)?;
            RsaPrivateKey::from_pkcs1_pem(&pem).map_err(|e| DevInstanceError::SigningKey {
                path: path.clone(),
                reason: e.to_string(),
            })?
        } else {
            tracing::info!("clerk dev instance: generating a 2048-bit RSA signing key");
            let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(|e| {
                DevInstanceError::SigningKey {
                    path: path.clone(),
                    reason: e.to_string(),
                }
            })?;
            let pem =
                key.to_pkcs1_pem(LineEnding::LF)
                    .map_err(|e| DevInstanceError::SigningKey {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
            crate::util::write_private_file(&path, pem.as_bytes()).map_err(io_error)?;
            key
        };
        Self::from_key(&key, &path)
    }

    fn from_key(key: &RsaPrivateKey, path: &Path) -> Result<Self, DevInstanceError> {
        let invalid = |reason: String| DevInstanceError::SigningKey {
            path: path.to_path_buf(),
            reason,
        };
        let pem = key
            .to_pkcs1_pem(LineEnding::LF)
            .map_err(|e| invalid(e.to_string()))?;
        let encoding =
            EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| invalid(e.to_string()))?;
        let modulus = key.n().to_bytes_be();
        let kid = format!(
            "ins_dev_{}",
            modulus
                .iter()
                .skip(1)
                .take(10)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let jwk = json!({
            "use": "sig",
            "kty": "RSA",
            "kid": kid,
            "alg": "RS256",
            "n": URL_SAFE_NO_PAD.encode(&modulus),
            "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
        });
        Ok(Self { encoding, kid, jwk })
    }

    /// The JSON Web Key Set with the public key.
    pub(crate) fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk] })
    }

    /// Signs `claims` with RS256 and the key id in the header (OAuth ID tokens).
    pub(crate) fn sign<T: Serialize>(
        &self,
        claims: &T,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        self.sign_with_category(None, claims)
    }

    /// Signs session-token `claims` like [`SigningKey::sign`], with the header's `cat` set to
    /// Clerk's session-token category (`cl_B7d4PD111AAA`), as Clerk mints them.
    pub(crate) fn sign_session(
        &self,
        claims: &SessionClaims<'_>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        self.sign_with_category(Some(SESSION_TOKEN_CATEGORY), claims)
    }

    /// An RS256 JWT of `claims` whose header names this key and, when given, the JWT category
    /// `cat` (a header parameter `jsonwebtoken::Header` cannot carry).
    fn sign_with_category<T: Serialize>(
        &self,
        cat: Option<&str>,
        claims: &T,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = json!({ "alg": "RS256", "typ": "JWT", "kid": self.kid });
        if let Some(cat) = cat {
            header["cat"] = Value::from(cat);
        }
        let message = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims)?)
        );
        let signature =
            jsonwebtoken::crypto::sign(message.as_bytes(), &self.encoding, Algorithm::RS256)?;
        Ok(format!("{message}.{signature}"))
    }
}
