//! Serves the app's SSR home page on loopback, for `scripts/bench.sh` (wrk): behind the Clerk
//! layer, and without it for a signed-out and a signed-in visitor, so the difference between a
//! layered page and the same page without the layer is the layer's cost per request.
//!
//! ```text
//! cargo run --release --example layer_overhead --features ssr
//! ```
//!
//! The layered router uses a production-type configuration: a `pk_live_` key for a test
//! Frontend API host, an `sk_live_` secret and the test-only fixture public key as `jwt_key`,
//! so tokens are verified without any network call and no handshake ever happens. The
//! layer-less routers provide a `ClerkState` computed once at start-up as Leptos context — the
//! signed-out one, and the signed-in one of the bench token — so their HTML is byte for byte the
//! signed-out and the signed-in page of the layered router.
//!
//! Prints `key=value` lines on stdout (the three URLs, a valid RS256 session token for the
//! `__session` cookie or an `Authorization: Bearer` header, and the `__client_uat` value), then
//! serves until killed or until `BENCH_SERVER_SECS` (default 600) have passed.
//!
//! With `--in-process` it serves nothing: it renders the page through both routers in this
//! process (no sockets), in interleaved batches, and prints the time per request of each
//! scenario — a measure of the layer's cost that other load on the machine disturbs less.
//!
//! With `--repeat <scenario> <count>` it renders the page of one scenario (`a`–`e`) `count`
//! times in process and exits: a steady loop for a profiler (`perf`, `valgrind`); with
//! `--trivial` as well, it sends the requests to a trivial handler instead of the page.

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::{to_bytes, Body};
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_clerk::server::{Auth, Clerk, ClerkConfig, InstanceType, PublishableKey};

// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::app::{shell, App};
// {% endif %}{{nl}}use {{crate_name}}::app::{shell, App};

use serde_json::json;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// The test-only fixture key pair of `leptos_clerk` (never used anywhere real).
const PRIVATE_KEY: &str =
    include_str!("../crates/leptos_clerk/tests/fixtures/test_only_rsa_a_private.pem");
const PUBLIC_KEY: &str =
    include_str!("../crates/leptos_clerk/tests/fixtures/test_only_rsa_a_public.pem");
/// The Frontend API host encoded in the bench's `pk_live_` key; it is never contacted.
const FRONTEND_API: &str = "clerk.bench.test";
/// A production-type secret key that authenticates nowhere.
const SECRET_KEY: &str = "sk_live_bench_not_a_real_secret";
/// Unreachable on purpose: with `jwt_key` set, the layer must not call the Backend API.
const API_URL: &str = "http://127.0.0.1:9";

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64
}

