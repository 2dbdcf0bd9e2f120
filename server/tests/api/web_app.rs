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
