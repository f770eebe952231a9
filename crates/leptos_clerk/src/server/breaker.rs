//! A circuit breaker for one upstream (Clerk's Backend API, its Frontend API): after `failures`
//! outages in a row (timeouts, refused or reset connections, 502/503/504), calls fail at once
//! for `cooldown`; then one call, the half-open probe, tests whether the upstream is back while
//! every other call still fails at once. Its state is a few words behind a mutex held for a few
//! instructions: no queue of waiting calls, memory stays the same however many calls fail.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When a circuit breaker (one per upstream: Backend API, Frontend API proxy) opens and for how
/// long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Outages in a row that open the breaker (at least 1).
    pub failures: u32,
    /// How long calls fail at once before one probe may try the upstream again.
    pub cooldown: Duration,
}

impl Default for BreakerConfig {
    /// 5 outages in a row, 10 s of cool-down.
    fn default() -> Self {
        BreakerConfig {
            failures: 5,
            cooldown: Duration::from_secs(10),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum State {
    /// Calls go through; `failures` outages happened in a row.
    Closed { failures: u32 },
    /// Calls fail at once until `until`.
    Open { until: Instant },
    /// One probe is out; every other call fails at once.
    HalfOpen,
}

/// A circuit breaker; see the module documentation.
#[derive(Debug)]
pub(crate) struct Breaker {
    config: BreakerConfig,
    upstream: &'static str,
    state: Mutex<State>,
}

/// A call the breaker let through. Report its outcome with [`Permit::succeeded`] or
/// [`Permit::failed`]; a permit dropped without either (the caller was cancelled) frees the
/// probe slot, so the next call probes.
#[must_use]
pub(crate) struct Permit<'a> {
    breaker: &'a Breaker,
    probe: bool,
    reported: bool,
}

/// The breaker is open: the call was not made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rejected {
    /// How long until a probe may try the upstream again.
    pub(crate) retry_in: Duration,
}

impl Breaker {
    /// A closed breaker for the upstream named `upstream` (in log lines).
    pub(crate) fn new(upstream: &'static str, config: BreakerConfig) -> Self {
        Breaker {
            config: BreakerConfig {
                failures: config.failures.max(1),
                ..config
            },
            upstream,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    /// Lets a call through, or rejects it at once while the breaker is open.
    pub(crate) fn admit(&self) -> Result<Permit<'_>, Rejected> {
        let mut state = self.lock();
        let probe = match *state {
            State::Closed { .. } => false,
            State::Open { until } => {
                let now = Instant::now();
                if now < until {
                    return Err(Rejected {
                        retry_in: until - now,
                    });
                }
                *state = State::HalfOpen;
                true
            }
            // The probe decides soon (its call is bounded by the client's deadline).
            State::HalfOpen => {
                return Err(Rejected {
                    retry_in: Duration::from_secs(1).min(self.config.cooldown),
                })
            }
        };
        Ok(Permit {
            breaker: self,
            probe,
            reported: false,
        })
    }

    /// Whether calls currently fail at once (open, or half-open with the probe out).
    pub(crate) fn is_open(&self) -> bool {
        !matches!(*self.lock(), State::Closed { .. })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn record(&self, probe: bool, outage: bool) {
        let mut state = self.lock();
        let next = match (*state, outage) {
            (State::Closed { .. }, false) => State::Closed { failures: 0 },
            (State::Closed { failures }, true) if failures + 1 < self.config.failures => {
                State::Closed {
                    failures: failures + 1,
                }
            }
            (State::Closed { failures }, true) => {
                tracing::warn!(
                    upstream = self.upstream,
                    cooldown = ?self.config.cooldown,
                    "Clerk: {} failed {} times in a row: calls fail at once for {:?}, then one \
                     call probes it",
                    self.upstream,
                    failures + 1,
                    self.config.cooldown
                );
                self.open()
            }
            (State::HalfOpen, false) if probe => {
                tracing::info!(upstream = self.upstream, "Clerk: {} is back", self.upstream);
                State::Closed { failures: 0 }
            }
            (State::HalfOpen, true) if probe => {
                tracing::warn!(
                    upstream = self.upstream,
                    "Clerk: {} is still failing: calls fail at once for another {:?}",
                    self.upstream,
                    self.config.cooldown
                );
                self.open()
            }
            // A call admitted before the breaker opened: the probe decides, not this one.
            (current, _) => current,
        };
        *state = next;
    }

    fn open(&self) -> State {
        State::Open {
            until: Instant::now() + self.config.cooldown,
        }
    }
}

impl Permit<'_> {
    /// The upstream answered (whatever the status, unless 502/503/504).
    pub(crate) fn succeeded(mut self) {
        self.reported = true;
        self.breaker.record(self.probe, false);
    }

    /// The upstream timed out, refused or reset the connection, or answered 502/503/504.
    pub(crate) fn failed(mut self) {
        self.reported = true;
        self.breaker.record(self.probe, true);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.probe && !self.reported {
            // The probe was cancelled: let the next call probe instead.
            let mut state = self.breaker.lock();
            if matches!(*state, State::HalfOpen) {
                *state = State::Open {
                    until: Instant::now(),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(failures: u32, cooldown_ms: u64) -> Breaker {
        Breaker::new(
            "test upstream",
            BreakerConfig {
                failures,
                cooldown: Duration::from_millis(cooldown_ms),
            },
        )
    }

    #[test]
    fn opens_after_the_threshold_of_outages_in_a_row() {
        let breaker = breaker(3, 60_000);
        for _ in 0..2 {
            breaker.admit().unwrap().failed();
        }
        assert!(!breaker.is_open());
        breaker.admit().unwrap().failed();
        assert!(breaker.is_open());
        let rejected = breaker.admit().err().expect("open");
        assert!(rejected.retry_in > Duration::from_secs(59));
    }

    #[test]
    fn an_answer_resets_the_count() {
        let breaker = breaker(2, 60_000);
        breaker.admit().unwrap().failed();
        breaker.admit().unwrap().succeeded();
        breaker.admit().unwrap().failed();
        assert!(!breaker.is_open(), "not two outages in a row");
    }

    #[test]
    fn one_probe_after_the_cooldown_closes_or_reopens_it() {
        let breaker = breaker(1, 20);
        breaker.admit().unwrap().failed();
        assert!(breaker.admit().is_err());
        std::thread::sleep(Duration::from_millis(30));
        let probe = breaker.admit().expect("probe after the cool-down");
        assert!(breaker.admit().is_err(), "only one probe at a time");
        probe.failed();
        assert!(breaker.admit().is_err(), "reopened");
        std::thread::sleep(Duration::from_millis(30));
        breaker.admit().expect("second probe").succeeded();
        assert!(!breaker.is_open());
        breaker.admit().expect("closed").succeeded();
    }

    #[test]
    fn a_cancelled_probe_lets_the_next_call_probe() {
        let breaker = breaker(1, 20);
        breaker.admit().unwrap().failed();
        std::thread::sleep(Duration::from_millis(30));
        drop(breaker.admit().expect("probe"));
        breaker.admit().expect("next probe").succeeded();
        assert!(!breaker.is_open());
    }

    #[test]
    fn late_answers_of_calls_admitted_before_it_opened_do_not_close_it() {
        let breaker = breaker(1, 60_000);
        let early = breaker.admit().unwrap();
        breaker.admit().unwrap().failed();
        early.succeeded();
        assert!(breaker.is_open());
    }
}
