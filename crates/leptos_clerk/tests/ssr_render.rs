//! Server-side rendering of the browser half: what the first HTML contains for
//! signed-in and signed-out requests, from a `ClerkState` provided as context (the
//! state the axum layer hands over in the request extensions is covered, through the
//! real layer, by `auth_browser_state.rs`).
#![cfg(feature = "ssr")]

use leptos::prelude::*;
use leptos_clerk::*;
use leptos_clerk::{AuthSnapshot, ClerkState, ClerkUrls, UserSnapshot};
// Named, so that it wins over `leptos::prelude::Show` (both are glob imports above).
use leptos_clerk::{Show, UnknownWhen, When};

fn state(auth: AuthSnapshot) -> ClerkState {
    ClerkState {
        publishable_key: "pk_test_Y2xlcmsubG9jYWxob3N0JA".into(),
        proxy_url: Some("/__clerk".into()),
        domain: None,
        is_satellite: false,
        clerk_js_url: "/clerk-js/clerk.browser.js".into(),
        clerk_ui_url: "/clerk-ui/ui.browser.js".into(),
        urls: ClerkUrls {
            sign_in_url: "/sign-in".into(),
            sign_up_url: "/sign-up".into(),
            after_sign_out_url: "/".into(),
            ..ClerkUrls::default()
        },
        auth,
    }
}

fn signed_in(role: &str) -> AuthSnapshot {
    AuthSnapshot {
        user_id: Some("user_2abc".into()),
        session_id: Some("sess_2abc".into()),
        session_status: Some("active".into()),
        org_id: Some("org_1".into()),
        org_role: Some(role.into()),
        org_permissions: vec!["org:invoices:read".into()],
        user: Some(UserSnapshot {
            id: "user_2abc".into(),
            first_name: Some("Ada".into()),
            primary_email_address: Some("ada@example.com".into()),
            ..UserSnapshot::default()
        }),
        ..AuthSnapshot::default()
    }
}

/// Renders `view` the way leptos_axum does, with the request's parts as context, and
/// `state` (if any) provided as the page's Clerk state. Hydration markers (`<!>`) are
/// removed to keep the assertions readable.
fn render<V: IntoView + 'static>(state: Option<ClerkState>, view: impl FnOnce() -> V) -> String {
    let request = http::Request::builder().uri("/").body(()).unwrap();
    let (parts, ()) = request.into_parts();
    let owner = Owner::new();
    owner.with(|| {
        provide_context(parts);
        if let Some(state) = state {
            provide_context(state);
        }
        view().to_html().replace("<!>", "")
    })
}

#[component]
fn Whoami() -> impl IntoView {
    let auth = use_auth();
    let user = use_user();
    view! {
        <p id="who">
            {move || auth.user_id.get().unwrap_or_else(|| "anonymous".into())} "|"
            {move || user.user.get().and_then(|user| user.first_name).unwrap_or_default()} "|"
            {move || auth.is_loaded.get().to_string()} "|"
            {move || user.is_loaded.get().to_string()}
        </p>
    }
}

fn page() -> impl IntoView {
    view! {
        <ClerkProvider>
            <Whoami/>
            <SignedIn><span id="in">"welcome back"</span></SignedIn>
            <SignedOut><span id="out">"please sign in"</span></SignedOut>
            <Protect role="admin" fallback=|| view! { <span id="denied">"admins only"</span> }>
                <span id="admin">"admin area"</span>
            </Protect>
            <Protect permission="invoices:read"><span id="invoices">"invoices"</span></Protect>
            <Protect condition=|auth: AuthSnapshot| auth.org_slug.is_some()>
                <span id="slug">"has slug"</span>
            </Protect>
            <ClerkLoading><span id="loading">"loading"</span></ClerkLoading>
            <ClerkLoaded><span id="loaded">"loaded"</span></ClerkLoaded>
        </ClerkProvider>
    }
}

