//! Reading the app's environment variables: a value is trimmed and a blank one counts as unset
//! (the rule `leptos_clerk`'s and the dev instance's `from_env` follow as well).

/// The raw value of the environment variable `name`, if set and valid Unicode: the lookup that
/// `from_lookup` settings read the process environment through.
pub(crate) fn process(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The trimmed value of the environment variable `name`, `None` when unset or blank.
pub(crate) fn var(name: &str) -> Option<String> {
    lookup(name, process)
}

/// The trimmed value of `name` read through `read`, `None` when unset or blank.
pub(crate) fn lookup(name: &str, read: impl Fn(&str) -> Option<String>) -> Option<String> {
    read(name)
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}
