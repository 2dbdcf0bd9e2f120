//! Citizens' claims and the review queue.

use crate::helpers::{Session, TestApp, spawn_app};
use chrono::{Duration, FixedOffset, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tanpu_core::UserId;
use tanpu_core::account::{Login, Role};
use tanpu_server::services::{accounts, ledger};

fn claim(km: f64, hours_ago: i64, note: &str) -> Value {
    let city = FixedOffset::east_opt(8 * 3600).unwrap();
    let start = (Utc::now() - Duration::hours(hours_ago)).with_timezone(&city);
    json!({
        "kind": "bus_ride",
        "started_at": start.to_rfc3339(),
        "ended_at": (start + Duration::minutes(20)).to_rfc3339(),
        "quantity": km,
        "unit": "km",
        "note": note,
    })
}

pub async fn reviewer(app: &TestApp) -> Session {
    accounts::create_user(
        &app.db,
        accounts::NewUser {
            login: Login::parse("reviewer@test.cn").unwrap(),
            nickname: "审核员".into(),
            password: "review-secret-2026".into(),
            role: Role::Reviewer,
        },
    )
    .await
    .unwrap();
    app.login("reviewer@test.cn", "review-secret-2026").await
}

async fn file(app: &TestApp, citizen: &Session, body: &Value) -> reqwest::Response {
    app.authed(Method::POST, "/api/v1/me/claims", citizen)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn balance(app: &TestApp, citizen: &Session) -> i64 {
    ledger::accounts::find_citizen(&app.db, UserId(citizen.user_id))
        .await
        .unwrap()
        .map_or(0, |a| a.balance.0)
}

#[tokio::test]
async fn a_claim_is_held_then_approved_at_the_self_declared_rate() {
    let app = spawn_app().await;
    let citizen = app.citizen("13800001111").await;
    let staff = reviewer(&app).await;

    let res = file(
        &app,
        &citizen,
        &claim(5.0, 2, "5 路公交刷卡没成功，08:10 东昌湖上车"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let filed: Value = res.json().await.unwrap();
    assert_eq!(filed["status"], "held");
    assert_eq!(filed["reasons"], json!(["self_declared"]));
    assert_eq!(filed["points"], 0, "nothing before a reviewer approves");

    let refused = app
        .authed(Method::GET, "/api/v1/review/queue", &citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let queue: Value = app
        .authed(Method::GET, "/api/v1/review/queue", &staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item = &queue["items"][0];
    assert_eq!(item["self_declared"], true);
    assert_eq!(item["note"], "5 路公交刷卡没成功，08:10 东昌湖上车");
    let promised = item["points_if_approved"].as_i64().unwrap();
    assert!(promised > 0);

    let id = filed["id"].as_i64().unwrap();
    let approved = app
        .authed(
            Method::POST,
            &format!("/api/v1/review/actions/{id}/approve"),
            &staff,
        )
        .json(&json!({"note": "已核实"}))
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::OK);
    let approved: Value = approved.json().await.unwrap();
    assert_eq!(approved["status"], "accepted");
    assert_eq!(approved["points"], promised);
    assert_eq!(balance(&app, &citizen).await, promised);

    let again = app
        .authed(
            Method::POST,
            &format!("/api/v1/review/actions/{id}/approve"),
            &staff,
        )
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "decided once");
    assert_eq!(balance(&app, &citizen).await, promised);

    // The citizen sees the outcome and the reviewer's note.
    let detail: Value = app
        .authed(Method::GET, &format!("/api/v1/me/actions/{id}"), &citizen)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["action"]["status"], "accepted");
    assert_eq!(detail["action"]["review_note"], "已核实");
    assert!(ledger::verify::verify(&app.db).await.unwrap().is_ok());
}

#[tokio::test]
async fn a_rejection_needs_a_note_and_credits_nothing() {
    let app = spawn_app().await;
    let citizen = app.citizen("13800001111").await;
    let staff = reviewer(&app).await;
    let filed: Value = file(&app, &citizen, &claim(3.0, 3, "忘带卡"))
        .await
        .json()
        .await
        .unwrap();
    let id = filed["id"].as_i64().unwrap();
    let path = format!("/api/v1/review/actions/{id}/reject");

    let silent = app
        .authed(Method::POST, &path, &staff)
        .json(&json!({"note": " "}))
        .send()
        .await
        .unwrap();
    assert_eq!(silent.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let rejected = app
        .authed(Method::POST, &path, &staff)
        .json(&json!({"note": "当天该线路停运"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), StatusCode::OK);
    let rejected: Value = rejected.json().await.unwrap();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["review_note"], "当天该线路停运");
    assert_eq!(balance(&app, &citizen).await, 0);
}

#[tokio::test]
async fn malformed_claims_are_refused_by_field() {
    let app = spawn_app().await;
    let citizen = app.citizen("13800001111").await;
    let mut bad_unit = claim(3.0, 3, "x");
    bad_unit["unit"] = json!("miles");
    let mut backwards = claim(3.0, 3, "x");
    backwards["ended_at"] = json!("2020-01-01T00:00:00+08:00");
    for (body, field) in [
        (claim(3.0, 3, "  "), "note"),
        (bad_unit, "unit"),
        (backwards, "ended_at"),
    ] {
        let res = file(&app, &citizen, &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let error: Value = res.json().await.unwrap();
        assert_eq!(error["error"]["details"]["field"], field);
    }
}
