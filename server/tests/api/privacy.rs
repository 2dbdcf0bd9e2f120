//! Personal data rights: export everything; delete the account but keep
//! the ledger whole.

use crate::helpers::assert_clears_session_cookies;
use crate::ingest::{CARD, bus_ride, city};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tanpu_core::UserId;
use tanpu_server::services::ledger;

#[tokio::test]
async fn a_citizen_exports_everything_held_about_them() {
    let city = city().await;
    let ride = city.send(&bus_ride("X-1", CARD, 7.4, 2)).await;
    let res = city
        .app
        .authed(Method::GET, "/api/v1/me/export", &city.rider)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("3100123456789012"),
        "card numbers are not held, so not exported"
    );
    let export: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(export["account"]["login"], "13800001111");
    assert_eq!(export["bindings"][0]["masked"], "•••• 9012");
    assert_eq!(export["actions"][0]["co2e_g"], 1813);
    assert_eq!(export["balance"], ride["points"]);
    assert_eq!(export["ledger"][0]["amount"], ride["points"]);
    assert_eq!(export["ledger"][0]["reason"], "green_action");
}

#[tokio::test]
async fn deleting_an_account_erases_the_person_and_keeps_the_ledger_whole() {
    let city = city().await;
    city.send(&bus_ride("D-1", CARD, 7.4, 2)).await;
    assert!(city.balance().await > 0);
    let citizens = |stats: Value| stats["citizens"].as_i64().unwrap();
    let before = citizens(
        city.app
            .get("/api/v1/public/stats")
            .await
            .json()
            .await
            .unwrap(),
    );

    let wrong = city
        .app
        .authed(Method::DELETE, "/api/v1/me", &city.rider)
        .json(&json!({"password": "not-it"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let deleted = city
        .app
        .authed(Method::DELETE, "/api/v1/me", &city.rider)
        .json(&json!({"password": "green-commute-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_clears_session_cookies(&deleted);
    let after = citizens(
        city.app
            .get("/api/v1/public/stats")
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(
        after,
        before - 1,
        "a deleted account is no longer a citizen"
    );

    // The person is gone: no sign-in, no session, the login is free again.
    let login = city
        .app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "13800001111", "password": "green-commute-2026"}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
    let me = city
        .app
        .authed(Method::GET, "/api/v1/me", &city.rider)
        .send()
        .await
        .unwrap();
    assert_ne!(me.status(), StatusCode::OK);
    assert_eq!(
        city.app.refresh(&city.rider.refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );
    city.app.register("13800001111", "a-new-life-2026").await;

    // The card is free for someone else.
    let other = city.app.citizen("13800002222").await;
    let rebind = city
        .app
        .authed(Method::POST, "/api/v1/me/bindings", &other)
        .json(&json!({"type": "transit_card", "value": CARD}))
        .send()
        .await
        .unwrap();
    assert_eq!(rebind.status(), StatusCode::CREATED);

    // The ledger keeps the history; the balance was forfeited by a transfer.
    let account = ledger::accounts::find_citizen(&city.app.db, UserId(city.rider.user_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.balance.0, 0);
    let report = ledger::verify::verify(&city.app.db).await.unwrap();
    assert!(report.is_ok(), "{report}");
}
