//! `POST /api/v1/auth/register`.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn registration(login: &str, password: &str) -> Value {
    json!({
        "login": login,
        "password": password,
        "nickname": "东昌湖骑手",
        "consent": true,
    })
}

#[tokio::test]
async fn a_citizen_registers_with_a_normalised_mobile_number() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            "/api/v1/auth/register",
            &registration("+86 138 0000 1234", "k5-bus-to-work"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["login"], "13800001234");
    assert_eq!(user["role"], "citizen");
    assert!(user.get("password_hash").is_none());
}

#[tokio::test]
async fn a_taken_login_is_a_conflict_and_creates_nothing() {
    let app = spawn_app().await;
    let first = app
        .post_json(
            "/api/v1/auth/register",
            &registration("Li.Hua@Example.cn", "k5-bus-to-work"),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = app
        .post_json(
            "/api/v1/auth/register",
            &registration("li.hua@example.cn", "other-password-9"),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"]["code"], "conflict");
    assert_eq!(body["error"]["details"]["field"], "login");

    let stats: Value = app.get("/api/v1/public/stats").await.json().await.unwrap();
    assert_eq!(stats["citizens"], 1);
}

#[tokio::test]
async fn weak_passwords_and_missing_consent_are_refused_by_field() {
    let app = spawn_app().await;
    let cases = [
        (
            registration("13800001234", "short"),
            "password",
            "too_short",
        ),
        (
            registration("13800001234", "password1"),
            "password",
            "too_common",
        ),
        (
            registration("12345", "k5-bus-to-work"),
            "login",
            "not_a_login",
        ),
        (
            json!({"login": "13800001234", "password": "k5-bus-to-work", "nickname": "n",
                   "consent": false}),
            "consent",
            "consent_required",
        ),
    ];
    for (body, field, reason) in cases {
        let res = app.post_json("/api/v1/auth/register", &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let error: Value = res.json().await.unwrap();
        assert_eq!(
            error["error"]["details"],
            json!({"field": field, "reason": reason})
        );
    }
}
