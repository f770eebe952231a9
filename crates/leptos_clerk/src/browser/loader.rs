//! Waiting for the deferred ClerkJS script and calling `Clerk.load()` once per page.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::bindings::JsClerk;
use super::clerk::{js_message, to_js, ClerkJs};
use super::options::{in_app_path, load_options};
use super::ClerkJsError;
use crate::state::ClerkState;

/// How often the loader looks for `window.Clerk` (as Clerk's own loader).
const POLL_INTERVAL_MS: u32 = 100;
/// How long the loader waits for `window.Clerk` (Clerk's `scriptLoadTimeout`).
const SCRIPT_TIMEOUT_MS: u32 = 15_000;

/// Client-side navigation used for ClerkJS's `routerPush` / `routerReplace`:
/// `(path, replace)`.
pub(crate) type Navigator = Rc<dyn Fn(&str, bool)>;

enum LoadState {
    Idle,
    Loading,
    Ready(ClerkJs),
    Failed(ClerkJsError),
}

thread_local! {
    static LOAD_STATE: RefCell<LoadState> = const { RefCell::new(LoadState::Idle) };
}

/// Loads ClerkJS once per page: waits for the deferred script, then calls
/// `Clerk.load()` with the state's URLs. Concurrent and later callers share
/// the outcome of the first call.
pub(crate) async fn load_clerk(
    state: &ClerkState,
    navigator: Option<Navigator>,
) -> Result<ClerkJs, ClerkJsError> {
    if let Some(outcome) = wait_for_outcome().await {
        return outcome;
    }
    LOAD_STATE.with(|cell| *cell.borrow_mut() = LoadState::Loading);
    let outcome = load_once(state, navigator).await;
    LOAD_STATE.with(|cell| {
        *cell.borrow_mut() = match &outcome {
            Ok(clerk) => LoadState::Ready(clerk.clone()),
            Err(error) => LoadState::Failed(error.clone()),
        }
    });
    outcome
}

/// The loaded ClerkJS instance, waiting while a load is in progress; `None`
/// when ClerkJS was never requested or failed to load.
pub(crate) async fn loaded_clerk() -> Option<ClerkJs> {
    wait_for_outcome().await.and_then(Result::ok)
}

/// A fresh session token for `Authorization: Bearer`, or `None` when signed
/// out or ClerkJS is unavailable (the `__session` cookie still goes along).
pub(crate) async fn session_token() -> Option<String> {
    fresh_session_token(false).await
}

/// [`session_token`], optionally bypassing ClerkJS's token cache.
pub(crate) async fn fresh_session_token(skip_cache: bool) -> Option<String> {
    let clerk = loaded_clerk().await?;
    match clerk.get_token(skip_cache).await {
        Ok(token) => token,
        Err(error) => {
            leptos::logging::warn!("{error}");
            None
        }
    }
}

/// `None` when no load was started yet; otherwise the (awaited) outcome.
async fn wait_for_outcome() -> Option<Result<ClerkJs, ClerkJsError>> {
    loop {
        let outcome = LOAD_STATE.with(|cell| match &*cell.borrow() {
            LoadState::Idle => Some(None),
            LoadState::Loading => None,
            LoadState::Ready(clerk) => Some(Some(Ok(clerk.clone()))),
            LoadState::Failed(error) => Some(Some(Err(error.clone()))),
        });
        match outcome {
            Some(outcome) => return outcome,
            None => sleep(POLL_INTERVAL_MS / 2).await,
        }
    }
}

async fn load_once(
    state: &ClerkState,
    navigator: Option<Navigator>,
) -> Result<ClerkJs, ClerkJsError> {
    if state.publishable_key.is_empty() {
        return Err(ClerkJsError::MissingPublishableKey);
    }
    let clerk = wait_for_script().await?;
    if !clerk.loaded() {
        let options = to_js(&load_options(state));
        let ui = window_property("__internal_ClerkUICtor").filter(JsValue::is_function);
        if let Some(ui) = ui {
            let ui_option = Object::new();
            set(&ui_option, "ClerkUI", &ui);
            set(&options, "ui", &ui_option);
        }
        set(
            &options,
            "routerPush",
            &router_function(navigator.clone(), false),
        );
        set(&options, "routerReplace", &router_function(navigator, true));
        let promise = clerk.load(&options).map_err(|e| load_error(&e))?;
        JsFuture::from(promise).await.map_err(|e| load_error(&e))?;
    }
    Ok(ClerkJs(clerk))
}

/// Polls `window.Clerk` until it is an object with a `load` function.
async fn wait_for_script() -> Result<JsClerk, ClerkJsError> {
    let mut waited_ms = 0;
    loop {
        if let Some(clerk) = window_property("Clerk").filter(JsValue::is_object) {
            let load = Reflect::get(&clerk, &JsValue::from_str("load")).unwrap_or_default();
            if load.is_function() {
                return Ok(clerk.unchecked_into());
            }
        }
        if waited_ms >= SCRIPT_TIMEOUT_MS {
            return Err(ClerkJsError::ScriptTimeout { waited_ms });
        }
        sleep(POLL_INTERVAL_MS).await;
        waited_ms += POLL_INTERVAL_MS;
    }
}

/// `routerPush` / `routerReplace`: client-side navigation for in-app paths,
/// a full page load for anything else.
fn router_function(navigator: Option<Navigator>, replace: bool) -> Function {
    let navigate = move |to: String| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let location = window.location();
        let origin = location.origin().unwrap_or_default();
        match (in_app_path(&to, &origin), &navigator) {
            (Some(path), Some(navigate)) => navigate(&path, replace),
            _ if replace => drop(location.replace(&to)),
            _ => drop(location.assign(&to)),
        }
    };
    // ClerkJS keeps these for the page's lifetime, so the closure is leaked on purpose.
    Closure::<dyn Fn(String)>::new(navigate)
        .into_js_value()
        .unchecked_into()
}

fn window_property(name: &str) -> Option<JsValue> {
    let window = web_sys::window()?;
    Reflect::get(&window, &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined())
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn load_error(error: &JsValue) -> ClerkJsError {
    ClerkJsError::LoadFailed(js_message(error))
}

/// Resolves after `ms` milliseconds.
pub(crate) async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        let scheduled = web_sys::window().and_then(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32)
                .ok()
        });
        if scheduled.is_none() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}