#[test]
fn signed_in_request_renders_the_signed_in_branch() {
    let html = render(Some(state(signed_in("org:admin"))), page);
    assert!(html.contains("user_2abc"), "{html}");
    assert!(html.contains("Ada"), "{html}");
    assert!(html.contains(r#"id="in""#), "{html}");
    assert!(!html.contains(r#"id="out""#), "{html}");
    assert!(
        html.contains(r#"id="admin""#) && !html.contains(r#"id="denied""#),
        "{html}"
    );
    assert!(html.contains(r#"id="invoices""#), "{html}");
    assert!(!html.contains(r#"id="slug""#), "{html}");
    // ClerkJS never runs on the server: loading, not loaded...
    assert!(
        html.contains(r#"id="loading""#) && !html.contains(r#"id="loaded""#),
        "{html}"
    );
    // ...but the server's auth state counts as loaded (as with @clerk/remix).
    assert!(html.contains("user_2abc|Ada|true|true"), "{html}");
}

#[test]
fn protect_shows_the_fallback_to_members_without_the_role() {
    let html = render(Some(state(signed_in("org:member"))), page);
    assert!(
        html.contains(r#"id="denied""#) && !html.contains(r#"id="admin""#),
        "{html}"
    );
}

#[test]
fn signed_out_request_renders_the_signed_out_branch() {
    let html = render(Some(state(AuthSnapshot::default())), page);
    assert!(html.contains("anonymous"), "{html}");
    assert!(
        html.contains(r#"id="out""#) && !html.contains(r#"id="in""#),
        "{html}"
    );
    assert!(
        !html.contains(r#"id="admin""#) && html.contains(r#"id="denied""#),
        "{html}"
    );
    assert!(!html.contains(r#"id="invoices""#), "{html}");
}

#[test]
fn without_server_state_nothing_counts_as_loaded_and_protect_renders_nothing() {
    let html = render(None, page);
    assert!(html.contains("anonymous"), "{html}");
    assert!(html.contains(r#"id="out""#), "{html}");
    assert!(
        !html.contains(r#"id="denied""#) && !html.contains(r#"id="admin""#),
        "{html}"
    );
    assert!(!html.contains("true"), "{html}");
}

#[test]
fn an_explicit_state_context_wins_over_the_request() {
    let html = render(None, || {
        provide_context(state(signed_in("org:admin")));
        page()
    });
    assert!(html.contains(r#"id="in""#), "{html}");
}

#[test]
fn clerk_scripts_embed_the_state_and_load_ui_before_clerk_js() {
    let html = render(
        Some(state(signed_in("org:admin"))),
        || view! { <ClerkScripts/> },
    );
    let state_tag = r#"<script type="application/json" id="__clerk_state">"#;
    let ui = html
        .find(r#"src="/clerk-ui/ui.browser.js""#)
        .expect("UI script");
    let js = html
        .find(r#"src="/clerk-js/clerk.browser.js""#)
        .expect("ClerkJS script");
    assert!(
        html.find(state_tag).expect("state element") < ui && ui < js,
        "{html}"
    );
    let clerk_js_tag = &html[html[..js].rfind("<script").unwrap()..];
    let clerk_js_tag = &clerk_js_tag[..clerk_js_tag.find('>').unwrap()];
    for attribute in [
        "defer",
        r#"crossorigin="anonymous""#,
        r#"data-clerk-publishable-key="pk_test_Y2xlcmsubG9jYWxob3N0JA""#,
        r#"data-clerk-proxy-url="/__clerk""#,
    ] {
        assert!(
            clerk_js_tag.contains(attribute),
            "{attribute} missing in {clerk_js_tag}"
        );
    }
    assert!(
        !clerk_js_tag.contains("data-clerk-domain"),
        "{clerk_js_tag}"
    );
}

#[test]
fn clerk_scripts_state_json_cannot_break_out_of_its_script_element() {
    let mut hostile = signed_in("org:admin");
    let name = "</script><script>alert(1)</script><!-- & \u{2028}";
    hostile.user.as_mut().unwrap().first_name = Some(name.into());
    let state = state(hostile);
    let html = render(Some(state.clone()), || view! { <ClerkScripts/> });
    let start = html.find(r#"id="__clerk_state">"#).unwrap() + r#"id="__clerk_state">"#.len();
    let json = &html[start..start + html[start..].find("</script>").unwrap()];
    assert!(
        !json.contains('<') && !json.contains('>') && !json.contains('&'),
        "{json}"
    );
    assert!(json.contains(r"\u003c/script\u003e"), "{json}");
    let parsed: ClerkState = serde_json::from_str(json).expect("the embedded state parses back");
    assert_eq!(parsed, state);
}

#[test]
fn clerk_scripts_render_nothing_without_state() {
    assert_eq!(render(None, || view! { <ClerkScripts/> }), "");
}

#[test]
fn mounted_components_render_sized_empty_placeholders() {
    let html = render(Some(state(signed_in("org:admin"))), || {
        view! {
            <ClerkProvider>
                <SignIn/>
                <SignUp path="/register"/>
                <UserProfile/>
                <UserButton after_sign_out_url="/bye"/>
            </ClerkProvider>
        }
    });
    for (slug, style) in [
        ("sign-in", "min-height:420px"),
        ("sign-up", "min-height:520px"),
        ("user-profile", "min-height:640px"),
        ("user-button", "min-width:28px"),
    ] {
        let at = html
            .find(&format!(r#"data-cl-mount="{slug}""#))
            .expect(slug);
        let tag_start = html[..at].rfind("<div").unwrap();
        let tag_end = at + html[at..].find('>').unwrap();
        let tag = &html[tag_start..=tag_end];
        assert!(tag.contains(r#"data-cl-mounted="false""#), "{tag}");
        assert!(tag.contains(style), "{tag}");
        assert!(
            html[tag_end + 1..].starts_with("</div>"),
            "placeholder must stay empty: {html}"
        );
    }
}

#[test]
fn buttons_are_plain_buttons_on_the_server() {
    let html = render(Some(state(AuthSnapshot::default())), || {
        view! {
            <ClerkProvider>
                <SignInButton/>
                <SignUpButton mode=ButtonMode::Modal class="primary">"Create account"</SignUpButton>
                <SignOutButton redirect_url="/bye"/>
                <RedirectToSignIn/>
            </ClerkProvider>
        }
    });
    assert!(
        html.starts_with(r#"<button type="button" data-cl-button="sign-in""#),
        "{html}"
    );
    assert!(html.contains(">Sign in</button>"), "{html}");
    assert!(
        html.contains(r#"class="primary""#) && html.contains("Create account"),
        "{html}"
    );
    assert!(html.contains(r#"data-cl-button="sign-out""#), "{html}");
    assert!(
        html.ends_with(">Sign out</button>"),
        "RedirectToSignIn renders nothing: {html}"
    );
}

#[test]
fn hooks_outside_the_provider_do_not_panic() {
    let html = render(Some(state(signed_in("org:admin"))), || view! { <Whoami/> });
    assert!(html.contains("anonymous| |false|false"), "{html}");
}

/// leptos_axum may drop a page's reactive owner on another worker thread than the one that
/// rendered it; nothing the provider stores on the server may be tied to its thread (a
/// thread-local value dropped elsewhere panics and kills the response).
#[test]
fn a_rendered_page_can_be_dropped_on_another_thread() {
    let (parts, ()) = http::Request::builder()
        .uri("/")
        .body(())
        .unwrap()
        .into_parts();
    let owner = Owner::new();
    let html = owner.with(|| {
        provide_context(parts);
        provide_context(state(signed_in("org:admin")));
        view! {
            <ClerkProvider>
                <SignedIn><UserButton/></SignedIn>
            </ClerkProvider>
        }
        .to_html()
    });
    assert!(html.contains("data-cl-mount=\"user-button\""), "{html}");
    std::thread::spawn(move || {
        owner.cleanup();
        drop(owner);
    })
    .join()
    .expect("cleaning up the page on another thread must not panic");
}

/// Every kind of `<Show when=…>`, each with a fallback.
fn show_page() -> impl IntoView {
    view! {
        <ClerkProvider>
            <Show when=When::SignedIn fallback=|| view! { <span id="in-no">"in: no"</span> }>
                <span id="in-yes">"in: yes"</span>
            </Show>
            <Show when=When::SignedOut fallback=|| view! { <span id="out-no">"out: no"</span> }>
                <span id="out-yes">"out: yes"</span>
            </Show>
            <Show
                when=When::Role("admin".into())
                fallback=|| view! { <span id="role-no">"role: no"</span> }
            >
                <span id="role-yes">"role: yes"</span>
            </Show>
            <Show
                when=When::Permission("org:invoices:read".into())
                fallback=|| view! { <span id="perm-no">"perm: no"</span> }
            >
                <span id="perm-yes">"perm: yes"</span>
            </Show>
            <Show
                when=When::Feature("reports".into())
                fallback=|| view! { <span id="feature-no">"feature: no"</span> }
            >
                <span id="feature-yes">"feature: yes"</span>
            </Show>
            <Show
                when=When::Plan("u:pro".into())
                fallback=|| view! { <span id="plan-no">"plan: no"</span> }
            >
                <span id="plan-yes">"plan: yes"</span>
            </Show>
            <Show
                when=When::check(|auth| auth.org_slug.is_none())
                fallback=|| view! { <span id="check-no">"check: no"</span> }
            >
                <span id="check-yes">"check: yes"</span>
            </Show>
        </ClerkProvider>
    }
}

/// Which of `kinds` rendered their children (`yes`) or their fallback (`no`), in order.
fn shown(html: &str, kinds: &[&str]) -> Vec<String> {
    kinds
        .iter()
        .map(|kind| {
            let yes = html.contains(&format!(r#"id="{kind}-yes""#));
            let no = html.contains(&format!(r#"id="{kind}-no""#));
            match (yes, no) {
                (true, false) => format!("{kind}: yes"),
                (false, true) => format!("{kind}: no"),
                (false, false) => format!("{kind}: nothing"),
                (true, true) => panic!("{kind}: both branches rendered: {html}"),
            }
        })
        .collect()
}

const KINDS: [&str; 7] = ["in", "out", "role", "perm", "feature", "plan", "check"];

#[test]
fn show_renders_children_or_fallback_for_each_when_kind_signed_in_with_a_role() {
    let mut auth = signed_in("org:admin");
    auth.features = Some("o:reports,u:beta".into());
    auth.plans = Some("u:pro".into());
    let html = render(Some(state(auth)), show_page);
    assert_eq!(
        shown(&html, &KINDS),
        [
            "in: yes",
            "out: no",
            "role: yes",
            "perm: yes",
            "feature: yes",
            "plan: yes",
            "check: yes"
        ]
    );
}

#[test]
fn show_renders_the_fallback_to_a_member_without_the_role_feature_or_plan() {
    let mut auth = signed_in("org:member");
    auth.org_permissions.clear();
    auth.org_slug = Some("acme".into());
    auth.features = Some("u:reports".into()); // a user feature: "reports" matches either scope
    auth.plans = Some("o:pro".into()); // an org plan: "u:pro" does not match
    let html = render(Some(state(auth)), show_page);
    assert_eq!(
        shown(&html, &KINDS),
        [
            "in: yes",
            "out: no",
            "role: no",
            "perm: no",
            "feature: yes",
            "plan: no",
            "check: no"
        ]
    );
}

#[test]
fn show_renders_only_signed_out_children_and_fallbacks_when_signed_out() {
    let html = render(Some(state(AuthSnapshot::default())), show_page);
    assert_eq!(
        shown(&html, &KINDS),
        [
            "in: no",
            "out: yes",
            "role: no",
            "perm: no",
            "feature: no",
            "plan: no",
            "check: no"
        ]
    );
}

#[test]
fn show_without_server_state_counts_as_signed_out_and_waits_for_other_checks() {
    let html = render(None, show_page);
    assert_eq!(
        shown(&html, &KINDS),
        [
            "in: no",
            "out: yes",
            "role: nothing",
            "perm: nothing",
            "feature: nothing",
            "plan: nothing",
            "check: nothing"
        ]
    );
}

#[test]
fn a_when_text_parses_to_its_condition_or_a_typed_error_never_a_panic() {
    assert!(matches!("signed-in".parse(), Ok(When::SignedIn)));
    assert!(matches!(When::try_from("signed-out"), Ok(When::SignedOut)));
    for text in ["signed-on", "", "Signed-In", "org:admin"] {
        let error = text.parse::<When>().unwrap_err();
        assert_eq!(error, UnknownWhen(text.to_owned()));
        assert!(error
            .to_string()
            .contains("expected \"signed-in\" or \"signed-out\""));
        assert_eq!(When::try_from(text).unwrap_err(), error);
    }
}
