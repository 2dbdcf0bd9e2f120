//! DESIGN.md §8: several servers on one PostgreSQL keep every ledger
//! invariant. Two real `tanpu serve` processes share a fresh database and
//! are hammered at once — the same signed batches and single records sent
//! to both (so the duplicates of one record race across processes), two
//! groups' batches written side by side, citizens reading and editing their
//! profiles — while this
//! process spends citizens' points through the ledger service (redemption
//! has no route yet), a third writer racing the credits on the same rows.
//! Then: `verify` passes (also as `tanpu ledger verify`), every record is
//! stored once, every accepted record was answered `accepted` exactly once
//! and credited exactly once, and every balance is a recount of accepted
//! points minus spends.
//!
//! PostgreSQL only: two processes on one SQLite file is not a deployment
//! Tanpu offers. Without `TANPU_TEST_PG_URL` the test says so and passes;
//! the suite runs again on PostgreSQL.

use crate::helpers::{
    PartnerCreds, ServeProcess, TEST_JWT_SECRET, assert_ledger_matches_actions, bound_citizen,
    bus_ride_record, create_partner, signed_request, test_db,
};
use reqwest::{Client, Method, StatusCode};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tanpu_core::ids::AccountId;
use tanpu_core::ledger::TransferReason;
use tanpu_core::{Points, UserId};
use tanpu_server::config::Secret;
use tanpu_server::entities::actions;
use tanpu_server::services::ledger::{self, AccountSpec, LedgerError, TransferRequest};

