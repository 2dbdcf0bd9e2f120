//! Reports for auditors and for pooling the city's reductions: a CSV of
//! actions and credits per day, kind, partner, district and status, and the
//! certified-reduction statement (CO2e by kind with the methodology versions
//! that produced it, the count of actions and citizens, and a fresh ledger
//! verification).

use super::dashboard::{self, partner_names};
use super::{ServiceError, ServiceResult, ledger};
use crate::entities::{action_rollups, actions, rule_versions, user_daily_totals};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tanpu_core::GramsCo2e;
use tanpu_core::api::{CertifiedKind, CertifiedStatement};
use tanpu_core::rules::RuleVersion;
use tanpu_core::rules::calendar::CITY_UTC_OFFSET_SECONDS;

/// The longest period one report covers: a little over a year.
pub const MAX_DAYS: i64 = 400;

/// Checks a report's period.
///
/// # Errors
/// [`ServiceError::Invalid`] when `to` is before `from` or the period is
/// longer than [`MAX_DAYS`].
pub fn check_period(from: NaiveDate, to: NaiveDate) -> ServiceResult<()> {
    let invalid = |reason: &str| ServiceError::Invalid {
        field: "to",
        reason: reason.to_owned(),
    };
    if to < from {
        return Err(invalid("before_from"));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(invalid("period_too_long"));
    }
    Ok(())
}

/// The CSV of decided actions per day, kind, partner, district and status.
///
/// # Errors
/// [`check_period`]'s; database failures.
pub async fn actions_csv(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> ServiceResult<String> {
    check_period(from, to)?;
    use action_rollups::Column as C;
    let rows = action_rollups::Entity::find()
        .filter(C::Day.between(from, to))
        .filter(C::Actions.ne(0))
        .order_by_asc(C::Day)
        .order_by_asc(C::Kind)
        .order_by_asc(C::PartnerId)
        .order_by_asc(C::District)
        .order_by_asc(C::Status)
        .all(db)
        .await?;
    let names = partner_names(db).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, record: &[String]| {
        out.write_record(record)
            .map_err(|e| ServiceError::Internal(format!("csv: {e}")))
    };
    write(
        &mut out,
        &[
            "day",
            "kind",
            "partner_id",
            "partner",
            "district",
            "status",
            "actions",
            "co2e_g",
            "points",
        ]
        .map(str::to_owned),
    )?;
    for row in rows {
        write(
            &mut out,
            &[
                row.day.to_string(),
                row.kind,
                row.partner_id.to_string(),
                names.get(&row.partner_id).cloned().unwrap_or_default(),
                row.district,
                row.status,
                row.actions.to_string(),
                row.co2e_g.to_string(),
                row.points.to_string(),
            ],
        )?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ServiceError::Internal(format!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Internal(format!("csv: {e}")))
}

/// The certified-reduction statement of `[from, to]` (city-time days). It
/// runs `ledger verify` first and records the result on the dashboard.
///
/// # Errors
/// [`check_period`]'s; database failures.
pub async fn certified(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<CertifiedStatement> {
    check_period(from, to)?;
    let report = ledger::verify::verify(db).await?;
    let ledger_check = dashboard::record_ledger_check(db, &report, now).await?;

    let mut kinds: BTreeMap<String, CertifiedKind> = BTreeMap::new();
    for (kind, _, _, status, actions, co2e, _) in dashboard::grouped(db, from, to).await? {
        if status != "accepted" {
            continue;
        }
        let entry = kinds.entry(kind.clone()).or_insert_with(|| CertifiedKind {
            kind,
            co2e_g: GramsCo2e(0),
            actions: 0,
            methodologies: Vec::new(),
        });
        entry.co2e_g.0 += co2e;
        entry.actions += actions;
    }
    for (kind, names) in methodologies(db, from, to).await? {
        if let Some(entry) = kinds.get_mut(&kind) {
            entry.methodologies = names.into_iter().collect();
        }
    }
    let citizens: Option<i64> = user_daily_totals::Entity::find()
        .select_only()
        .column_as(Expr::cust("COUNT(DISTINCT user_id)"), "n")
        .filter(user_daily_totals::Column::Day.between(from, to))
        .into_tuple()
        .one(db)
        .await?;
    let kinds: Vec<CertifiedKind> = kinds.into_values().collect();
    Ok(CertifiedStatement {
        from,
        to,
        co2e_g: GramsCo2e(kinds.iter().map(|k| k.co2e_g.0).sum()),
        actions: kinds.iter().map(|k| k.actions).sum(),
        kinds,
        citizens: citizens.unwrap_or(0),
        ledger_check,
        generated_at: now,
    })
}

/// The rule versions that decided accepted actions in the period, by kind,
/// as `name vN (#id)`.
async fn methodologies(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> ServiceResult<BTreeMap<String, BTreeSet<String>>> {
    let offset = Duration::seconds(CITY_UTC_OFFSET_SECONDS);
    let start = from.and_time(NaiveTime::MIN).and_utc() - offset;
    let end = (to + Duration::days(1)).and_time(NaiveTime::MIN).and_utc() - offset;
    let used: Vec<(String, Option<i64>)> = actions::Entity::find()
        .select_only()
        .column(actions::Column::Kind)
        .column(actions::Column::RuleVersionId)
        .filter(actions::Column::Status.eq("accepted"))
        .filter(actions::Column::StartedAt.gte(start))
        .filter(actions::Column::StartedAt.lt(end))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let ids: Vec<i64> = used.iter().filter_map(|(_, id)| *id).collect();
    let versions: HashMap<i64, rule_versions::Model> = rule_versions::Entity::find()
        .filter(rule_versions::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut by_kind: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (kind, id) in used {
        let Some(version) = id.and_then(|id| versions.get(&id)) else {
            continue;
        };
        let name = serde_json::from_str::<RuleVersion>(&version.definition)
            .map(|rule| rule.name.zh_cn)
            .unwrap_or_else(|_| kind.clone());
        by_kind
            .entry(kind)
            .or_default()
            .insert(format!("{name} v{} (#{})", version.version, version.id));
    }
    Ok(by_kind)
}

/// The statement as CSV: one line per kind, then the totals and the ledger
/// check.
///
/// # Errors
/// Never in practice (writing to memory).
pub fn certified_csv(statement: &CertifiedStatement) -> ServiceResult<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut write = |record: Vec<String>| {
        out.write_record(&record)
            .map_err(|e| ServiceError::Internal(format!("csv: {e}")))
    };
    write(
        ["from", "to", "kind", "actions", "co2e_g", "methodologies"]
            .map(str::to_owned)
            .to_vec(),
    )?;
    for kind in &statement.kinds {
        write(vec![
            statement.from.to_string(),
            statement.to.to_string(),
            kind.kind.clone(),
            kind.actions.to_string(),
            kind.co2e_g.0.to_string(),
            kind.methodologies.join("; "),
        ])?;
    }
    write(vec![
        statement.from.to_string(),
        statement.to.to_string(),
        "total".to_owned(),
        statement.actions.to_string(),
        statement.co2e_g.0.to_string(),
        format!(
            "citizens={}; ledger_verified={}; entries_checked={}; problems={}; verified_at={}",
            statement.citizens,
            statement.ledger_check.ok,
            statement.ledger_check.entries_checked,
            statement.ledger_check.problem_count,
            statement.ledger_check.at.to_rfc3339(),
        ),
    ])?;
    let bytes = out
        .into_inner()
        .map_err(|e| ServiceError::Internal(format!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Internal(format!("csv: {e}")))
}
