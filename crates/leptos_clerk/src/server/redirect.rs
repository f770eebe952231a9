//! One rule for every `Location` (and every `redirect_url=` value) this crate builds from a
//! request path: it stays on the app's own origin.
//!
//! A path such as `//evil.example/x`, `/\evil.example/x` or `/<TAB>/evil.example/x` is a
//! scheme-relative URL to a browser (it drops ASCII tabs and newlines and reads `\` as `/`), so
//! echoing a request path into a relative `Location` would send the visitor to another site.
//! [`same_origin_path`] collapses the leading run of slashes and backslashes (literal or
//! percent-encoded, with tabs and newlines in between) into one `/` and percent-encodes what
//! a header cannot carry, so the result always resolves against the app's origin.
//! [`without_params`] drops the parameters a redirect consumed from the URL it returns to.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use url::Url;

/// Encoded in the output: controls (no header injection), space, `\` (a browser reads it as
/// `/`) and non-ASCII (a `Location` header is ASCII). `%` is kept: escapes stay as they are.
const ENCODED: &AsciiSet = &CONTROLS.add(b' ').add(b'\\');

/// Percent-encoded forms that a decoding hop could turn into a leading separator.
const ENCODED_SEPARATORS: [&str; 5] = ["%2F", "%5C", "%09", "%0A", "%0D"];

/// `raw` (a path with optional query and fragment, as taken from a request) as a path that
/// starts with exactly one `/` followed by neither `/` nor `\`, so it resolves to the app's
/// own origin whatever `raw` is. Unchanged for an ordinary path such as `/a/b?c=%2F%2F`.
pub(crate) fn same_origin_path(raw: &str) -> String {
    // Browsers drop ASCII tab and newline anywhere in a URL (WHATWG URL parser).
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let rest = strip_leading_separators(&cleaned);
    let mut path = String::with_capacity(rest.len() + 1);
    path.push('/');
    path.extend(utf8_percent_encode(rest, ENCODED));
    path
}

/// `true` when [`same_origin_path`] would leave `raw` as it is, apart from percent-encoding
/// non-ASCII characters: one leading `/` not followed by a separator, and no control
/// character, space or backslash anywhere. (The OAuth strategy's check of `successRedirect`.)
#[cfg_attr(not(feature = "oauth"), allow(dead_code))]
pub(crate) fn is_same_origin_path(raw: &str) -> bool {
    let one_slash = raw
        .strip_prefix('/')
        .is_some_and(|rest| strip_leading_separators(rest).len() == rest.len());
    one_slash
        && !raw
            .bytes()
            .any(|b| b.is_ascii_control() || b == b' ' || b == b'\\')
}

/// `s` without its leading run of `/`, `\` and their percent-encoded forms (and encoded
/// tabs/newlines, which a browser would drop after decoding).
fn strip_leading_separators(mut s: &str) -> &str {
    loop {
        if let Some(rest) = s.strip_prefix(['/', '\\']) {
            s = rest;
        } else if let Some(rest) = ENCODED_SEPARATORS.iter().find_map(|sep| {
            s.get(..3)
                .filter(|head| head.eq_ignore_ascii_case(sep))
                .map(|_| &s[3..])
        }) {
            s = rest;
        } else {
            return s;
        }
    }
}

/// A copy of `url` without the given query parameters.
pub(crate) fn without_params(url: &Url, names: &[&str]) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !names.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut out = url.clone();
    if kept.is_empty() {
        out.set_query(None);
    } else {
        out.query_pairs_mut().clear().extend_pairs(kept);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    /// Every hostile form, and what it becomes.
    const TABLE: &[(&str, &str)] = &[
        ("//evil.example/x", "/evil.example/x"),
        ("///evil.example/x", "/evil.example/x"),
        ("/\\evil.example/x", "/evil.example/x"),
        ("\\\\evil.example/x", "/evil.example/x"),
        ("/%2F%2Fevil.example/x", "/evil.example/x"),
        ("/%2f/evil.example/x", "/evil.example/x"),
        ("/%5Cevil.example/x", "/evil.example/x"),
        ("/%5c%5Cevil.example", "/evil.example"),
        ("/\t/evil.example/x", "/evil.example/x"),
        ("/\n/evil.example/x", "/evil.example/x"),
        ("\t//evil.example/x", "/evil.example/x"),
        ("/\r\n\\evil.example", "/evil.example"),
        ("/%09/evil.example/x", "/evil.example/x"),
        ("/%0A%0d//evil.example", "/evil.example"),
        ("https://evil.example/x", "/https://evil.example/x"),
        ("javascript:alert(1)", "/javascript:alert(1)"),
        ("evil.example", "/evil.example"),
        ("", "/"),
        ("/a\\b", "/a%5Cb"),
        ("/a b\u{7f}", "/a%20b%7F"),
        ("/ok\r\nSet-Cookie: x=1", "/okSet-Cookie:%20x=1"),
        ("/é", "/%C3%A9"),
        // Ordinary paths are unchanged.
        ("/", "/"),
        (
            "/a/b?c=1&next=//evil.example",
            "/a/b?c=1&next=//evil.example",
        ),
        ("/a/b?c=%2F%2F#frag", "/a/b?c=%2F%2F#frag"),
        ("/%2e%2e/x", "/%2e%2e/x"),
    ];

    #[test]
    fn every_path_resolves_to_the_app_origin() {
        let app = Url::parse("https://app.example/base/").unwrap();
        for (raw, expected) in TABLE {
            let path = same_origin_path(raw);
            assert_eq!(&path, expected, "{raw:?}");
            let resolved = app.join(&path).unwrap();
            assert_eq!(resolved.origin(), app.origin(), "{raw:?} → {resolved}");
            assert!(http::HeaderValue::from_str(&path).is_ok(), "{raw:?}");
            assert!(is_same_origin_path(&path), "idempotent for {raw:?}");
            let unchanged = raw == expected || !raw.is_ascii();
            assert_eq!(is_same_origin_path(raw), unchanged, "{raw:?}");
        }
    }
}
