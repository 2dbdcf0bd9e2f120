//! `tanpu bench ledger`: transfers per second through the ledger service,
//! one transfer per transaction and in batches of 1,000 (DESIGN.md §3, §7).
//!
//! The scratch ledger looks like a city's: citizens (real `users` rows with
//! unusable passwords, so the accounts' foreign keys hold), a partner's
//! issuance sharded 16 ways, the redemption sink. Nine transfers in ten are
//! credits from an issuance shard to a random citizen; one in ten is a
//! citizen spending part of what they hold, so the conditional debit
//! ("must not go negative") is on the measured path. A seeded generator
//! keeps runs comparable. After the run `verify` must pass: a fast ledger
//! that breaks its chain would be no result.

use super::{Row, Verdict, per_second, thousands};
use crate::entities::users;
use crate::progress::Progress;
use crate::services::ledger::{self, AccountSpec, ObjectRef, TransferRequest};
use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Set, Statement};
use std::time::Instant;
use tanpu_core::ledger::TransferReason;
use tanpu_core::{Points, UserId};

/// Issuance shards, as ingestion uses per partner.
const SHARDS: u32 = 16;
/// Users inserted per statement while setting up.
const USER_CHUNK: usize = 500;

/// How much work to measure.
#[derive(Clone, Debug, clap::Args)]
pub struct LedgerArgs {
    /// Citizens (accounts) in the scratch ledger.
    #[arg(long, default_value_t = 2_000)]
    pub citizens: u32,
    /// Transfers made one per transaction.
    #[arg(long, default_value_t = 500)]
    pub singles: u32,
    /// Batches made.
    #[arg(long, default_value_t = 20)]
    pub batches: u32,
    /// Transfers per batch.
    #[arg(long, default_value_t = 1_000)]
    pub batch_size: u32,
}

/// The targets of the batch figure (DESIGN.md §7, issue 4), per backend.
#[must_use]
pub fn batch_target(backend: DbBackend) -> f64 {
    match backend {
        DbBackend::Postgres => 10_000.0,
        _ => 20_000.0,
    }
}

/// The scratch ledger's accounts and what the generator knows of them.
struct City {
    citizens: Vec<i64>,
    /// Each citizen's balance as the generator has seen it committed.
    balances: Vec<i64>,
    issuers: Vec<i64>,
    sink: i64,
    rng: StdRng,
    serial: u64,
}

impl City {
    /// The next transfer: mostly credits, sometimes a spend of at most
    /// what `pending` (the balances including this batch so far) holds.
    fn next(&mut self, pending: &mut [i64]) -> TransferRequest {
        self.serial += 1;
        let who = self.rng.random_range(0..self.citizens.len());
        let spend = self.rng.random_ratio(1, 10) && pending[who] > 0;
        let (debit, credit, amount, reason) = if spend {
            let amount = self.rng.random_range(1..=pending[who].min(200));
            pending[who] -= amount;
            (
                self.citizens[who],
                self.sink,
                amount,
                TransferReason::Redemption,
            )
        } else {
            let amount = self.rng.random_range(1..=2_000);
            pending[who] += amount;
            let shard = who % self.issuers.len();
            (
                self.issuers[shard],
                self.citizens[who],
                amount,
                TransferReason::GreenAction,
            )
        };
        TransferRequest {
            debit: tanpu_core::ids::AccountId(debit),
            credit: tanpu_core::ids::AccountId(credit),
            amount: Points(amount),
            reason,
            object: Some(ObjectRef {
                kind: "bench".to_owned(),
                id: self.serial.to_string(),
            }),
            memo: None,
        }
    }
}

/// Runs the benchmark on `db` (a scratch database) and returns its rows.
///
/// # Errors
/// Any failure of the set-up, of a transfer, or of the final verification.
pub async fn run(
    db: &DatabaseConnection,
    backend: &'static str,
    args: &LedgerArgs,
) -> Result<Vec<Row>, String> {
    let settings = settings(db).await?;
    eprintln!("ledger on {backend}: {settings}");
    let mut city = set_up(db, args.citizens.max(1)).await?;

    // One transfer per transaction: what a citizen's redemption costs.
    let mut singles = Progress::new("single", u64::from(args.singles));
    let started = Instant::now();
    for _ in 0..args.singles {
        let mut pending = city.balances.clone();
        let request = city.next(&mut pending);
        ledger::transfer::transfer(db, request, None)
            .await
            .map_err(|e| format!("single transfer: {e}"))?;
        city.balances = pending;
        singles.advance(1);
    }
    let single_time = started.elapsed();
    singles.finish();

    // Batches: what partner ingestion and settlement runs cost.
    let size = args.batch_size.max(1);
    let mut batches = Progress::new("batches", u64::from(args.batches) * u64::from(size));
    let mut busy = std::time::Duration::ZERO;
    for _ in 0..args.batches {
        let mut pending = city.balances.clone();
        let requests: Vec<TransferRequest> = (0..size).map(|_| city.next(&mut pending)).collect();
        // Only the service call is timed: generating requests is the
        // benchmark's work, not the ledger's.
        let started = Instant::now();
        ledger::transfer::transfer_batch(db, requests, None)
            .await
            .map_err(|e| format!("batch: {e}"))?;
        busy += started.elapsed();
        city.balances = pending;
        batches.advance(u64::from(size));
    }
    batches.finish();

    let report = ledger::verify::verify(db)
        .await
        .map_err(|e| format!("verify: {e}"))?;
    if !report.is_ok() {
        return Err(format!("the benchmark's ledger does not verify:\n{report}"));
    }
    eprintln!(
        "ledger on {backend}: verified {} entries, {} transfers",
        report.entries_checked, report.transfers_checked
    );

    let (single_rate, single_figure) = per_second(u64::from(args.singles), single_time);
    let batch_count = u64::from(args.batches) * u64::from(size);
    let (batch_rate, batch_figure) = per_second(batch_count, busy);
    let target = batch_target(db.get_database_backend());
    Ok(vec![
        Row {
            name: format!("ledger: single transfers ({})", args.singles),
            backend,
            settings: settings.clone(),
            figure: single_figure,
            target: "—".to_owned(),
            verdict: Verdict::at_least(single_rate, None),
        },
        Row {
            name: format!("ledger: batches of {size} ({} batches)", args.batches),
            backend,
            settings,
            figure: batch_figure,
            target: format!("≥ {}/s", thousands(target)),
            verdict: Verdict::at_least(batch_rate, Some(target)),
        },
    ])
}

