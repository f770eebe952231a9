//! Cookies open a session only for same-origin writes (CSRF).
//!
//! `__session` is `SameSite=Lax`: another *site* cannot send it with a form POST, but a page on
//! the same site can (a sibling subdomain, or any `localhost` port in development). So a request
//! with a method other than `GET`/`HEAD`/`OPTIONS` authenticated by the session cookie must come
//! from the app's own origin: `Sec-Fetch-Site: same-origin`, or an `Origin` equal to the
//! request's public origin (its `Host`, or the trusted `X-Forwarded-*`) or to one of
//! `CLERK_AUTHORIZED_PARTIES`. Every browser sends one of the two with such a request; a request
//! with neither (or `Origin: null`) is refused as well. A refused request is signed out
//! (`cross-origin-cookie-request`): a server function answers 401, the body is never run with the
//! user's session. `Authorization: Bearer` calls are not affected (another origin cannot make the
//! browser attach them).

use http::header::ORIGIN;
use http::request::Parts;
use http::{HeaderName, Method};

use super::handshake::public_url;

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Whether the session cookie may authenticate this request: a safe method, or a write from the
/// app's own origin (see the module).
pub(crate) fn cookies_may_authenticate(
    parts: &Parts,
    trust_forwarded_headers: bool,
    authorized_parties: &[String],
) -> bool {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if header(SEC_FETCH_SITE) == Some("same-origin") {
        return true;
    }
    let Some(origin) = header(ORIGIN).map(|o| o.trim_end_matches('/')) else {
        return false;
    };
    if origin == "null" {
        return false;
    }
    if authorized_parties
        .iter()
        .any(|party| party.trim_end_matches('/') == origin)
    {
        return true;
    }
    public_url(parts, trust_forwarded_headers)
        .is_some_and(|url| url.origin().ascii_serialization() == origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: Method, headers: &[(&str, &str)]) -> Parts {
        let mut builder = http::Request::builder()
            .method(method)
            .uri("/api/update_profile")
            .header("host", "app.example:3000");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn writes_need_the_apps_own_origin() {
        let parties = ["https://www.example.com".to_owned()];
        let allowed = |method: Method, headers: &[(&str, &str)]| {
            cookies_may_authenticate(&parts(method, headers), false, &parties)
        };
        for method in [Method::GET, Method::HEAD, Method::OPTIONS] {
            assert!(allowed(method, &[("origin", "https://evil.example")]));
        }
        for headers in [
            &[("sec-fetch-site", "same-origin")][..],
            &[("origin", "http://app.example:3000")],
            &[("origin", "https://www.example.com")],
            &[
                ("origin", "http://app.example:3000"),
                ("sec-fetch-site", "same-origin"),
            ],
        ] {
            assert!(allowed(Method::POST, headers), "{headers:?}");
        }
        for headers in [
            &[][..],
            &[("origin", "null")],
            &[("origin", "http://sibling.app.example:3000")],
            &[("origin", "http://app.example:3001")],
            &[("origin", "https://app.example:3000")],
            &[("origin", "http://app.example:3000.evil.example")],
            &[("sec-fetch-site", "same-site")],
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "http://evil.example"),
            ],
            &[("sec-fetch-site", "none")],
        ] {
            assert!(!allowed(Method::POST, headers), "{headers:?}");
            assert!(!allowed(Method::DELETE, headers), "{headers:?}");
        }
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_origin_counts() {
        let request = parts(
            Method::POST,
            &[
                ("origin", "https://public.example"),
                ("x-forwarded-proto", "https"),
                ("x-forwarded-host", "public.example"),
            ],
        );
        assert!(cookies_may_authenticate(&request, true, &[]));
        assert!(!cookies_may_authenticate(&request, false, &[]));
    }
}
