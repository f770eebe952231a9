//! Reading the app's environment variables: a value is trimmed and a blank one counts as unset
//! (the rule `leptos_clerk`'s and the dev instance's `from_env` follow as well).

/// The trimmed value of the environment variable `name`, `None` when unset or blank.
pub(crate) fn var(name: &str) -> Option<String> {
    lookup(name, |name| std::env::var(name).ok())
}

/// The trimmed value of `name` read through `lookup`, `None` when unset or blank.
pub(crate) fn lookup(name: &str, lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    lookup(name)
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}
