//! `tanpu bench ingest`: partner records verified and credited per second,
//! through the real HTTP API on loopback (DESIGN.md §7 and issue 6: at
//! least 20,000/s on SQLite and 10,000/s on PostgreSQL in batches; single
//! signed webhooks with p99 under 20 ms at 32 concurrent senders).
//!
//! Set-up (not measured): the scratch city of [`super::city`] — a server on
//! 127.0.0.1:0 over the scratch database, opened as `tanpu serve` opens it,
//! and its partner — with `--citizens` citizens, each with a bound transit
//! card (rows written directly); then the city's recent past, 10 batches
//! of rides sent through the API, and `ANALYZE`.
//! Then, timed: `--batches` batches of 1,000 bus rides for random citizens
//! over the last 20 days from `--senders` concurrent senders; then
//! `--singles` single records from 32 concurrent senders. Every request is
//! signed (Standard Webhooks) and every record is verified against the
//! seeded rules and credited in the ledger, exactly as in production.

use super::city::City;
use super::{Row, Verdict, per_second, thousands};
use crate::services::webhook::SigningKey;
use chrono::{Duration as Days, FixedOffset, Utc};
use clap::Args;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Options of `tanpu bench ingest`.
#[derive(Args, Clone, Debug)]
pub struct IngestArgs {
    /// Citizens with a bound card.
    #[arg(long, default_value_t = 20_000)]
    pub citizens: u32,
    /// Batches of 1,000 records, timed (after 10 that are not: the city's
    /// recent past).
    #[arg(long, default_value_t = 60)]
    pub batches: u32,
    /// Concurrent batch senders.
    #[arg(long, default_value_t = 4)]
    pub senders: u32,
    /// Single records (webhooks), sent by 32 concurrent senders.
    #[arg(long, default_value_t = 6_000)]
    pub singles: u32,
}

/// Records per batch.
const BATCH: usize = 1_000;
/// Batches sent, and analyzed, before the timed ones: the city's recent
/// past.
const WARM_UP_BATCHES: u32 = 10;
/// The warm-up senders' first random seed (the timed ones start at 0).
const WARM_UP_SEEDS: u64 = 100;
/// Concurrent single-record senders.
const SINGLE_SENDERS: usize = 32;
/// The single webhooks' p99 budget.
const SINGLE_P99_MS: f64 = 20.0;

/// The batch target for a backend.
fn batch_target(backend: &str) -> f64 {
    if backend == "SQLite" {
        20_000.0
    } else {
        10_000.0
    }
}

