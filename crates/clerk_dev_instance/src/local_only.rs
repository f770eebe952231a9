//! Keeps the instance reachable from the developer's own browser only: the bind-address guard
//! run at start-up ([`bind_guard`]) and the `Host` check run on every request, which defeats DNS
//! rebinding (a page on `evil.example` whose name is re-pointed at 127.0.0.1 would otherwise
//! read `/dev` — the secret key — with the browser's help), and [`direct_only`] on the dev page
//! and the Backend API: a request that came through a proxy (the app's Frontend API proxy sets
//! the `Host` to the instance's own address, so the `Host` check alone would let it in) is
//! refused there.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::DevInstanceConfig;
use crate::error::DevInstanceError;

/// The environment variable the app reads into [`DevInstanceConfig::allow_remote`].
pub const ALLOW_REMOTE_VAR: &str = "CLERK_DEV_INSTANCE_ALLOW_REMOTE";

/// Whether `ip` only reaches this machine (IPv4-mapped IPv6 loopback included).
fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// Refuses a non-loopback bind address (`0.0.0.0`, `::`, a LAN address) unless `allow_remote`;
/// with the opt-in it logs a warning banner instead. Anyone who reaches the instance can read
/// its secret key on `/dev` and, with it, reset any user's password.
pub fn bind_guard(addr: SocketAddr, allow_remote: bool) -> Result<(), DevInstanceError> {
    if is_loopback(addr.ip()) {
        return Ok(());
    }
    if !allow_remote {
        return Err(DevInstanceError::RemoteBind {
            addr,
            port: addr.port(),
        });
    }
    let lines = [
        format!("{ALLOW_REMOTE_VAR}=1: the LOCAL CLERK DEV INSTANCE is"),
        format!("served on {addr} to anyone who can reach this address. They can"),
        "read its secret key on /__clerk/dev and sign in as any of its users.".to_owned(),
        "Unset the variable and bind 127.0.0.1 unless you really need this.".to_owned(),
    ];
    let rule = "*".repeat(73);
    let body: String = lines.iter().map(|l| format!("* {l:<69} *\n")).collect();
    tracing::warn!("\n{rule}\n{body}{rule}");
    Ok(())
}

/// The `Host` values the instance answers: the authorities of the app origins, every loopback
/// spelling (`127.0.0.1`, `localhost`, `[::1]`) of a loopback origin's or bind address's port
/// and, when serving a non-loopback bind address by opt-in, any IP literal on its port (DNS
/// rebinding needs a name the attacker controls, never an IP literal).
#[derive(Debug, Clone)]
pub(crate) struct AllowedHosts {
    hosts: HashSet<String>,
    ip_literals_on: Option<u16>,
    /// Shown in the refusal: where to open the app instead.
    primary_origin: String,
}

