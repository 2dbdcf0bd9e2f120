//! Rewards: the catalogue, redemption (idempotent, never overselling stock
//! or overspending a balance, also under concurrency), vouchers and their
//! use by a merchant or an administrator.

use crate::helpers::{Session, TEST_JWT_SECRET, TestApp, first_refusal, spawn_app};
use chrono::Utc;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use tanpu_core::ledger::TransferReason;
use tanpu_core::{Points, UserId};
use tanpu_server::config::Secret;
use tanpu_server::entities::users;
use tanpu_server::services::ledger::{self, AccountSpec, TransferRequest};
use tanpu_server::services::tokens::AccessTokens;

/// Credits `points` to the citizen from a test issuer.
pub async fn fund(app: &TestApp, user: i64, points: i64) {
    let citizen = ledger::accounts::citizen(&app.db, UserId(user))
        .await
        .unwrap();
    let issuer = ledger::accounts::open(
        &app.db,
        &AccountSpec::Issuance {
            source: "test".into(),
            shard: 0,
        },
    )
    .await
    .unwrap();
    ledger::transfer::transfer(
        &app.db,
        TransferRequest {
            debit: issuer.id,
            credit: citizen.id,
            amount: Points(points),
            reason: TransferReason::GreenAction,
            object: None,
            memo: None,
        },
        None,
    )
    .await
    .unwrap();
}

