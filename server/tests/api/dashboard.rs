//! The dashboard's roll-ups against a direct recount, the dashboard route,
//! and the reports.

use crate::ingest::{CARD, bus_ride, city};
use crate::rewards::fund;
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use tanpu_core::rules::calendar::city_date;
use tanpu_server::entities::{
    action_rollups, action_rollups_monthly, actions, active_counts, daily_totals, redemption_daily,
    vouchers,
};
use tanpu_server::services::rollups::Period;

/// Day, kind, partner, district, status.
type RollupKey = (NaiveDate, String, i64, String, String);

const DISTRICTS: [&str; 3] = ["东昌府区", "茌平区", ""];

/// Sends `n` random records in batches: good rides, rides of an unbound
/// card, impossible speeds, future times, replays, in several districts.
async fn random_traffic(city: &crate::ingest::City, rng: &mut StdRng, n: usize) {
    let mut sent: Vec<Value> = Vec::new();
    let mut batch = Vec::new();
    for i in 0..n {
        let mut record = match rng.random_range(0..10) {
            0 if !sent.is_empty() => sent[rng.random_range(0..sent.len())].clone(),
            1 => bus_ride(&format!("R-{i}"), "3100 9999 9999 9999", 4.0, 2),
            2 => bus_ride(&format!("R-{i}"), CARD, 400.0, 30),
            3 => bus_ride(&format!("R-{i}"), CARD, 3.0, -5),
            _ => bus_ride(
                &format!("R-{i}"),
                CARD,
                f64::from(rng.random_range(1..200_u32)) / 10.0,
                rng.random_range(1..24 * 20),
            ),
        };
        let district = DISTRICTS[rng.random_range(0..DISTRICTS.len())];
        if !district.is_empty() && record["external_id"] != "" {
            record["attributes"]["district"] = json!(district);
        }
        sent.push(record.clone());
        batch.push(record);
        if batch.len() == 25 || i + 1 == n {
            let body = json!({ "records": batch }).to_string();
            let res = city
                .app
                .signed(
                    Method::POST,
                    "/api/v1/partner/actions/batch",
                    &city.bus,
                    &body,
                )
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            batch.clear();
        }
    }
}

