//! Every failure answers with `{"error": {"code", "message", "details"}}` and
//! the right status; no bad input produces a 500.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn error_of(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    assert_eq!(
        res.headers()["content-type"],
        "application/json",
        "error answers are JSON"
    );
    let body: Value = res.json().await.unwrap();
    assert!(body["error"]["message"].is_string(), "{body}");
    (status, body["error"].clone())
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/no-such-thing",
        "/api/v2/public/stats",
        "/api",
        "/api/",
    ] {
        let (status, error) = error_of(app.get(path).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error["code"], "not_found", "{path}");
    }
}

#[tokio::test]
async fn malformed_json_is_a_400_with_its_position() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body("{\n  \"login\": \"13800000001\",\n  \"password\": }")
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["code"], "invalid_json");
    assert_eq!(error["details"], json!({"line": 3, "column": 15}));
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    let huge = "x".repeat(tanpu_server::routes::API_BODY_LIMIT_BYTES + 1);
    let res = app
        .post_json("/api/v1/auth/register", &json!({ "login": huge }))
        .await;
    let (status, error) = error_of(res).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error["code"], "payload_too_large");
    assert_eq!(
        error["details"]["limit_bytes"],
        tanpu_server::routes::API_BODY_LIMIT_BYTES
    );
}

#[tokio::test]
async fn bodies_that_are_not_json_get_415() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "text/plain")
        .body("login=1")
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(res).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error["code"], "unsupported_media_type");
}

#[tokio::test]
async fn unknown_fields_and_wrong_types_are_422() {
    let app = spawn_app().await;
    for body in [
        json!({"login": "13800000001", "password": "a-long-pass", "nickname": "n",
               "consent": true, "role": "admin"}),
        json!({"login": 13800000001_u64, "password": "a-long-pass", "nickname": "n",
               "consent": true}),
        json!([]),
    ] {
        let (status, error) = error_of(app.post_json("/api/v1/auth/register", &body).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error["code"], "validation_failed", "{body}");
    }
}

#[tokio::test]
async fn wrong_methods_are_json_405s() {
    let app = spawn_app().await;
    let res = app
        .client
        .delete(app.url("/api/v1/public/stats"))
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(res).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error["code"], "method_not_allowed");
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/public/stats").await;
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let echoed = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "partner-trace-1")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "partner-trace-1");
}