/// `n` citizens made directly in the database (no password hashing: they
/// cannot sign in, but hold valid access tokens), each funded with `points`.
async fn many_citizens(app: &TestApp, n: usize, points: i64) -> Vec<Session> {
    let tokens = AccessTokens::new(&Secret::new(TEST_JWT_SECRET.to_owned())).unwrap();
    let mut sessions = Vec::with_capacity(n);
    for i in 0..n {
        let now = Utc::now();
        let row = users::ActiveModel {
            login: Set(format!("race-{i}@test.cn")),
            nickname: Set(format!("racer {i}")),
            password_hash: Set("!".to_owned()),
            role: Set("citizen".to_owned()),
            consent_version: Set("test".to_owned()),
            consent_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        fund(app, row.id, points).await;
        let (access_token, _) = tokens.issue(UserId(row.id), now).unwrap();
        sessions.push(Session {
            access_token,
            refresh: String::new(),
            user_id: row.id,
        });
    }
    sessions
}

fn reward_input(name: &str, price: i64, stock: i64) -> Value {
    json!({
        "category": "transit_pass",
        "name": name,
        "description": "Unlimited bus rides for a day.",
        "price": price,
        "stock": stock,
        "voucher_days": 30,
        "active": true,
    })
}

async fn create_reward(app: &TestApp, admin: &Session, input: &Value) -> Value {
    let res = app
        .authed(Method::POST, "/api/v1/admin/rewards", admin)
        .json(input)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn redeem(
    app: &TestApp,
    who: &Session,
    reward: i64,
    key: impl AsRef<str>,
) -> reqwest::Response {
    app.authed(
        Method::POST,
        &format!("/api/v1/rewards/{reward}/redeem"),
        who,
    )
    .header("idempotency-key", key.as_ref())
    .send()
    .await
    .unwrap()
}

async fn json_of(app: &TestApp, who: &Session, path: &str) -> Value {
    let res = app.authed(Method::GET, path, who).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    res.json().await.unwrap()
}

async fn reward_row(app: &TestApp, admin: &Session, id: i64) -> Value {
    let all = json_of(app, admin, "/api/v1/admin/rewards").await;
    all["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .expect("the reward is listed")
}

fn reason_of(body: &Value) -> String {
    body["error"]["details"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn assert_ledger_whole(app: &TestApp) {
    let report = ledger::verify::verify(&app.db).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
}

#[tokio::test]
async fn the_catalogue_shows_active_rewards_and_refuses_impossible_settings() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    create_reward(&app, &admin, &reward_input("Bus day pass", 300, 5)).await;
    let mut hidden = reward_input("Retired pass", 100, 5);
    hidden["active"] = json!(false);
    create_reward(&app, &admin, &hidden).await;
    let mut later = reward_input("Next year's pass", 100, 5);
    later["available_from"] = json!("2099-01-01T00:00:00Z");
    create_reward(&app, &admin, &later).await;

    let public: Value = app.get("/api/v1/rewards").await.json().await.unwrap();
    let names: Vec<&str> = public["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bus day pass"]);
    let all = json_of(&app, &admin, "/api/v1/admin/rewards").await;
    assert_eq!(all["rewards"].as_array().unwrap().len(), 3);

    for (field, value, reason) in [
        ("price", json!(0), "not_positive"),
        ("stock", json!(-1), "negative"),
        ("name", json!("  "), "required"),
        ("voucher_days", json!(0), "out_of_range"),
        ("partner_id", json!(999), "unknown_partner"),
    ] {
        let mut input = reward_input("Bad", 10, 1);
        input[field] = value;
        let res = app
            .authed(Method::POST, "/api/v1/admin/rewards", &admin)
            .json(&input)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["details"]["field"], field, "{body}");
        assert_eq!(reason_of(&body), reason, "{body}");
    }
    let mut backwards = reward_input("Backwards", 10, 1);
    backwards["available_from"] = json!("2027-01-02T00:00:00Z");
    backwards["available_until"] = json!("2027-01-01T00:00:00Z");
    let res = app
        .authed(Method::POST, "/api/v1/admin/rewards", &admin)
        .json(&backwards)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Citizens cannot manage the catalogue.
    let citizen = app.citizen("13900000001").await;
    let res = app
        .authed(Method::POST, "/api/v1/admin/rewards", &citizen)
        .json(&reward_input("Mine", 1, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Every change is in the audit log.
    let audit = json_of(&app, &admin, "/api/v1/admin/audit?action=reward.").await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 3, "{audit}");
}

#[tokio::test]
async fn a_redemption_pays_once_issues_a_voucher_and_takes_one_from_stock() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let reward = create_reward(&app, &admin, &reward_input("Bus day pass", 300, 5)).await;
    let id = reward["id"].as_i64().unwrap();
    let citizen = app.citizen("13900000002").await;
    fund(&app, citizen.user_id, 1_000).await;

    let res = redeem(&app, &citizen, id, "tap-1").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let first: Value = res.json().await.unwrap();
    assert_eq!(first["balance"], 700);
    assert_eq!(first["replayed"], false);
    let voucher = &first["voucher"];
    assert_eq!(voucher["status"], "issued");
    assert_eq!(voucher["price"], 300);
    assert!(voucher["code"].as_str().unwrap().starts_with("TP-"));
    assert!(voucher["qr_svg"].as_str().unwrap().starts_with("<svg"));

    // The same key again: the same voucher, nothing charged.
    let res = redeem(&app, &citizen, id, "tap-1").await;
    assert_eq!(res.status(), StatusCode::OK);
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["replayed"], true);
    assert_eq!(again["voucher"]["id"], voucher["id"]);
    assert_eq!(again["balance"], 700);

    let summary = json_of(&app, &citizen, "/api/v1/me/summary").await;
    assert_eq!(summary["balance"], 700);
    let row = reward_row(&app, &admin, id).await;
    assert_eq!(
        (row["stock"].as_i64(), row["redeemed"].as_i64()),
        (Some(4), Some(1))
    );
    let mine = json_of(&app, &citizen, "/api/v1/me/vouchers").await;
    assert_eq!(mine["vouchers"].as_array().unwrap().len(), 1);
    assert_eq!(mine["vouchers"][0]["code"], voucher["code"]);

    // The key belongs to that reward now.
    let other = create_reward(&app, &admin, &reward_input("Metro pass", 100, 5)).await;
    let res = redeem(&app, &citizen, other["id"].as_i64().unwrap(), "tap-1").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        reason_of(&res.json().await.unwrap()),
        "idempotency_key_reused"
    );

    // No key, no redemption.
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/rewards/{id}/redeem"),
            &citizen,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Unknown reward.
    assert_eq!(
        redeem(&app, &citizen, 9_999, "tap-2").await.status(),
        StatusCode::NOT_FOUND
    );

    // The statement shows the redemption; the ledger is whole.
    let statement = json_of(&app, &citizen, "/api/v1/me/export").await;
    assert_eq!(statement["vouchers"].as_array().unwrap().len(), 1);
    assert!(
        statement["ledger"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["reason"] == "redemption" && e["amount"] == -300),
        "{statement}"
    );
    assert_ledger_whole(&app).await;
}

