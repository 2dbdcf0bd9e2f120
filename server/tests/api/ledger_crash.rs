//! Issue 4's crash test: a `tanpu serve` killed with SIGKILL while a batch
//! of 1,000 partner records is being credited leaves the whole batch or
//! none of it, and sending the same batch again after a restart completes
//! it exactly once (records already stored answer `duplicate`). On the
//! SQLite file by default, on PostgreSQL when `TANPU_TEST_PG_URL` is set.
//!
//! Why the test can fail: the kill is aimed at the moment the server is
//! inside the batch's write transaction, which a probe observes from
//! outside (SQLite: the file's write lock is held; PostgreSQL: a backend of
//! the database holds a transaction id, i.e. has written and not finished).
//! At least one attempt must end with the probe seeing the transaction in
//! flight at the kill and nothing of the batch stored — a kill that landed
//! mid-batch. A server that committed record by record would then show a
//! partial count and fail `stored ∈ {0, 1000}`; one that credited a
//! record twice on the resend would fail the recount.

use crate::helpers::{
    PartnerCreds, ServeProcess, assert_ledger_matches_actions, bound_citizen, bus_ride_record,
    create_partner, signed_request, test_db,
};
use reqwest::{Client, Method, StatusCode};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    EntityTrait, PaginatorTrait, QueryFilter, Statement,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tanpu_server::entities::actions;