fn env_secs(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The production-type Clerk of the layered router; `origin` is the only authorized party.
fn bench_clerk(origin: &str) -> Clerk {
    let publishable_key = PublishableKey::from_frontend_api(FRONTEND_API, InstanceType::Production);
    let mut config = ClerkConfig::new(publishable_key.key, SECRET_KEY);
    config.jwt_key = Some(PUBLIC_KEY.into());
    config.api_url = API_URL.into();
    config.authorized_parties = vec![origin.to_owned()];
    Clerk::new(config).expect("the bench Clerk configuration is valid")
}

/// A session token signed with the fixture private key, valid for `lifetime_secs`.
fn session_token(origin: &str, iat: i64, lifetime_secs: i64) -> String {
    let claims = json!({
        "sub": "user_bench", "sid": "sess_bench", "sts": "active", "v": 2,
        "iss": format!("https://{FRONTEND_API}"), "azp": origin,
        "iat": iat, "nbf": iat - 10, "exp": iat + lifetime_secs,
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("test-key-a".into());
    let key = EncodingKey::from_rsa_pem(PRIVATE_KEY.as_bytes()).expect("fixture private key");
    jsonwebtoken::encode(&header, &claims, &key).expect("RS256 signing")
}

fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(env!("CARGO_PKG_NAME"))
        .site_root("target/site")
        .env(Env::PROD)
        .build()
}

/// The app's Leptos routes, like `build_router`; `provide` runs per request.
fn pages(options: &LeptosOptions, provide: impl Fn() + Clone + Send + Sync + 'static) -> Router {
    let shell_options = options.clone();
    Router::new()
        .leptos_routes_with_context(options, generate_route_list(App), provide, move || {
            shell(shell_options.clone())
        })
        .with_state(options.clone())
}

/// One request of a scenario: `a` = no layer, signed out; `b` signed out, `c` cookie, `d` Bearer
/// and the cookies (layer); `e` = no layer, signed in (with the cookies of `c`).
fn request(scenario: char, fixture: &Fixture) -> Request<Body> {
    let Fixture {
        host,
        token,
        client_uat,
    } = fixture;
    let builder = Request::builder()
        .uri("/")
        .header("host", host)
        .header("accept", "text/html");
    // A signed-in browser sends its cookies whether or not the server checks them, also with a
    // Bearer token (the layer then ignores them).
    let cookies = format!("__client_uat={client_uat}; __session={token}");
    let builder = match scenario {
        'c' | 'e' => builder.header("cookie", cookies),
        'd' => builder
            .header("cookie", cookies)
            .header("authorization", format!("Bearer {token}")),
        _ => builder,
    };
    builder.body(Body::empty()).expect("valid request")
}

/// What an in-process request of any scenario needs.
struct Fixture {
    host: String,
    token: String,
    client_uat: i64,
}

const SCENARIOS: [char; 5] = ['a', 'b', 'c', 'd', 'e'];

/// The scenarios served without the layer (the baselines).
fn is_baseline(scenario: char) -> bool {
    matches!(scenario, 'a' | 'e')
}

/// The routers of one measurement: without the layer (signed out and signed in) and with it.
struct Routers<'a> {
    plain: &'a Router,
    plain_signed_in: &'a Router,
    layered: &'a Router,
}

impl<'a> Routers<'a> {
    /// `plain` serves both baselines (for a handler that renders no Clerk state).
    fn with_one_baseline(plain: &'a Router, layered: &'a Router) -> Self {
        Routers {
            plain,
            plain_signed_in: plain,
            layered,
        }
    }

    fn of(&self, scenario: char) -> &Router {
        match scenario {
            'a' => self.plain,
            'e' => self.plain_signed_in,
            _ => self.layered,
        }
    }
}

/// `kind scenario=… us_min=… us_median=…`: the fastest and the median of `samples` (µs).
fn samples_line(kind: &str, scenario: char, samples: &[f64]) -> String {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (min, median) = (sorted[0], median(&sorted));
    format!("{kind} scenario={scenario} us_min={min:.2} us_median={median:.2}")
}

/// The median of sorted `samples`.
fn median(sorted: &[f64]) -> f64 {
    sorted[sorted.len() / 2]
}

/// The baseline a layered scenario is compared with: the same page without the layer.
fn baseline_of(scenario: char) -> char {
    if matches!(scenario, 'c' | 'd') {
        'e'
    } else {
        'a'
    }
}

/// Sends one request of every scenario per iteration (the order rotating from one iteration
/// to the next), `iterations` times after as many warm-up iterations as a tenth of that.
/// Prints per scenario the fastest and the median time per request (µs) and, for b–d, the
/// median of the paired differences with the baseline's request of the same iteration
/// (`diff_us`): load from outside the process drifts slowly, so it hits both requests of a
/// pair alike and the difference keeps the layer's own cost.
async fn measure_routers(kind: &str, routers: &Routers<'_>, fixture: &Fixture, iterations: usize) {
    let warm_up = iterations / 10;
    let mut micros = vec![Vec::with_capacity(iterations); SCENARIOS.len()];
    for iteration in 0..warm_up + iterations {
        for offset in 0..SCENARIOS.len() {
            let index = (iteration + offset) % SCENARIOS.len();
            let scenario = SCENARIOS[index];
            let started = Instant::now();
            serve_one(routers, fixture, scenario, kind).await;
            // The warm-up also fills the verified-token cache.
            if iteration >= warm_up {
                micros[index].push(started.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    let position = |scenario: char| {
        SCENARIOS
            .iter()
            .position(|&s| s == scenario)
            .expect("known")
    };
    for (index, &scenario) in SCENARIOS.iter().enumerate() {
        let mut line = samples_line(kind, scenario, &micros[index]);
        if !is_baseline(scenario) {
            let base = baseline_of(scenario);
            let mut diffs: Vec<f64> = micros[index]
                .iter()
                .zip(&micros[position(base)])
                .map(|(run, baseline)| run - baseline)
                .collect();
            diffs.sort_by(f64::total_cmp);
            line.push_str(&format!(" diff_us={:.2} vs={base}", median(&diffs)));
        }
        println!("{line}");
    }
}

/// Sends one request of `scenario` through its router and reads the body to its end (the SSR
/// render streams); panics unless it is a 200.
async fn serve_one(routers: &Routers<'_>, fixture: &Fixture, scenario: char, kind: &str) {
    let response = routers
        .of(scenario)
        .clone()
        .oneshot(request(scenario, fixture))
        .await
        .expect("infallible");
    assert!(
        response.status().is_success(),
        "{kind} {scenario}: not a 200"
    );
    to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body streams to its end");
}

/// Renders the page of `scenario` `count` times (for a profiler).
async fn repeat(routers: &Routers<'_>, fixture: &Fixture, scenario: char, count: usize) {
    for _ in 0..count {
        serve_one(routers, fixture, scenario, "repeat").await;
    }
}

/// Times `Clerk::authenticate_request` alone on the request heads of b–d.
async fn measure_authenticate(clerk: &Clerk, fixture: &Fixture, (rounds, batch): (usize, usize)) {
    let layered: Vec<char> = SCENARIOS.into_iter().filter(|s| !is_baseline(*s)).collect();
    let heads: Vec<_> = layered
        .iter()
        .map(|&scenario| request(scenario, fixture).into_parts().0)
        .collect();
    let mut micros = vec![Vec::new(); heads.len()];
    for round in 0..=rounds {
        for (i, head) in heads.iter().enumerate() {
            let started = Instant::now();
            for _ in 0..batch {
                std::hint::black_box(clerk.authenticate_request(head).await);
            }
            if round > 0 {
                micros[i].push(started.elapsed().as_secs_f64() * 1e6 / batch as f64);
            }
        }
    }
    for (&scenario, samples) in layered.iter().zip(micros) {
        println!("{}", samples_line("authenticate", scenario, &samples));
    }
}

/// A trivial handler without and with the layer (the layer's own cost, without the page).
fn trivial_routers(clerk: &Clerk) -> (Router, Router) {
    let trivial = Router::new().route("/", get(|| async { "ok" }));
    let layered = trivial.clone().layer(clerk.layer());
    (trivial, layered)
}

/// The in-process measurements: the page through both routers, the layer around a trivial
/// handler (its own cost, without the page), and `authenticate_request` alone.
async fn measure_in_process(pages: &Routers<'_>, clerk: &Clerk, fixture: &Fixture) {
    measure_routers("page", pages, fixture, 4000).await;
    let (trivial, trivial_layered) = trivial_routers(clerk);
    let trivial_routers = Routers::with_one_baseline(&trivial, &trivial_layered);
    measure_routers("layer_only", &trivial_routers, fixture, 40_000).await;
    measure_authenticate(clerk, fixture, (40, 2000)).await;
}

async fn serve(listener: TcpListener, app: Router) {
    if let Err(e) = axum::serve(listener, app.into_make_service()).await {
        eprintln!("server error: {e}");
    }
}

/// Whether `--in-process` was given.
fn in_process_mode() -> bool {
    std::env::args().any(|arg| arg == "--in-process")
}

fn main() {
    // In process, one thread: no wake-ups across worker threads blur the comparison.
    let mut runtime = if in_process_mode() || std::env::args().any(|arg| arg == "--repeat") {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    runtime
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(run());
}

async fn run() {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let plain_listener = TcpListener::bind(loopback).await.expect("bind 127.0.0.1:0");
    let signed_in_listener = TcpListener::bind(loopback).await.expect("bind 127.0.0.1:0");
    let layered_listener = TcpListener::bind(loopback).await.expect("bind 127.0.0.1:0");
    let plain_addr = plain_listener.local_addr().expect("bound address");
    let signed_in_addr = signed_in_listener.local_addr().expect("bound address");
    let layered_addr = layered_listener.local_addr().expect("bound address");
    let layered_origin = format!("http://{layered_addr}");

    let clerk = bench_clerk(&layered_origin);
    let options = leptos_options();
    let signed_out_state = clerk.clerk_state(&Auth::signed_out(None));
    let plain = pages(&options, move || provide_context(signed_out_state.clone()));
    let layered = pages(&options, || ()).layer(clerk.layer());

    let iat = unix_now();
    let lifetime = env_secs("BENCH_TOKEN_LIFETIME_SECS", 3600) as i64;
    let token = session_token(&layered_origin, iat, lifetime);
    // The signed-in page without the layer: the state the layer computes for this token,
    // computed once here (a fresh Clerk, so the layered one starts with an empty token cache).
    let claims = bench_clerk(&layered_origin)
        .verify_token(&token)
        .await
        .expect("the bench token verifies");
    let signed_in_state = clerk.clerk_state(&Auth::from_claims(claims, &token, true));
    if in_process_mode() {
        // The baselines copy their state into the Leptos context on every request, a copy the
        // layered pages do not make (they share one); reported so the overhead can be read
        // conservatively (measured overhead + this copy).
        let copies = 100_000;
        let started = Instant::now();
        for _ in 0..copies {
            std::hint::black_box(signed_in_state.clone());
        }
        let micros = started.elapsed().as_secs_f64() * 1e6 / copies as f64;
        println!("baseline_state_copy_us={micros:.3}");
    }
    let plain_signed_in = pages(&options, move || provide_context(signed_in_state.clone()));

    println!("baseline_url=http://{plain_addr}/");
    println!("baseline_signed_in_url=http://{signed_in_addr}/");
    println!("layered_url={layered_origin}/");
    println!("session_token={token}");
    println!("client_uat={iat}");
    println!("pid={}", std::process::id());

    let args: Vec<String> = std::env::args().collect();
    let fixture = Fixture {
        host: layered_addr.to_string(),
        token,
        client_uat: iat,
    };
    let routers = Routers {
        plain: &plain,
        plain_signed_in: &plain_signed_in,
        layered: &layered,
    };
    if let Some(at) = args.iter().position(|arg| arg == "--repeat") {
        let scenario = args.get(at + 1).and_then(|s| s.chars().next());
        let count = args.get(at + 2).and_then(|c| c.parse().ok());
        let (Some(scenario @ 'a'..='e'), Some(count)) = (scenario, count) else {
            eprintln!("usage: layer_overhead --repeat <a|b|c|d|e> <count> [--trivial]");
            std::process::exit(2);
        };
        if args.iter().any(|arg| arg == "--trivial") {
            let (trivial, trivial_layered) = trivial_routers(&clerk);
            let routers = Routers::with_one_baseline(&trivial, &trivial_layered);
            repeat(&routers, &fixture, scenario, count).await;
            return;
        }
        repeat(&routers, &fixture, scenario, count).await;
        return;
    }
    if in_process_mode() {
        measure_in_process(&routers, &clerk, &fixture).await;
        return;
    }

    let limit = Duration::from_secs(env_secs("BENCH_SERVER_SECS", 600));
    tokio::select! {
        _ = serve(plain_listener, plain) => {}
        _ = serve(signed_in_listener, plain_signed_in) => {}
        _ = serve(layered_listener, layered) => {}
        _ = tokio::time::sleep(limit) => eprintln!("layer_overhead: {limit:?} passed, exiting"),
    }
}
