//! The city dashboard: today, this week, this month and this year, by kind,
//! partner and district, read only from the roll-ups ([`super::rollups`]),
//! so it answers in the same time at any ledger size; and the last ledger
//! verification.

use super::ledger::VerifyReport;
use super::rollups::Period;
use super::{ServiceError, ServiceResult};
use crate::entities::{
    action_rollups, action_rollups_monthly, active_counts, partners, redemption_daily, settings,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::{BTreeMap, HashMap};
use tanpu_core::api::{
    Dashboard, DashboardDay, DashboardSlice, DashboardTotals, DashboardWindow, LedgerCheck,
};
use tanpu_core::{GramsCo2e, Points};

/// Where the last ledger verification is kept.
const LEDGER_CHECK_KEY: &str = "ledger_last_verify";
/// Days on the dashboard's chart.
const CHART_DAYS: i64 = 30;

/// One grouped roll-up row: kind, partner, district, status, then sums.
pub type RollupRow = (String, i64, String, String, i64, i64, i64);

/// The dashboard as of `today` (city time).
///
/// # Errors
/// Database failures.
pub async fn dashboard(db: &DatabaseConnection, today: NaiveDate) -> ServiceResult<Dashboard> {
    let names = partner_names(db).await?;
    let mut windows = Vec::with_capacity(4);
    for (name, period) in [
        ("today", Period::Day),
        ("week", Period::Week),
        ("month", Period::Month),
        ("year", Period::Year),
    ] {
        let from = period.start_of(today);
        // A month or a year is read from the monthly roll-ups: at most
        // twelve rows per key instead of a row per day.
        let rows = match period {
            Period::Month | Period::Year => grouped_by_month(db, from, today).await?,
            Period::Day | Period::Week => grouped(db, from, today).await?,
        };
        let (vouchers, redeemed) = redeemed(db, from, today).await?;
        let active = active_counts::Entity::find_by_id((period.as_str().to_owned(), from))
            .one(db)
            .await?
            .map_or(0, |row| row.citizens);
        let mut window = window_of(name, from, today, &rows, &names);
        window.totals.points_redeemed = Points(redeemed);
        window.totals.vouchers = vouchers;
        window.totals.active_citizens = active;
        windows.push(window);
    }
    Ok(Dashboard {
        today,
        windows,
        days: chart(db, today).await?,
        ledger_check: last_ledger_check(db).await?,
    })
}

/// The roll-up rows of `[from, to]`, grouped by kind, partner, district and
/// status.
///
/// # Errors
/// Database failures.
pub async fn grouped<C: ConnectionTrait>(
    conn: &C,
    from: NaiveDate,
    to: NaiveDate,
) -> ServiceResult<Vec<RollupRow>> {
    use action_rollups::Column as C;
    Ok(action_rollups::Entity::find()
        .select_only()
        .column(C::Kind)
        .column(C::PartnerId)
        .column(C::District)
        .column(C::Status)
        .column_as(Expr::cust("CAST(SUM(actions) AS BIGINT)"), "actions")
        .column_as(Expr::cust("CAST(SUM(co2e_g) AS BIGINT)"), "co2e_g")
        .column_as(Expr::cust("CAST(SUM(points) AS BIGINT)"), "points")
        .filter(C::Day.between(from, to))
        .group_by(C::Kind)
        .group_by(C::PartnerId)
        .group_by(C::District)
        .group_by(C::Status)
        .into_tuple::<RollupRow>()
        .all(conn)
        .await?)
}

/// As [`grouped`], for whole months: the monthly roll-ups of the months
/// that start in `[from, to]` (`from` must be a month's first day).
///
/// # Errors
/// Database failures.
pub async fn grouped_by_month<C: ConnectionTrait>(
    conn: &C,
    from: NaiveDate,
    to: NaiveDate,
) -> ServiceResult<Vec<RollupRow>> {
    use action_rollups_monthly::Column as C;
    Ok(action_rollups_monthly::Entity::find()
        .select_only()
        .column(C::Kind)
        .column(C::PartnerId)
        .column(C::District)
        .column(C::Status)
        .column_as(Expr::cust("CAST(SUM(actions) AS BIGINT)"), "actions")
        .column_as(Expr::cust("CAST(SUM(co2e_g) AS BIGINT)"), "co2e_g")
        .column_as(Expr::cust("CAST(SUM(points) AS BIGINT)"), "points")
        .filter(C::Month.between(from, to))
        .group_by(C::Kind)
        .group_by(C::PartnerId)
        .group_by(C::District)
        .group_by(C::Status)
        .into_tuple::<RollupRow>()
        .all(conn)
        .await?)
}

/// Partner names by id.
///
/// # Errors
/// Database failures.
pub async fn partner_names<C: ConnectionTrait>(conn: &C) -> ServiceResult<HashMap<i64, String>> {
    Ok(partners::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

async fn redeemed(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> ServiceResult<(i64, i64)> {
    use redemption_daily::Column as C;
    let sums: Option<(Option<i64>, Option<i64>)> = redemption_daily::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(SUM(vouchers) AS BIGINT)"), "vouchers")
        .column_as(Expr::cust("CAST(SUM(points) AS BIGINT)"), "points")
        .filter(C::Day.between(from, to))
        .into_tuple()
        .one(db)
        .await?;
    let (vouchers, points) = sums.unwrap_or_default();
    Ok((vouchers.unwrap_or(0), points.unwrap_or(0)))
}

async fn chart(db: &DatabaseConnection, today: NaiveDate) -> ServiceResult<Vec<DashboardDay>> {
    use action_rollups::Column as C;
    let from = today - Duration::days(CHART_DAYS - 1);
    let rows: Vec<(NaiveDate, i64, i64, i64)> = action_rollups::Entity::find()
        .select_only()
        .column(C::Day)
        .column_as(Expr::cust("CAST(SUM(co2e_g) AS BIGINT)"), "co2e_g")
        .column_as(Expr::cust("CAST(SUM(points) AS BIGINT)"), "points")
        .column_as(Expr::cust("CAST(SUM(actions) AS BIGINT)"), "actions")
        .filter(C::Day.between(from, today))
        .filter(C::Status.eq("accepted"))
        .group_by(C::Day)
        .order_by_asc(C::Day)
        .into_tuple()
        .all(db)
        .await?;
    let by_day: BTreeMap<NaiveDate, (i64, i64, i64)> = rows
        .into_iter()
        .map(|(d, c, p, a)| (d, (c, p, a)))
        .collect();
    Ok((0..CHART_DAYS)
        .map(|i| {
            let day = from + Duration::days(i);
            let (co2e, points, accepted) = by_day.get(&day).copied().unwrap_or_default();
            DashboardDay {
                day,
                co2e_g: GramsCo2e(co2e),
                points: Points(points),
                accepted,
            }
        })
        .collect())
}

/// Sums grouped rows into a window's totals and slices.
#[must_use]
pub fn window_of(
    name: &str,
    from: NaiveDate,
    to: NaiveDate,
    rows: &[RollupRow],
    names: &HashMap<i64, String>,
) -> DashboardWindow {
    let mut totals = DashboardTotals::default();
    let mut kinds: BTreeMap<String, DashboardSlice> = BTreeMap::new();
    let mut partners: BTreeMap<String, DashboardSlice> = BTreeMap::new();
    let mut districts: BTreeMap<String, DashboardSlice> = BTreeMap::new();
    for (kind, partner, district, status, actions, co2e, points) in rows {
        let partner_key = partner.to_string();
        let partner_label = names.get(partner).cloned().unwrap_or_default();
        for (map, key, label) in [
            (&mut kinds, kind.clone(), kind.clone()),
            (&mut partners, partner_key, partner_label),
            (&mut districts, district.clone(), district.clone()),
        ] {
            let slice = map.entry(key.clone()).or_insert_with(|| DashboardSlice {
                key,
                label,
                ..DashboardSlice::default()
            });
            add(slice, status, *actions, *co2e, *points);
        }
        match status.as_str() {
            "accepted" => {
                totals.accepted += actions;
                totals.co2e_g.0 += co2e;
                totals.points_issued.0 += points;
            }
            "rejected" => totals.rejected += actions,
            _ => totals.held += actions,
        }
    }
    let sorted = |map: BTreeMap<String, DashboardSlice>| {
        let mut slices: Vec<_> = map.into_values().collect();
        slices.sort_by(|a, b| b.co2e_g.cmp(&a.co2e_g).then(b.accepted.cmp(&a.accepted)));
        slices
    };
    DashboardWindow {
        window: name.to_owned(),
        from,
        to,
        totals,
        by_kind: sorted(kinds),
        by_partner: sorted(partners),
        by_district: sorted(districts),
    }
}

fn add(slice: &mut DashboardSlice, status: &str, actions: i64, co2e: i64, points: i64) {
    match status {
        "accepted" => {
            slice.accepted += actions;
            slice.co2e_g.0 += co2e;
            slice.points.0 += points;
        }
        "rejected" => slice.rejected += actions,
        _ => slice.held += actions,
    }
}

/// Keeps the result of a ledger verification for the dashboard.
///
/// # Errors
/// Database failures.
pub async fn record_ledger_check(
    db: &DatabaseConnection,
    report: &VerifyReport,
    at: DateTime<Utc>,
) -> ServiceResult<LedgerCheck> {
    let check = LedgerCheck {
        at,
        ok: report.is_ok(),
        entries_checked: report.entries_checked,
        problem_count: report.problem_count,
    };
    let value = serde_json::to_string(&check).map_err(|e| ServiceError::Internal(e.to_string()))?;
    settings::Entity::insert(settings::ActiveModel {
        key: Set(LEDGER_CHECK_KEY.to_owned()),
        value: Set(value),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Key)
            .update_column(settings::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(check)
}

/// The last ledger verification kept, if any.
///
/// # Errors
/// Database failures.
pub async fn last_ledger_check(db: &DatabaseConnection) -> ServiceResult<Option<LedgerCheck>> {
    Ok(settings::Entity::find_by_id(LEDGER_CHECK_KEY.to_owned())
        .one(db)
        .await?
        .and_then(|row| serde_json::from_str(&row.value).ok()))
}
