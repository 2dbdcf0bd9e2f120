//! The app's home page (`GET /api/v1/me/summary`) and the first page of
//! the citizen's actions are served from memory between changes
//! (`services::citizen_cache`). Whatever changes a citizen's balance or
//! actions — every way there is — their next read must show it, on the
//! server that made the change at once and on another server (PostgreSQL)
//! as soon as the notice arrives. Each page read here is compared with one
//! computed straight from the database.

use crate::helpers::{OtherServer, SEVERAL_SERVERS, Session, TestApp, end_sessions};
use crate::imports::{csv_ride, finished, upload};
use crate::ingest::{CARD, City, bus_ride, city};
use crate::review::reviewer;
use chrono::{Duration as Days, FixedOffset, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tanpu_core::UserId;
use tanpu_core::rules::calendar::city_date;
use tanpu_server::services::citizen::{self, ActionFilter};

/// How long a change may take to reach another server.
const REACH: Duration = Duration::from_secs(5);

/// The summary as the database has it now.
async fn from_database(app: &TestApp, who: &Session) -> Value {
    let summary = citizen::summary(&app.db, UserId(who.user_id), Utc::now())
        .await
        .unwrap();
    serde_json::to_value(summary).unwrap()
}

/// The first page of actions as the database has it now.
async fn first_page_from_database(app: &TestApp, who: &Session) -> Value {
    let page = citizen::actions_page(&app.db, UserId(who.user_id), ActionFilter::default())
        .await
        .unwrap();
    serde_json::to_value(page).unwrap()
}

/// The summary as `base` serves it.
async fn served(app: &TestApp, base: &str, who: &Session) -> Value {
    get(app, &format!("{base}/api/v1/me/summary"), who).await
}

/// The first page of actions as the app asks for it from `base`.
async fn first_page_served(app: &TestApp, base: &str, who: &Session) -> Value {
    get(app, &format!("{base}/api/v1/me/actions?limit=20"), who).await
}

async fn get(app: &TestApp, url: &str, who: &Session) -> Value {
    let res = app
        .client
        .get(url)
        .bearer_auth(&who.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Reads the summary and the first page of actions until the server
/// remembers both (on PostgreSQL once its listener is connected), checking
/// them against the database each time; both, as one value.
async fn remembered(app: &TestApp, who: &Session) -> Value {
    let started = Instant::now();
    let user = UserId(who.user_id);
    loop {
        let summary = served(app, &app.url(""), who).await;
        assert_eq!(summary, from_database(app, who).await);
        let page = first_page_served(app, &app.url(""), who).await;
        assert_eq!(page, first_page_from_database(app, who).await);
        let today = city_date(Utc::now());
        if app.citizens.summary(user, today).is_some() && app.citizens.first_actions(user).is_some()
        {
            return json!({"summary": summary, "actions": page});
        }
        assert!(started.elapsed() < REACH, "the pages were never remembered");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// After a change: the next summary and first page (served from memory
/// again the time after) are the database's, and the summary differs from
/// `before`'s.
async fn changed_since(app: &TestApp, who: &Session, before: &Value, what: &str) -> Value {
    let now = remembered(app, who).await;
    assert_ne!(
        now["summary"], before["summary"],
        "{what} did not change the summary"
    );
    assert_eq!(
        served(app, &app.url(""), who).await,
        now["summary"],
        "{what}"
    );
    assert_eq!(
        first_page_served(app, &app.url(""), who).await,
        now["actions"],
        "{what}"
    );
    now
}

async fn post(app: &TestApp, who: &Session, path: &str, body: &Value) -> Value {
    let res = app
        .authed(Method::POST, path, who)
        .json(body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.unwrap()
}

/// Imports a CSV file of one ride through the admin API and waits for it.
async fn import_one_ride(city: &City, admin: &Session, id: &str, card: &str) {
    let file = format!(
        "external_id,kind,subject_type,subject_value,started_at,ended_at,quantity,unit,route,district\n{}",
        csv_ride(id, card, "3.5", 3)
    );
    let (status, started) = upload(city, admin, "csv", file).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let view = finished(city, admin, &started["id"]).await;
    assert_eq!(view["status"], "done", "{view}");
}

#[tokio::test]
async fn every_change_of_a_citizen_shows_in_their_next_summary() {
    let city = city().await;
    let app = &city.app;
    let rider = &city.rider;
    let admin = app.login("admin@test.cn", "admin-secret-2026").await;
    let staff = reviewer(app).await;
    let mut summary = remembered(app, rider).await;

    // A single partner record, then a batch.
    city.send(&bus_ride("FRESH-1", CARD, 6.0, 30)).await;
    summary = changed_since(app, rider, &summary, "a single record").await;
    city.send_batch(&[
        bus_ride("FRESH-2", CARD, 4.0, 27),
        bus_ride("FRESH-3", CARD, 5.0, 24),
    ])
    .await;
    summary = changed_since(app, rider, &summary, "a batch").await;

    // A claim the citizen files (held), then a reviewer's approval.
    let city_time = FixedOffset::east_opt(8 * 3600).unwrap();
    let start = (Utc::now() - Days::hours(21)).with_timezone(&city_time);
    let claim = post(
        app,
        rider,
        "/api/v1/me/claims",
        &json!({
            "kind": "bus_ride",
            "started_at": start.to_rfc3339(),
            "ended_at": (start + Days::minutes(20)).to_rfc3339(),
            "quantity": 5.0,
            "unit": "km",
            "note": "5 路公交刷卡没成功",
        }),
    )
    .await;
    summary = changed_since(app, rider, &summary, "a claim").await;
    post(
        app,
        &staff,
        &format!("/api/v1/review/actions/{}/approve", claim["id"]),
        &json!({"note": "已核实"}),
    )
    .await;
    summary = changed_since(app, rider, &summary, "an approval").await;

    // An administrator's adjustment.
    post(
        app,
        &admin,
        &format!("/api/v1/admin/citizens/{}/adjustments", rider.user_id),
        &json!({"amount": 500, "reason": "missed rides, ticket 4411"}),
    )
    .await;
    summary = changed_since(app, rider, &summary, "an adjustment").await;

    // A redemption.
    let reward = post(
        app,
        &admin,
        "/api/v1/admin/rewards",
        &json!({
            "category": "transit_pass",
            "name": "一日公交卡",
            "description": "Unlimited bus rides for a day.",
            "price": 100,
            "stock": 5,
            "voucher_days": 30,
            "active": true,
        }),
    )
    .await;
    let redeemed = app
        .authed(
            Method::POST,
            &format!("/api/v1/rewards/{}/redeem", reward["id"]),
            rider,
        )
        .header("idempotency-key", "fresh-redeem-1")
        .send()
        .await
        .unwrap();
    assert!(redeemed.status().is_success());
    summary = changed_since(app, rider, &summary, "a redemption").await;

    // A file import, credited batch by batch in the background.
    import_one_ride(&city, &admin, "FRESH-4", CARD).await;
    summary = changed_since(app, rider, &summary, "an import").await;

    // Records of a card nobody had bound, credited when the rider binds it.
    let second_card = "3100 5555 6666 7777";
    let waiting = city.send(&bus_ride("FRESH-5", second_card, 4.5, 18)).await;
    assert_eq!(waiting["reasons"], json!(["unbound_subject"]));
    assert_eq!(
        remembered(app, rider).await,
        summary,
        "another card's record is not the rider's"
    );
    post(
        app,
        rider,
        "/api/v1/me/bindings",
        &json!({"type": "transit_card", "value": second_card}),
    )
    .await;
    changed_since(app, rider, &summary, "binding a card with waiting records").await;
}

/// Reads `other`'s summary until it is the database's.
async fn until_fresh_on(app: &TestApp, other: &OtherServer, who: &Session) -> Duration {
    let started = Instant::now();
    let base = format!("http://{}", other.addr);
    loop {
        if served(app, &base, who).await == from_database(app, who).await {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < REACH,
            "the other server still serves an old summary after {REACH:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credit_through_one_server_shows_in_the_summary_another_remembered() {
    let city = city().await;
    let app = &city.app;
    if app.skips_on_sqlite(
        "a_credit_through_one_server_shows_in_the_summary_another_remembered",
        SEVERAL_SERVERS,
    ) {
        return;
    }
    let rider = &city.rider;
    let other = app.other_server().await;
    let base = format!("http://{}", other.addr);
    until_remembered_on(app, &other, rider).await;
    let before = served(app, &base, rider).await;

    city.send(&bus_ride("ELSEWHERE-1", CARD, 6.0, 30)).await;
    let took = until_fresh_on(app, &other, rider).await;
    eprintln!("the credit reached the other server's summary in {took:?}");
    assert_ne!(served(app, &base, rider).await, before);
    // Told, not silenced: it serves from memory again.
    until_remembered_on(app, &other, rider).await;
}

/// Reads `other`'s summary until it serves it from memory again.
async fn until_remembered_on(app: &TestApp, other: &OtherServer, who: &Session) {
    let started = Instant::now();
    let base = format!("http://{}", other.addr);
    while other
        .citizens
        .summary(UserId(who.user_id), city_date(Utc::now()))
        .is_none()
    {
        assert_eq!(served(app, &base, who).await, from_database(app, who).await);
        assert!(
            started.elapsed() < REACH,
            "the other server never served from memory again"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_whose_listener_was_cut_never_serves_what_it_missed() {
    let city = city().await;
    let app = &city.app;
    if app.skips_on_sqlite(
        "a_server_whose_listener_was_cut_never_serves_what_it_missed",
        "only PostgreSQL has listeners",
    ) {
        return;
    }
    let rider = &city.rider;
    let other = app.other_server().await;
    until_remembered_on(app, &other, rider).await;

    // Every session of the database but this one ends — the other
    // server's listener among them — and a credit goes through the first
    // server at once: its notice may go out while nobody listens.
    end_sessions(app).await;
    city.send(&bus_ride("CUT-1", CARD, 6.0, 30)).await;
    let took = until_fresh_on(app, &other, rider).await;
    eprintln!("after the cut, the other server served the credit in {took:?}");
    until_remembered_on(app, &other, rider).await;
}
