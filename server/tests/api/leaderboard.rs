//! The opt-in leaderboard: only those who joined, by nickname, ranked by
//! CO2e saved in the period, with the caller's own place.

use crate::helpers::{Session, TestApp, spawn_app};
use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use tanpu_core::rules::calendar::city_date;
use tanpu_server::entities::{user_daily_totals, users};

/// Records that the citizen saved `grams` on the day `days_ago` (city time),
/// as ingestion does when it credits an action.
async fn saved(app: &TestApp, user: i64, days_ago: i64, grams: i64) {
    user_daily_totals::ActiveModel {
        user_id: Set(user),
        day: Set(city_date(Utc::now()) - Duration::days(days_ago)),
        kind: Set("bus_ride".to_owned()),
        points: Set(grams / 100),
        co2e_g: Set(grams),
        actions: Set(1),
    }
    .insert(&app.db)
    .await
    .unwrap();
}

async fn citizen_named(app: &TestApp, login: &str, nickname: &str) -> Session {
    let session = app.citizen(login).await;
    let res = app
        .authed(Method::PATCH, "/api/v1/me", &session)
        .json(&json!({ "nickname": nickname }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    session
}

async fn join(app: &TestApp, who: &Session, opt_in: bool) -> Value {
    let res = app
        .authed(Method::PUT, "/api/v1/me/leaderboard", who)
        .json(&json!({ "opt_in": opt_in }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn board(app: &TestApp, who: &Session, period: &str) -> Value {
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/leaderboard?period={period}"),
            who,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn ranks(board: &Value) -> Vec<(u64, String, i64)> {
    board["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["rank"].as_u64().unwrap(),
                e["nickname"].as_str().unwrap().to_owned(),
                e["co2e_g"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn only_citizens_who_joined_are_ranked_by_what_they_saved() {
    let app = spawn_app().await;
    let ann = citizen_named(&app, "13900000011", "Ann").await;
    let bo = citizen_named(&app, "13900000012", "Bo").await;
    let cy = citizen_named(&app, "13900000013", "Cy").await;
    let di = citizen_named(&app, "13900000014", "Di").await;
    saved(&app, ann.user_id, 0, 3_000).await;
    saved(&app, ann.user_id, 2, 2_000).await;
    saved(&app, bo.user_id, 1, 5_000).await;
    saved(&app, cy.user_id, 0, 9_000).await;
    // Ten days ago: outside the rolling week.
    saved(&app, di.user_id, 10, 7_000).await;

    let before = board(&app, &ann, "week").await;
    assert_eq!(before["opted_in"], false);
    assert!(before["entries"].as_array().unwrap().is_empty());

    let joined = join(&app, &ann, true).await;
    assert_eq!(joined["opted_in"], true);
    join(&app, &bo, true).await;
    join(&app, &di, true).await;
    // Cy saved the most but did not join: never shown.
    let week = board(&app, &bo, "week").await;
    assert_eq!(
        ranks(&week),
        [(1, "Ann".to_owned(), 5_000), (1, "Bo".to_owned(), 5_000)],
        "equal totals share a rank"
    );
    assert_eq!(week["me"]["rank"], 1);
    assert_eq!(week["me"]["is_me"], true);
    assert_eq!(week["ranked"], 2);
    assert!(!week.to_string().contains("Cy"));
    assert!(!week.to_string().contains("139000"), "no logins: {week}");

    saved(&app, bo.user_id, 0, 1).await;
    let week = board(&app, &ann, "week").await;
    assert_eq!(week["entries"][0]["nickname"], "Bo");
    assert_eq!(week["me"]["rank"], 2);
    assert_eq!(week["entries"][1]["is_me"], true);

    // Di saved nothing this week: joined but not ranked, and told so.
    let di_week = board(&app, &di, "week").await;
    assert_eq!(di_week["opted_in"], true);
    assert!(di_week["me"].is_null());

    // Leaving takes the nickname off the board at once.
    let left = join(&app, &ann, false).await;
    assert_eq!(left["opted_in"], false);
    assert!(left["me"].is_null());
    let week = board(&app, &bo, "week").await;
    assert_eq!(ranks(&week), [(1, "Bo".to_owned(), 5_001)]);

    // A frozen account is never ranked.
    let mut frozen: users::ActiveModel = users::Entity::find_by_id(bo.user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    frozen.frozen_at = Set(Some(Utc::now()));
    frozen.update(&app.db).await.unwrap();
    let week = board(&app, &di, "week").await;
    assert!(week["entries"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_month_counts_from_the_first_and_bad_periods_are_refused() {
    let app = spawn_app().await;
    let ann = citizen_named(&app, "13900000021", "Ann").await;
    join(&app, &ann, true).await;
    saved(&app, ann.user_id, 0, 1_000).await;
    let today = city_date(Utc::now());
    let month = board(&app, &ann, "month").await;
    assert_eq!(month["period"], "month");
    assert_eq!(month["me"]["co2e_g"], 1_000);
    // A day of last month never counts in this month.
    let days_into_month = i64::from(chrono::Datelike::day(&today));
    saved(&app, ann.user_id, days_into_month, 4_000).await;
    assert_eq!(board(&app, &ann, "month").await["me"]["co2e_g"], 1_000);

    let res = app
        .authed(Method::GET, "/api/v1/leaderboard?period=year", &ann)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app.get("/api/v1/leaderboard").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
