//! Multi-domain (satellite) sync: the URLs of the two 307s that carry a
//! browser from a satellite app to its primary and back.
//!
//! 1. A satellite page load with `__clerk_synced=false` asks for a sync. In
//!    development the satellite sends the browser to the primary's sign-in URL
//!    with `__clerk_redirect_url=<this page>` ([`sign_in_sync_location`]); in
//!    production it runs a handshake with reason `satellite-needs-syncing`.
//! 2. The development primary answers with a 307 back to that URL carrying its
//!    dev-browser token and `__clerk_synced=true` ([`primary_return_location`]),
//!    but only to an origin listed in `CLERK_AUTHORIZED_PARTIES`
//!    ([`authorized_return_url`]) — stricter than Clerk, so the primary is
//!    never an open redirect and never hands its token to a foreign origin.

use url::Url;

use super::cookies::DEV_BROWSER;
use super::redirect::without_params;

/// Query parameter a satellite sets to `false` to ask for a sync; the primary
/// answers with `true`.
pub(super) const SYNCED_PARAM: &str = "__clerk_synced";
/// Query parameter carrying the satellite page the primary returns to.
pub(super) const REDIRECT_URL_PARAM: &str = "__clerk_redirect_url";

/// Whether `url` is an absolute `http(s)` URL (a development satellite's
/// `CLERK_SIGN_IN_URL` must be one: it lives on the primary's domain).
pub(super) fn is_absolute_http_url(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// `sign_in_url` with `__clerk_redirect_url=<request URL without __clerk_synced>`
/// appended; `None` when the sign-in URL is not an absolute `http(s)` URL.
pub(super) fn sign_in_sync_location(sign_in_url: &str, request_url: &Url) -> Option<Url> {
    if !is_absolute_http_url(sign_in_url) {
        return None;
    }
    let mut location = Url::parse(sign_in_url).ok()?;
    let back = without_params(request_url, &[SYNCED_PARAM]);
    location
        .query_pairs_mut()
        .append_pair(REDIRECT_URL_PARAM, back.as_str());
    Some(location)
}

/// The satellite URL from `__clerk_redirect_url`, if it is an absolute
/// `http(s)` URL whose origin is exactly one of `authorized_parties`.
/// Relative, protocol-relative and non-http(s) (`javascript:`) values fail.
pub(super) fn authorized_return_url(raw: &str, authorized_parties: &[String]) -> Option<Url> {
    let url = Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return None;
    }
    let origin = url.origin();
    authorized_parties
        .iter()
        .filter_map(|party| Url::parse(party.trim()).ok())
        .filter(|party| matches!(party.scheme(), "http" | "https"))
        .any(|party| party.origin() == origin)
        .then_some(url)
}

/// `target` with the primary's dev-browser token (if any) and
/// `__clerk_synced=true`, replacing any earlier values of both.
pub(super) fn primary_return_location(target: &Url, dev_browser: Option<&str>) -> Url {
    let mut location = without_params(target, &[DEV_BROWSER, SYNCED_PARAM]);
    {
        let mut query = location.query_pairs_mut();
        if let Some(token) = dev_browser {
            query.append_pair(DEV_BROWSER, token);
        }
        query.append_pair(SYNCED_PARAM, "true");
    }
    location
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parties() -> Vec<String> {
        vec![
            "https://sat.example.com".into(),
            "http://localhost:4000/".into(),
        ]
    }

    #[test]
    fn only_authorized_http_origins_are_returned_to() {
        let ok = authorized_return_url("https://sat.example.com/a?b=1", &parties());
        assert_eq!(ok.unwrap().as_str(), "https://sat.example.com/a?b=1");
        assert!(authorized_return_url("http://localhost:4000/x", &parties()).is_some());
        assert!(authorized_return_url("https://SAT.example.com:443/", &parties()).is_some());
        for bad in [
            "https://evil.example.com/",
            "http://sat.example.com/",
            "https://sat.example.com:8443/",
            "https://sat.example.com.evil.com/",
            "//sat.example.com/",
            "/relative",
            "javascript:alert(1)//sat.example.com",
            "data:text/html,hi",
            "",
        ] {
            assert!(authorized_return_url(bad, &parties()).is_none(), "{bad}");
        }
        assert!(authorized_return_url("https://sat.example.com/", &[]).is_none());
    }

    #[test]
    fn sync_urls_carry_the_right_parameters() {
        let page = Url::parse("https://sat.test/p?a=1&__clerk_synced=false").unwrap();
        let location = sign_in_sync_location("https://primary.test/sign-in?x=y", &page).unwrap();
        assert_eq!(
            location.as_str(),
            "https://primary.test/sign-in?x=y&__clerk_redirect_url=https%3A%2F%2Fsat.test%2Fp%3Fa%3D1"
        );
        assert!(sign_in_sync_location("/sign-in", &page).is_none());

        let target = Url::parse("https://sat.test/p?__clerk_synced=x&__clerk_db_jwt=old").unwrap();
        assert_eq!(
            primary_return_location(&target, Some("dvb_1")).as_str(),
            "https://sat.test/p?__clerk_db_jwt=dvb_1&__clerk_synced=true"
        );
        assert_eq!(
            primary_return_location(&target, None).as_str(),
            "https://sat.test/p?__clerk_synced=true"
        );
    }
}