#[tokio::test]
async fn refusals_name_their_reason_and_charge_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut limited = reward_input("Certificate", 100, 10);
    limited["per_citizen_limit"] = json!(2);
    let limited = create_reward(&app, &admin, &limited).await["id"]
        .as_i64()
        .unwrap();
    let sold_out = create_reward(&app, &admin, &reward_input("Gone", 100, 0)).await["id"]
        .as_i64()
        .unwrap();
    let dear = create_reward(&app, &admin, &reward_input("Dear", 5_000, 10)).await["id"]
        .as_i64()
        .unwrap();
    let citizen = app.citizen("13900000003").await;
    fund(&app, citizen.user_id, 1_000).await;

    assert_eq!(
        redeem(&app, &citizen, limited, "a").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        redeem(&app, &citizen, limited, "b").await.status(),
        StatusCode::CREATED
    );
    for (reward, key, reason) in [
        (limited, "c", "limit_reached"),
        (sold_out, "d", "out_of_stock"),
        (dear, "e", "insufficient_balance"),
    ] {
        let res = redeem(&app, &citizen, reward, key).await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{reason}");
        assert_eq!(reason_of(&res.json().await.unwrap()), reason);
    }
    // An inactive reward cannot be redeemed.
    let mut off = reward_input("Certificate", 100, 10);
    off["active"] = json!(false);
    let res = app
        .authed(
            Method::PUT,
            &format!("/api/v1/admin/rewards/{dear}"),
            &admin,
        )
        .json(&off)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = redeem(&app, &citizen, dear, "f").await;
    assert_eq!(reason_of(&res.json().await.unwrap()), "not_available");

    let summary = json_of(&app, &citizen, "/api/v1/me/summary").await;
    assert_eq!(summary["balance"], 800);
    assert_eq!(reward_row(&app, &admin, dear).await["stock"], 10);
    assert_ledger_whole(&app).await;
}

#[tokio::test]
async fn fifty_citizens_racing_for_ten_get_exactly_ten() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = create_reward(&app, &admin, &reward_input("Ten only", 100, 10)).await["id"]
        .as_i64()
        .unwrap();
    let citizens = many_citizens(&app, 50, 500).await;
    let responses = join_all(
        citizens
            .iter()
            .enumerate()
            .map(|(i, c)| redeem(&app, c, id, format!("race-{i}"))),
    )
    .await;
    let mut created = 0;
    for res in responses {
        match res.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                assert_eq!(reason_of(&res.json().await.unwrap()), "out_of_stock");
            }
            other => panic!("unexpected {other}: {}", res.text().await.unwrap()),
        }
    }
    assert_eq!(created, 10);
    let row = reward_row(&app, &admin, id).await;
    assert_eq!(
        (row["stock"].as_i64(), row["redeemed"].as_i64()),
        (Some(0), Some(10))
    );
    let redemptions = json_of(
        &app,
        &admin,
        &format!("/api/v1/admin/rewards/{id}/redemptions"),
    )
    .await;
    assert_eq!(redemptions["redemptions"].as_array().unwrap().len(), 10);
    assert_ledger_whole(&app).await;
}

#[tokio::test]
async fn a_double_submission_with_one_key_pays_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = create_reward(&app, &admin, &reward_input("Pass", 100, 50)).await["id"]
        .as_i64()
        .unwrap();
    let citizen = many_citizens(&app, 1, 1_000).await.remove(0);
    let responses = join_all((0..10).map(|_| redeem(&app, &citizen, id, "double-tap"))).await;
    let mut vouchers = Vec::new();
    for res in responses {
        assert!(
            matches!(res.status(), StatusCode::CREATED | StatusCode::OK),
            "{}",
            res.status()
        );
        let body: Value = res.json().await.unwrap();
        vouchers.push(body["voucher"]["id"].clone());
    }
    vouchers.dedup();
    assert_eq!(vouchers.len(), 1, "one voucher for one key: {vouchers:?}");
    let summary = json_of(&app, &citizen, "/api/v1/me/summary").await;
    assert_eq!(summary["balance"], 900);
    assert_eq!(reward_row(&app, &admin, id).await["stock"], 49);
    assert_ledger_whole(&app).await;
}

