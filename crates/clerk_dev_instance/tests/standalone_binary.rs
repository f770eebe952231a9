//! The `clerk-dev-instance` binary as an external Clerk: as a production instance it hands out
//! `pk_live_`/`sk_live_` keys, tells ClerkJS it is one, registers the OAuth application from its
//! environment and prints every variable the app needs; a bad setting stops it with the
//! variable's name.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The running binary and the `NAME=value` lines it printed.
struct Standalone {
    child: Child,
    vars: Vec<(String, String)>,
    base: String,
}

impl Standalone {
    fn var(&self, name: &str) -> &str {
        self.vars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{name} was not printed: {:?}", self.vars))
    }
}

impl Drop for Standalone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(data_dir: &std::path::Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clerk-dev-instance"));
    command
        .env_clear()
        .env("CLERK_DEV_INSTANCE_ADDR", format!("127.0.0.1:{port}"))
        .env("CLERK_DEV_DATA_DIR", data_dir)
        .env("CLERK_DEV_APP_ORIGINS", "http://127.0.0.1:4000")
        .env("RUST_LOG", "warn");
    command
}

/// Starts the binary and collects its printed variables up to the last one expected.
fn start(mut command: Command, port: u16, last: &str) -> Standalone {
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut vars = Vec::new();
    loop {
        let line = receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the binary prints its variables within 60 s");
        if let Some((name, value)) = line.split_once('=') {
            if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                vars.push((name.to_owned(), value.to_owned()));
                if name == last {
                    break;
                }
            }
        }
    }
    Standalone {
        child,
        vars,
        base: format!("http://127.0.0.1:{port}"),
    }
}

#[tokio::test]
async fn as_a_production_instance_it_hands_out_live_keys_and_prints_the_apps_variables() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let callback = "http://127.0.0.1:4000/auth/clerk/callback";
    let mut command = command(dir.path(), port);
    command
        .env("CLERK_DEV_INSTANCE_ENVIRONMENT", "production")
        .env("CLERK_DEV_OAUTH_CLIENT_ID", "acme-app")
        .env("CLERK_DEV_OAUTH_REDIRECT_URIS", callback);
    let instance = start(command, port, "CLERK_OAUTH_CALLBACK_URL");

    assert_eq!(
        instance.var("CLERK_PUBLISHABLE_KEY"),
        clerk_dev_instance::PUBLISHABLE_KEY_LIVE
    );
    let secret = instance.var("CLERK_SECRET_KEY").to_owned();
    assert!(
        secret.starts_with("sk_live_") && secret.len() > 40,
        "{secret}"
    );
    assert_eq!(
        instance.var("CLERK_API_URL"),
        format!("{}/api", instance.base)
    );
    assert_eq!(instance.var("CLERK_FRONTEND_API_URL"), instance.base);
    assert_eq!(instance.var("CLERK_OAUTH_DOMAIN"), instance.base);
    assert_eq!(instance.var("CLERK_OAUTH_CLIENT_ID"), "acme-app");
    assert_eq!(instance.var("CLERK_OAUTH_CALLBACK_URL"), callback);
    assert!(instance.var("CLERK_OAUTH_CLIENT_SECRET").len() >= 32);

    let http = reqwest::Client::new();
    let environment: serde_json::Value = http
        .get(format!("{}/v1/environment", instance.base))
        .header("origin", "http://127.0.0.1:4000")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        environment["display_config"]["instance_environment_type"],
        "production"
    );
    // The Backend API takes the live secret key, and nothing else.
    let users = |key: String| {
        http.get(format!("{}/api/v1/users", instance.base))
            .bearer_auth(key)
            .send()
    };
    assert_eq!(users(secret.clone()).await.unwrap().status(), 200);
    let test_key = secret.replacen("sk_live_", "sk_test_", 1);
    assert_eq!(users(test_key).await.unwrap().status(), 401);
}

#[tokio::test]
async fn by_default_it_is_a_development_instance_without_oauth() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let instance = start(command(dir.path(), port), port, "CLERK_FRONTEND_API_URL");
    assert_eq!(
        instance.var("CLERK_PUBLISHABLE_KEY"),
        clerk_dev_instance::PUBLISHABLE_KEY
    );
    assert!(instance.var("CLERK_SECRET_KEY").starts_with("sk_test_"));
    assert!(!instance
        .vars
        .iter()
        .any(|(n, _)| n.starts_with("CLERK_OAUTH")));
}

#[test]
fn a_bad_setting_stops_it_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("CLERK_DEV_INSTANCE_ENVIRONMENT", "staging"),
        ("CLERK_DEV_OAUTH_CLIENT_ID", "acme-app"),
        ("CLERK_DEV_TOKEN_LIFETIME_SECS", "a minute"),
        ("CLERK_DEV_DEMO_USER", "no-password-here"),
    ];
    for (name, value) in cases {
        let output = command(dir.path(), free_port())
            .env(name, value)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{name}={value} must not start");
        let log = String::from_utf8_lossy(&output.stdout).to_string()
            + &String::from_utf8_lossy(&output.stderr);
        // CLERK_DEV_OAUTH_CLIENT_ID without redirect URIs names the missing variable.
        let named = if name == "CLERK_DEV_OAUTH_CLIENT_ID" {
            "CLERK_DEV_OAUTH_REDIRECT_URIS"
        } else {
            name
        };
        assert!(log.contains(named), "{name}={value}: {log}");
    }
}
