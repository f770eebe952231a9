//! `authenticate_request`: Clerk's decision tree (`@clerk/backend`
//! `tokens/request.ts`) over the request head only — the body is never read.
//!
//! Order: `Authorization` header; handshake resolution (a nonce only on a page load, only
//! when well-formed, and only within the per-client and global limits of
//! [`super::nonce_budget`]: each costs a Backend API call); multi-domain sync
//! (Core 3: a satellite page load syncs only when its query has
//! `__clerk_synced=false` — production runs a handshake, development sends the
//! browser to the primary's absolute `CLERK_SIGN_IN_URL`; a development primary
//! answers `__clerk_redirect_url` with a 307 back carrying its dev-browser token
//! and `__clerk_synced=true`, but only to an origin in `CLERK_AUTHORIZED_PARTIES`,
//! see [`super::satellite`]); dev-browser checks; the session cookies — which authenticate a
//! write only from the app's own origin ([`super::same_origin`]).

use http::header::{AUTHORIZATION, CACHE_CONTROL, LOCATION};
use http::request::Parts;
use http::{HeaderMap, HeaderValue};
use url::Url;

use super::clerk::Clerk;
use super::cookies::{ClerkCookies, CookieJar, DEV_BROWSER};
use super::handshake::{self, HandshakeRedirect, NONCE_PARAM, TOKEN_PARAM};
use super::keys::InstanceType;
use super::nonce_budget::ClientKey;
use super::reasons::TokenVerificationErrorReason as T;
use super::reasons::{AuthErrorReason as R, AuthReason, TokenVerificationError};
use super::redirect::without_params;
use super::request_state::{AuthStatus, RequestState};
use super::same_origin::cookies_may_authenticate;
use super::satellite::{self, REDIRECT_URL_PARAM, SYNCED_PARAM};
use super::verify::unix_now;

/// The request facts the decision tree needs.
struct Context<'a> {
    parts: &'a Parts,
    document: bool,
    /// `CLERK_TRUST_FORWARDED_HEADERS`.
    trust_forwarded_headers: bool,
    cookies: ClerkCookies,
    query_dev_browser: Option<String>,
    handshake_token: Option<String>,
    /// A well-formed nonce of a page load (any other request's nonce is ignored: resolving
    /// one costs a Backend API call).
    handshake_nonce: Option<String>,
}

impl Context<'_> {
    /// The public URL of the request; built only for a handshake redirect.
    fn url(&self) -> Option<Url> {
        handshake::public_url(self.parts, self.trust_forwarded_headers)
    }

    /// The dev-browser token: from the query (a sync) or the cookie.
    fn dev_browser(&self) -> Option<&str> {
        self.query_dev_browser
            .as_deref()
            .or(self.cookies.dev_browser.as_deref())
    }
}

/// A query parameter of the request. Clerk's parameters all start with
/// `__clerk`, so a query without that text (or an escape) is not decoded.
fn query_param(parts: &Parts, name: &str) -> Option<String> {
    let query = parts
        .uri
        .query()
        .filter(|q| q.contains("__clerk") || q.contains('%'))?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        Some(_) => return None,
        None if value.eq_ignore_ascii_case("bearer") => return None,
        None => value,
    };
    (!token.is_empty()).then_some(token)
}

impl Clerk {
    /// Authenticates a request from its head, like `@clerk/backend`
    /// `authenticateRequest`. Never fails: verification problems yield a
    /// signed-out (or, for page loads, handshake) state.
    pub async fn authenticate_request(&self, parts: &Parts) -> RequestState {
        if let Some(token) = bearer_token(&parts.headers) {
            // Header auth never uses the cookies: they are read only to answer an error.
            return match self.verifier().verify(token).await {
                Ok(claims) => RequestState::signed_in(claims, token, HeaderMap::new()),
                Err(error) => self.token_error(&self.context(parts), error, "header"),
            };
        }
        let config = self.config();
        if !cookies_may_authenticate(
            parts,
            config.trust_forwarded_headers,
            &config.authorized_parties,
        ) {
            return RequestState::signed_out(
                AuthReason::Auth(R::CrossOriginCookieRequest),
                Some(
                    "a write with cookie authentication from another origin (or without Origin \
                     and Sec-Fetch-Site): call it from the app's own pages, or send the session \
                     token as Authorization: Bearer"
                        .into(),
                ),
                HeaderMap::new(),
            );
        }
        let context = self.context(parts);
        if context.handshake_nonce.is_some() || context.handshake_token.is_some() {
            match self.resolve_handshake(&context).await {
                Ok(state) => return state,
                Err(message) => {
                    tracing::warn!("Clerk: the handshake could not be resolved: {message}")
                }
            }
        }
        if let Some(state) = self.multi_domain_sync(&context) {
            return state;
        }
        let dev = self.publishable_key().instance_type == InstanceType::Development;
        if dev && context.query_dev_browser.is_some() {
            return self.handshake(&context, R::DevBrowserSync, None);
        }
        if dev && context.query_dev_browser.is_none() && context.cookies.dev_browser.is_none() {
            return self.handshake(&context, R::DevBrowserMissing, None);
        }
        let cookies = &context.cookies;
        let session = match (cookies.client_uat > 0, cookies.session.as_ref()) {
            (false, None) => {
                return RequestState::signed_out(
                    AuthReason::Auth(R::SessionTokenAndUatMissing),
                    None,
                    HeaderMap::new(),
                )
            }
            (false, Some(_)) => {
                return self.handshake(&context, R::SessionTokenWithoutClientUat, None)
            }
            (true, None) => return self.handshake(&context, R::ClientUatWithoutSessionToken, None),
            (true, Some(session)) => session,
        };
        // 3.25's order: another kind of token signs out before the `__client_uat` rule.
        if let Some(why) = cookies.session_kind_error() {
            return RequestState::signed_out(
                AuthReason::Token(T::TokenTypeMismatch),
                Some(format!(
                    "The token is not a Clerk session token: {why} (token-carrier=cookie)"
                )),
                HeaderMap::new(),
            );
        }
        if cookies
            .session_iat()
            .is_some_and(|iat| iat < cookies.client_uat)
        {
            return self.handshake(&context, R::SessionTokenIatBeforeClientUat, None);
        }
        // Already verified (the cache answered while the cookies were read): no second lookup.
        if let Some(claims) = cookies.session_verified() {
            return RequestState::signed_in_shared(claims, session.clone(), HeaderMap::new());
        }
        match self.verifier().verify(session).await {
            Ok(claims) => RequestState::signed_in_shared(claims, session.clone(), HeaderMap::new()),
            Err(error) => self.token_error(&context, error, "cookie"),
        }
    }

