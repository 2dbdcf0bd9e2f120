//! Administrators and citizens: search, the citizen's page, freezing,
//! manual adjustments, and who may call which admin route.

use crate::ingest::{CARD, bus_ride, city};
use crate::review::reviewer;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn admin_session(app: &crate::helpers::TestApp) -> crate::helpers::Session {
    app.login("admin@test.cn", "admin-secret-2026").await
}

async fn call(
    app: &crate::helpers::TestApp,
    who: &crate::helpers::Session,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = app.authed(method, path, who);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn citizens_are_found_by_phone_nickname_and_card() {
    let city = city().await;
    let app = &city.app;
    let admin = admin_session(app).await;
    let id = city.rider.user_id;
    let ids_for = |body: &Value| -> Vec<i64> {
        body["citizens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["user"]["id"].as_i64().unwrap())
            .collect()
    };
    for (q, matched) in [
        ("13800001111", "login"),
        ("0000111", "login"),
        ("测试", "nickname"),
        (CARD, "binding"),
        ("3100123456789012", "binding"),
    ] {
        let path = format!("/api/v1/admin/citizens?q={}", urlencode(q));
        let (status, body) = call(app, &admin, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{q}: {body}");
        assert!(ids_for(&body).contains(&id), "{q}: {body}");
        let row = body["citizens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["user"]["id"] == id)
            .unwrap();
        assert_eq!(row["matched"], matched, "{q}");
    }
    // The masked form the citizen sees finds them too.
    let (_, page) = call(
        app,
        &admin,
        Method::GET,
        &format!("/api/v1/admin/citizens/{id}"),
        None,
    )
    .await;
    let masked = page["bindings"][0]["masked"].as_str().unwrap().to_owned();
    let (_, body) = call(
        app,
        &admin,
        Method::GET,
        &format!("/api/v1/admin/citizens?q={}", urlencode(&masked)),
        None,
    )
    .await;
    assert_eq!(ids_for(&body), [id]);
    // `_` is a character, not a wildcard.
    let (_, body) = call(app, &admin, Method::GET, "/api/v1/admin/citizens?q=_", None).await;
    assert!(ids_for(&body).is_empty(), "{body}");
    let (status, _) = call(app, &admin, Method::GET, "/api/v1/admin/citizens?q=", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_frozen_citizen_is_locked_out_and_their_records_are_held() {
    let city = city().await;
    let app = &city.app;
    let admin = admin_session(app).await;
    let id = city.rider.user_id;
    let freeze = format!("/api/v1/admin/citizens/{id}/freeze");

    let (status, body) = call(
        app,
        &admin,
        Method::POST,
        &freeze,
        Some(json!({"reason": " "})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = call(
        app,
        &admin,
        Method::POST,
        &freeze,
        Some(json!({"reason": "card reported stolen"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["frozen"], true);
    let (status, _) = call(
        app,
        &admin,
        Method::POST,
        &freeze,
        Some(json!({"reason": "again"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The citizen's token stops working at once.
    let (status, _) = call(app, &city.rider, Method::GET, "/api/v1/me", None).await;
    assert_ne!(status, StatusCode::OK);
    // Their next partner record is held, not credited.
    let result = city.send(&bus_ride("LC-BUS-F1", CARD, 5.0, 1)).await;
    assert_eq!(result["status"], "held", "{result}");
    assert_eq!(result["reasons"], json!(["account_frozen"]));
    assert_eq!(city.balance().await, 0);

    let (_, page) = call(
        app,
        &admin,
        Method::GET,
        &format!("/api/v1/admin/citizens/{id}"),
        None,
    )
    .await;
    assert_eq!(page["frozen_reason"], "card reported stolen");
    assert_eq!(page["actions"][0]["status"], "held");

    let (status, body) = call(
        app,
        &admin,
        Method::POST,
        &format!("/api/v1/admin/citizens/{id}/unfreeze"),
        Some(json!({"reason": "card recovered"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["frozen"], false);
    let result = city.send(&bus_ride("LC-BUS-F2", CARD, 5.0, 3)).await;
    assert_eq!(result["status"], "accepted", "{result}");

    let (_, audit) = call(
        app,
        &admin,
        Method::GET,
        "/api/v1/admin/audit?action=citizen.",
        None,
    )
    .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["citizen.unfreeze", "citizen.freeze"]);
    // Administrators cannot lock themselves out.
    let (status, _) = call(
        app,
        &admin,
        Method::POST,
        &format!("/api/v1/admin/citizens/{}/freeze", admin.user_id),
        Some(json!({"reason": "oops"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_manual_adjustment_is_audited_and_on_the_citizens_statement() {
    let city = city().await;
    let app = &city.app;
    let admin = admin_session(app).await;
    let id = city.rider.user_id;
    let path = format!("/api/v1/admin/citizens/{id}/adjustments");

    let (status, body) = call(
        app,
        &admin,
        Method::POST,
        &path,
        Some(json!({"amount": 500, "reason": "missed rides in March, ticket 4411"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["balance"], 500);
    let (status, body) = call(
        app,
        &admin,
        Method::POST,
        &path,
        Some(json!({"amount": -600, "reason": "too much"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["details"]["reason"], "insufficient_balance");
    for bad in [
        json!({"amount": 0, "reason": "x"}),
        json!({"amount": 5, "reason": ""}),
        json!({"amount": 1_000_001, "reason": "x"}),
        // Its absolute value does not fit an i64 (found by schemathesis).
        json!({"amount": i64::MIN, "reason": "x"}),
    ] {
        let (status, _) = call(app, &admin, Method::POST, &path, Some(bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, body) = call(
        app,
        &admin,
        Method::POST,
        &path,
        Some(json!({"amount": -200, "reason": "duplicate credit"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["balance"], 300);
    assert_eq!(city.balance().await, 300);

    // The citizen sees both, with the reasons, on their statement.
    let (_, export) = call(app, &city.rider, Method::GET, "/api/v1/me/export", None).await;
    let lines: Vec<(i64, &str, &str)> = export["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["amount"].as_i64().unwrap(),
                l["reason"].as_str().unwrap(),
                l["memo"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (-200, "adjustment", "duplicate credit"),
            (500, "adjustment", "missed rides in March, ticket 4411"),
        ]
    );
    let (_, audit) = call(
        app,
        &admin,
        Method::GET,
        "/api/v1/admin/audit?action=citizen.adjust",
        None,
    )
    .await;
    let items = audit["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["after"]["amount"], -200, "{audit}");
    assert_eq!(items[0]["before"]["balance"], 500);
}

#[tokio::test]
async fn every_admin_route_refuses_citizens_and_reviewers() {
    let city = city().await;
    let app = &city.app;
    let staff = reviewer(app).await;
    let id = city.rider.user_id;
    let routes: Vec<(Method, String)> = vec![
        (Method::GET, "/api/v1/admin/citizens?q=138".into()),
        (Method::GET, format!("/api/v1/admin/citizens/{id}")),
        (Method::POST, format!("/api/v1/admin/citizens/{id}/freeze")),
        (
            Method::POST,
            format!("/api/v1/admin/citizens/{id}/unfreeze"),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/citizens/{id}/adjustments"),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/citizens/{id}/bindings/1/remove"),
        ),
        (Method::PUT, format!("/api/v1/admin/users/{id}/role")),
        (Method::GET, "/api/v1/admin/partners".into()),
        (Method::POST, "/api/v1/admin/partners".into()),
        (Method::POST, "/api/v1/admin/partners/1/rotate".into()),
        (Method::POST, "/api/v1/admin/partners/1/disable".into()),
        (
            Method::POST,
            "/api/v1/admin/partners/1/retire-old-secrets".into(),
        ),
        (Method::GET, "/api/v1/admin/ledger/verify".into()),
        (Method::GET, "/api/v1/admin/audit".into()),
        (Method::GET, "/api/v1/admin/rules".into()),
        (Method::POST, "/api/v1/admin/rules".into()),
        (Method::GET, "/api/v1/admin/rewards".into()),
        (Method::POST, "/api/v1/admin/rewards".into()),
        (Method::PUT, "/api/v1/admin/rewards/1".into()),
        (Method::GET, "/api/v1/admin/rewards/1/redemptions".into()),
        (Method::POST, "/api/v1/admin/vouchers/use".into()),
    ];
    for who in [&city.rider, &staff] {
        for (method, path) in &routes {
            let res = app
                .authed(method.clone(), path, who)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{method} {path}");
        }
    }
    // Reviewers work the review queue; citizens cannot.
    let (status, _) = call(app, &staff, Method::GET, "/api/v1/review/queue", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(app, &city.rider, Method::GET, "/api/v1/review/queue", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn partner_and_role_changes_are_audited_without_secrets() {
    let city = city().await;
    let app = &city.app;
    let admin = admin_session(app).await;
    let bus = city.bus.id;
    for path in [
        format!("/api/v1/admin/partners/{bus}/rotate"),
        format!("/api/v1/admin/partners/{bus}/retire-old-secrets"),
        format!("/api/v1/admin/partners/{bus}/disable"),
    ] {
        let (status, _) = call(app, &admin, Method::POST, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let (status, _) = call(
        app,
        &admin,
        Method::PUT,
        &format!("/api/v1/admin/users/{}/role", city.rider.user_id),
        Some(json!({"role": "reviewer"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (_, audit) = call(
        app,
        &admin,
        Method::GET,
        "/api/v1/admin/audit?limit=20",
        None,
    )
    .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "user.role",
            "partner.disable",
            "partner.retire_old_secrets",
            "partner.rotate",
            "partner.create"
        ]
    );
    assert!(audit["items"][0]["actor_id"] == admin.user_id, "{audit}");
    assert_eq!(audit["items"][0]["before"]["role"], "citizen");
    assert!(
        !audit.to_string().contains("whsec_"),
        "no secret in the log"
    );
}