const CITIZENS: usize = 100;
const RIDES_PER_CITIZEN: usize = 10;
/// How long to let the server work inside the batch before the kill, per
/// attempt: later attempts aim earlier in case the batch was quicker.
const KILL_DELAYS: [Duration; 3] = [
    Duration::from_millis(150),
    Duration::from_millis(30),
    Duration::from_millis(0),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_batch_keeps_all_or_nothing_and_a_resend_completes_it_once() {
    let test = test_db().await;
    tanpu_server::services::rules::ensure_seeded(&test.db)
        .await
        .unwrap();
    let partner = create_partner(&test.db, "聊城公交集团", &["bus_ride"]).await;
    let mut cards = Vec::new();
    for i in 0..CITIZENS {
        let card = format!("3100 0000 0001 {i:04}");
        bound_citizen(&test.db, &format!("1380000{i:04}"), &card).await;
        cards.push(card);
    }
    let probe = WriteProbe::open(&test.db, &test.url).await;
    let client = Client::new();
    let no_spends = HashMap::new();

    let mut server = ServeProcess::start(&test.url).await;
    let mut landed_mid_batch = false;
    for (attempt, delay) in KILL_DELAYS.into_iter().enumerate() {
        let prefix = format!("LC-K{attempt}-");
        let body = batch(&prefix, &cards, attempt).to_string();
        let url = server.url("/api/v1/partner/actions/batch");
        let request = signed_request(&client, Method::POST, &url, &partner, &body)
            .timeout(Duration::from_secs(60))
            .send();
        let request = tokio::spawn(request);

        // Aim: the batch's transaction has begun; let it work a little.
        let began = Instant::now();
        while !probe.write_in_flight().await
            && !request.is_finished()
            && began.elapsed() < Duration::from_secs(20)
        {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        tokio::time::sleep(delay).await;
        let in_flight_at_kill = probe.write_in_flight().await;
        server.kill();
        let answered = request
            .await
            .unwrap()
            .is_ok_and(|res| res.status() == StatusCode::OK);
        // The killed process's transaction must be over (PostgreSQL ends a
        // backend's transaction when it sees its client gone) before we count.
        let settle = Instant::now();
        while probe.write_in_flight().await && settle.elapsed() < Duration::from_secs(10) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }

        let stored = stored_with_prefix(&test.db, &prefix).await;
        assert!(
            stored == 0 || stored == 1_000,
            "attempt {attempt}: a killed batch left {stored} of 1000 records"
        );
        if answered {
            assert_eq!(stored, 1_000, "an answered batch is stored whole");
        }
        assert_ledger_matches_actions(&test.db, &no_spends).await;
        let mid_batch = stored == 0 && in_flight_at_kill;
        eprintln!(
            "crash attempt {attempt}: kill {delay:?} after the write began, in flight at kill: \
             {in_flight_at_kill}, answered: {answered}, stored: {stored}"
        );
        landed_mid_batch |= mid_batch;

        // Restart and send the same batch again: it completes exactly once.
        server = ServeProcess::start(&test.url).await;
        let url = server.url("/api/v1/partner/actions/batch");
        let results = send(&client, &partner, &url, &body).await;
        assert_eq!(results.len(), 1_000);
        let duplicates = results.iter().filter(|s| *s == "duplicate").count() as u64;
        assert_eq!(
            duplicates, stored,
            "records stored before the kill answer `duplicate`, the others are decided now"
        );
        assert_eq!(stored_with_prefix(&test.db, &prefix).await, 1_000);
        let accepted = assert_ledger_matches_actions(&test.db, &no_spends).await;
        assert!(accepted > 0);
        if landed_mid_batch {
            break;
        }
    }
    assert!(
        landed_mid_batch,
        "no kill landed inside the batch's transaction; the all-or-nothing check proved nothing"
    );
}

/// 1,000 bus rides: each citizen rides every three hours, attempts offset
/// by 30 minutes so that no two rides of a citizen overlap.
fn batch(prefix: &str, cards: &[String], attempt: usize) -> Value {
    let mut records = Vec::with_capacity(CITIZENS * RIDES_PER_CITIZEN);
    for ride in 0..RIDES_PER_CITIZEN {
        for (c, card) in cards.iter().enumerate() {
            let minutes_ago = i64::try_from(60 + ride * 180 + attempt * 30).unwrap();
            records.push(bus_ride_record(
                &format!("{prefix}{c:03}-{ride:02}"),
                card,
                "1.0",
                minutes_ago,
            ));
        }
    }
    json!({ "records": records })
}

async fn stored_with_prefix(db: &DatabaseConnection, prefix: &str) -> u64 {
    actions::Entity::find()
        .filter(actions::Column::ExternalId.starts_with(prefix))
        .count(db)
        .await
        .unwrap()
}

async fn send(client: &Client, partner: &PartnerCreds, url: &str, body: &str) -> Vec<String> {
    let res = signed_request(client, Method::POST, url, partner, body)
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let answer: Value = res.json().await.unwrap();
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

/// Sees from outside whether some process is inside a write transaction on
/// the test database.
struct WriteProbe {
    db: DatabaseConnection,
}

impl WriteProbe {
    async fn open(test_db: &DatabaseConnection, url: &str) -> Self {
        let db = match test_db.get_database_backend() {
            // A connection of its own that never waits for the lock.
            DbBackend::Sqlite => {
                let mut options = ConnectOptions::new(url.to_owned());
                options
                    .max_connections(1)
                    .sqlx_logging(false)
                    .map_sqlx_sqlite_opts(|o| o.busy_timeout(Duration::ZERO));
                Database::connect(options).await.unwrap()
            }
            _ => test_db.clone(),
        };
        Self { db }
    }

    async fn write_in_flight(&self) -> bool {
        match self.db.get_database_backend() {
            // Taking the write lock fails at once while a writer holds it.
            DbBackend::Sqlite => {
                match tanpu_server::services::ledger::write::begin_write(&self.db).await {
                    Ok(txn) => {
                        txn.rollback().await.unwrap();
                        false
                    }
                    Err(_) => true,
                }
            }
            // A backend with a transaction id has written and not finished.
            _ => {
                let row = self
                    .db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Postgres,
                        "SELECT count(*) AS n FROM pg_stat_activity \
                         WHERE datname = current_database() AND pid <> pg_backend_pid() \
                         AND backend_xid IS NOT NULL",
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                row.try_get::<i64>("", "n").unwrap() > 0
            }
        }
    }
}