/// Runs the benchmark on `db`.
///
/// # Errors
/// Set-up failed, the server failed, or a request was refused.
pub async fn run(
    db: &DatabaseConnection,
    backend: &'static str,
    args: &IngestArgs,
) -> Result<Vec<Row>, String> {
    let city = City::start(db).await?;
    let cards: Vec<String> = city
        .citizens(db, "ingest", args.citizens)
        .await?
        .iter()
        .map(|c| c.card().to_owned())
        .collect();
    let sender = Arc::new(Sender {
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| e.to_string())?,
        base: city.base.clone(),
        partner: city.partner(),
        key: city.signing_key().clone(),
        cards: Arc::new(cards),
        serial: AtomicU64::new(0),
        city: FixedOffset::east_opt(8 * 3600).ok_or("the city's offset")?,
    });

    // A city's database holds the records of the days before, and the
    // planner's statistics of them (autovacuum keeps them on PostgreSQL). A
    // scratch database has neither: analyzed empty, PostgreSQL takes a
    // lookup among the partner's records to match every row, and reads
    // them all for every batch. So the city's recent past goes in first,
    // through the same API, and is analyzed; it is not measured.
    send_batches(&sender, WARM_UP_BATCHES, args.senders, WARM_UP_SEEDS).await?;
    db.execute_unprepared("ANALYZE")
        .await
        .map_err(|e| e.to_string())?;

    // Batches.
    let started = Instant::now();
    let (mut batch_latencies, credited) =
        send_batches(&sender, args.batches, args.senders, 0).await?;
    let elapsed = started.elapsed();
    let records = u64::from(args.batches) * BATCH as u64;
    let (rate, figure) = per_second(records, elapsed);
    if credited * 2 < records {
        return Err(format!(
            "only {credited} of {records} records were credited: the benchmark would not measure crediting"
        ));
    }
    let target = batch_target(backend);
    let mut rows = vec![Row {
        name: "ingest: batches of 1000 over HTTP".to_owned(),
        backend,
        settings: format!(
            "{} citizens, {WARM_UP_BATCHES} batches before, {} batches, {} senders; {} credited; \
             batch p50 {} ms, p99 {} ms",
            thousands(f64::from(args.citizens)),
            args.batches,
            args.senders,
            thousands(credited as f64),
            ms(percentile(&mut batch_latencies, 0.50)),
            ms(percentile(&mut batch_latencies, 0.99)),
        ),
        figure,
        target: format!("≥ {}/s", thousands(target)),
        verdict: if records == 0 {
            Verdict::Skipped
        } else {
            Verdict::at_least(rate, Some(target))
        },
    }];

    // Single webhooks.
    let started = Instant::now();
    let mut tasks = Vec::new();
    let per_sender = args.singles.div_ceil(SINGLE_SENDERS as u32);
    for s in 0..SINGLE_SENDERS {
        let sender = Arc::clone(&sender);
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(1_000 + s as u64);
            let mut latencies = Vec::with_capacity(per_sender as usize);
            for _ in 0..per_sender {
                let body = sender.ride(&mut rng).to_string();
                let t = Instant::now();
                sender.post("/api/v1/partner/actions", body).await?;
                latencies.push(t.elapsed());
            }
            Ok::<_, String>(latencies)
        }));
    }
    let mut single_latencies = Vec::new();
    for task in tasks {
        single_latencies.extend(task.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    let (_, figure) = per_second(single_latencies.len() as u64, elapsed);
    let p50 = percentile(&mut single_latencies, 0.50);
    let p99 = percentile(&mut single_latencies, 0.99);
    let p99_ms = p99.as_secs_f64() * 1_000.0;
    rows.push(Row {
        name: "ingest: single webhooks, p99".to_owned(),
        backend,
        settings: format!(
            "{} requests from {SINGLE_SENDERS} senders; {figure}; p50 {} ms",
            single_latencies.len(),
            ms(p50)
        ),
        figure: format!("{} ms", ms(p99)),
        target: format!("< {SINGLE_P99_MS} ms"),
        // No request, no latency: `--singles 0` measures nothing.
        verdict: if single_latencies.is_empty() {
            Verdict::Skipped
        } else if p99_ms < SINGLE_P99_MS {
            Verdict::Pass
        } else {
            Verdict::Miss
        },
    });
    Ok(rows)
}

/// Sends `batches` batches of [`BATCH`] rides from `senders` concurrent
/// senders, the first seeded with `first_seed`; returns each batch's
/// latency and how many records were credited.
async fn send_batches(
    sender: &Arc<Sender>,
    batches: u32,
    senders: u32,
    first_seed: u64,
) -> Result<(Vec<Duration>, u64), String> {
    let mut tasks = Vec::new();
    let per_sender = batches.div_ceil(senders.max(1));
    for s in 0..senders.max(1) {
        let sender = Arc::clone(sender);
        let count = per_sender.min(batches.saturating_sub(s * per_sender));
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(first_seed + u64::from(s));
            let mut latencies = Vec::new();
            let mut credited = 0_u64;
            for _ in 0..count {
                let records: Vec<Value> = (0..BATCH).map(|_| sender.ride(&mut rng)).collect();
                let body = json!({ "records": records }).to_string();
                let t = Instant::now();
                let answer = sender.post("/api/v1/partner/actions/batch", body).await?;
                latencies.push(t.elapsed());
                credited += answer["results"].as_array().map_or(0, |r| {
                    r.iter().filter(|x| x["status"] == "accepted").count()
                }) as u64;
            }
            Ok::<_, String>((latencies, credited))
        }));
    }
    let mut latencies = Vec::new();
    let mut credited = 0;
    for task in tasks {
        let (more, accepted) = task.await.map_err(|e| e.to_string())??;
        latencies.extend(more);
        credited += accepted;
    }
    Ok((latencies, credited))
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1_000.0)
}

/// The `q` quantile (0–1) of `samples` (sorted in place).
fn percentile(samples: &mut [Duration], q: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    // An index into a non-empty slice.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples[index.min(samples.len() - 1)]
}

/// What every sender shares.
struct Sender {
    client: reqwest::Client,
    base: String,
    partner: i64,
    key: SigningKey,
    cards: Arc<Vec<String>>,
    serial: AtomicU64,
    city: FixedOffset,
}

impl Sender {
    /// A plausible bus ride of a random citizen in the last 20 days, with a
    /// fresh external id.
    fn ride(&self, rng: &mut StdRng) -> Value {
        let n = self.serial.fetch_add(1, Ordering::Relaxed);
        let card = &self.cards[rng.random_range(0..self.cards.len())];
        let start = (Utc::now() - Days::minutes(rng.random_range(60..20 * 24 * 60)))
            .with_timezone(&self.city);
        let km = f64::from(rng.random_range(10..150_u32)) / 10.0;
        json!({
            "external_id": format!("BENCH-{n}"),
            "kind": "bus_ride",
            "subject": {"type": "transit_card", "value": card},
            "started_at": start.to_rfc3339(),
            "ended_at": (start + Days::minutes(25)).to_rfc3339(),
            "quantity": km,
            "unit": "km",
            "attributes": {"route": "K5", "district": "东昌府区"},
        })
    }

    /// Sends a signed request and returns its JSON answer; anything but 200
    /// is an error.
    async fn post(&self, path: &str, body: String) -> Result<Value, String> {
        let n = self.serial.fetch_add(1, Ordering::Relaxed);
        let id = format!("msg_bench_{n}");
        let ts = Utc::now().timestamp();
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("tanpu-partner", self.partner.to_string())
            .header("webhook-id", &id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", self.key.sign(&id, ts, body.as_bytes()))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status();
        let text = res.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{path}: {status}: {text}"));
        }
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }
}
