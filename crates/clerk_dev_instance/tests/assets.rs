//! The ClerkJS bundle routes and the dev page.

mod common;

use common::*;

#[tokio::test]
async fn bundles_are_served_with_content_types_and_without_traversal() {
    let dir = tempfile::tempdir().unwrap();
    let assets = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(assets.path().join("clerk-js/dist")).unwrap();
    std::fs::create_dir_all(assets.path().join("ui/dist/chunks")).unwrap();
    std::fs::write(
        assets.path().join("clerk-js/dist/clerk.browser.js"),
        "window.Clerk=1",
    )
    .unwrap();
    std::fs::write(
        assets.path().join("ui/dist/chunks/x_ui_1.36.0.js"),
        "ui chunk",
    )
    .unwrap();
    std::fs::write(assets.path().join("ui/dist/styles.css"), "a{}").unwrap();
    std::fs::write(assets.path().join("secret.txt"), "do not serve").unwrap();
    let root = assets.path().to_path_buf();
    let app = start_with(dir.path(), move |mut c| {
        c.assets_dir = Some(root);
        c
    })
    .await;
    let get = |path: &str| {
        let url = format!("{}/__clerk/npm/{path}", app.base);
        async move { reqwest::get(url).await.unwrap() }
    };
    let response = get("@clerk/clerk-js@6.40.0/dist/clerk.browser.js").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(response.text().await.unwrap(), "window.Clerk=1");
    let response = get("@clerk/ui@1.36.0/dist/chunks/x_ui_1.36.0.js").await;
    assert_eq!(response.text().await.unwrap(), "ui chunk");
    let response = get("@clerk/ui@1.36.0/dist/styles.css").await;
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );

    for evil in [
        "@clerk/ui@1.36.0/dist/..%2F..%2Fsecret.txt",
        "@clerk/ui@1.36.0/dist/%2e%2e/%2e%2e/secret.txt",
        "@clerk/ui@1.36.0/dist/chunks/..%5C..%5C..%5Csecret.txt",
        "@clerk/clerk-js@6.40.0/dist/%2Fetc%2Fpasswd",
    ] {
        let response = get(evil).await;
        assert_eq!(response.status(), 404, "{evil}");
        assert!(!response.text().await.unwrap().contains("do not serve"));
    }
    let response = get("@clerk/clerk-js@6.39.0/dist/clerk.browser.js").await;
    assert_eq!(response.status(), 404, "other versions are not served");
}

#[tokio::test]
async fn missing_bundles_tell_how_to_fetch_them() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let url = format!(
        "{}/__clerk/npm/@clerk/clerk-js@6.40.0/dist/clerk.browser.js",
        app.base
    );
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("fetch-assets.sh"));

    let empty = tempfile::tempdir().unwrap();
    let root = empty.path().to_path_buf();
    let app = start_with(tempfile::tempdir().unwrap().path(), move |mut c| {
        c.assets_dir = Some(root);
        c
    })
    .await;
    let url = format!(
        "{}/__clerk/npm/@clerk/ui@1.36.0/dist/ui.browser.js",
        app.base
    );
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("fetch-assets.sh"));
}

#[tokio::test]
async fn the_dev_page_escapes_what_users_typed() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let form = [
        ("email_address", "x@example.com"),
        ("password", "long-enough-pw"),
        ("first_name", "<script>alert(1)</script>"),
    ];
    let (_, body) = fapi(&browser, &app, "POST", "/v1/client/sign_ups", &form).await;
    let id = body["response"]["id"].as_str().unwrap();
    let path = format!("/v1/client/sign_ups/{id}/prepare_verification");
    fapi(&browser, &app, "POST", &path, &[("strategy", "email_code")]).await;
    let code = code_from_dev_page(&app, "x@example.com").await;
    let path = format!("/v1/client/sign_ups/{id}/attempt_verification");
    let (status, _) = fapi(
        &browser,
        &app,
        "POST",
        &path,
        &[("strategy", "email_code"), ("code", &code)],
    )
    .await;
    assert_eq!(status, 200);
    let html = reqwest::get(format!("{}/__clerk/dev", app.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)"));
    // The page tells developers how to call the local Backend API.
    let secret = app.instance.secret_key();
    assert!(secret.starts_with("sk_test_"));
    assert!(html.contains(&format!("<code id=\"secret-key\">{secret}</code>")));
}

#[tokio::test]
async fn bundles_are_compressed_by_accept_encoding_and_immutable() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let assets = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(assets.path().join("clerk-js/dist")).unwrap();
    let js = "window.Clerk = { loaded: false };\n".repeat(500);
    std::fs::write(assets.path().join("clerk-js/dist/clerk.browser.js"), &js).unwrap();
    let root = assets.path().to_path_buf();
    let app = start_with(dir.path(), move |mut c| {
        c.assets_dir = Some(root);
        c
    })
    .await;
    let url = format!(
        "{}/__clerk/npm/@clerk/clerk-js@6.40.0/dist/clerk.browser.js",
        app.base
    );
    let client = reqwest::Client::new();
    let get = |accept: &'static str| {
        let request = client.get(&url);
        let request = match accept {
            "" => request,
            accept => request.header("accept-encoding", accept),
        };
        async move { request.send().await.unwrap() }
    };
    for (accept, encoding) in [
        ("gzip, deflate, br, zstd", Some("br")),
        ("gzip;q=1.0, br;q=0", Some("gzip")),
        ("", None),
        ("identity", None),
    ] {
        let response = get(accept).await;
        assert_eq!(response.status(), 200, "{accept}");
        let headers = response.headers().clone();
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(headers["vary"], "accept-encoding");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let body = response.bytes().await.unwrap();
        let mut decoded = String::new();
        match encoding {
            Some("br") => brotli::Decompressor::new(&body[..], 4096)
                .read_to_string(&mut decoded)
                .unwrap(),
            Some(_) => flate2::read::GzDecoder::new(&body[..])
                .read_to_string(&mut decoded)
                .unwrap(),
            None => std::io::Cursor::new(&body[..])
                .read_to_string(&mut decoded)
                .unwrap(),
        };
        assert_eq!(decoded, js, "{accept}");
        if encoding.is_some() {
            assert!(body.len() < js.len() / 10, "{accept}: {} bytes", body.len());
        }
    }
}