#[tokio::test]
async fn a_citizen_with_points_for_three_who_fires_ten_gets_three() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = create_reward(&app, &admin, &reward_input("Pass", 100, 50)).await["id"]
        .as_i64()
        .unwrap();
    let citizen = many_citizens(&app, 1, 350).await.remove(0);
    let responses =
        join_all((0..10).map(|i| redeem(&app, &citizen, id, format!("burst-{i}")))).await;
    let mut created = 0;
    for res in responses {
        match res.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                assert_eq!(
                    reason_of(&res.json().await.unwrap()),
                    "insufficient_balance"
                );
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 3);
    let summary = json_of(&app, &citizen, "/api/v1/me/summary").await;
    assert_eq!(summary["balance"], 50);
    assert_eq!(reward_row(&app, &admin, id).await["stock"], 47);
    assert_ledger_whole(&app).await;
}

#[tokio::test]
async fn vouchers_are_used_once_by_their_merchant_or_an_administrator() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let bookshop = app.partner(&admin, "Bookshop", &["walk"]).await;
    let stranger = app.partner(&admin, "Other shop", &["walk"]).await;
    let mut input = reward_input("Book voucher", 100, 10);
    input["category"] = json!("merchant_voucher");
    input["partner_id"] = json!(bookshop.id);
    let reward = create_reward(&app, &admin, &input).await;
    assert_eq!(reward["merchant"], "Bookshop");
    let id = reward["id"].as_i64().unwrap();
    let citizen = app.citizen("13900000004").await;
    fund(&app, citizen.user_id, 1_000).await;
    let code_of = |body: Value| body["voucher"]["code"].as_str().unwrap().to_owned();
    let first = code_of(redeem(&app, &citizen, id, "k1").await.json().await.unwrap());
    let second = code_of(redeem(&app, &citizen, id, "k2").await.json().await.unwrap());

    // Another merchant cannot even tell the code exists.
    let body = json!({ "code": first }).to_string();
    let res = app
        .signed(
            Method::POST,
            "/api/v1/partner/vouchers/use",
            &stranger,
            &body,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Its merchant can, typed however.
    let typed = json!({ "code": first.to_lowercase().replace('-', " ") }).to_string();
    let res = app
        .signed(
            Method::POST,
            "/api/v1/partner/vouchers/use",
            &bookshop,
            &typed,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let used: Value = res.json().await.unwrap();
    assert_eq!(used["status"], "used");
    assert!(used["nickname"].is_null(), "merchants see no citizen");
    let res = app
        .signed(
            Method::POST,
            "/api/v1/partner/vouchers/use",
            &bookshop,
            &body,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(reason_of(&res.json().await.unwrap()), "already_used");

    // An administrator can use any voucher; a citizen cannot.
    let res = app
        .authed(Method::POST, "/api/v1/admin/vouchers/use", &citizen)
        .json(&json!({ "code": second }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .authed(Method::POST, "/api/v1/admin/vouchers/use", &admin)
        .json(&json!({ "code": second }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let mine = json_of(&app, &citizen, "/api/v1/me/vouchers").await;
    let statuses: Vec<&str> = mine["vouchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["used", "used"]);
    let audit = json_of(&app, &admin, "/api/v1/admin/audit?action=voucher.use").await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");
    // A code that cannot exist.
    let res = app
        .authed(Method::POST, "/api/v1/admin/vouchers/use", &admin)
        .json(&json!({ "code": "not a code" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn redemptions_are_rate_limited_per_citizen() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = create_reward(&app, &admin, &reward_input("Pass", 1, 100)).await["id"]
        .as_i64()
        .unwrap();
    let citizen = many_citizens(&app, 1, 1_000).await.remove(0);
    // The limit is 20 a minute in windows that follow the clock, so a burst
    // may straddle two of them: 41 requests overflow one whatever the timing.
    let (refused_at, res) = first_refusal(
        async |i| {
            let res = redeem(&app, &citizen, id, format!("k-{i}")).await;
            if res.status() != StatusCode::TOO_MANY_REQUESTS {
                assert_eq!(res.status(), StatusCode::CREATED, "redemption {i}");
            }
            res
        },
        41,
    )
    .await;
    assert!(
        (20..=40).contains(&refused_at),
        "refused after {refused_at}"
    );
    assert!(res.headers().contains_key("retry-after"));
    let summary = json_of(&app, &citizen, "/api/v1/me/summary").await;
    assert_eq!(
        summary["balance"],
        1_000 - i64::try_from(refused_at).unwrap(),
        "each redemption before the refusal paid 1 point, the refused one nothing"
    );
}
