//! What a citizen sees: summary, actions with reasons, the calculation.

use crate::ingest::{CARD, bus_ride, city};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn the_summary_adds_up_the_credited_actions() {
    let city = city().await;
    let ride = city.send(&bus_ride("S-1", CARD, 7.4, 2)).await;
    let other = city.send(&bus_ride("S-2", CARD, 3.0, 5)).await;
    city.send(&bus_ride("S-3", "3100 0000 9999 0000", 3.0, 5))
        .await; // unbound: not theirs

    let res = city
        .app
        .authed(Method::GET, "/api/v1/me/summary", &city.rider)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let summary: Value = res.json().await.unwrap();
    let points = ride["points"].as_i64().unwrap() + other["points"].as_i64().unwrap();
    let co2e = ride["co2e_g"].as_i64().unwrap() + other["co2e_g"].as_i64().unwrap();
    assert_eq!(summary["balance"], points);
    assert_eq!(summary["co2e_g_total"], co2e);
    assert_eq!(summary["weeks"].as_array().unwrap().len(), 12);
    let charted: i64 = summary["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["co2e_g_by_kind"]["bus_ride"].as_i64())
        .sum();
    assert_eq!(
        charted, co2e,
        "the chart holds every gram of the last 12 weeks"
    );
    assert!(summary["streak_days"].as_u64().unwrap() >= 1);
    assert_eq!(summary["recent"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_action_list_pages_filters_and_explains() {
    let city = city().await;
    for i in 0..5 {
        city.send(&bus_ride(
            &format!("P-{i}"),
            CARD,
            2.0 + f64::from(i),
            10 - i64::from(i),
        ))
        .await;
    }
    let mut too_long = bus_ride("P-LONG", CARD, 250.0, 1);
    too_long["ended_at"] = json!(null);
    city.send(&too_long).await;

    let page: Value = city
        .app
        .authed(Method::GET, "/api/v1/me/actions?limit=4", &city.rider)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    let next = page["next_before_id"].as_i64().unwrap();
    let rest: Value = city
        .app
        .authed(
            Method::GET,
            &format!("/api/v1/me/actions?limit=4&before_id={next}"),
            &city.rider,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert!(rest["next_before_id"].is_null());

    let rejected: Value = city
        .app
        .authed(
            Method::GET,
            "/api/v1/me/actions?status=rejected",
            &city.rider,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = rejected["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["reasons"], json!(["quantity_out_of_bounds"]));

    let accepted = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["status"] == "accepted")
        .unwrap();
    let id = accepted["id"].as_i64().unwrap();
    let detail: Value = city
        .app
        .authed(
            Method::GET,
            &format!("/api/v1/me/actions/{id}"),
            &city.rider,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(detail["breakdown"]["reduction_g"].as_i64().unwrap() >= 0);
    assert_eq!(detail["breakdown"]["points"], detail["action"]["points"]);

    let bad = city
        .app
        .authed(
            Method::GET,
            "/api/v1/me/actions?status=lost&month=2026-13",
            &city.rider,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let not_a_number = city
        .app
        .authed(Method::GET, "/api/v1/me/actions?before_id=abc", &city.rider)
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_number.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn another_citizen_cannot_read_my_actions() {
    let city = city().await;
    let ride = city.send(&bus_ride("O-1", CARD, 7.4, 2)).await;
    assert_eq!(ride["status"], "accepted");
    let page: Value = city
        .app
        .authed(Method::GET, "/api/v1/me/actions", &city.rider)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = page["items"][0]["id"].as_i64().unwrap();

    let intruder = city.app.citizen("13800002222").await;
    let res = city
        .app
        .authed(Method::GET, &format!("/api/v1/me/actions/{id}"), &intruder)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let theirs: Value = city
        .app
        .authed(Method::GET, "/api/v1/me/actions", &intruder)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"], json!([]));
    let summary: Value = city
        .app
        .authed(Method::GET, "/api/v1/me/summary", &intruder)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(summary["balance"], 0);
}
