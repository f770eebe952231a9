//! Which JWTs of the instance are session tokens. Clerk signs machine (M2M) tokens, OAuth
//! access tokens, JWT-template tokens and OAuth ID tokens with the same key and issuer as
//! session tokens, so a valid signature alone does not make a session.
//!
//! The rules, as `@clerk/backend` 3.25 `authenticateRequest` applies them to a token from the
//! `__session` cookie, the `Authorization` header or a handshake:
//! - the header's `cat` is absent, [`JWT_CATEGORY_SESSION_TOKEN`] or [`JWT_CATEGORY_IGNORE`]
//!   (`isNonSessionJwtCategory`);
//! - it is not a machine JWT: `typ` is not `at+jwt`/`application/at+jwt` (`isOAuthJwt`) and `sub`
//!   does not start with `mch_` (`isM2MJwt`).
//!
//! Stricter than 3.25: a session token has a string `sid` (every Clerk session token does) and
//! neither `aud` nor `nonce` (an OAuth ID token has both, a JWT-template token usually has an
//! `aud` and never the session category).

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use thiserror::Error;

use super::lenient::Lenient;

/// `cat` of a session token (handshake tokens carry it too).
pub const JWT_CATEGORY_SESSION_TOKEN: &str = "cl_B7d4PD111AAA";
/// `cat` of a JWT-template token.
pub const JWT_CATEGORY_JWT_TEMPLATE: &str = "cl_B7d4PD222AAA";
/// `cat` of a machine-to-machine token.
pub const JWT_CATEGORY_M2M_TOKEN: &str = "cl_B7d4PD333AAA";
/// `cat` that Clerk's SDKs read like a session token's.
pub const JWT_CATEGORY_IGNORE: &str = "cl_I7d4PD111III";

/// `typ` values of OAuth access tokens (RFC 9068).
const OAUTH_ACCESS_TOKEN_TYPES: [&str; 2] = ["at+jwt", "application/at+jwt"];
/// `sub` prefix of machine tokens.
const MACHINE_SUBJECT_PREFIX: &str = "mch_";

/// Why a JWT of the instance is not a session token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum NotASessionToken {
    /// `cat` names another kind of token (M2M, JWT template, unknown).
    #[error("its category (cat) is not a session token's")]
    Category,
    /// `typ` is `at+jwt`: an OAuth access token.
    #[error("it is an OAuth access token (typ at+jwt)")]
    OAuthAccessToken,
    /// `sub` starts with `mch_`: a machine's token.
    #[error("its subject is a machine (sub mch_…)")]
    MachineSubject,
    /// No string `sid`: not bound to a session.
    #[error("it has no session id (sid)")]
    MissingSessionId,
    /// `aud` is present: an ID token or a JWT-template token.
    #[error("it has an audience (aud), like an ID token or a JWT-template token")]
    Audience,
    /// `nonce` is present: an OpenID Connect ID token.
    #[error("it has a nonce, like an OpenID Connect ID token")]
    Nonce,
}

/// The `cat` header parameter: absent, one a session token may carry, or anything else
/// (another category, or a value that is not a string — JSON `null` included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Category {
    /// No `cat` (tokens minted before categories).
    #[default]
    Absent,
    /// The session or the ignore category.
    Session,
    /// Any other value.
    Other,
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(
            match Lenient::<String>::deserialize(deserializer)?.into_option() {
                Some(cat) if cat == JWT_CATEGORY_SESSION_TOKEN || cat == JWT_CATEGORY_IGNORE => {
                    Category::Session
                }
                _ => Category::Other,
            },
        )
    }
}

/// Whether a claim is in the payload, whatever its value (JSON `null` included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Present(pub bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Present(true))
    }
}

/// What the rules read from a token's header.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HeaderKind<'a> {
    pub cat: Category,
    pub typ: Option<&'a str>,
}

/// What the rules read from a token's payload.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PayloadKind<'a> {
    pub sub: Option<&'a str>,
    pub has_sid: bool,
    pub aud: Present,
    pub nonce: Present,
}

/// Whether `typ` names an OAuth access token.
pub(crate) fn is_oauth_access_token_type(typ: Option<&str>) -> bool {
    typ.is_some_and(|typ| OAUTH_ACCESS_TOKEN_TYPES.contains(&typ))
}

/// Checks a token's header and payload against the session-token rules (module docs), in
/// 3.25's order: machine JWT, category, then the stricter rules.
pub(crate) fn check_session_token(
    header: HeaderKind<'_>,
    payload: PayloadKind<'_>,
) -> Result<(), NotASessionToken> {
    if is_oauth_access_token_type(header.typ) {
        return Err(NotASessionToken::OAuthAccessToken);
    }
    if payload
        .sub
        .is_some_and(|sub| sub.starts_with(MACHINE_SUBJECT_PREFIX))
    {
        return Err(NotASessionToken::MachineSubject);
    }
    if header.cat == Category::Other {
        return Err(NotASessionToken::Category);
    }
    if !payload.has_sid {
        return Err(NotASessionToken::MissingSessionId);
    }
    if payload.aud.0 {
        return Err(NotASessionToken::Audience);
    }
    if payload.nonce.0 {
        return Err(NotASessionToken::Nonce);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cat: Category, typ: Option<&str>) -> HeaderKind<'_> {
        HeaderKind { cat, typ }
    }

    fn session<'a>() -> PayloadKind<'a> {
        PayloadKind {
            sub: Some("user_1"),
            has_sid: true,
            ..PayloadKind::default()
        }
    }

    #[test]
    fn category_parses_strings_and_treats_anything_else_as_other() {
        let parse = |json: &str| serde_json::from_str::<Category>(json).unwrap();
        assert_eq!(parse("\"cl_B7d4PD111AAA\""), Category::Session);
        assert_eq!(parse("\"cl_I7d4PD111III\""), Category::Session);
        for other in [
            "\"cl_B7d4PD333AAA\"",
            "\"cl_B7d4PD222AAA\"",
            "\"\"",
            "null",
            "7",
            "[\"cl_B7d4PD111AAA\"]",
            "{}",
        ] {
            assert_eq!(parse(other), Category::Other, "{other}");
        }
    }

    #[test]
    fn rules_in_order() {
        use NotASessionToken as N;
        let ok = check_session_token(header(Category::Absent, Some("JWT")), session());
        assert_eq!(ok, Ok(()));
        let at = header(Category::Session, Some("at+jwt"));
        assert_eq!(check_session_token(at, session()), Err(N::OAuthAccessToken));
        let machine = PayloadKind {
            sub: Some("mch_1"),
            ..session()
        };
        let plain = header(Category::Session, None);
        assert_eq!(check_session_token(plain, machine), Err(N::MachineSubject));
        let other = header(Category::Other, None);
        assert_eq!(check_session_token(other, session()), Err(N::Category));
        let no_sid = PayloadKind {
            has_sid: false,
            ..session()
        };
        assert_eq!(check_session_token(plain, no_sid), Err(N::MissingSessionId));
        let aud = PayloadKind {
            aud: Present(true),
            ..session()
        };
        assert_eq!(check_session_token(plain, aud), Err(N::Audience));
        let nonce = PayloadKind {
            nonce: Present(true),
            ..session()
        };
        assert_eq!(check_session_token(plain, nonce), Err(N::Nonce));
    }
}