/// The settings that decide what a commit costs, read from the database
/// itself rather than assumed.
async fn settings(db: &DatabaseConnection) -> Result<String, String> {
    let backend = db.get_database_backend();
    let one = |sql: &'static str| async move {
        let row = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .map_err(|e| format!("{sql}: {e}"))?
            .ok_or_else(|| format!("{sql}: no answer"))?;
        row.try_get_by_index::<String>(0)
            .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
            .map_err(|e| format!("{sql}: {e}"))
    };
    Ok(match backend {
        DbBackend::Sqlite => {
            let journal = one("PRAGMA journal_mode").await?;
            let synchronous = match one("PRAGMA synchronous").await?.as_str() {
                "0" => "OFF",
                "1" => "NORMAL",
                "2" => "FULL",
                "3" => "EXTRA",
                _ => "?",
            };
            format!(
                "journal_mode={journal}, synchronous={synchronous}, BEGIN IMMEDIATE (serializable)"
            )
        }
        _ => {
            let isolation = one("SHOW transaction_isolation").await?;
            let commit = one("SHOW synchronous_commit").await?;
            let fsync = one("SHOW fsync").await?;
            format!(
                "isolation={isolation}, accounts locked FOR UPDATE, synchronous_commit={commit}, fsync={fsync}"
            )
        }
    })
}

/// Creates the citizens and opens every account, in one write transaction.
async fn set_up(db: &DatabaseConnection, citizens: u32) -> Result<City, String> {
    let mut progress = Progress::new("set-up", u64::from(citizens));
    let now = Utc::now();
    let txn = ledger::write::begin_write(db)
        .await
        .map_err(|e| set_up_failed("begin", &e))?;
    let logins: Vec<String> = (0..citizens)
        .map(|i| format!("bench-{i:07}@bench.invalid"))
        .collect();
    for chunk in logins.chunks(USER_CHUNK) {
        users::Entity::insert_many(chunk.iter().map(|login| users::ActiveModel {
            login: Set(login.clone()),
            nickname: Set("bench".to_owned()),
            // Not a PHC string: nobody can sign in as a bench citizen.
            password_hash: Set("!".to_owned()),
            role: Set("citizen".to_owned()),
            consent_version: Set("bench".to_owned()),
            consent_at: Set(now),
            frozen_at: Set(None),
            frozen_reason: Set(None),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await
        .map_err(|e| set_up_failed("users", &e))?;
    }
    let ids: Vec<i64> = users::Entity::find()
        .all(&txn)
        .await
        .map_err(|e| set_up_failed("users", &e))?
        .into_iter()
        .filter(|u| u.login.ends_with("@bench.invalid"))
        .map(|u| u.id)
        .collect();
    let mut accounts = Vec::with_capacity(ids.len());
    for id in ids {
        let account = ledger::accounts::citizen(&txn, UserId(id))
            .await
            .map_err(|e| set_up_failed("citizen accounts", &e))?;
        accounts.push(account.id.0);
        progress.advance(1);
    }
    let mut issuers = Vec::new();
    for shard in 0..SHARDS {
        let spec = AccountSpec::Issuance {
            source: "bench".to_owned(),
            shard,
        };
        let account = ledger::accounts::open(&txn, &spec)
            .await
            .map_err(|e| set_up_failed("issuance", &e))?;
        issuers.push(account.id.0);
    }
    let sink = ledger::accounts::open(&txn, &AccountSpec::RedemptionSink)
        .await
        .map_err(|e| set_up_failed("sink", &e))?
        .id
        .0;
    txn.commit()
        .await
        .map_err(|e| set_up_failed("commit", &e))?;
    progress.finish();
    Ok(City {
        balances: vec![0; accounts.len()],
        citizens: accounts,
        issuers,
        sink,
        rng: StdRng::seed_from_u64(2026),
        serial: 0,
    })
}

fn set_up_failed(what: &str, err: &dyn std::fmt::Display) -> String {
    format!("setting up the scratch ledger ({what}): {err}")
}
