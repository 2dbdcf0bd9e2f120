//! Credit rules through the HTTP API: drafts, validation, publishing without
//! overlaps, version selection by time, retiring, history, the public page
//! and calculator, simulation, and who may do what.

use crate::helpers::{PartnerCreds, Session, TestApp, spawn_app};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tanpu_server::entities::{actions, user_daily_totals};

/// An instant `offset` from now, to the second, as RFC 3339 in city time.
fn from_now(offset: Duration) -> String {
    let city = FixedOffset::east_opt(8 * 3600).unwrap();
    (Utc::now() + offset)
        .with_timezone(&city)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

struct Admin {
    app: TestApp,
    admin: Session,
}

async fn admin_app() -> Admin {
    let app = spawn_app().await;
    let admin = app.admin().await;
    Admin { app, admin }
}

impl Admin {
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.app.authed(method, path, &self.admin);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let body = res.json::<Value>().await.unwrap_or(Value::Null);
        (status, body)
    }

    async fn rules(&self) -> Value {
        let (status, body) = self.send(Method::GET, "/api/v1/admin/rules", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// The id of the rule for `kind`.
    async fn rule_id(&self, kind: &str) -> i64 {
        let rules = self.rules().await;
        rules["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == kind)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    /// A new draft of the rule, copied from its newest version.
    async fn draft(&self, rule_id: i64) -> Value {
        let (status, body) = self
            .send(
                Method::POST,
                &format!("/api/v1/admin/rules/{rule_id}/versions"),
                Some(json!({})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    async fn put(&self, draft: &Value, definition: &Value) -> (StatusCode, Value) {
        self.send(
            Method::PUT,
            &version_path(draft, ""),
            Some(definition.clone()),
        )
        .await
    }

    async fn publish(&self, draft: &Value, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, &version_path(draft, "/publish"), Some(body))
            .await
    }

    /// A draft of `kind` with `edit` applied to its definition, published
    /// with `publish`; panics unless both succeed.
    async fn publish_edited(
        &self,
        kind: &str,
        edit: impl FnOnce(&mut Value),
        publish: Value,
    ) -> Value {
        let draft = self.draft(self.rule_id(kind).await).await;
        let mut definition = draft["definition"].clone();
        edit(&mut definition);
        let (status, body) = self.put(&draft, &definition).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = self.publish(&draft, publish).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

/// `/api/v1/admin/rules/{rule}/versions/{id}{tail}` for a version view.
fn version_path(version: &Value, tail: &str) -> String {
    format!(
        "/api/v1/admin/rules/{}/versions/{}{tail}",
        version["rule_id"], version["id"]
    )
}

/// No two published versions of any rule share a moment.
fn assert_no_overlaps(rules: &Value) {
    for rule in rules["rules"].as_array().unwrap() {
        let intervals: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = rule["versions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["status"] != "draft")
            .map(|v| {
                (
                    instant(&v["effective_from"]),
                    v["effective_until"]
                        .as_str()
                        .map(|_| instant(&v["effective_until"])),
                )
            })
            .filter(|(from, until)| until.is_none_or(|u| u > *from))
            .collect();
        for (i, a) in intervals.iter().enumerate() {
            for b in &intervals[i + 1..] {
                let overlap = a.1.is_none_or(|end| b.0 < end) && b.1.is_none_or(|end| a.0 < end);
                assert!(!overlap, "{} overlaps: {a:?} {b:?}", rule["kind"]);
            }
        }
    }
}

#[tokio::test]
async fn admins_see_every_seeded_rule_with_the_version_in_force() {
    let t = admin_app().await;
    let rules = t.rules().await;
    let kinds: Vec<&str> = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "bus_ride",
            "metro_ride",
            "bike_trip",
            "walk",
            "refuel_offpeak",
            "ev_charge"
        ]
    );
    let bus = &rules["rules"][0];
    assert_eq!(bus["name"]["zh_cn"], "乘坐公交");
    assert_eq!(bus["versions"][0]["status"], "published");
    assert_eq!(bus["versions"][0]["phase"], "in_force");
    assert_eq!(bus["in_force"], bus["versions"][0]["id"]);
}

#[tokio::test]
async fn a_published_draft_closes_the_open_ended_version_and_is_never_edited() {
    let t = admin_app().await;
    let bus = t.rule_id("bus_ride").await;
    let draft = t.draft(bus).await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["version"], 2);
    assert_eq!(draft["definition"]["multipliers"][0]["percent"], 200);

    let mut definition = draft["definition"].clone();
    definition["multipliers"][0]["percent"] = json!(300);
    let (status, saved) = t.put(&draft, &definition).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["definition"]["multipliers"][0]["percent"], 300);

    let start = from_now(Duration::hours(1));
    let (status, published) = t.publish(&draft, json!({"effective_from": start})).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["status"], "published");
    assert_eq!(published["phase"], "scheduled");
    assert_eq!(
        instant(&published["effective_from"]),
        instant(&json!(start))
    );
    assert_eq!(published["effective_until"], Value::Null);

    let rules = t.rules().await;
    let versions = &rules["rules"][0]["versions"];
    assert_eq!(
        versions[0]["phase"], "in_force",
        "v1 applies until v2 starts"
    );
    assert_eq!(
        instant(&versions[0]["effective_until"]),
        instant(&json!(start)),
        "v1 is closed where v2 starts"
    );
    assert_no_overlaps(&rules);

    // A published version is never edited, nor published twice.
    let (status, body) = t.put(&published, &definition).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["details"]["reason"], "not_a_draft");
    let (status, _) = t.publish(&published, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = t
        .send(Method::DELETE, &version_path(&published, ""), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn publishing_refuses_overlaps_and_the_past() {
    let t = admin_app().await;
    let bus = t.rule_id("bus_ride").await;
    // v2 from tomorrow: v1 now ends tomorrow.
    let v2 = t.draft(bus).await;
    let (status, body) = t
        .publish(&v2, json!({"effective_from": from_now(Duration::days(1))}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let v3 = t.draft(bus).await;
    for (label, body) in [
        (
            "inside v1's closed interval",
            json!({"effective_from": from_now(Duration::hours(1))}),
        ),
        (
            "a bounded interval inside v1's",
            json!({"effective_from": from_now(Duration::hours(2)),
                   "effective_until": from_now(Duration::hours(3))}),
        ),
        (
            "across v2's start",
            json!({"effective_from": from_now(Duration::hours(20)),
                   "effective_until": from_now(Duration::hours(30))}),
        ),
    ] {
        let (status, answer) = t.publish(&v3, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: {answer}");
        assert_eq!(
            answer["error"]["details"]["reason"], "overlaps_version",
            "{label}"
        );
    }

    let (status, answer) = t
        .publish(
            &v3,
            json!({"effective_from": from_now(-Duration::hours(1))}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(
        answer["error"]["details"],
        json!([{"field": "effective_from", "reason": "in_the_past"}])
    );
    let (status, answer) = t
        .publish(
            &v3,
            json!({"effective_from": from_now(Duration::days(3)),
                   "effective_until": from_now(Duration::days(2))}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(
        answer["error"]["details"],
        json!([{"field": "effective_until", "reason": "end_not_after_start"}])
    );

    // After the open-ended v2 has started: v2 is closed at v3's start.
    let (status, answer) = t
        .publish(&v3, json!({"effective_from": from_now(Duration::days(2))}))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let rules = t.rules().await;
    let versions = rules["rules"][0]["versions"].as_array().unwrap().clone();
    assert_eq!(versions.len(), 3);
    assert_eq!(
        versions[1]["effective_until"],
        versions[2]["effective_from"]
    );
    assert_no_overlaps(&rules);

    // A bounded promotion never cuts the open-ended v3 (the rule would have
    // no version after it): v3 is retired at its start first.
    let v4 = t.draft(bus).await;
    let promotion = json!({"effective_from": from_now(Duration::days(4)),
                           "effective_until": from_now(Duration::days(5))});
    let (status, answer) = t.publish(&v4, promotion.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    let (status, answer) = t
        .send(
            Method::POST,
            &version_path(&versions[2], "/retire"),
            Some(json!({"at": promotion["effective_from"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = t.publish(&v4, promotion).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_no_overlaps(&t.rules().await);
}

#[tokio::test]
async fn an_invalid_draft_is_refused_with_every_field_path() {
    let t = admin_app().await;
    let draft = t.draft(t.rule_id("bus_ride").await).await;
    let mut definition = draft["definition"].clone();
    definition["multipliers"][0]["percent"] = json!(5000);
    definition["caps"]["per_day"] = json!(0);
    definition["name"]["en"] = json!(" ");
    definition["claim_window_days"] = json!(0);
    let (status, body) = t.put(&draft, &definition).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "validation_failed");
    let details = body["error"]["details"].as_array().unwrap();
    for (field, reason) in [
        ("name.en", "required"),
        ("multipliers[0].percent", "out_of_range"),
        ("caps.per_day", "must_be_positive"),
        ("claim_window_days", "out_of_range"),
    ] {
        assert!(
            details.contains(&json!({"field": field, "reason": reason})),
            "{field} {reason} missing in {details:?}"
        );
    }

    // Another kind is not an edit of this rule.
    let mut other = draft["definition"].clone();
    other["kind"] = json!("metro_ride");
    let (status, body) = t.put(&draft, &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["details"]
            .as_array()
            .unwrap()
            .contains(&json!({"field": "kind", "reason": "kind_mismatch"}))
    );

    // Nothing was saved.
    let (_, stored) = t.send(Method::GET, &version_path(&draft, ""), None).await;
    assert_eq!(stored["definition"], draft["definition"]);
}

#[tokio::test]
async fn a_rule_for_a_new_kind_starts_as_a_draft() {
    let t = admin_app().await;
    let mut definition = t.draft(t.rule_id("bike_trip").await).await["definition"].clone();
    definition["kind"] = json!("ferry_ride");
    definition["rule_id"] = Value::Null;
    definition["name"] = json!({"zh_cn": "乘坐渡轮", "en": "Ferry ride"});
    let (status, body) = t
        .send(
            Method::POST,
            "/api/v1/admin/rules",
            Some(definition.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "draft");
    assert_eq!(body["version"], 1);
    let (status, body) = t
        .send(Method::POST, "/api/v1/admin/rules", Some(definition))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let rules = t.rules().await;
    assert_eq!(rules["rules"][6]["kind"], "ferry_ride");
    assert_eq!(rules["rules"][6]["in_force"], Value::Null);
}

struct City {
    t: Admin,
    bus: PartnerCreds,
}

const CARD: &str = "3100 1234 5678 9012";

async fn city() -> City {
    let t = admin_app().await;
    let bus = t.app.partner(&t.admin, "聊城公交集团", &["bus_ride"]).await;
    let rider = t.app.citizen("13800001111").await;
    let res = t
        .app
        .authed(Method::POST, "/api/v1/me/bindings", &rider)
        .json(&json!({"type": "transit_card", "value": CARD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    City { t, bus }
}

/// A 1 km bus ride starting `offset` from now, lasting a minute.
fn ride(external_id: &str, offset: Duration) -> Value {
    json!({
        "external_id": external_id,
        "kind": "bus_ride",
        "subject": {"type": "transit_card", "value": CARD},
        "started_at": from_now(offset),
        "ended_at": from_now(offset + Duration::minutes(1)),
        "quantity": 1,
        "unit": "km",
    })
}

#[tokio::test]
async fn each_action_is_evaluated_by_the_version_in_force_at_its_start() {
    let city = city().await;
    let t = &city.t;
    // v2 pays twice the points per kg, from 30 s from now.
    let v2 = t
        .publish_edited(
            "bus_ride",
            |d| d["points"]["points_per_kg"] = json!(2000),
            json!({"effective_from": from_now(Duration::seconds(30))}),
        )
        .await;

    let mut results = Vec::new();
    // Sent after v2's publication, but started before its start: v1.
    // Started after its start (a partner's clock a little ahead): v2.
    for record in [
        ride("BEFORE", -Duration::hours(1)),
        ride("AFTER", Duration::seconds(60)),
    ] {
        let res = t
            .app
            .signed(
                Method::POST,
                "/api/v1/partner/actions",
                &city.bus,
                &record.to_string(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        results.push(res.json::<Value>().await.unwrap());
    }
    assert_eq!(results[0]["status"], "accepted", "{}", results[0]);
    assert_eq!(results[1]["status"], "accepted", "{}", results[1]);
    let (before, after) = (
        results[0]["points"].as_i64().unwrap(),
        results[1]["points"].as_i64().unwrap(),
    );
    assert!(before > 0);
    assert_eq!(after, 2 * before, "v2 doubles the points per kg");

    let v1_id = t.rules().await["rules"][0]["versions"][0]["id"].as_i64();
    for (external_id, version) in [("BEFORE", v1_id), ("AFTER", v2["id"].as_i64())] {
        let row = actions::Entity::find()
            .filter(actions::Column::ExternalId.eq(external_id))
            .one(&t.app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.rule_version_id, version, "{external_id}");
    }
}

#[tokio::test]
async fn retiring_ends_a_version_or_cancels_a_scheduled_one() {
    let t = admin_app().await;
    let rules = t.rules().await;
    let bus_v1 = rules["rules"][0]["versions"][0].clone();
    let walk_v1 = rules["rules"][3]["versions"][0].clone();
    let retire = |v: &Value, body: Value| {
        let path = version_path(v, "/retire");
        let t = &t;
        async move { t.send(Method::POST, &path, Some(body)).await }
    };

    let (status, body) = retire(&bus_v1, json!({"at": from_now(-Duration::minutes(5))})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let end = from_now(Duration::hours(1));
    let (status, body) = retire(&bus_v1, json!({"at": end})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "retired");
    assert_eq!(body["phase"], "in_force", "until its end");
    assert_eq!(instant(&body["effective_until"]), instant(&json!(end)));
    let (status, body) = retire(&bus_v1, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["details"]["reason"], "not_published");

    // Retired now: walking is no longer on the public page.
    let (status, body) = retire(&walk_v1, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let public: Value = t
        .app
        .get("/api/v1/public/rules")
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = public["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["definition"]["kind"].as_str().unwrap())
        .collect();
    assert!(!kinds.contains(&"walk"), "{kinds:?}");
    assert!(kinds.contains(&"bus_ride"), "bus is retired in an hour");

    // A scheduled version retired before its start never applies.
    let metro = t.rule_id("metro_ride").await;
    let draft = t.draft(metro).await;
    let (status, _) = t
        .send(
            Method::POST,
            &version_path(&draft, "/retire"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a draft is not retired");
    let (_, scheduled) = t
        .publish(
            &draft,
            json!({"effective_from": from_now(Duration::days(2))}),
        )
        .await;
    let (status, cancelled) = retire(&scheduled, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["effective_until"], cancelled["effective_from"]);
    assert_eq!(cancelled["phase"], "ended");
}

#[tokio::test]
async fn history_shows_what_changed_between_versions() {
    let t = admin_app().await;
    let bus = t.rule_id("bus_ride").await;
    t.publish_edited(
        "bus_ride",
        |d| {
            d["multipliers"][0]["percent"] = json!(300);
            d["caps"]["per_day"] = json!(12000);
        },
        json!({"effective_from": from_now(Duration::hours(1))}),
    )
    .await;
    let (status, history) = t
        .send(
            Method::GET,
            &format!("/api/v1/admin/rules/{bus}/history"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{history}");
    assert_eq!(history["kind"], "bus_ride");
    let versions = history["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["previous"], Value::Null);
    assert_eq!(versions[0]["changes"], json!([]));
    assert_eq!(versions[1]["previous"], versions[0]["version"]["id"]);
    assert_eq!(
        versions[1]["changes"],
        json!([
            {"field": "caps.per_day", "old": 10000, "new": 12000},
            {"field": "multipliers[0].percent", "old": 200, "new": 300},
        ])
    );
}

#[tokio::test]
async fn every_rule_change_is_audited_in_an_append_only_log() {
    let t = admin_app().await;
    t.publish_edited(
        "bus_ride",
        |d| d["multipliers"][0]["percent"] = json!(250),
        json!({"effective_from": from_now(Duration::hours(1))}),
    )
    .await;
    let (status, page) = t
        .send(Method::GET, "/api/v1/admin/audit?action=rule.", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    let names: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "rule.publish",
            "rule.close",
            "rule.draft_update",
            "rule.draft_create"
        ]
    );
    for entry in items {
        assert_eq!(entry["actor_id"], t.admin.user_id);
        assert_eq!(entry["object_kind"], "rule_version");
    }
    let publish = &items[0];
    assert_eq!(publish["before"]["status"], "draft");
    assert_eq!(publish["after"]["status"], "published");
    assert_eq!(
        publish["after"]["definition"]["multipliers"][0]["percent"],
        250
    );
    let update = &items[2];
    assert_eq!(
        update["before"]["definition"]["multipliers"][0]["percent"],
        200
    );
    assert_eq!(
        update["after"]["definition"]["multipliers"][0]["percent"],
        250
    );
    let close = &items[1];
    assert_eq!(close["before"]["effective_until"], Value::Null);
    assert_eq!(
        close["after"]["effective_until"],
        publish["after"]["effective_from"]
    );

    // Filters and pages.
    let (_, exact) = t
        .send(Method::GET, "/api/v1/admin/audit?action=rule.close", None)
        .await;
    assert_eq!(exact["items"].as_array().unwrap().len(), 1);
    let (_, nobody) = t
        .send(Method::GET, "/api/v1/admin/audit?actor=999999", None)
        .await;
    assert_eq!(nobody["items"], json!([]));
    let (_, first) = t
        .send(Method::GET, "/api/v1/admin/audit?limit=3", None)
        .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    let next = first["next_before_id"].as_i64().unwrap();
    let (_, second) = t
        .send(
            Method::GET,
            &format!("/api/v1/admin/audit?limit=3&before_id={next}"),
            None,
        )
        .await;
    assert_eq!(second["items"][0]["action"], "rule.draft_create");
    assert_eq!(second["next_before_id"], Value::Null);
    let (status, _) = t
        .send(Method::GET, "/api/v1/admin/audit?colour=red", None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Neither the log nor a published version can be changed in SQL.
    use sea_orm::ConnectionTrait;
    for sql in [
        "UPDATE audit_log SET action = 'rule.nothing'",
        "DELETE FROM audit_log",
        "UPDATE rule_versions SET definition = '{}' WHERE status = 'published'",
        "DELETE FROM rule_versions WHERE status = 'published'",
    ] {
        assert!(t.app.db.execute_unprepared(sql).await.is_err(), "{sql}");
    }
}

#[tokio::test]
async fn the_public_rules_show_parameters_sources_and_versions_without_sign_in() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/public/rules").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let rules = body["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 6);
    let bus = &rules[0];
    assert_eq!(bus["version"], 1);
    let definition = &bus["definition"];
    assert_eq!(definition["kind"], "bus_ride");
    assert_eq!(definition["unit"], "km");
    assert_eq!(definition["name"]["en"], "Bus ride");
    assert!(
        definition["description"]["en"]
            .as_str()
            .unwrap()
            .contains("Beijing")
    );
    assert!(
        definition["description"]["zh_cn"]
            .as_str()
            .unwrap()
            .contains("深圳")
    );
    assert_eq!(definition["reduction"]["baseline_mg_per_unit"], 272_000);
    assert_eq!(definition["multipliers"][0]["percent"], 200);
    assert_eq!(definition["caps"]["per_day"], 10_000);
    let refuel = &rules[4]["definition"];
    assert_eq!(refuel["schedule"]["time_windows"][0]["start"], "20:00");
}

fn preview_body(kind: &str, started: DateTime<FixedOffset>, quantity: Value, unit: &str) -> Value {
    json!({
        "kind": kind,
        "started_at": started.to_rfc3339(),
        "ended_at": (started + Duration::minutes(22)).to_rfc3339(),
        "quantity": quantity,
        "unit": unit,
        "attributes": {"route": "K5", "seats": 2},
    })
}

#[tokio::test]
async fn a_preview_applies_the_rule_in_force_without_a_citizen() {
    let app = spawn_app().await;
    let city = FixedOffset::east_opt(8 * 3600).unwrap();
    let winter = city.with_ymd_and_hms(2026, 1, 10, 8, 10, 0).unwrap();
    let summer = city.with_ymd_and_hms(2026, 7, 10, 8, 10, 0).unwrap();
    let preview = |body: Value| {
        let app = &app;
        async move {
            let res = app.post_json("/api/v1/public/rules/preview", &body).await;
            let status = res.status();
            (status, res.json::<Value>().await.unwrap())
        }
    };

    // Long past the claim window, and still evaluated: a preview skips it.
    let (status, body) = preview(preview_body("bus_ride", summer, json!(7.4), "km")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "accepted");
    assert_eq!(body["co2e_g"], 1813, "7.4 km × 245.1 g/km, rounded down");
    assert_eq!(body["points"], 1813);
    assert_eq!(body["reasons"], json!([]));
    assert_eq!(body["breakdown"]["baseline_g"], 2012);
    assert!(body["breakdown"]["rule_version_id"].is_i64());

    let (_, body) = preview(preview_body("bus_ride", winter, json!(7.4), "km")).await;
    assert_eq!(body["points"], 3626, "doubled in the heating season");

    let noon = city.with_ymd_and_hms(2026, 7, 10, 12, 0, 0).unwrap();
    let (_, body) = preview(preview_body("refuel_offpeak", noon, json!(40), "L")).await;
    assert_eq!(body["status"], "rejected");
    assert_eq!(body["reasons"], json!(["outside_time_window"]));
    assert_eq!(body["points"], 0);
    assert_eq!(
        body["breakdown"]["points_before_caps"], 400,
        "what it would have earned"
    );

    let before_seeds = city.with_ymd_and_hms(2025, 7, 10, 8, 0, 0).unwrap();
    for body in [
        preview_body("ferry_ride", summer, json!(3), "km"),
        preview_body("bus_ride", before_seeds, json!(3), "km"),
    ] {
        let (status, answer) = preview(body).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer["status"], "rejected");
        assert_eq!(answer["reasons"], json!(["kind_not_allowed"]));
        assert_eq!(answer["breakdown"], Value::Null);
    }

    let (status, body) = preview(preview_body("bus_ride", summer, json!(7.4), "miles")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"],
        json!([{"field": "unit", "reason": "unknown_unit"}])
    );
    let mut with_subject = preview_body("bus_ride", summer, json!(7.4), "km");
    with_subject["external_id"] = json!("X-1");
    let (status, _) = preview(with_subject).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a preview has no record id"
    );

    // Nothing was stored.
    let stored = actions::Entity::find().all(&app.db).await.unwrap();
    assert!(stored.is_empty());
}

#[tokio::test]
async fn previews_are_rate_limited_per_address() {
    let app = spawn_app().await;
    let city = FixedOffset::east_opt(8 * 3600).unwrap();
    let body = preview_body(
        "bus_ride",
        city.with_ymd_and_hms(2026, 7, 10, 8, 10, 0).unwrap(),
        json!(2),
        "km",
    );
    // The test limit is 30 a minute; windows follow the clock, so 61
    // requests overflow one of them whatever the timing.
    for i in 0..61 {
        let res = app.post_json("/api/v1/public/rules/preview", &body).await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(i >= 30, "refused after {i}");
            assert!(res.headers().contains_key("retry-after"));
            let error: Value = res.json().await.unwrap();
            assert_eq!(error["error"]["code"], "rate_limited");
            return;
        }
        assert_eq!(res.status(), StatusCode::OK);
    }
    panic!("no 429 within 61 previews");
}

/// A stored bus action, as ingestion would have written it.
#[allow(clippy::too_many_arguments)]
async fn stored_ride(
    app: &TestApp,
    partner: i64,
    external_id: &str,
    user: Option<i64>,
    started: DateTime<FixedOffset>,
    km_milli: i64,
    status: &str,
    points: i64,
    reasons: &str,
) {
    let started = started.with_timezone(&Utc);
    actions::ActiveModel {
        partner_id: Set(Some(partner)),
        external_id: Set(external_id.to_owned()),
        user_id: Set(user),
        subject_kind: Set(Some("transit_card".to_owned())),
        subject_hash: Set(None),
        kind: Set("bus_ride".to_owned()),
        started_at: Set(Some(started)),
        ended_at: Set(Some(started + Duration::minutes(20))),
        quantity_milli: Set(km_milli),
        unit: Set("km".to_owned()),
        attributes: Set("{}".to_owned()),
        status: Set(status.to_owned()),
        points: Set(points),
        co2e_g: Set(points),
        reasons: Set(reasons.to_owned()),
        breakdown: Set(None),
        rule_version_id: Set(None),
        transfer_id: Set(None),
        received_at: Set(started + Duration::hours(1)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_simulation_compares_a_draft_with_what_was_credited() {
    let t = admin_app().await;
    let app = &t.app;
    let partner = app
        .partner(&t.admin, "聊城公交集团", &["bus_ride"])
        .await
        .id;
    let a = app.citizen("13800000001").await.user_id;
    let c = app.citizen("13800000003").await.user_id;
    let b = app.citizen("13800000002").await.user_id;
    let city = FixedOffset::east_opt(8 * 3600).unwrap();
    let june = |day, hour| city.with_ymd_and_hms(2026, 6, day, hour, 0, 0).unwrap();
    // What v1 credited (no heating season in June): 2 km → 490 g → 490 points.
    for (i, hour) in [8, 9, 10].into_iter().enumerate() {
        stored_ride(
            app,
            partner,
            &format!("A{i}"),
            Some(a),
            june(10, hour),
            2_000,
            "accepted",
            490,
            "[]",
        )
        .await;
    }
    stored_ride(
        app,
        partner,
        "C0",
        Some(c),
        june(11, 8),
        10_000,
        "accepted",
        2_451,
        "[]",
    )
    .await;
    stored_ride(
        app,
        partner,
        "B0",
        Some(b),
        june(12, 8),
        50,
        "rejected",
        0,
        r#"["quantity_out_of_bounds"]"#,
    )
    .await;
    stored_ride(
        app,
        partner,
        "D0",
        None,
        june(12, 9),
        5_000,
        "rejected",
        0,
        r#"["unbound_subject"]"#,
    )
    .await;
    // Outside the period.
    stored_ride(
        app,
        partner,
        "C1",
        Some(c),
        city.with_ymd_and_hms(2026, 7, 5, 8, 0, 0).unwrap(),
        10_000,
        "accepted",
        2_451,
        "[]",
    )
    .await;

    // The draft: twice the points per kg, at most 1 500 a day.
    let draft = t.draft(t.rule_id("bus_ride").await).await;
    let mut definition = draft["definition"].clone();
    definition["points"]["points_per_kg"] = json!(2000);
    definition["caps"]["per_day"] = json!(1500);
    let (status, body) = t.put(&draft, &definition).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let period = json!({
        "from": june(1, 0).to_rfc3339(),
        "to": city.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap().to_rfc3339(),
    });
    let (status, report) = t
        .send(
            Method::POST,
            &version_path(&draft, "/simulate"),
            Some(period.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["kind"], "bus_ride");
    assert_eq!(report["actions"], 6);
    assert_eq!(
        report["before"],
        json!({"accepted": 4, "rejected": 2, "held": 0, "points": 3921, "co2e_g": 3921})
    );
    // A: 980, then 520 up to the cap, then nothing (cap_reached); C: 4902
    // capped at 1500; CO2e cut in proportion: 490 + 260 + 750.
    assert_eq!(
        report["after"],
        json!({"accepted": 3, "rejected": 3, "held": 0, "points": 3000, "co2e_g": 1500})
    );
    assert_eq!(report["changed"], 4);
    assert_eq!(
        report["top_citizens"],
        json!([
            {"user_id": c, "nickname": "测试市民", "points_before": 2451, "points_after": 1500, "difference": -951},
            {"user_id": a, "nickname": "测试市民", "points_before": 1470, "points_after": 1500, "difference": 30},
        ])
    );

    // The version in force changes nothing; the period must make sense.
    let v1 = t.rules().await["rules"][0]["versions"][0].clone();
    let (_, same) = t
        .send(Method::POST, &version_path(&v1, "/simulate"), Some(period))
        .await;
    assert_eq!(same["changed"], 0, "{same}");
    assert_eq!(same["after"], same["before"]);
    let (status, body) = t
        .send(
            Method::POST,
            &version_path(&draft, "/simulate"),
            Some(json!({"from": june(2, 0).to_rfc3339(), "to": june(1, 0).to_rfc3339()})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

/// What ingestion credited a citizen for one kind on one city day.
async fn stored_daily_total(app: &TestApp, user: i64, day: (u32, u32), kind: &str, points: i64) {
    user_daily_totals::ActiveModel {
        user_id: Set(user),
        day: Set(NaiveDate::from_ymd_opt(2026, day.0, day.1).unwrap()),
        kind: Set(kind.to_owned()),
        points: Set(points),
        co2e_g: Set(0),
        actions: Set(1),
    }
    .insert(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_simulation_counts_other_kinds_toward_the_overall_caps() {
    let t = admin_app().await;
    let app = &t.app;
    let partner = app
        .partner(&t.admin, "聊城公交集团", &["bus_ride"])
        .await
        .id;
    let a = app.citizen("13800000001").await.user_id;
    let b = app.citizen("13800000002").await.user_id;
    let city = FixedOffset::east_opt(8 * 3600).unwrap();
    let june = |day, hour| city.with_ymd_and_hms(2026, 6, day, hour, 0, 0).unwrap();
    // Three 2 km rides for A on 10 June, one for B on 11 June: 490 points
    // each under the rule in force.
    for (i, hour) in [8, 9, 10].into_iter().enumerate() {
        let id = format!("A{i}");
        stored_ride(
            app,
            partner,
            &id,
            Some(a),
            june(10, hour),
            2_000,
            "accepted",
            490,
            "[]",
        )
        .await;
    }
    stored_ride(
        app,
        partner,
        "B0",
        Some(b),
        june(11, 8),
        2_000,
        "accepted",
        490,
        "[]",
    )
    .await;
    // A walked and took the metro for 700 points that day; the rides' own
    // total must not be counted twice, nor another day's walk.
    stored_daily_total(app, a, (6, 10), "walk", 600).await;
    stored_daily_total(app, a, (6, 10), "metro_ride", 100).await;
    stored_daily_total(app, a, (6, 10), "bus_ride", 1_470).await;
    stored_daily_total(app, a, (6, 9), "walk", 1_000).await;
    // B walked 5 600 points' worth on 1 June, before the period but in its
    // month.
    stored_daily_total(app, b, (6, 1), "walk", 5_600).await;

    // The draft: at most 1 000 points a day and 6 000 a month, all kinds.
    let draft = t.draft(t.rule_id("bus_ride").await).await;
    let mut definition = draft["definition"].clone();
    definition["caps"]["overall_per_day"] = json!(1_000);
    definition["caps"]["overall_per_month"] = json!(6_000);
    let (status, body) = t.put(&draft, &definition).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let period = json!({
        "from": june(5, 0).to_rfc3339(),
        "to": city.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap().to_rfc3339(),
    });
    let (status, report) = t
        .send(
            Method::POST,
            &version_path(&draft, "/simulate"),
            Some(period),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    // A: 700 of the day's 1 000 already credited, so 300 for the first ride
    // and nothing for the others (cap_reached); B: 5 600 of the month's
    // 6 000, so 400.
    assert_eq!(report["after"]["accepted"], 2, "{report}");
    assert_eq!(report["after"]["rejected"], 2, "{report}");
    assert_eq!(report["after"]["points"], 700, "{report}");
    assert_eq!(report["changed"], 4);
    assert_eq!(
        report["top_citizens"],
        json!([
            {"user_id": a, "nickname": "测试市民", "points_before": 1470, "points_after": 300, "difference": -1170},
            {"user_id": b, "nickname": "测试市民", "points_before": 490, "points_after": 400, "difference": -90},
        ])
    );
}

#[tokio::test]
async fn citizens_and_reviewers_are_refused_on_admin_rule_routes() {
    let t = admin_app().await;
    let draft = t.draft(t.rule_id("bus_ride").await).await;
    let citizen = t.app.citizen("13800001111").await;
    let reviewer = t.app.citizen("13800002222").await;
    let res = t
        .app
        .authed(
            Method::PUT,
            &format!("/api/v1/admin/users/{}/role", reviewer.user_id),
            &t.admin,
        )
        .json(&json!({"role": "reviewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let routes = [
        (Method::GET, "/api/v1/admin/rules".to_owned(), None),
        (
            Method::POST,
            "/api/v1/admin/rules".to_owned(),
            Some(draft["definition"].clone()),
        ),
        (
            Method::GET,
            format!("/api/v1/admin/rules/{}/history", draft["rule_id"]),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/admin/rules/{}/versions", draft["rule_id"]),
            Some(json!({})),
        ),
        (Method::GET, version_path(&draft, ""), None),
        (
            Method::PUT,
            version_path(&draft, ""),
            Some(draft["definition"].clone()),
        ),
        (Method::DELETE, version_path(&draft, ""), None),
        (
            Method::POST,
            version_path(&draft, "/publish"),
            Some(json!({})),
        ),
        (
            Method::POST,
            version_path(&draft, "/retire"),
            Some(json!({})),
        ),
        (
            Method::POST,
            version_path(&draft, "/simulate"),
            Some(json!({"from": from_now(-Duration::days(1)), "to": from_now(Duration::zero())})),
        ),
        (Method::GET, "/api/v1/admin/audit".to_owned(), None),
    ];
    for (method, path, body) in &routes {
        for (who, session, expected) in [
            ("citizen", Some(&citizen), StatusCode::FORBIDDEN),
            ("reviewer", Some(&reviewer), StatusCode::FORBIDDEN),
            ("nobody", None, StatusCode::UNAUTHORIZED),
        ] {
            let mut req = match session {
                Some(session) => t.app.authed(method.clone(), path, session),
                None => t.app.client.request(method.clone(), t.app.url(path)),
            };
            if let Some(body) = body {
                req = req.json(body);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), expected, "{who} {method} {path}");
        }
    }
    // And nothing changed.
    let (_, stored) = t.send(Method::GET, &version_path(&draft, ""), None).await;
    assert_eq!(stored["status"], "draft");
}

/// DESIGN.md §7: a simulation over one million stored actions takes under
/// 5 s. A benchmark, not a timed test (it loads a million rows first):
/// `cargo test --release -p tanpu-server --test api million -- --ignored --nocapture`,
/// with `TANPU_TEST_PG_URL` for PostgreSQL.
#[tokio::test]
#[ignore = "benchmark: loads a million actions; run in release"]
async fn simulation_over_a_million_actions_benchmark() {
    use sea_orm::TransactionTrait;
    const ACTIONS: i64 = 1_000_000;
    const CITIZENS: i64 = 20_000;
    let t = admin_app().await;
    let partner = t
        .app
        .partner(&t.admin, "聊城公交集团", &["bus_ride"])
        .await
        .id;
    let june = Utc.with_ymd_and_hms(2026, 5, 31, 16, 0, 0).unwrap();
    let loading = std::time::Instant::now();
    for chunk in 0..ACTIONS / 1_000 {
        let txn = t.app.db.begin().await.unwrap();
        let rows = (chunk * 1_000..(chunk + 1) * 1_000).map(|i| {
            // Spread over 30 days, a citizen riding about every 13 hours.
            let started = june + Duration::seconds(i * 30 * 86_400 / ACTIONS);
            actions::ActiveModel {
                partner_id: Set(Some(partner)),
                external_id: Set(format!("B{i}")),
                user_id: Set(Some(1 + i % CITIZENS)),
                subject_kind: Set(None),
                subject_hash: Set(None),
                kind: Set("bus_ride".to_owned()),
                started_at: Set(Some(started)),
                ended_at: Set(Some(started + Duration::minutes(20))),
                quantity_milli: Set(500 + (i % 20) * 500),
                unit: Set("km".to_owned()),
                attributes: Set("{}".to_owned()),
                status: Set("accepted".to_owned()),
                points: Set(100),
                co2e_g: Set(100),
                reasons: Set("[]".to_owned()),
                breakdown: Set(None),
                rule_version_id: Set(None),
                transfer_id: Set(None),
                received_at: Set(started + Duration::hours(1)),
                ..Default::default()
            }
        });
        actions::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await
            .unwrap();
        txn.commit().await.unwrap();
    }
    eprintln!("loaded {ACTIONS} actions in {:?}", loading.elapsed());

    let draft = t.draft(t.rule_id("bus_ride").await).await;
    let mut definition = draft["definition"].clone();
    definition["caps"]["per_day"] = json!(1500);
    assert_eq!(t.put(&draft, &definition).await.0, StatusCode::OK);
    let clock = std::time::Instant::now();
    let (status, report) = t
        .send(
            Method::POST,
            &version_path(&draft, "/simulate"),
            Some(json!({"from": "2026-06-01T00:00:00+08:00", "to": "2026-07-01T00:00:00+08:00"})),
        )
        .await;
    let elapsed = clock.elapsed();
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["actions"], ACTIONS);
    eprintln!(
        "simulated {} actions in {elapsed:?} (server: {} ms; budget 5 s); changed {}",
        report["actions"], report["elapsed_ms"], report["changed"]
    );
}
