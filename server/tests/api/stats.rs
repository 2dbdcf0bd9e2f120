//! `GET /api/v1/public/stats` reads real totals from the database.

use crate::helpers::spawn_app;
use chrono::NaiveDate;
use serde_json::{Value, json};
use tanpu_core::{GramsCo2e, Points};
use tanpu_server::services::rollups;

fn demo_key() -> tanpu_server::config::Secret {
    tanpu_server::config::Secret::new("b".repeat(32))
}

#[tokio::test]
async fn a_new_city_has_nothing_yet() {
    let app = spawn_app().await;
    let stats: Value = app.get("/api/v1/public/stats").await.json().await.unwrap();
    assert_eq!(
        stats,
        json!({"citizens": 0, "co2e_g": 0, "points_issued": 0})
    );
}

#[tokio::test]
async fn totals_count_citizens_and_sum_every_credited_day() {
    let app = spawn_app().await;
    tanpu_server::demo::seed(&app.db, &demo_key())
        .await
        .unwrap();

    let day1 = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let day2 = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    for (day, kind, g, p) in [
        (day1, "bus_ride", 1_813, 18),
        (day1, "bus_ride", 2_000, 20),
        (day2, "bus_ride", 500, 5),
        (day2, "refuel_offpeak", 0, 40),
    ] {
        let mut pending = rollups::Pending::default();
        pending.credited(day, kind, GramsCo2e(g), Points(p));
        pending.flush(&app.db).await.unwrap();
    }

    let stats: Value = app.get("/api/v1/public/stats").await.json().await.unwrap();
    assert_eq!(
        stats,
        json!({"citizens": 5, "co2e_g": 4_313, "points_issued": 83}),
        "five demo citizens (admin and reviewer are not citizens)"
    );
}

#[tokio::test]
async fn seeding_the_demo_twice_changes_nothing() {
    let app = spawn_app().await;
    let first = tanpu_server::demo::seed(&app.db, &demo_key())
        .await
        .unwrap();
    let second = tanpu_server::demo::seed(&app.db, &demo_key())
        .await
        .unwrap();
    assert_eq!(first.accounts_created, 7);
    assert_eq!(first.bindings_created, 7);
    assert_eq!(second.accounts_created, 0);
    assert_eq!(second.accounts_existing, 7);
    assert_eq!(second.bindings_created, 0);
    assert_eq!(first.rewards_created, 4);
    assert_eq!(second.rewards_created, 0);
}
