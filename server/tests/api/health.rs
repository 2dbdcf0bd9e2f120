//! Liveness and readiness.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn healthz_and_readyz_answer_ok() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": "ok"}));
    }
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_gone_and_healthz_stays_up() {
    let app = spawn_app().await;
    app.db.close_by_ref().await.unwrap();

    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable");

    let stats = app.get("/api/v1/public/stats").await;
    assert_eq!(stats.status(), StatusCode::SERVICE_UNAVAILABLE);

    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}
