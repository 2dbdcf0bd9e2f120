//! `tanpu bench simulate`: a draft rule simulated over one million stored
//! actions (DESIGN.md §7: under 5 s).
//!
//! The scratch database gets `--actions` bus rides spread over 30 days and
//! `--citizens` citizens, written straight into `actions` in multi-row
//! inserts (loading is set-up, not measured), with each citizen's walking
//! points for every day of the month in `user_daily_totals` (the overall
//! caps count them); then a draft of the bus rule with a tighter daily cap
//! is simulated over the month through the real service, and only that call
//! is timed.

use super::{Row, Verdict, thousands};
use crate::config::Secret;
use crate::entities::{actions, user_daily_totals};
use crate::progress::Progress;
use crate::services::{accounts, partners, rules, simulation};
use chrono::{Duration, TimeZone, Utc};
use clap::Args;
use sea_orm::{DatabaseConnection, EntityTrait, Set, TransactionTrait};
use std::time::Instant;
use tanpu_core::Points;
use tanpu_core::account::{Login, Role};
use tanpu_core::api::CreatePartnerRequest;
use tanpu_core::ids::RuleId;
use tanpu_core::rules::calendar::city_date;

/// Options of `tanpu bench simulate`.
#[derive(Args, Clone, Debug)]
pub struct SimulateArgs {
    /// Stored actions to simulate over.
    #[arg(long, default_value_t = 1_000_000)]
    pub actions: i64,
    /// Citizens they belong to.
    #[arg(long, default_value_t = 20_000)]
    pub citizens: i64,
}

/// The budget, seconds.
const BUDGET_SECS: f64 = 5.0;

/// Loads the actions, simulates, and returns the table row.
///
/// # Errors
/// A service failed.
pub async fn run(
    db: &DatabaseConnection,
    backend: &'static str,
    args: &SimulateArgs,
) -> Result<Vec<Row>, String> {
    rules::ensure_seeded(db).await.map_err(|e| e.to_string())?;
    let admin = accounts::create_user(
        db,
        accounts::NewUser {
            login: Login::parse("bench@tanpu.invalid").map_err(|e| e.to_string())?,
            nickname: "bench".into(),
            password: "bench-only-2026".into(),
            role: Role::Admin,
        },
    )
    .await
    .map_err(|e| e.to_string())?;

    // The actions' partner must exist and report bus rides, or the
    // simulation would (rightly) keep their stored results unevaluated.
    let (partner, _) = partners::create(
        db,
        &Secret::new("bench-partner-master-key-0123456789".to_owned()),
        None,
        CreatePartnerRequest {
            name: "bench bus company".to_owned(),
            kinds: vec!["bus_ride".to_owned()],
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let month = Utc
        .with_ymd_and_hms(2026, 5, 31, 16, 0, 0)
        .single()
        .ok_or("bad date")?;
    let total = args.actions.max(1);
    let mut progress = Progress::new("loading actions", u64::try_from(total).unwrap_or(0));
    for chunk in (0..total).step_by(1_000) {
        let txn = db.begin().await.map_err(|e| e.to_string())?;
        let rows = (chunk..(chunk + 1_000).min(total)).map(|i| {
            let started = month + Duration::seconds(i * 30 * 86_400 / total);
            actions::ActiveModel {
                partner_id: Set(Some(partner.id.0)),
                external_id: Set(format!("BENCH-{i}")),
                user_id: Set(Some(1 + i % args.citizens.max(1))),
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
                received_at: Set(started + Duration::hours(1)),
                ..Default::default()
            }
        });
        actions::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await
            .map_err(|e| e.to_string())?;
        txn.commit().await.map_err(|e| e.to_string())?;
        progress.advance(1_000);
    }
    progress.finish();

    // Other kinds' credited points, which the overall caps read.
    let citizens = args.citizens.max(1);
    let mut progress = Progress::new(
        "loading other kinds' daily totals",
        u64::try_from(citizens * 30).unwrap_or(0),
    );
    for first in (1..=citizens).step_by(30) {
        let txn = db.begin().await.map_err(|e| e.to_string())?;
        let rows = (first..(first + 30).min(citizens + 1)).flat_map(|user| {
            (0..30).map(move |day| user_daily_totals::ActiveModel {
                user_id: Set(user),
                day: Set(city_date(month + Duration::days(day))),
                kind: Set("walk".to_owned()),
                points: Set(200),
                co2e_g: Set(200),
                actions: Set(1),
            })
        });
        user_daily_totals::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await
            .map_err(|e| e.to_string())?;
        txn.commit().await.map_err(|e| e.to_string())?;
        progress.advance(u64::try_from((citizens + 1 - first).min(30) * 30).unwrap_or(0));
    }
    progress.finish();
    // Statistics as a city's database has them (autovacuum would gather
    // them soon after such a load, and meanwhile compete for the cores).
    crate::bench::fill::analyze(db).await?;

    let list = rules::list(db, Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    let bus: RuleId = list
        .rules
        .iter()
        .find(|r| r.kind == "bus_ride")
        .map(|r| r.id)
        .ok_or("no bus rule")?;
    let draft = rules::create_draft(db, admin.id, bus, None, Utc::now())
        .await
        .map_err(|e| format!("{e:?}"))?;
    let mut definition = draft.definition.clone();
    definition.caps.per_day = Some(Points(1_500));
    rules::update_draft(db, admin.id, bus, draft.summary.id, definition, Utc::now())
        .await
        .map_err(|e| format!("{e:?}"))?;

    let clock = Instant::now();
    let report = simulation::simulate(db, bus, draft.summary.id, month, month + Duration::days(30))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let secs = clock.elapsed().as_secs_f64();
    if report.actions != u64::try_from(total).unwrap_or(0) {
        return Err(format!("simulated {} actions of {total}", report.actions));
    }
    // Stored points (100 each) differ from what the rule computes: if
    // nothing changed, nothing was evaluated and the figure means nothing.
    if report.changed == 0 {
        return Err("the simulation evaluated nothing (no action changed)".to_owned());
    }
    Ok(vec![Row {
        name: format!("simulate: a draft over {} actions", thousands(total as f64)),
        backend,
        settings: format!(
            "{} citizens, 30 days, other kinds on every day, {} changed",
            thousands(args.citizens as f64),
            thousands(report.changed as f64)
        ),
        figure: format!("{secs:.2} s"),
        target: format!("< {BUDGET_SECS} s"),
        verdict: if secs < BUDGET_SECS {
            Verdict::Pass
        } else {
            Verdict::Miss
        },
    }])
}
