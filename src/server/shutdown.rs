//! Graceful shutdown on Ctrl-C (SIGINT) and SIGTERM, with a drain for load balancers:
//! 1. the signal arrives: `/readyz` answers 503 at once;
//! 2. after `SHUTDOWN_READY_DELAY_SECS` (default 0; set it to a few health-check intervals
//!    behind a load balancer, which keeps sending requests until it sees the 503) the listener
//!    closes: new connections are refused;
//! 3. in-flight requests finish, for at most `SHUTDOWN_GRACE_SECS` (default 10); idle
//!    keep-alive connections are closed;
//! 4. [`serve`] returns and the process exits 0.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use thiserror::Error;
use tokio::net::TcpListener;

/// Default `SHUTDOWN_GRACE_SECS`.
pub const DEFAULT_GRACE_SECS: u64 = 10;
/// Default `SHUTDOWN_READY_DELAY_SECS`.
pub const DEFAULT_READY_DELAY_SECS: u64 = 0;

/// Set once shutdown has begun; `/readyz` reads it. Cheap to clone (shared flag).
#[derive(Clone, Debug, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    /// Marks the server as shutting down.
    pub fn start(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether shutdown has begun.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How the server drains on shutdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrainSettings {
    /// `SHUTDOWN_READY_DELAY_SECS`: how long the listener stays open after `/readyz` turned 503.
    pub ready_delay: Duration,
    /// `SHUTDOWN_GRACE_SECS`: how long in-flight requests may take once the listener closed.
    pub grace: Duration,
}

impl Default for DrainSettings {
    fn default() -> Self {
        DrainSettings {
            ready_delay: Duration::from_secs(DEFAULT_READY_DELAY_SECS),
            grace: Duration::from_secs(DEFAULT_GRACE_SECS),
        }
    }
}

/// A malformed `SHUTDOWN_*` variable.
#[derive(Debug, Error, PartialEq, Eq)]
#[error(
    "{name} is `{value}`, not a whole number of seconds: set it to e.g. {example}, or unset it"
)]
pub struct DrainSettingsError {
    /// The variable.
    pub name: &'static str,
    /// Its value.
    pub value: String,
    /// A valid example.
    pub example: u64,
}

impl DrainSettings {
    /// Reads `SHUTDOWN_READY_DELAY_SECS` and `SHUTDOWN_GRACE_SECS` from the environment.
    pub fn from_env() -> Result<Self, DrainSettingsError> {
        Self::from_lookup(super::env::process)
    }

    /// Reads the settings through `lookup` (unset or empty variables keep their defaults).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, DrainSettingsError> {
        let secs = |name: &'static str, default: u64| -> Result<Duration, DrainSettingsError> {
            match super::env::lookup(name, &lookup) {
                None => Ok(Duration::from_secs(default)),
                Some(v) => v
                    .parse()
                    .map(Duration::from_secs)
                    .map_err(|_| DrainSettingsError {
                        name,
                        value: v,
                        example: default.max(2),
                    }),
            }
        };
        Ok(DrainSettings {
            ready_delay: secs("SHUTDOWN_READY_DELAY_SECS", DEFAULT_READY_DELAY_SECS)?,
            grace: secs("SHUTDOWN_GRACE_SECS", DEFAULT_GRACE_SECS)?,
        })
    }
}

/// How [`serve`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drained {
    /// Every connection finished within the grace period.
    Complete,
    /// The grace period ran out; the connections still open are dropped.
    GraceExpired,
}

/// Serves `app` on `listener` (with each client's address as
/// `ConnectInfo<SocketAddr>`) until `signal` resolves, then drains as the module describes,
/// setting `draining` first.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    signal: impl Future<Output = ()>,
    draining: Draining,
    settings: DrainSettings,
) -> std::io::Result<Drained> {
    let (close, closed) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = closed.await;
    })
    .into_future();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result.map(|()| Drained::Complete),
        () = signal => {}
    }
    draining.start();
    tracing::info!(
        ready_delay_secs = settings.ready_delay.as_secs(),
        grace_secs = settings.grace.as_secs(),
        "shutdown requested: /readyz now answers 503; closing the listener after the ready delay, \
         then finishing in-flight requests"
    );
    tokio::select! {
        result = &mut server => return result.map(|()| Drained::Complete),
        () = tokio::time::sleep(settings.ready_delay) => {}
    }
    let _ = close.send(());
    match tokio::time::timeout(settings.grace, &mut server).await {
        Ok(result) => result.map(|()| Drained::Complete),
        Err(_) => {
            tracing::warn!(
                "requests still in flight after SHUTDOWN_GRACE_SECS={}s are cut off; raise it if \
                 your slowest request needs longer",
                settings.grace.as_secs()
            );
            Ok(Drained::GraceExpired)
        }
    }
}

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_default_and_parse() {
        assert_eq!(
            DrainSettings::from_lookup(|_| None).unwrap(),
            DrainSettings::default()
        );
        let settings = DrainSettings::from_lookup(|name| match name {
            "SHUTDOWN_READY_DELAY_SECS" => Some("3".into()),
            "SHUTDOWN_GRACE_SECS" => Some(" 25 ".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(settings.ready_delay, Duration::from_secs(3));
        assert_eq!(settings.grace, Duration::from_secs(25));
    }

    #[test]
    fn a_malformed_value_names_the_variable() {
        let error = DrainSettings::from_lookup(|name| {
            (name == "SHUTDOWN_GRACE_SECS").then(|| "10s".to_owned())
        })
        .unwrap_err();
        assert_eq!(error.name, "SHUTDOWN_GRACE_SECS");
        assert!(error.to_string().contains("SHUTDOWN_GRACE_SECS"));
    }
}