const CITIZENS: usize = 12;
const RIDES_PER_CITIZEN: usize = 30;
/// Records per batch (of one group of citizens).
const BATCH: usize = 36;
/// How often a partner request answered 5xx is sent, at most.
const RESENDS: usize = 20;
/// The whole hammering must end within this.
const HAMMER_LIMIT: Duration = Duration::from_secs(90);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_server_processes_on_one_postgresql_keep_every_ledger_invariant() {
    if std::env::var("TANPU_TEST_PG_URL").map_or(true, |v| v.is_empty()) {
        eprintln!(
            "note: two_server_processes_on_one_postgresql_keep_every_ledger_invariant skipped: \
             it needs PostgreSQL (TANPU_TEST_PG_URL); the suite runs again on PostgreSQL"
        );
        return;
    }
    let test = test_db().await;
    tanpu_server::services::rules::ensure_seeded(&test.db)
        .await
        .unwrap();
    let partner = create_partner(&test.db, "聊城公交集团", &["bus_ride"]).await;
    let mut citizens = Vec::new();
    for i in 0..CITIZENS {
        let card = format!("3100 0000 0000 {i:04}");
        let user = bound_citizen(&test.db, &format!("1390000{i:04}"), &card).await;
        citizens.push((user, card));
    }
    // Rides three hours apart (no overlaps), 1.5–4.5 km: some days reach
    // the daily cap, so rejections race too. Two groups of citizens, each
    // with its own batches, in ride order.
    let mut groups: [Vec<Value>; 2] = [Vec::new(), Vec::new()];
    for ride in 0..RIDES_PER_CITIZEN {
        for (c, (_, card)) in citizens.iter().enumerate() {
            let km = format!("{}.{}", 1 + (ride + c) % 4, 5);
            let minutes_ago = 60 + i64::try_from(ride * 180 + c).unwrap();
            groups[c % 2].push(bus_ride_record(
                &format!("LC-P-{c:02}-{ride:03}"),
                card,
                &km,
                minutes_ago,
            ));
        }
    }
    let record_count = groups[0].len() + groups[1].len();

    let a = ServeProcess::start(&test.url).await;
    let b = ServeProcess::start(&test.url).await;
    let servers = [a.url(""), b.url("")];

    // The partner's traffic, in rounds whose requests run at once: first
    // every citizen's first ride sent singly to both servers; then each
    // round sends one batch of each group to both servers, so every
    // record's duplicate races its original across the processes while
    // the other group's batch is written beside them.
    //
    // Why not more: ingestion takes its locks record by record (ledger
    // accounts, the day's roll-up row), so batches whose records come in
    // different orders deadlock on PostgreSQL, and each deadlock costs
    // PostgreSQL's detection second (see `send_partner` for how they end).
    // Batches in ride order over disjoint citizens, and copies of the same
    // batch, take their locks in one order and only queue.
    let mut rounds: Vec<Vec<(usize, &'static str, String)>> = Vec::new();
    rounds.push(
        groups
            .iter()
            .flat_map(|g| g.iter().take(CITIZENS / 2))
            .flat_map(|record| {
                (0..2).map(move |server| (server, "/api/v1/partner/actions", record.to_string()))
            })
            .collect(),
    );
    for (first, second) in groups[0].chunks(BATCH).zip(groups[1].chunks(BATCH)) {
        let mut round = Vec::new();
        for chunk in [first, second] {
            let body = json!({ "records": chunk }).to_string();
            for server in 0..2 {
                round.push((server, "/api/v1/partner/actions/batch", body.clone()));
            }
        }
        rounds.push(round);
    }

    let client = Client::new();
    let done = AtomicBool::new(false);
    let server_errors = AtomicUsize::new(0);
    let hammer = async {
        let partner_traffic = async {
            let mut answers: Vec<(usize, Vec<(String, String)>)> = Vec::new();
            for round in rounds {
                let sends = round.into_iter().map(|(server, path, body)| {
                    let url = format!("{}{path}", servers[server]);
                    let (client, partner, errors) = (&client, &partner, &server_errors);
                    async move {
                        (
                            server,
                            send_partner(client, partner, &url, &body, errors).await,
                        )
                    }
                });
                answers.extend(futures::future::join_all(sends).await);
            }
            done.store(true, Ordering::SeqCst);
            answers
        };
        let citizen_traffic = citizens_use_the_app(&client, &servers, &citizens, &done);
        let spends = citizens_spend(&test.db, &citizens, &done);
        tokio::join!(partner_traffic, citizen_traffic, spends)
    };
    let (answers, citizen_requests, spent) = tokio::time::timeout(HAMMER_LIMIT, hammer)
        .await
        .expect("the hammering ended in time");
    drop((a, b));

    // Both processes did work.
    for server in 0..2 {
        assert!(
            answers.iter().any(|(s, _)| *s == server),
            "server {server} answered nothing"
        );
    }
    assert!(citizen_requests > 0);

    // Every record stored once; `accepted` answered once per accepted record.
    let stored: HashMap<String, actions::Model> = actions::Entity::find()
        .filter(actions::Column::PartnerId.eq(partner.id))
        .all(&test.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.external_id.clone(), a))
        .collect();
    assert_eq!(stored.len(), record_count, "every record stored once");
    let mut accepted_answers: HashMap<&str, usize> = HashMap::new();
    for (_, results) in &answers {
        for (id, status) in results {
            assert!(
                ["accepted", "rejected", "held", "duplicate"].contains(&status.as_str()),
                "{id}: {status}"
            );
            if status == "accepted" {
                *accepted_answers.entry(id.as_str()).or_default() += 1;
            }
        }
    }
    for (id, action) in &stored {
        let expected = usize::from(action.status == "accepted");
        assert_eq!(
            accepted_answers.get(id.as_str()).copied().unwrap_or(0),
            expected,
            "{id} is stored as {} and was answered `accepted` that many times",
            action.status
        );
    }

    let accepted = assert_ledger_matches_actions(&test.db, &spent).await;
    assert!(accepted > 0, "some records were accepted");
    let spends: i64 = spent.values().sum();
    eprintln!(
        "two processes: {} records, {accepted} accepted and credited once, {} partner answers, \
         {citizen_requests} citizen requests, {spends} points spent concurrently",
        record_count,
        answers.len()
    );
    let errors = server_errors.load(Ordering::SeqCst);
    if errors > 0 {
        eprintln!(
            "warning: {errors} partner request(s) were answered 500 and resent (deadlocks in \
             ingestion reported as internal errors; see send_partner)"
        );
    }

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tanpu"))
        .args(["ledger", "verify"])
        .env("TANPU_DATABASE_URL", &test.url)
        .env("TANPU_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tanpu ledger verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Sends a signed partner request until it is answered 200, as a partner
/// resends after a 5xx; returns each record's `(external_id, status)`.
///
/// 503 is contention that outlived the server's retries. 500 is counted in
/// `server_errors` and reported: at the time of writing, ingestion turns a
/// PostgreSQL deadlock between two batches (their locks on the day's
/// roll-up row and on ledger accounts, taken record by record) into an
/// internal error instead of retrying it, because the roll-up's error
/// reaches the retry loop as a service error without its database code.
/// Either way the failed request's transaction rolled back, which is what
/// this test checks; any other status fails it.
async fn send_partner(
    client: &Client,
    partner: &PartnerCreds,
    url: &str,
    body: &str,
    server_errors: &AtomicUsize,
) -> Vec<(String, String)> {
    for attempt in 0..RESENDS {
        let res = signed_request(client, Method::POST, url, partner, body)
            .send()
            .await
            .expect("the server answers");
        let status = res.status();
        let answer: Value = res.json().await.unwrap_or(Value::Null);
        if status == StatusCode::OK {
            let results = match answer.get("results") {
                Some(results) => results.as_array().unwrap().clone(),
                None => vec![answer],
            };
            return results
                .iter()
                .map(|r| {
                    (
                        r["external_id"].as_str().unwrap().to_owned(),
                        r["status"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
        }
        match status {
            StatusCode::SERVICE_UNAVAILABLE => {}
            StatusCode::INTERNAL_SERVER_ERROR => {
                server_errors.fetch_add(1, Ordering::SeqCst);
            }
            other => panic!("{url} answered {other}: {answer}"),
        }
        let pause = 20 * (1 + u64::try_from(attempt).unwrap()).min(5);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    panic!("{url} failed {RESENDS} times");
}

/// Citizens reading and renaming themselves on both servers while the
/// credits arrive. Returns how many requests were made.
async fn citizens_use_the_app(
    client: &Client,
    servers: &[String; 2],
    citizens: &[(i64, String)],
    done: &AtomicBool,
) -> usize {
    let tokens =
        tanpu_server::services::tokens::AccessTokens::new(&Secret::new(TEST_JWT_SECRET.to_owned()))
            .unwrap();
    let mut requests = 0;
    // Bounded even if the partner traffic were slow to finish.
    for round in 0..200 {
        if done.load(Ordering::SeqCst) {
            break;
        }
        let (user, _) = &citizens[round % citizens.len()];
        let (token, _) = tokens.issue(UserId(*user), chrono::Utc::now()).unwrap();
        let server = &servers[round % 2];
        let me = client
            .get(format!("{server}/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::OK);
        let renamed = client
            .patch(format!("{server}/api/v1/me"))
            .bearer_auth(&token)
            .json(&json!({ "nickname": format!("骑行者{round}") }))
            .send()
            .await
            .unwrap();
        assert_eq!(renamed.status(), StatusCode::OK);
        requests += 2;
    }
    requests
}

/// Citizens redeeming points while credits arrive, from two tasks that
/// pick the same citizens: each spend takes what the balance showed a
/// moment ago (up to 400), so some lose the race to the other task's spend
/// and must be refused whole. Returns the points each citizen actually
/// spent.
async fn citizens_spend(
    db: &DatabaseConnection,
    citizens: &[(i64, String)],
    done: &AtomicBool,
) -> HashMap<i64, i64> {
    let sink = ledger::accounts::open(db, &AccountSpec::RedemptionSink)
        .await
        .unwrap()
        .id;
    let (first, second) = tokio::join!(
        spender(db, sink, citizens, done, 0),
        spender(db, sink, citizens, done, 1)
    );
    let mut spent = first;
    for (user, points) in second {
        *spent.entry(user).or_default() += points;
    }
    spent
}

async fn spender(
    db: &DatabaseConnection,
    sink: AccountId,
    citizens: &[(i64, String)],
    done: &AtomicBool,
    offset: usize,
) -> HashMap<i64, i64> {
    let mut spent = HashMap::new();
    for round in 0..300 {
        if done.load(Ordering::SeqCst) {
            break;
        }
        let (user, _) = &citizens[(round / 2 + offset) % citizens.len()];
        let account = ledger::accounts::citizen(db, UserId(*user)).await.unwrap();
        let amount = account.balance.0.min(400);
        if amount == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        }
        let spend = TransferRequest {
            debit: account.id,
            credit: sink,
            amount: Points(amount),
            reason: TransferReason::Redemption,
            object: None,
            memo: Some("test redemption".to_owned()),
        };
        match ledger::transfer::transfer(db, spend, None).await {
            Ok(_) => *spent.entry(*user).or_default() += amount,
            Err(LedgerError::InsufficientBalance { .. }) => {}
            Err(e) => panic!("a spend failed: {e}"),
        }
    }
    spent
}