    fn context<'a>(&self, parts: &'a Parts) -> Context<'a> {
        let jar = CookieJar::from_headers(&parts.headers);
        let pk = self.publishable_key();
        let cookies = ClerkCookies::read_with(
            &jar,
            self.cookie_suffix(),
            &pk.frontend_api,
            pk.instance_type,
            unix_now(),
            |token| self.verifier().peek(token),
        );
        let document = handshake::is_document_request(&parts.headers);
        let handshake_nonce = query_param(parts, NONCE_PARAM)
            .or_else(|| cookies.handshake_nonce.clone())
            .filter(|nonce| document && handshake::is_well_formed_nonce(nonce));
        Context {
            document,
            trust_forwarded_headers: self.config().trust_forwarded_headers,
            query_dev_browser: query_param(parts, DEV_BROWSER).filter(|v| !v.is_empty()),
            handshake_token: query_param(parts, TOKEN_PARAM).or_else(|| cookies.handshake.clone()),
            handshake_nonce,
            cookies,
            parts,
        }
    }

    /// Clerk's `handleSessionTokenError`.
    fn token_error(
        &self,
        context: &Context<'_>,
        error: TokenVerificationError,
        carrier: &str,
    ) -> RequestState {
        let message = format!("{} (token-carrier={carrier})", error.message);
        let handshake_reason = match error.reason {
            T::TokenExpired => Some(R::SessionTokenExpired),
            T::TokenNotActiveYet => Some(R::SessionTokenNbf),
            T::TokenIatInTheFuture => Some(R::SessionTokenIatInTheFuture),
            _ => None,
        };
        match handshake_reason {
            Some(reason) => self.handshake(context, reason, Some(message)),
            None => RequestState::signed_out(
                AuthReason::Token(error.reason),
                Some(message),
                HeaderMap::new(),
            ),
        }
    }

    /// Clerk's multi-domain sync flows; `None` when the request is not part of one.
    fn multi_domain_sync(&self, context: &Context<'_>) -> Option<RequestState> {
        let config = self.config();
        let dev = self.publishable_key().instance_type == InstanceType::Development;
        if config.is_satellite {
            if query_param(context.parts, SYNCED_PARAM).as_deref() != Some("false") {
                return None;
            }
            let reason = R::SatelliteCookieNeedsSyncing;
            if !dev {
                return Some(self.handshake(context, reason, None));
            }
            return Some(self.redirect(context, reason, None, |url| {
                let location = satellite::sign_in_sync_location(&config.urls.sign_in_url, url)?;
                handshake::redirect_headers(&location, context.cookies.redirect_count)
            }));
        }
        if !dev || !context.document {
            return None;
        }
        let raw = query_param(context.parts, REDIRECT_URL_PARAM)?;
        let Some(target) = satellite::authorized_return_url(&raw, &config.authorized_parties)
        else {
            tracing::warn!(
                "Clerk: ignored {REDIRECT_URL_PARAM}: it is not an http(s) URL on an origin listed \
                 in CLERK_AUTHORIZED_PARTIES. To let a satellite sync with this primary, add the \
                 satellite's origin (e.g. https://satellite.example.com) to CLERK_AUTHORIZED_PARTIES."
            );
            return None;
        };
        let location = satellite::primary_return_location(&target, context.dev_browser());
        Some(
            self.redirect(context, R::PrimaryRespondsToSyncing, None, |_| {
                handshake::redirect_headers(&location, context.cookies.redirect_count)
            }),
        )
    }

    /// Clerk's `handleMaybeHandshakeStatus` for the handshake 307 to the Frontend API.
    fn handshake(&self, context: &Context<'_>, reason: R, message: Option<String>) -> RequestState {
        let pk = self.publishable_key();
        let config = self.config();
        let dev = pk.instance_type == InstanceType::Development;
        self.redirect(context, reason, message, |url| {
            HandshakeRedirect {
                fapi_base: handshake::fapi_base(
                    config.proxy_url.as_deref(),
                    &config.frontend_api_host(pk),
                    url,
                ),
                request_url: url,
                api_version: &config.api_version,
                reason,
                suffixed_cookies: context.cookies.uses_suffixed,
                dev_browser: context.dev_browser().filter(|_| dev),
                redirect_count: context.cookies.redirect_count,
            }
            .headers()
        })
    }

    /// Clerk's `handleMaybeHandshakeStatus`: page loads get the 307 whose headers
    /// `headers` builds from the request URL (unless the loop guard trips);
    /// other requests, or a failed build, are signed out with `reason`.
    fn redirect(
        &self,
        context: &Context<'_>,
        reason: R,
        message: Option<String>,
        headers: impl FnOnce(&Url) -> Option<HeaderMap>,
    ) -> RequestState {
        let signed_out =
            |message| RequestState::signed_out(AuthReason::Auth(reason), message, HeaderMap::new());
        let Some(url) = context.url().filter(|_| context.document) else {
            return signed_out(message);
        };
        if context.cookies.redirect_count >= handshake::MAX_REDIRECTS {
            tracing::warn!(
                "Clerk: Refreshing the session token resulted in an infinite redirect loop. This \
                 usually means that your Clerk instance keys do not match - make sure to copy the \
                 correct publishable and secret keys from the Clerk dashboard."
            );
            return signed_out(Some("handshake redirect loop detected".into()));
        }
        match headers(&url) {
            Some(headers) => RequestState::new(
                AuthStatus::Handshake,
                Some(AuthReason::Auth(reason)),
                message,
                headers,
            ),
            None => signed_out(message),
        }
    }

    /// Clerk's `resolveHandshake`: turns the nonce (or legacy token) into
    /// `Set-Cookie` directives and verifies the new session token.
    async fn resolve_handshake(&self, context: &Context<'_>) -> Result<RequestState, String> {
        let directives = match (&context.handshake_nonce, &context.handshake_token) {
            (Some(nonce), _) => self.handshake_payload(context.parts, nonce).await?,
            (None, Some(token)) => {
                let payload = self
                    .verifier()
                    .verify_handshake(token)
                    .await
                    .map_err(|e| e.to_string())?;
                handshake::token_directives(&payload)
                    .ok_or("the handshake token has no directives")?
            }
            (None, None) => return Err("no handshake nonce or token".into()),
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            "access-control-allow-origin",
            HeaderValue::from_static("null"),
        );
        headers.insert(
            "access-control-allow-credentials",
            HeaderValue::from_static("true"),
        );
        let session = handshake::apply_directives(&directives, &mut headers);
        if self.publishable_key().instance_type == InstanceType::Development {
            if let Some(url) = context.url() {
                let clean = without_params(
                    &url,
                    &[TOKEN_PARAM, NONCE_PARAM, "__clerk_help", DEV_BROWSER],
                );
                if let Ok(location) = HeaderValue::from_str(&handshake::path_and_query(&clean)) {
                    headers.insert(LOCATION, location);
                    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                }
            }
        }
        let Some(session) = session else {
            return Ok(RequestState::signed_out(
                AuthReason::Auth(R::SessionTokenMissing),
                None,
                headers,
            ));
        };
        Ok(match self.verifier().verify(&session).await {
            Ok(claims) => RequestState::signed_in(claims, &session, headers),
            Err(error) => {
                let message = format!("{} (token-carrier=handshake)", error.message);
                RequestState::signed_out(AuthReason::Token(error.reason), Some(message), headers)
            }
        })
    }

    /// `GET {api_url}/v1/clients/handshake_payload?nonce=…` → `directives`, through the
    /// shared Backend API client in one attempt (the page request waits for it), once the
    /// [`super::nonce_budget`] limits admit it for the request's client; otherwise the nonce is
    /// not resolved (the request goes on without it).
    async fn handshake_payload(&self, parts: &Parts, nonce: &str) -> Result<Vec<String>, String> {
        let client = ClientKey::from_parts(parts, self.config().trust_forwarded_headers);
        let _permit = self.admit_nonce(client).map_err(|refused| {
            tracing::debug!(%refused, "handshake nonce not resolved");
            format!("{refused}; this nonce is skipped and the session cookies decide")
        })?;
        self.backend_api()
            .handshake_payload_once(nonce)
            .await
            .map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn bearer_token_parsing() {
        assert_eq!(bearer_token(&headers("Bearer abc")), Some("abc"));
        assert_eq!(bearer_token(&headers("bearer  abc ")), Some("abc"));
        assert_eq!(bearer_token(&headers("abc")), Some("abc"));
        assert_eq!(bearer_token(&headers("Basic abc")), None);
        assert_eq!(bearer_token(&headers("Bearer ")), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
