//! Reading a JSON claim that may have any type: the token checks read a wrong type as absent.

use serde::Deserialize;

/// A JSON value kept only when it has the expected type: a wrong type reads as
/// absent instead of failing the whole payload.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum Lenient<T> {
    Expected(T),
    Other(serde::de::IgnoredAny),
}

impl<T> Lenient<T> {
    /// The value, when it had the expected type.
    pub(crate) fn expected(&self) -> Option<&T> {
        match self {
            Lenient::Expected(value) => Some(value),
            Lenient::Other(_) => None,
        }
    }

    /// The value, when it had the expected type.
    pub(crate) fn into_option(self) -> Option<T> {
        match self {
            Lenient::Expected(value) => Some(value),
            Lenient::Other(_) => None,
        }
    }
}