/// Splits a lower-cased `host[:port]` (IPv6 in brackets) into host and optional port text.
fn split_authority(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.split_once(']') {
            Some((host, rest)) => (&authority[..host.len() + 1], rest.strip_prefix(':')),
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

fn is_loopback_name(host: &str) -> bool {
    host == "localhost"
        || host == "[::1]"
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

impl AllowedHosts {
    pub(crate) fn new(config: &DevInstanceConfig) -> Self {
        let mut allowed = Self {
            hosts: HashSet::new(),
            ip_literals_on: None,
            primary_origin: config.primary_origin().to_owned(),
        };
        for origin in &config.app_origins {
            let Some((scheme, rest)) = origin.split_once("://") else {
                continue;
            };
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let default_port = if scheme.eq_ignore_ascii_case("https") {
                443
            } else {
                80
            };
            let authority = authority.to_ascii_lowercase();
            let (host, port) = split_authority(&authority);
            let port = port.and_then(|p| p.parse().ok()).unwrap_or(default_port);
            allowed.add(host, port, default_port);
            if is_loopback_name(host) {
                allowed.add_loopback(port, default_port);
            }
        }
        if let Some(bind) = config.bind_addr {
            if is_loopback(bind.ip()) {
                allowed.add_loopback(bind.port(), 80);
            } else if config.allow_remote {
                allowed.ip_literals_on = Some(bind.port());
            }
        }
        allowed
    }

    /// Allows `host:port`, and the bare `host` when `port` is the scheme's default.
    fn add(&mut self, host: &str, port: u16, default_port: u16) {
        self.hosts.insert(format!("{host}:{port}"));
        if port == default_port {
            self.hosts.insert(host.to_owned());
        }
    }

    fn add_loopback(&mut self, port: u16, default_port: u16) {
        for host in ["127.0.0.1", "localhost", "[::1]"] {
            self.add(host, port, default_port);
        }
    }

    /// Whether a request with this `Host` value may be answered.
    pub(crate) fn allows(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if self.hosts.contains(&host) {
            return true;
        }
        let Some(bind_port) = self.ip_literals_on else {
            return false;
        };
        let (name, port) = split_authority(&host);
        let is_ip = name.parse::<Ipv4Addr>().is_ok()
            || name
                .strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .is_some_and(|n| n.parse::<Ipv6Addr>().is_ok());
        let port = port.map_or(Some(80), |p| p.parse().ok());
        is_ip && port == Some(bind_port)
    }
}

/// Middleware: answers 403 (plain text) unless the request's `Host` (or HTTP/2 `:authority`)
/// is one of the [`AllowedHosts`].
pub(crate) async fn check_host(
    State(allowed): State<Arc<AllowedHosts>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if host.is_some_and(|h| allowed.allows(h)) {
        return next.run(request).await;
    }
    tracing::warn!(
        "clerk dev instance: refused a request for Host {host:?} (not an address of this app; \
         DNS-rebinding protection). Open the app at {}",
        allowed.primary_origin
    );
    let message = format!(
        "Forbidden: the Host header does not name this app. The local Clerk dev instance only \
         answers requests for the app's own addresses; open the app at {}.\n",
        allowed.primary_origin
    );
    forbidden(message)
}

/// Headers a proxy adds: a request carrying one did not come straight from the developer's
/// browser or the app's server. `X-Forwarded-*` matches every header with that prefix.
const PROXY_HEADERS: [&str; 4] = [
    "forwarded",
    "x-real-ip",
    "clerk-proxy-url",
    "clerk-secret-key",
];

/// The proxy header `headers` carries, if any.
fn proxy_header(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .keys()
        .map(|name| name.as_str())
        .find(|name| name.starts_with("x-forwarded-") || PROXY_HEADERS.contains(name))
}

/// Middleware for the dev page and the Backend API: 403 (plain text) for a request that came
/// through a proxy ([`PROXY_HEADERS`], `X-Forwarded-*`). Only the Frontend API, the bundles and
/// the OAuth endpoints are meant to be proxied; the secret key on `/dev` and the Backend API it
/// opens are for the developer's browser and the app's server, reached directly.
pub(crate) async fn direct_only(request: Request, next: Next) -> Response {
    let Some(header) = proxy_header(request.headers()) else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_owned();
    tracing::warn!(
        "clerk dev instance: refused {path} through a proxy (it carries `{header}`): the dev \
         page and the Backend API are only served to direct requests"
    );
    let message = format!(
        "Forbidden: this request came through a proxy (it carries a `{header}` header). The local \
         Clerk dev instance serves its dev page and Backend API only to direct requests: open \
         the instance's own address, not the app's Frontend API proxy.\n"
    );
    forbidden(message)
}

/// 403 with `message` as plain text, never cached.
fn forbidden(message: String) -> Response {
    (
        StatusCode::FORBIDDEN,
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        message,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(origins: &[&str], bind: Option<&str>, allow_remote: bool) -> AllowedHosts {
        let origins = origins.iter().map(|o| o.to_string()).collect();
        let mut config = DevInstanceConfig::new("unused", origins);
        config.bind_addr = bind.map(|b| b.parse().unwrap());
        config.allow_remote = allow_remote;
        AllowedHosts::new(&config)
    }

    #[test]
    fn proxy_headers_are_recognized() {
        let with = |name: &'static str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(name, "x".parse().unwrap());
            proxy_header(&headers).map(str::to_owned)
        };
        for name in [
            "forwarded",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-proto",
            "x-forwarded-port",
            "x-real-ip",
            "clerk-proxy-url",
            "clerk-secret-key",
        ] {
            assert_eq!(with(name).as_deref(), Some(name));
        }
        for name in [
            "authorization",
            "origin",
            "referer",
            "cookie",
            "x-request-id",
        ] {
            assert_eq!(with(name), None, "{name}");
        }
    }

    #[test]
    fn loopback_binds_accept_every_loopback_spelling_of_their_port_only() {
        let allowed = hosts(&["http://127.0.0.1:3000"], Some("[::1]:3001"), false);
        for host in [
            "127.0.0.1:3000",
            "localhost:3000",
            "[::1]:3000",
            "[::1]:3001",
        ] {
            assert!(allowed.allows(host), "{host}");
        }
        for host in [
            "192.168.1.5:3000",
            "localhost",
            "localhost:80",
            "127.0.0.1:3002",
            "",
        ] {
            assert!(!allowed.allows(host), "{host}");
        }
    }

    #[test]
    fn remote_mode_also_accepts_ip_literals_on_the_bind_port_but_no_other_names() {
        let allowed = hosts(&["http://127.0.0.1:3000"], Some("0.0.0.0:3000"), true);
        for host in ["192.168.1.5:3000", "[fe80::1]:3000", "localhost:3000"] {
            assert!(allowed.allows(host), "{host}");
        }
        for host in [
            "192.168.1.5:4000",
            "192.168.1.5",
            "evil.example:3000",
            "[fe80::1",
        ] {
            assert!(!allowed.allows(host), "{host}");
        }
    }

    #[test]
    fn origins_on_a_default_port_match_with_and_without_it() {
        let allowed = hosts(
            &["https://App.example", "http://dev.test:8080/"],
            None,
            false,
        );
        for host in ["app.example", "app.example:443", "dev.test:8080"] {
            assert!(allowed.allows(host), "{host}");
        }
        for host in ["app.example:80", "dev.test", "localhost:443"] {
            assert!(!allowed.allows(host), "{host}");
        }
    }
}
