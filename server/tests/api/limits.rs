//! Abuse limits on sign-in, registration and partner ingest: 429 with
//! Retry-After.
//!
//! Sign-in windows are aligned to the clock, so a burst may straddle two
//! windows; sending 2 × limit + 1 attempts guarantees one window overflows.

use crate::helpers::{
    PartnerCreds, TestApp, bus_ride_record, create_partner, first_refusal, spawn_app,
    spawn_app_with,
};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tanpu_server::entities::actions;

async fn assert_limited(res: reqwest::Response, window_secs: u64) {
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=window_secs).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
}

#[tokio::test]
async fn guessing_one_accounts_password_is_cut_off() {
    let app = spawn_app().await;
    app.register("13800001111", "green-commute-2026").await;
    let (index, res) = first_refusal(
        async |_| {
            app.post_json(
                "/api/v1/auth/login",
                &json!({"login": "13800001111", "password": "guess-guess"}),
            )
            .await
        },
        21,
    )
    .await;
    assert!(
        index >= 10,
        "the first 10 attempts of a window are allowed (refused at {index})"
    );
    assert_limited(res, 15 * 60).await;

    // While limited, even the right password is refused: guessing stops.
    let right = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "13800001111", "password": "green-commute-2026"}),
        )
        .await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn one_address_spraying_many_accounts_is_cut_off() {
    let app = spawn_app().await;
    let (index, res) = first_refusal(
        async |i| {
            app.post_json(
                "/api/v1/auth/login",
                &json!({"login": format!("1380000{i:04}"), "password": "guess-guess"}),
            )
            .await
        },
        41,
    )
    .await;
    assert!(index >= 20, "refused at {index}");
    assert_limited(res, 60).await;
}

#[tokio::test]
async fn mass_registration_from_one_address_is_cut_off() {
    let app = spawn_app().await;
    let (index, res) = first_refusal(
        async |i| {
            app.post_json(
                "/api/v1/auth/register",
                &json!({"login": format!("1390000{i:04}"), "password": "green-commute-2026",
                        "nickname": "n", "consent": true}),
            )
            .await
        },
        61,
    )
    .await;
    assert!(index >= 30, "refused at {index}");
    assert_limited(res, 60 * 60).await;
}

/// A signed batch of `count` bus rides named `{prefix}-{i}`, sent under
/// `msg_id` at `timestamp` (so the very same request can be sent again).
async fn send_rides(
    app: &TestApp,
    partner: &PartnerCreds,
    prefix: &str,
    count: usize,
    msg_id: &str,
    timestamp: i64,
) -> reqwest::Response {
    let records: Vec<Value> = (0..count)
        .map(|i| bus_ride_record(&format!("{prefix}-{i}"), "31000000000001", "5.0", 60))
        .collect();
    let body = json!({ "records": records }).to_string();
    app.signed_at(
        Method::POST,
        "/api/v1/partner/actions/batch",
        partner,
        &body,
        msg_id,
        timestamp,
    )
    .send()
    .await
    .unwrap()
}

async fn stored(app: &TestApp, prefix: &str) -> u64 {
    actions::Entity::find()
        .filter(actions::Column::ExternalId.starts_with(format!("{prefix}-")))
        .count(&app.db)
        .await
        .unwrap()
}

fn fresh_id() -> String {
    format!("msg_{}", uuid::Uuid::new_v4().simple())
}

#[tokio::test]
async fn a_partner_over_its_record_rate_is_refused_and_nothing_is_stored() {
    // One record per second, five at once.
    let app = spawn_app_with(|args| {
        args.partner_limit.partner_records_per_second = 1;
        args.partner_limit.partner_burst_records = 5;
    })
    .await;
    let bus = create_partner(&app.db, "公交", &["bus_ride"]).await;
    let metro = create_partner(&app.db, "地铁", &["bus_ride"]).await;
    let now = chrono::Utc::now().timestamp();

    // Strangers naming the partner cannot spend its budget: a wrong
    // signature is refused before anything is counted.
    let impostor = PartnerCreds {
        id: bus.id,
        secret: metro.secret.clone(),
    };
    for _ in 0..5 {
        let res = send_rides(&app, &impostor, "fake", 5, &fresh_id(), now).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }

    let res = send_rides(&app, &bus, "first", 5, &fresh_id(), now).await;
    assert_eq!(res.status(), StatusCode::OK, "the burst is allowed");

    // Over the limit: 429 in our shape, Retry-After in whole seconds (two
    // records at one a second), and not one record stored.
    let over_id = fresh_id();
    let res = send_rides(&app, &bus, "over", 2, &over_id, now).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "Retry-After {retry_after}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(stored(&app, "over").await, 0);

    // Single records count too.
    let one = bus_ride_record("single-0", "31000000000001", "5.0", 60).to_string();
    let res = app
        .signed(Method::POST, "/api/v1/partner/actions", &bus, &one)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(stored(&app, "single").await, 0);

    // Another partner has a budget of its own.
    let res = send_rides(&app, &metro, "metro", 5, &fresh_id(), now).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(stored(&app, "metro").await, 5);

    // The refused request left no trace, not even its id: after the wait,
    // the very same request is taken (not refused as a replay).
    tokio::time::sleep(std::time::Duration::from_secs(retry_after)).await;
    let res = send_rides(&app, &bus, "over", 2, &over_id, now).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(stored(&app, "over").await, 2);
    assert_eq!(stored(&app, "first").await, 5);
}
