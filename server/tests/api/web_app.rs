//! Serving the Trunk build: files, SPA fallback for client routes, caching.

use crate::helpers::{spawn_app, write_dist_file};
use reqwest::StatusCode;

const INDEX: &str = "<!doctype html><html lang=\"zh-CN\"><body>Tanpu</body></html>";

#[tokio::test]
async fn client_routes_load_the_app_with_status_200() {
    let app = spawn_app().await;
    write_dist_file(app.dist.path(), "index.html", INDEX);
    for path in ["/", "/how-it-works", "/some/deep/link"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(res.text().await.unwrap(), INDEX, "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_missing_files_are_404() {
    let app = spawn_app().await;
    write_dist_file(app.dist.path(), "index.html", INDEX);
    write_dist_file(app.dist.path(), "style-0123456789abcdef.css", "body{}");

    let css = app.get("/style-0123456789abcdef.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(
        css.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );

    let missing = app.get("/tanpu-0123456789abcdef.js").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn text_assets_are_compressed_when_the_client_accepts_it() {
    let app = spawn_app().await;
    let big_css = "body { color: #1b5e20; }\n".repeat(200);
    write_dist_file(app.dist.path(), "style-0123456789abcdef.css", &big_css);
    let res = app
        .client
        .get(app.url("/style-0123456789abcdef.css"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
}

/// `scripts/build-web.sh` writes `<file>.br` and `<file>.gz` beside each
/// hashed asset: those bytes go out as they are, to a client that accepts
/// their encoding, instead of being compressed again on every load.
#[tokio::test]
async fn precompressed_assets_are_sent_as_built() {
    let app = spawn_app().await;
    let wasm = "tanpu-frontend-0123456789abcdef_bg.wasm";
    write_dist_file(app.dist.path(), wasm, &"\0asm".repeat(400));
    write_dist_file(
        app.dist.path(),
        &format!("{wasm}.br"),
        "built with brotli -q 11",
    );
    write_dist_file(app.dist.path(), &format!("{wasm}.gz"), "built with gzip -9");
    for (accepted, encoding, body) in [
        ("gzip, deflate, br, zstd", "br", "built with brotli -q 11"),
        ("gzip, deflate", "gzip", "built with gzip -9"),
    ] {
        let res = app
            .client
            .get(app.url(&format!("/{wasm}")))
            .header("accept-encoding", accepted)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{accepted}");
        assert_eq!(res.headers()["content-encoding"], encoding, "{accepted}");
        assert_eq!(
            res.headers()["content-type"],
            "application/wasm",
            "{accepted}"
        );
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{accepted}"
        );
        assert_eq!(res.text().await.unwrap(), body, "{accepted}");
    }
}

#[tokio::test]
async fn every_answer_is_hardened_and_the_page_allows_only_its_own_loader() {
    let app = spawn_app().await;
    let page = "<!doctype html><html><head><script type=\"module\">init();</script></head></html>";
    write_dist_file(app.dist.path(), "index.html", page);

    let res = app.get("/rewards").await;
    assert_eq!(res.status(), StatusCode::OK);
    let policy = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
        "{policy}"
    );
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(
        !policy.contains("script-src 'self' 'unsafe-inline'"),
        "{policy}"
    );

    for path in [
        "/rewards",
        "/api/v1/public/stats",
        "/api/v1/nope",
        "/healthz",
    ] {
        let res = app
            .client
            .get(app.url(path))
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        let headers = res.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert!(headers.contains_key("content-security-policy"), "{path}");
        assert!(
            !headers.contains_key("access-control-allow-origin"),
            "CORS stays closed: {path}"
        );
    }
    // A reload revalidates the page: the 304 carries the page's policy too,
    // or the browser would apply a stricter one to the cached page.
    let first = app.get("/").await;
    let modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    let again = app
        .client
        .get(app.url("/"))
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let policy = again.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");

    let json = app.get("/api/v1/public/stats").await;
    assert_eq!(
        json.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
    // A cross-origin preflight gets no permission either.
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/auth/login"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(!res.headers().contains_key("access-control-allow-origin"));
}

/// The staff console is a build of its own (`dist/staff`): its routes load
/// its page, with the policy of its own loader; every other route loads the
/// citizen app's, and the console's files are served from its folder.
#[tokio::test]
async fn console_routes_load_the_staff_build_and_the_rest_the_citizen_app() {
    let app = spawn_app().await;
    let citizen = "<html><head><script type=\"module\">citizen();</script></head></html>";
    let staff = "<html><head><script type=\"module\">staff();</script></head></html>";
    write_dist_file(app.dist.path(), "index.html", citizen);
    std::fs::create_dir(app.dist.path().join("staff")).unwrap();
    write_dist_file(app.dist.path(), "staff/index.html", staff);
    write_dist_file(
        app.dist.path(),
        "staff/tanpu-staff-0123456789abcdef.js",
        "export default 1;",
    );
    let policy_of = |res: &reqwest::Response| {
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    // sha256("staff();") and sha256("citizen();"), base64.
    let staff_hash = "'sha256-42bLK6EM8oELCNmpYuS17leZ+1VGR7eqlJ0czmezKE4='";
    let citizen_hash = "'sha256-QfN5Oua4ndkbz9CBjoyad32pdAAnanrxxtUVsexmihg='";

    for path in ["/admin", "/admin/rules/3", "/review"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let policy = policy_of(&res);
        assert!(policy.contains(staff_hash), "{path}: {policy}");
        assert_eq!(res.text().await.unwrap(), staff, "{path}");
    }
    for path in ["/", "/rewards", "/administrator", "/reviews"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let policy = policy_of(&res);
        assert!(policy.contains(citizen_hash), "{path}: {policy}");
        assert!(!policy.contains(staff_hash), "{path}: {policy}");
        assert_eq!(res.text().await.unwrap(), citizen, "{path}");
    }
    let asset = app.get("/staff/tanpu-staff-0123456789abcdef.js").await;
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let direct = app.get("/staff/index.html").await;
    assert!(policy_of(&direct).contains(staff_hash));
}