#[tokio::test]
async fn roll_ups_equal_a_direct_recount_after_random_ingestion() {
    let city = city().await;
    let app = &city.app;
    let admin = app.login("admin@test.cn", "admin-secret-2026").await;
    let mut rng = StdRng::seed_from_u64(20_261_129);

    // A claim approved and one rejected by a reviewer (held → decided),
    // filed before the traffic so that no ride overlaps them.
    let mut claims = Vec::new();
    for (i, approve) in [(0, true), (1, false)] {
        let res = app
            .authed(Method::POST, "/api/v1/me/claims", &city.rider)
            .json(&json!({
                "kind": "bus_ride", "quantity": 3.0, "unit": "km",
                "started_at": (chrono::Utc::now() - chrono::Duration::days(3 + i)).to_rfc3339(),
                "note": "my card was not read on the K5",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let claim: Value = res.json().await.unwrap();
        assert_eq!(claim["status"], "held", "{claim}");
        claims.push((claim, approve));
    }
    random_traffic(&city, &mut rng, 150).await;
    for (claim, approve) in claims {
        let verb = if approve { "approve" } else { "reject" };
        let res = app
            .authed(
                Method::POST,
                &format!("/api/v1/review/actions/{}/{verb}", claim["id"]),
                &admin,
            )
            .json(&json!({ "note": "checked against the operator's log" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{verb}");
    }
    // The unbound card is bound later: its rides are decided again.
    let late = app.citizen("13900000077").await;
    let res = app
        .authed(Method::POST, "/api/v1/me/bindings", &late)
        .json(&json!({"type": "transit_card", "value": "3100 9999 9999 9999"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // And a redemption.
    let reward = app
        .authed(Method::POST, "/api/v1/admin/rewards", &admin)
        .json(&json!({
            "category": "donation", "name": "Plant a tree", "description": "One tree.",
            "price": 10, "stock": 5, "voucher_days": 30, "active": true,
        }))
        .send()
        .await
        .unwrap();
    let reward: Value = reward.json().await.unwrap();
    fund(app, city.rider.user_id, 10).await;
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/rewards/{}/redeem", reward["id"]),
            &city.rider,
        )
        .header("idempotency-key", "tree-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    let stored = actions::Entity::find().all(&app.db).await.unwrap();
    assert!(stored.len() > 100, "{}", stored.len());

    // action_rollups: every decided action, by day, kind, partner, district, status.
    let mut expected: BTreeMap<RollupKey, (i64, i64, i64)> = BTreeMap::new();
    let mut credited: BTreeMap<(NaiveDate, String), (i64, i64, i64)> = BTreeMap::new();
    let mut active: BTreeMap<(&str, NaiveDate), BTreeSet<i64>> = BTreeMap::new();
    for row in &stored {
        let key = tanpu_server::services::rollups::ActionKey::of(row);
        let sums = expected
            .entry((key.day, key.kind, key.partner_id, key.district, key.status))
            .or_default();
        *sums = (sums.0 + 1, sums.1 + row.co2e_g, sums.2 + row.points);
        if row.status == "accepted" {
            let day = city_date(row.started_at.unwrap());
            let c = credited.entry((day, row.kind.clone())).or_default();
            *c = (c.0 + 1, c.1 + row.co2e_g, c.2 + row.points);
            for period in Period::ALL {
                active
                    .entry((period.as_str(), period.start_of(day)))
                    .or_default()
                    .insert(row.user_id.unwrap());
            }
        }
    }
    let rolled: BTreeMap<_, _> = action_rollups::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.actions != 0)
        .map(|r| {
            (
                (r.day, r.kind, r.partner_id, r.district, r.status),
                (r.actions, r.co2e_g, r.points),
            )
        })
        .collect();
    assert_eq!(rolled, expected);
    assert!(
        expected.keys().any(|k| k.4 == "held") || expected.keys().any(|k| k.2 == 0),
        "the traffic covers claims and held records"
    );
    assert!(
        expected.keys().filter(|k| !k.3.is_empty()).count() > 1,
        "districts"
    );

    // The monthly roll-ups are the daily ones summed by month.
    let mut by_month: BTreeMap<RollupKey, (i64, i64, i64)> = BTreeMap::new();
    for ((day, kind, partner, district, status), sums) in &expected {
        let month = Period::Month.start_of(*day);
        let m = by_month
            .entry((
                month,
                kind.clone(),
                *partner,
                district.clone(),
                status.clone(),
            ))
            .or_default();
        *m = (m.0 + sums.0, m.1 + sums.1, m.2 + sums.2);
    }
    let monthly: BTreeMap<_, _> = action_rollups_monthly::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.actions != 0)
        .map(|r| {
            (
                (r.month, r.kind, r.partner_id, r.district, r.status),
                (r.actions, r.co2e_g, r.points),
            )
        })
        .collect();
    assert_eq!(monthly, by_month);

    let city_totals: BTreeMap<_, _> = daily_totals::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| ((r.day, r.kind), (r.actions, r.co2e_g, r.points)))
        .collect();
    assert_eq!(city_totals, credited);

    let counts: BTreeMap<_, _> = active_counts::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| ((r.period, r.start), r.citizens))
        .collect();
    let recounted: BTreeMap<_, _> = active
        .into_iter()
        .map(|((p, s), users)| ((p.to_owned(), s), i64::try_from(users.len()).unwrap()))
        .collect();
    assert_eq!(counts, recounted);

    let issued = vouchers::Entity::find().all(&app.db).await.unwrap();
    let redeemed = redemption_daily::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(
        redeemed.iter().map(|r| r.vouchers).sum::<i64>(),
        issued.len() as i64
    );
    assert_eq!(
        redeemed.iter().map(|r| r.points).sum::<i64>(),
        issued.iter().map(|v| v.price).sum::<i64>()
    );
}

#[tokio::test]
async fn the_dashboard_and_the_reports_agree_with_what_was_credited() {
    let city = city().await;
    let app = &city.app;
    let admin = app.login("admin@test.cn", "admin-secret-2026").await;
    let mut first = bus_ride("D-1", CARD, 7.4, 1);
    first["attributes"]["district"] = json!("东昌府区");
    city.send(&first).await;
    city.send(&bus_ride("D-2", CARD, 5.0, 3)).await;
    city.send(&bus_ride("D-3", "3100 0000 0000 4242", 5.0, 3))
        .await;

    let res = app
        .authed(Method::GET, "/api/v1/admin/dashboard", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let board: Value = res.json().await.unwrap();
    let windows: Vec<&str> = board["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["window"].as_str().unwrap())
        .collect();
    assert_eq!(windows, ["today", "week", "month", "year"]);
    let year = &board["windows"][3];
    assert_eq!(year["totals"]["accepted"], 2, "{year}");
    assert_eq!(year["totals"]["rejected"], 1);
    assert_eq!(year["totals"]["active_citizens"], 1);
    let co2e = year["totals"]["co2e_g"].as_i64().unwrap();
    assert!(co2e > 0);
    assert_eq!(year["by_partner"][0]["label"], "聊城公交集团");
    assert_eq!(year["by_kind"][0]["key"], "bus_ride");
    let districts: Vec<&str> = year["by_district"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert!(districts.contains(&"东昌府区"), "{districts:?}");
    assert_eq!(board["days"].as_array().unwrap().len(), 30);
    assert!(board["ledger_check"].is_null());

    // Verifying the ledger puts its result on the dashboard.
    let res = app
        .authed(Method::GET, "/api/v1/admin/ledger/verify", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let board: Value = app
        .authed(Method::GET, "/api/v1/admin/dashboard", &admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(board["ledger_check"]["ok"], true, "{board}");

    // The CSV's accepted CO2e adds up to the dashboard's.
    let (from, to) = (year["from"].as_str().unwrap(), year["to"].as_str().unwrap());
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/admin/reports/actions.csv?from={from}&to={to}"),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("day,kind,partner_id,partner,district,status,actions,co2e_g,points")
    );
    let csv_co2e: i64 = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[5] == "accepted")
        .map(|f| f[7].parse::<i64>().unwrap())
        .sum();
    assert_eq!(csv_co2e, co2e);

    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/admin/reports/certified?from={from}&to={to}"),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let statement: Value = res.json().await.unwrap();
    assert_eq!(statement["co2e_g"], co2e);
    assert_eq!(statement["actions"], 2);
    assert_eq!(statement["citizens"], 1);
    assert_eq!(statement["ledger_check"]["ok"], true);
    let methods = statement["kinds"][0]["methodologies"].as_array().unwrap();
    assert_eq!(methods.len(), 1, "{statement}");
    assert!(
        methods[0].as_str().unwrap().contains(" v1 (#"),
        "{statement}"
    );
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/admin/reports/certified?from={from}&to={to}&format=csv"),
            &admin,
        )
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    assert!(
        csv.starts_with("from,to,kind,actions,co2e_g,methodologies"),
        "{csv}"
    );
    assert!(csv.contains("ledger_verified=true"), "{csv}");

    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/admin/reports/certified?from={to}&to=2020-01-01"),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Days are read in their one form, `2026-11-01`, as the API writes them:
    // chrono's lenient reader would take the first two as 1 and 5 January.
    for day in ["2026-1-5", "2026-01-05T00:00:00", "20260105", "2026-02-30"] {
        let res = app
            .authed(
                Method::GET,
                &format!("/api/v1/admin/reports/certified?from={day}&to={to}"),
                &admin,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{day}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("a date, like 2026-12-01"),
            "{day}: {body}"
        );
    }
}
