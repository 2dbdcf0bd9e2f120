//! Partner ingestion end to end: signed records in, decisions out, credits
//! in the ledger exactly once.

use crate::helpers::{PartnerCreds, Session, TestApp, bus_ride_record, spawn_app};
use chrono::{Duration, FixedOffset, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use tanpu_core::api::RecordStatus;
use tanpu_core::{PartnerId, UserId};
use tanpu_server::config::Secret;
use tanpu_server::entities::{active_counts, user_daily_totals};
use tanpu_server::services::rollups::Period;
use tanpu_server::services::{ingest, ledger, partners};

pub const CARD: &str = "3100 1234 5678 9012";

/// A bus ride of `km` that started `hours_ago` hours ago, in city time.
pub fn bus_ride(external_id: &str, card: &str, km: f64, hours_ago: i64) -> Value {
    let city = FixedOffset::east_opt(8 * 3600).unwrap();
    let start = (Utc::now() - Duration::hours(hours_ago)).with_timezone(&city);
    let end = start + Duration::minutes(22);
    json!({
        "external_id": external_id,
        "kind": "bus_ride",
        "subject": {"type": "transit_card", "value": card},
        "started_at": start.to_rfc3339(),
        "ended_at": end.to_rfc3339(),
        "quantity": km,
        "unit": "km",
        "attributes": {"route": "K5", "from_stop": "东昌湖", "to_stop": "火车站"}
    })
}

/// A city with a bus partner and one rider whose card is bound.
pub struct City {
    pub app: TestApp,
    pub bus: PartnerCreds,
    pub rider: Session,
}

pub async fn city() -> City {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let bus = app.partner(&admin, "聊城公交集团", &["bus_ride"]).await;
    let rider = app.citizen("13800001111").await;
    let res = app
        .authed(Method::POST, "/api/v1/me/bindings", &rider)
        .json(&json!({"type": "transit_card", "value": CARD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    City { app, bus, rider }
}

impl City {
    pub async fn send(&self, record: &Value) -> Value {
        let res = self
            .app
            .signed(
                Method::POST,
                "/api/v1/partner/actions",
                &self.bus,
                &record.to_string(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// Sends `records` as one signed batch; the answer must be 200.
    pub async fn send_batch(&self, records: &[Value]) -> Value {
        let body = json!({ "records": records }).to_string();
        let res = self
            .app
            .signed(
                Method::POST,
                "/api/v1/partner/actions/batch",
                &self.bus,
                &body,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    pub async fn balance(&self) -> i64 {
        let account = ledger::accounts::citizen(&self.app.db, UserId(self.rider.user_id))
            .await
            .unwrap();
        account.balance.0
    }
}

#[tokio::test]
async fn a_bus_ride_is_verified_credited_and_explained() {
    let city = city().await;
    let result = city
        .send(&bus_ride("LC-BUS-1", "3100123456789012", 7.4, 1))
        .await;
    assert_eq!(result["status"], "accepted", "{result}");
    assert_eq!(result["reasons"], json!([]));
    // 7.4 km × (272 − 26.9) g/km = 1813.74 g, rounded down.
    assert_eq!(result["co2e_g"], 1813);
    let points = result["points"].as_i64().unwrap();
    assert!(points > 0);
    assert_eq!(
        city.balance().await,
        points,
        "the ledger holds exactly the credit"
    );

    let stats: Value = city
        .app
        .get("/api/v1/public/stats")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stats["co2e_g"], 1813);
    assert_eq!(stats["points_issued"], points);

    let report = ledger::verify::verify(&city.app.db).await.unwrap();
    assert!(report.is_ok(), "{report}");
}

#[tokio::test]
async fn a_ride_overlapping_another_is_held_and_one_after_it_is_credited() {
    let city = city().await;
    // Rides of 20 minutes: 60 to 40 minutes ago, then 50 to 30, then 30
    // to 10 (each sent a moment after the last, so it starts a moment
    // later and only touches the ride before it).
    let first = city
        .send(&bus_ride_record("LC-OV-1", CARD, "3.0", 60))
        .await;
    let during = city
        .send(&bus_ride_record("LC-OV-2", CARD, "3.0", 50))
        .await;
    let after = city
        .send(&bus_ride_record("LC-OV-3", CARD, "3.0", 30))
        .await;
    assert_eq!(first["status"], "accepted", "{first}");
    // One card on two buses at once: a person reviews it before any
    // credit.
    assert_eq!(during["status"], "held", "{during}");
    assert_eq!(during["reasons"], json!(["overlap"]), "{during}");
    assert_eq!(after["status"], "accepted", "{after}");
    assert_eq!(after["reasons"], json!([]), "{after}");
    assert_eq!(
        city.balance().await,
        first["points"].as_i64().unwrap() + after["points"].as_i64().unwrap(),
        "the held ride is not credited"
    );
}

#[tokio::test]
async fn a_record_sent_twice_is_credited_once_and_the_second_answer_says_duplicate() {
    let city = city().await;
    let record = bus_ride("LC-BUS-2", CARD, 3.2, 2);
    let first = city.send(&record).await;
    let second = city.send(&record).await;
    assert_eq!(first["status"], "accepted");
    assert_eq!(second["status"], "duplicate");
    assert_eq!(second["points"], first["points"]);
    assert_eq!(city.balance().await, first["points"].as_i64().unwrap());

    let decision: Value = city
        .app
        .signed(
            Method::GET,
            "/api/v1/partner/actions/LC-BUS-2",
            &city.bus,
            "",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(decision["status"], "accepted");
    assert_eq!(decision["points"], first["points"]);

    // An id no record can have is simply not found, on either backend.
    let res = city
        .app
        .signed(
            Method::GET,
            "/api/v1/partner/actions/LC-BUS-%00",
            &city.bus,
            "",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_mixed_batch_credits_only_its_good_records_and_a_replay_credits_nothing() {
    let city = city().await;
    let mut future = bus_ride("LC-BUS-FUTURE", CARD, 5.0, -3);
    future["ended_at"] = Value::Null;
    let mut refuel = bus_ride("LC-FUEL-1", CARD, 30.0, 1);
    refuel["kind"] = json!("refuel_offpeak");
    refuel["unit"] = json!("L");
    let mut too_precise = bus_ride("LC-BUS-BAD", CARD, 1.0, 1);
    too_precise["quantity"] = json!(1.2345);
    // RFC 3339 offsets have a colon; `+0800` is not the contract's form.
    let mut colonless = bus_ride("LC-BUS-OFFSET", CARD, 2.0, 6);
    let started = colonless["started_at"]
        .as_str()
        .unwrap()
        .replace("+08:00", "+0800");
    assert!(started.ends_with("+0800"), "{started}");
    colonless["started_at"] = json!(started);
    let records = vec![
        bus_ride("LC-BUS-OK-1", CARD, 4.0, 5),
        bus_ride("LC-BUS-UNBOUND", "3100 9999 9999 9999", 4.0, 4),
        future,
        refuel,
        too_precise,
        json!({"external_id": "LC-BUS-GARBAGE", "kind": "bus_ride"}),
        // PostgreSQL stores no NUL in text: such an id must be answered,
        // not fail the batch (and the partner's requests grouped with it).
        bus_ride("LC-BUS-\u{0}", CARD, 2.0, 2),
        bus_ride("LC-BUS-OK-2", CARD, 6.0, 3),
        colonless,
    ];
    let results = city.send_batch(&records).await;
    let summary: Vec<(String, String, Value)> = results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["external_id"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
                r["reasons"].clone(),
            )
        })
        .collect();
    let expected = [
        ("LC-BUS-OK-1", "accepted", json!([])),
        ("LC-BUS-UNBOUND", "rejected", json!(["unbound_subject"])),
        ("LC-BUS-FUTURE", "rejected", json!(["in_future"])),
        ("LC-FUEL-1", "rejected", json!(["kind_not_allowed"])),
        ("LC-BUS-BAD", "rejected", json!(["invalid_record"])),
        ("LC-BUS-GARBAGE", "rejected", json!(["invalid_record"])),
        ("LC-BUS-\u{0}", "rejected", json!(["invalid_record"])),
        ("LC-BUS-OK-2", "accepted", json!([])),
        ("LC-BUS-OFFSET", "rejected", json!(["invalid_record"])),
    ];
    assert_eq!(summary.len(), expected.len());
    for ((id, status, reasons), (want_id, want_status, want_reasons)) in
        summary.iter().zip(expected)
    {
        assert_eq!(
            (id.as_str(), status.as_str(), reasons),
            (want_id, want_status, &want_reasons)
        );
    }
    let credited: i64 = results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["points"].as_i64().unwrap())
        .sum();
    assert_eq!(city.balance().await, credited);

    // The same batch again (a new request id): nothing more is credited.
    let replayed = city.send_batch(&records).await;
    assert_eq!(replayed["results"][0]["status"], "duplicate");
    assert_eq!(replayed["results"][7]["status"], "duplicate");
    assert_eq!(city.balance().await, credited);
    assert!(ledger::verify::verify(&city.app.db).await.unwrap().is_ok());
}

#[tokio::test]
async fn concurrent_duplicates_credit_once() {
    let city = city().await;
    let record = bus_ride("LC-BUS-RACE", CARD, 7.4, 1).to_string();
    let sends = (0..8).map(|_| {
        city.app
            .signed(Method::POST, "/api/v1/partner/actions", &city.bus, &record)
            .send()
    });
    let answers = futures::future::join_all(sends).await;
    let mut accepted = 0;
    for res in answers {
        let res = res.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        match body["status"].as_str().unwrap() {
            "accepted" => accepted += 1,
            "duplicate" => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(accepted, 1);
    let single: Value = city
        .app
        .signed(
            Method::GET,
            "/api/v1/partner/actions/LC-BUS-RACE",
            &city.bus,
            "",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        city.balance().await,
        single["points"].as_i64().unwrap(),
        "credited once"
    );
    assert!(ledger::verify::verify(&city.app.db).await.unwrap().is_ok());
}

#[tokio::test]
async fn bad_bodies_and_oversized_batches_get_clear_errors() {
    let city = city().await;
    let res = city
        .app
        .signed(
            Method::POST,
            "/api/v1/partner/actions/batch",
            &city.bus,
            "{\"records\": [",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let too_many: Vec<Value> = (0..1001)
        .map(|i| json!({"external_id": format!("X{i}")}))
        .collect();
    let body = json!({ "records": too_many }).to_string();
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
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = city
        .app
        .signed(Method::GET, "/api/v1/partner/actions/NOPE", &city.bus, "")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn records_for_a_card_bound_later_are_credited_when_it_is_bound() {
    let city = city().await;
    let late_card = "3100 5555 6666 7777";
    let early = city.send(&bus_ride("LATE-1", late_card, 5.0, 30)).await;
    assert_eq!(early["status"], "rejected");
    assert_eq!(early["reasons"], json!(["unbound_subject"]));
    let before = city.balance().await;

    let res = city
        .app
        .authed(Method::POST, "/api/v1/me/bindings", &city.rider)
        .json(&json!({"type": "transit_card", "value": "3100555566667777"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    let decision: Value = city
        .app
        .signed(Method::GET, "/api/v1/partner/actions/LATE-1", &city.bus, "")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(decision["status"], "accepted", "{decision}");
    assert_eq!(decision["co2e_g"], 1225); // 5 km × 245.1 g/km
    assert_eq!(
        city.balance().await,
        before + decision["points"].as_i64().unwrap()
    );
    assert!(ledger::verify::verify(&city.app.db).await.unwrap().is_ok());
}

#[tokio::test]
async fn administrators_can_run_the_ledger_proof_and_citizens_cannot() {
    let city = city().await;
    city.send(&bus_ride("V-1", CARD, 7.4, 2)).await;
    let admin = city.app.login("admin@test.cn", "admin-secret-2026").await;
    let res = city
        .app
        .authed(Method::GET, "/api/v1/admin/ledger/verify", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["total_balance"], "0");
    assert!(report["entries_checked"].as_u64().unwrap() >= 2);
    let refused = city
        .app
        .authed(Method::GET, "/api/v1/admin/ledger/verify", &city.rider)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

/// A 20 km bus ride of 22 minutes that started `minutes` after midnight of
/// yesterday, city time (far below the bus speed limit, never overlapping
/// rides 25 minutes apart).
fn ride_yesterday(external_id: &str, minutes: i64) -> Value {
    let city = FixedOffset::east_opt(8 * 3600).unwrap();
    let yesterday = (Utc::now().with_timezone(&city) - Duration::days(1)).date_naive();
    let midnight = yesterday
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_local_timezone(city)
        .unwrap();
    let start = midnight + Duration::minutes(minutes);
    let mut ride = bus_ride(external_id, CARD, 20.0, 0);
    ride["started_at"] = json!(start.to_rfc3339());
    ride["ended_at"] = json!((start + Duration::minutes(22)).to_rfc3339());
    ride
}

#[tokio::test]
async fn a_record_repeated_within_a_batch_is_a_duplicate_of_its_first_occurrence() {
    let city = city().await;
    let ride = bus_ride("LC-BUS-TWICE", CARD, 5.0, 2);
    let results = city.send_batch(&[ride.clone(), ride]).await;
    let (first, second) = (&results["results"][0], &results["results"][1]);
    assert_eq!(first["status"], "accepted");
    assert_eq!(second["status"], "duplicate");
    assert_eq!(second["points"], first["points"]);
    assert!(first["points"].as_i64().unwrap() > 0);
    assert_eq!(city.balance().await, first["points"].as_i64().unwrap());
}

#[tokio::test]
async fn concurrent_batches_for_one_citizen_never_pass_the_daily_cap() {
    // Each 20 km ride earns about 4,900 points (9,800 in the heating
    // season); the bus rule caps a citizen at 10,000 a day. Twelve batches
    // of one ride each go straight to the service at once (over HTTP each
    // request's own commit of its webhook id staggers them): whatever their
    // order, the day's credits reach the cap exactly and never pass it.
    let city = city().await;
    // A ride of another day first, so the citizen's ledger account exists
    // and nothing but the lock on it keeps the batches apart.
    let earlier = city.send(&bus_ride("LC-CAP-EARLIER", CARD, 2.0, 72)).await;
    assert_eq!(earlier["status"], "accepted");
    let earlier = earlier["points"].as_i64().unwrap();
    let partner = partners::as_authenticated(&city.app.db, PartnerId(city.bus.id))
        .await
        .unwrap();
    let key = Secret::new("b".repeat(32));
    let batches = (0..12).map(|n| {
        let (db, key, partner) = (city.app.db.clone(), key.clone(), partner.clone());
        tokio::spawn(async move {
            let ride = ride_yesterday(&format!("LC-CAP-{n}"), n * 25);
            ingest::ingest_batch(&db, &key, &partner, vec![ride], Utc::now(), None).await
        })
    });
    let mut credited = 0;
    let mut capped = 0;
    for batch in futures::future::join_all(batches).await {
        for result in batch.unwrap().unwrap() {
            credited += result.points.0;
            match (result.status, result.reasons.as_slice()) {
                (RecordStatus::Accepted, _) => {}
                (RecordStatus::Rejected, [reason]) if reason == "cap_reached" => capped += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(credited, 10_000, "the day's credits reach the cap exactly");
    assert_eq!(city.balance().await, earlier + 10_000);
    assert!(capped >= 1, "the rides past the cap say so");
    assert!(ledger::verify::verify(&city.app.db).await.unwrap().is_ok());
    // Every batch found the citizen new yesterday until one committed: the
    // lock on their account lets one of them count them.
    assert_active_counts_match_daily_totals(&city.app.db).await;
}

/// Every period's count of active citizens is how many citizens have a
/// credited day in it.
pub async fn assert_active_counts_match_daily_totals(db: &sea_orm::DatabaseConnection) {
    let mut active: BTreeMap<(String, NaiveDate), BTreeSet<i64>> = BTreeMap::new();
    for row in user_daily_totals::Entity::find().all(db).await.unwrap() {
        for period in Period::ALL {
            active
                .entry((period.as_str().to_owned(), period.start_of(row.day)))
                .or_default()
                .insert(row.user_id);
        }
    }
    let recounted: BTreeMap<_, _> = active
        .into_iter()
        .map(|(key, users)| (key, i64::try_from(users.len()).unwrap()))
        .collect();
    let counts: BTreeMap<_, _> = active_counts::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| ((r.period, r.start), r.citizens))
        .collect();
    assert!(!counts.is_empty());
    assert_eq!(counts, recounted);
}

#[tokio::test]
async fn a_replayed_ingestion_request_gets_401_and_stores_nothing() {
    // Ingestion remembers the request id in the transaction that stores the
    // records: the replay of a record request is refused even with a new
    // record in an identical envelope, and a request whose id was taken by
    // another route is refused too.
    let city = city().await;
    let now = Utc::now().timestamp();
    let first = bus_ride("LC-BUS-REPLAY-1", CARD, 5.0, 2).to_string();
    let res = city
        .app
        .signed_at(
            Method::POST,
            "/api/v1/partner/actions",
            &city.bus,
            &first,
            "msg_records_once",
            now,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let balance = city.balance().await;
    assert!(balance > 0);

    let batch = json!({ "records": [bus_ride("LC-BUS-REPLAY-2", CARD, 5.0, 3)] }).to_string();
    for (path, body) in [
        ("/api/v1/partner/actions", first.as_str()),
        ("/api/v1/partner/actions/batch", batch.as_str()),
    ] {
        let res = city
            .app
            .signed_at(Method::POST, path, &city.bus, body, "msg_records_once", now)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let res = city
        .app
        .signed(
            Method::GET,
            "/api/v1/partner/actions/LC-BUS-REPLAY-2",
            &city.bus,
            "",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "the replayed batch stored nothing"
    );
    assert_eq!(city.balance().await, balance);

    // An id first used on another route cannot carry records either.
    let res = city
        .app
        .signed_at(
            Method::GET,
            "/api/v1/partner/me",
            &city.bus,
            "",
            "msg_me",
            now,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = city
        .app
        .signed_at(
            Method::POST,
            "/api/v1/partner/actions/batch",
            &city.bus,
            &batch,
            "msg_me",
            now,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn concurrent_batches_of_a_partner_are_each_answered_and_credit_a_record_once() {
    // Batches that arrive together are written as one group: each sender
    // gets its own records' answers in its own order, a record in several
    // of them is credited once, and of two requests with one id exactly
    // one is taken.
    let city = city().await;
    let batches: Vec<Vec<Value>> = (0..6_i64)
        .map(|b| {
            let mut records: Vec<Value> = (0..10_i64)
                .map(|n| bus_ride(&format!("LC-CB-{b}-{n}"), CARD, 1.0, 30 + b * 10 + n))
                .collect();
            records.extend(
                (0..3_i64).map(|n| bus_ride(&format!("LC-CB-ALL-{n}"), CARD, 1.0, 200 + n)),
            );
            records
        })
        .collect();
    let answers = futures::future::join_all(batches.iter().map(|b| city.send_batch(b))).await;
    let mut credited = 0;
    let mut shared_taken = std::collections::HashMap::<String, usize>::new();
    for (batch, answer) in batches.iter().zip(&answers) {
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), batch.len());
        for (record, result) in batch.iter().zip(results) {
            let id = result["external_id"].as_str().unwrap();
            assert_eq!(record["external_id"], id, "answers in the batch's order");
            let status = result["status"].as_str().unwrap();
            if id.starts_with("LC-CB-ALL-") {
                if status != "duplicate" {
                    *shared_taken.entry(id.to_owned()).or_default() += 1;
                    credited += result["points"].as_i64().unwrap();
                }
            } else {
                // Each its own decision; one citizen's day fills up, so
                // some are over the daily cap.
                let capped = status == "rejected" && result["reasons"] == json!(["cap_reached"]);
                assert!(status == "accepted" || capped, "{id}: {result}");
                credited += result["points"].as_i64().unwrap();
            }
        }
    }
    assert_eq!(shared_taken.len(), 3);
    assert!(
        shared_taken.values().all(|taken| *taken == 1),
        "{shared_taken:?}"
    );
    assert!(credited > 0);
    assert_eq!(city.balance().await, credited);

    let now = Utc::now().timestamp();
    let twins: Vec<String> = ["LC-CB-TWIN-A", "LC-CB-TWIN-B"]
        .map(|id| json!({ "records": [bus_ride(id, CARD, 1.0, 300)] }).to_string())
        .into();
    let sends = twins.iter().map(|body| {
        city.app
            .signed_at(
                Method::POST,
                "/api/v1/partner/actions/batch",
                &city.bus,
                body,
                "msg_batch_twin",
                now,
            )
            .send()
    });
    let mut statuses: Vec<u16> = futures::future::join_all(sends)
        .await
        .into_iter()
        .map(|res| res.unwrap().status().as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 401]);
    assert!(ledger::verify::verify(&city.app.db).await.unwrap().is_ok());
}

#[tokio::test]
async fn concurrent_single_records_are_committed_in_groups_and_each_answered() {
    // Singles that arrive together share a transaction: every sender gets
    // its own record's answer, every record is credited once, and of two
    // requests with one id exactly one is taken.
    let city = city().await;
    let bodies: Vec<String> = (0..40)
        .map(|n| ride_yesterday(&format!("LC-GROUP-{n}"), n * 25).to_string())
        .collect();
    let sends = bodies.iter().map(|body| {
        city.app
            .signed(Method::POST, "/api/v1/partner/actions", &city.bus, body)
            .send()
    });
    let mut credited = 0;
    for (n, res) in futures::future::join_all(sends)
        .await
        .into_iter()
        .enumerate()
    {
        let res = res.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["external_id"], format!("LC-GROUP-{n}"));
        credited += body["points"].as_i64().unwrap();
    }
    assert_eq!(credited, 10_000, "the day's cap holds across a group too");
    assert_eq!(city.balance().await, credited);

    let now = Utc::now().timestamp();
    let twins = ["LC-TWIN-A", "LC-TWIN-B"].map(|id| bus_ride(id, CARD, 3.0, 1).to_string());
    let sends = twins.iter().map(|body| {
        city.app
            .signed_at(
                Method::POST,
                "/api/v1/partner/actions",
                &city.bus,
                body,
                "msg_twin",
                now,
            )
            .send()
    });
    let statuses: Vec<StatusCode> = futures::future::join_all(sends)
        .await
        .into_iter()
        .map(|res| res.unwrap().status())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(ledger::verify::verify(&city.app.db).await.unwrap().is_ok());
}

#[tokio::test]
async fn records_at_the_ends_of_time_are_refused_and_every_page_still_reads() {
    // Found by the fuzz targets: an offset can push a valid timestamp past
    // year 9999 in UTC.
    let city = city().await;
    let mut late = bus_ride("LC-BUS-END", CARD, 7.4, 1);
    late["started_at"] = json!("9999-12-31T23:59:59-23:59");
    late["ended_at"] = json!("9999-12-31T23:59:59-23:59");
    let mut early = bus_ride("LC-BUS-START", CARD, 7.4, 1);
    early["started_at"] = json!("0001-01-01T00:00:00+23:59");
    early["ended_at"] = json!("0001-01-01T00:00:00+23:59");
    let answer = city.send_batch(&[late, early]).await;
    for result in answer["results"].as_array().unwrap() {
        assert_eq!(result["status"], "rejected", "{answer}");
    }
    // Whatever was kept of them reads back: the citizen's list, the
    // partner's lookup, and the ledger proof.
    let list = city
        .app
        .authed(Method::GET, "/api/v1/me/actions", &city.rider)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    for id in ["LC-BUS-END", "LC-BUS-START"] {
        let res = city
            .app
            .signed(
                Method::GET,
                &format!("/api/v1/partner/actions/{id}"),
                &city.bus,
                "",
            )
            .send()
            .await
            .unwrap();
        assert!(
            [StatusCode::OK, StatusCode::NOT_FOUND].contains(&res.status()),
            "{id}: {}",
            res.status()
        );
    }
    assert_eq!(city.balance().await, 0);
}
