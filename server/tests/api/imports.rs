//! File imports: CSV and JSON Lines through the admin API, progress, the
//! error file, and running the same file again.

use crate::ingest::{CARD, city};
use chrono::{Duration, FixedOffset, Utc};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A ride of `km` that started `hours_ago` hours ago, as a CSV row.
pub(crate) fn csv_ride(id: &str, card: &str, km: &str, hours_ago: i64) -> String {
    let city = FixedOffset::east_opt(8 * 3600).unwrap();
    let start = (Utc::now() - Duration::hours(hours_ago)).with_timezone(&city);
    let end = start + Duration::minutes(22);
    format!(
        "{id},bus_ride,transit_card,{card},{},{},{km},km,K5,东昌府区\n",
        start.to_rfc3339(),
        end.to_rfc3339()
    )
}

pub(crate) async fn upload(
    city: &crate::ingest::City,
    admin: &crate::helpers::Session,
    format: &str,
    body: String,
) -> (StatusCode, Value) {
    let res = city
        .app
        .authed(
            Method::POST,
            &format!(
                "/api/v1/admin/partners/{}/imports?format={format}&name=rides.{format}",
                city.bus.id
            ),
            admin,
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

/// Polls the import until it is no longer running.
pub(crate) async fn finished(
    city: &crate::ingest::City,
    admin: &crate::helpers::Session,
    id: &Value,
) -> Value {
    for _ in 0..200 {
        let view: Value = city
            .app
            .authed(Method::GET, &format!("/api/v1/admin/imports/{id}"), admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if view["status"] != "running" {
            return view;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

#[tokio::test]
async fn a_csv_import_credits_good_lines_reports_the_rest_and_is_safe_to_run_again() {
    let city = city().await;
    let admin = city.app.login("admin@test.cn", "admin-secret-2026").await;
    let mut file = String::from(
        "external_id,kind,subject_type,subject_value,started_at,ended_at,quantity,unit,route,district\n",
    );
    file += &csv_ride("F-1", CARD, "7.4", 2);
    file += &csv_ride("F-2", CARD, "3.0", 5);
    file += "F-3,bus_ride,transit_card\n"; // too few fields
    file += &csv_ride("F-4", "3100 7777 7777 7777", "4.0", 8); // unbound card
    file += &csv_ride("F-5", CARD, "seven", 9); // not a number
    file += &csv_ride("F-6", CARD, "400", 30); // impossible speed: held
    let (status, started) = upload(&city, &admin, "csv", file.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    assert_eq!(started["total_bytes"], file.len());
    let done = finished(&city, &admin, &started["id"]).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["bytes_done"], done["total_bytes"]);
    assert_eq!(
        (
            done["lines"].as_i64(),
            done["accepted"].as_i64(),
            done["invalid"].as_i64()
        ),
        (Some(6), Some(2), Some(2)),
        "{done}"
    );
    assert_eq!(
        done["rejected"].as_i64().unwrap() + done["held"].as_i64().unwrap(),
        2
    );
    let balance = city.balance().await;
    assert!(balance > 0);

    let res = city
        .app
        .authed(
            Method::GET,
            &format!("/api/v1/admin/imports/{}/errors.csv", started["id"]),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let errors = res.text().await.unwrap();
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(lines[0], "line,external_id,reasons,detail");
    assert!(
        lines.iter().any(|l| l.starts_with("4,,invalid_record,")),
        "{errors}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("5,F-4,unbound_subject")),
        "{errors}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("6,,invalid_record,") && l.contains("quantity")),
        "{errors}"
    );

    // The same file again: nothing more is credited.
    let (_, again) = upload(&city, &admin, "csv", file).await;
    let again = finished(&city, &admin, &again["id"]).await;
    assert_eq!(again["status"], "done");
    assert_eq!(again["accepted"], 0, "{again}");
    assert_eq!(again["duplicate"], 4, "{again}");
    assert_eq!(city.balance().await, balance);

    let list: Value = city
        .app
        .authed(Method::GET, "/api/v1/admin/imports", &admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["imports"].as_array().unwrap().len(), 2);
    assert_eq!(list["imports"][0]["partner"], "聊城公交集团");
}

#[tokio::test]
async fn json_lines_import_and_what_is_refused_up_front() {
    let city = city().await;
    let admin = city.app.login("admin@test.cn", "admin-secret-2026").await;
    let ride = crate::ingest::bus_ride("J-1", CARD, 6.0, 2);
    let file = format!("{ride}\n\nnot json\n");
    let (status, started) = upload(&city, &admin, "jsonl", file).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let done = finished(&city, &admin, &started["id"]).await;
    assert_eq!(
        (done["accepted"].as_i64(), done["invalid"].as_i64()),
        (Some(1), Some(1)),
        "{done}"
    );

    // A CSV without the required columns fails as a whole, saying why.
    let (_, bad) = upload(
        &city,
        &admin,
        "csv",
        "external_id,kind\nX,bus_ride\n".into(),
    )
    .await;
    let bad = finished(&city, &admin, &bad["id"]).await;
    assert_eq!(bad["status"], "failed");
    assert!(
        bad["error"].as_str().unwrap().contains("subject_type"),
        "{bad}"
    );

    let (status, _) = upload(&city, &admin, "xlsx", "x".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = upload(&city, &admin, "csv", String::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = city
        .app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/partners/{}/imports?format=csv", city.bus.id),
            &city.rider,
        )
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = city
        .app
        .authed(
            Method::POST,
            "/api/v1/admin/partners/999/imports?format=csv",
            &admin,
        )
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
