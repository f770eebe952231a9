//! Reading settings from environment variables: the one reader behind every `from_env` and
//! `from_lookup` of the crate (Clerk, the Backend API client, the Frontend API proxy, webhooks,
//! OAuth). A value is trimmed; an empty one counts as unset.

use std::ops::RangeInclusive;

/// Variables read through a lookup function (the process environment, or a map in tests).
pub(crate) struct Env<F>(F);

/// The lookup of the process environment: the value of `name`, if set and valid Unicode.
pub(crate) fn process(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    /// Variables read through `lookup`.
    pub(crate) fn new(lookup: F) -> Self {
        Env(lookup)
    }

    /// The trimmed value of `name`, `None` when unset or blank.
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    /// Whether `name` is set to `1`, `true`, `yes` or `on` (any case).
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.text(name).is_some_and(|value| {
            matches!(
                value.to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        })
    }

    /// The value of the deprecated `old`, logging that it is to be renamed `new`.
    pub(crate) fn deprecated(&self, old: &'static str, new: &'static str) -> Option<String> {
        let value = self.text(old);
        if value.is_some() {
            tracing::warn!("{old} is deprecated: rename it to {new}");
        }
        value
    }

    /// The whole number in `name`, which must lie in `range`; `None` when unset.
    pub(crate) fn number(
        &self,
        name: &str,
        range: RangeInclusive<u64>,
    ) -> Result<Option<u64>, OutOfRange> {
        let Some(value) = self.text(name) else {
            return Ok(None);
        };
        match value.parse::<u64>() {
            Ok(number) if range.contains(&number) => Ok(Some(number)),
            _ => Err(OutOfRange { value, range }),
        }
    }
}

/// The value of a variable that is not a whole number in the range its setting allows.
#[derive(Debug)]
pub(crate) struct OutOfRange {
    /// What it was set to.
    pub(crate) value: String,
    /// The numbers allowed.
    pub(crate) range: RangeInclusive<u64>,
}

impl OutOfRange {
    /// What is wrong, for an error message (`` `abc` is not a whole number from 1 to 10 ``).
    pub(crate) fn problem(&self) -> String {
        format!(
            "`{}` is not a whole number from {} to {}",
            self.value,
            self.range.start(),
            self.range.end()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> Env<impl Fn(&str) -> Option<String>> {
        Env::new(move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn blank_is_unset_and_values_are_trimmed() {
        let env = env(&[("A", "  x "), ("B", "   "), ("C", "")]);
        assert_eq!(env.text("A").as_deref(), Some("x"));
        assert_eq!(env.text("B"), None);
        assert_eq!(env.text("C"), None);
        assert_eq!(env.text("D"), None);
    }

    #[test]
    fn flags_accept_the_usual_yes_words_only() {
        let env = env(&[("A", "TRUE"), ("B", "on"), ("C", "0"), ("D", "enabled")]);
        assert!(env.flag("A") && env.flag("B"));
        assert!(!env.flag("C") && !env.flag("D") && !env.flag("E"));
    }

    #[test]
    fn numbers_outside_their_range_name_the_variable() {
        let env = env(&[("N", " 7 "), ("BIG", "11"), ("WORD", "ten"), ("NEG", "-1")]);
        assert_eq!(env.number("N", 0..=10).unwrap(), Some(7));
        assert_eq!(env.number("UNSET", 0..=10).unwrap(), None);
        for name in ["BIG", "WORD", "NEG"] {
            let error = env.number(name, 0..=10).unwrap_err();
            let value = env.text(name).unwrap();
            assert_eq!(
                error.problem(),
                format!("`{value}` is not a whole number from 0 to 10")
            );
        }
    }
}
