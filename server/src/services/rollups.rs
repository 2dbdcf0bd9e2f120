//! Roll-ups: what the public page, the dashboard and the reports read, kept
//! as actions are decided so that no reader ever scans actions or the
//! ledger, whatever their size.
//!
//! - `daily_totals`: credited actions per city-time day and kind (public).
//! - `action_rollups` and `action_rollups_monthly`: decided actions per day
//!   (and per month), kind, partner, district and status (the dashboard and
//!   the reports).
//! - `active_citizens` / `active_counts`: citizens credited in a day, ISO
//!   week, month and year, and how many.
//! - `redemption_daily`: vouchers and points redeemed per day.
//!
//! A transaction gathers its changes in a [`Pending`] and writes them with
//! [`Pending::flush`] just before it commits: one multi-row upsert per
//! table rather than one statement per action, and always in key order, so
//! two concurrent batches that touch the same roll-up rows lock them in the
//! same order and never deadlock on them.

use crate::entities::{
    action_rollups, action_rollups_monthly, actions, active_citizens, active_counts, daily_totals,
    redemption_daily,
};
use crate::services::bulk::StatementSize;
use crate::services::citizen_cache;
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use tanpu_core::rules::calendar::city_date;
use tanpu_core::{GramsCo2e, Points, UserId};

/// Rows per upsert on `conn`'s backend, for rows of `values` bound values
/// of about `bytes` bytes ([`StatementSize`]: small statements on
/// PostgreSQL, large ones on SQLite, where each statement is cheap but
/// costs a trip to its worker thread).
fn rows_per_statement<C: ConnectionTrait>(conn: &C, values: usize, bytes: usize) -> usize {
    StatementSize::of(conn.get_database_backend()).rows_of_values(values, bytes)
}
/// The longest district name kept.
const DISTRICT_MAX_CHARS: usize = 32;

/// The periods active citizens are counted over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    /// One city-time day.
    Day,
    /// An ISO week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
}

impl Period {
    /// Every period.
    pub const ALL: [Self; 4] = [Self::Day, Self::Week, Self::Month, Self::Year];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
        }
    }

    /// The first day of the period that holds `day`.
    #[must_use]
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => day,
            Self::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Self::Month => day.with_day(1).unwrap_or(day),
            Self::Year => day.with_ordinal(1).unwrap_or(day),
        }
    }
}

/// Counts and sums of one roll-up row (deltas, possibly negative).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    /// Actions.
    pub actions: i64,
    /// CO2e in grams.
    pub co2e_g: i64,
    /// Points.
    pub points: i64,
}

impl Sums {
    fn add(&mut self, sign: i64, co2e: i64, points: i64) {
        self.actions += sign;
        self.co2e_g += sign * co2e;
        self.points += sign * points;
    }
}

/// The dashboard roll-up an action counts in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActionKey {
    /// City-time day it started (received, when it has no time).
    pub day: NaiveDate,
    /// Its kind.
    pub kind: String,
    /// Its partner; 0 for a citizen's claim.
    pub partner_id: i64,
    /// The district its record named, or empty.
    pub district: String,
    /// Its status.
    pub status: String,
}

impl ActionKey {
    /// The key of a stored action, as it stands.
    #[must_use]
    pub fn of(row: &actions::Model) -> Self {
        Self {
            day: city_date(row.started_at.unwrap_or(row.received_at)),
            kind: row.kind.clone(),
            partner_id: row.partner_id.unwrap_or(0),
            district: district_of(&row.attributes),
            status: row.status.clone(),
        }
    }
}

/// The `district` attribute of a stored record, trimmed and bounded; empty
/// when it names none.
#[must_use]
pub fn district_of(attributes: &str) -> String {
    serde_json::from_str::<Value>(attributes)
        .ok()
        .and_then(|v| v.get("district").and_then(Value::as_str).map(str::to_owned))
        .map(|d| d.trim().chars().take(DISTRICT_MAX_CHARS).collect())
        .unwrap_or_default()
}

/// Roll-up changes gathered in a transaction, written by [`Pending::flush`].
#[derive(Debug, Default)]
pub struct Pending {
    credited: BTreeMap<(NaiveDate, String), Sums>,
    decided: BTreeMap<ActionKey, Sums>,
    /// `(citizen, period, start)`: the table's key order, so that
    /// concurrent transactions insert (and lock) its rows in one order.
    active: BTreeSet<(i64, Period, NaiveDate)>,
    redeemed: BTreeMap<NaiveDate, (i64, i64)>,
}

impl Pending {
    /// A stored action now counts with its status (a new decision).
    pub fn decided(&mut self, row: &actions::Model) {
        // Every stored decision passes here: the citizen's action list,
        // and so their remembered summary, changes with it.
        if let Some(user) = row.user_id {
            citizen_cache::changed(UserId(user));
        }
        self.decided
            .entry(ActionKey::of(row))
            .or_default()
            .add(1, row.co2e_g, row.points);
    }

    /// A stored action no longer counts with its old status (before a
    /// review or a late binding decides it again).
    pub fn undecided(&mut self, row: &actions::Model) {
        if let Some(user) = row.user_id {
            citizen_cache::changed(UserId(user));
        }
        self.decided
            .entry(ActionKey::of(row))
            .or_default()
            .add(-1, row.co2e_g, row.points);
    }

    /// An action of `kind` on `day` was credited to citizen `user`.
    pub fn credited(
        &mut self,
        user: i64,
        day: NaiveDate,
        kind: &str,
        co2e: GramsCo2e,
        points: Points,
    ) {
        self.credited
            .entry((day, kind.to_owned()))
            .or_default()
            .add(1, co2e.0, points.0);
        for period in Period::ALL {
            self.active.insert((user, period, period.start_of(day)));
        }
    }

    /// A voucher of `points` was issued on `day`.
    pub fn redeemed(&mut self, day: NaiveDate, points: Points) {
        let entry = self.redeemed.entry(day).or_default();
        entry.0 += 1;
        entry.1 += points.0;
    }

    /// Writes everything gathered, in key order. Call it on the transaction
    /// that made the changes, last.
    ///
    /// # Errors
    /// Database failures, as the database reported them (a deadlock must
    /// reach the retry loop as a deadlock).
    pub async fn flush<C: ConnectionTrait>(self, conn: &C) -> Result<(), DbErr> {
        flush_credited(conn, &self.credited).await?;
        flush_decided(conn, &self.decided).await?;
        flush_active(conn, &self.active).await?;
        flush_redeemed(conn, &self.redeemed).await
    }
}

/// `table.col + excluded.col`: an upsert that adds.
fn adds<E: EntityTrait>(entity: E, col: E::Column, name: &str) -> Expr {
    Expr::col((entity, col)).add(Expr::cust(format!("excluded.{name}")))
}

async fn flush_credited<C: ConnectionTrait>(
    conn: &C,
    rows: &BTreeMap<(NaiveDate, String), Sums>,
) -> Result<(), DbErr> {
    use daily_totals::Column as C;
    let rows: Vec<_> = rows.iter().collect();
    for chunk in rows.chunks(rows_per_statement(conn, 5, 5 * 12 + 16)) {
        daily_totals::Entity::insert_many(chunk.iter().map(|((day, kind), sums)| {
            daily_totals::ActiveModel {
                day: Set(*day),
                kind: Set(kind.clone()),
                actions: Set(sums.actions),
                co2e_g: Set(sums.co2e_g),
                points: Set(sums.points),
            }
        }))
        .on_conflict(
            OnConflict::columns([C::Day, C::Kind])
                .value(
                    C::Actions,
                    adds(daily_totals::Entity, C::Actions, "actions"),
                )
                .value(C::Co2eG, adds(daily_totals::Entity, C::Co2eG, "co2e_g"))
                .value(C::Points, adds(daily_totals::Entity, C::Points, "points"))
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// Adds `rows` to an action roll-up table (`action_rollups` keyed by day,
/// `action_rollups_monthly` by month): the two tables differ only in the
/// name of their first key column.
macro_rules! upsert_action_sums {
    ($conn:expr, $rows:expr, $table:ident, $first:ident, $First:ident) => {{
        use $table::Column as C;
        for chunk in $rows.chunks(rows_per_statement($conn, 8, 8 * 12 + 32)) {
            $table::Entity::insert_many(chunk.iter().map(|(key, sums)| $table::ActiveModel {
                $first: Set(key.day),
                kind: Set(key.kind.clone()),
                partner_id: Set(key.partner_id),
                district: Set(key.district.clone()),
                status: Set(key.status.clone()),
                actions: Set(sums.actions),
                co2e_g: Set(sums.co2e_g),
                points: Set(sums.points),
            }))
            .on_conflict(
                OnConflict::columns([C::$First, C::Kind, C::PartnerId, C::District, C::Status])
                    .value(C::Actions, adds($table::Entity, C::Actions, "actions"))
                    .value(C::Co2eG, adds($table::Entity, C::Co2eG, "co2e_g"))
                    .value(C::Points, adds($table::Entity, C::Points, "points"))
                    .to_owned(),
            )
            .exec_without_returning($conn)
            .await?;
        }
    }};
}

/// Writes the daily action roll-ups and the same sums by month.
async fn flush_decided<C: ConnectionTrait>(
    conn: &C,
    rows: &BTreeMap<ActionKey, Sums>,
) -> Result<(), DbErr> {
    let mut monthly: BTreeMap<ActionKey, Sums> = BTreeMap::new();
    for (key, sums) in rows {
        let month = ActionKey {
            day: Period::Month.start_of(key.day),
            ..key.clone()
        };
        let entry = monthly.entry(month).or_default();
        entry.actions += sums.actions;
        entry.co2e_g += sums.co2e_g;
        entry.points += sums.points;
    }
    let changed = |rows: &BTreeMap<ActionKey, Sums>| -> Vec<(ActionKey, Sums)> {
        rows.iter()
            .filter(|(_, s)| **s != Sums::default())
            .map(|(k, s)| (k.clone(), *s))
            .collect()
    };
    let daily = changed(rows);
    upsert_action_sums!(conn, daily, action_rollups, day, Day);
    let monthly = changed(&monthly);
    upsert_action_sums!(conn, monthly, action_rollups_monthly, month, Month);
    Ok(())
}

/// Records who was active; the periods in which a citizen is new (the
/// insert took) add one to their count.
async fn flush_active<C: ConnectionTrait>(
    conn: &C,
    rows: &BTreeSet<(i64, Period, NaiveDate)>,
) -> Result<(), DbErr> {
    use active_citizens::Column as A;
    let rows: Vec<_> = rows.iter().collect();
    let mut new_in: BTreeMap<(&'static str, NaiveDate), i64> = BTreeMap::new();
    for chunk in rows.chunks(rows_per_statement(conn, 3, 3 * 12 + 8)) {
        let mut insert = Query::insert();
        insert
            .into_table(active_citizens::Entity)
            .columns([A::Period, A::Start, A::UserId])
            .on_conflict(
                OnConflict::columns([A::UserId, A::Period, A::Start])
                    .do_nothing()
                    .to_owned(),
            )
            .returning(Query::returning().columns([A::Period, A::Start]));
        for (user, period, start) in chunk {
            insert.values_panic([period.as_str().into(), (*start).into(), (*user).into()]);
        }
        let statement = conn.get_database_backend().build(&insert);
        for row in conn.query_all_raw(statement).await? {
            let period: String = row.try_get("", "period")?;
            let start: NaiveDate = row.try_get("", "start")?;
            let period = Period::ALL
                .into_iter()
                .find(|p| p.as_str() == period)
                .ok_or_else(|| DbErr::Custom(format!("unknown period {period}")))?;
            *new_in.entry((period.as_str(), start)).or_default() += 1;
        }
    }
    use active_counts::Column as C;
    let counts: Vec<_> = new_in.into_iter().collect();
    for chunk in counts.chunks(rows_per_statement(conn, 3, 3 * 12 + 8)) {
        active_counts::Entity::insert_many(chunk.iter().map(|((period, start), n)| {
            active_counts::ActiveModel {
                period: Set((*period).to_owned()),
                start: Set(*start),
                citizens: Set(*n),
            }
        }))
        .on_conflict(
            OnConflict::columns([C::Period, C::Start])
                .value(
                    C::Citizens,
                    adds(active_counts::Entity, C::Citizens, "citizens"),
                )
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

async fn flush_redeemed<C: ConnectionTrait>(
    conn: &C,
    rows: &BTreeMap<NaiveDate, (i64, i64)>,
) -> Result<(), DbErr> {
    use redemption_daily::Column as C;
    let rows: Vec<_> = rows.iter().collect();
    for chunk in rows.chunks(rows_per_statement(conn, 3, 3 * 12)) {
        redemption_daily::Entity::insert_many(chunk.iter().map(|(day, (vouchers, points))| {
            redemption_daily::ActiveModel {
                day: Set(**day),
                vouchers: Set(*vouchers),
                points: Set(*points),
            }
        }))
        .on_conflict(
            OnConflict::column(C::Day)
                .value(
                    C::Vouchers,
                    adds(redemption_daily::Entity, C::Vouchers, "vouchers"),
                )
                .value(
                    C::Points,
                    adds(redemption_daily::Entity, C::Points, "points"),
                )
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ColumnTrait, QueryFilter};

    #[tokio::test]
    async fn a_citizens_periods_are_neighbours_in_the_active_table() {
        let plan = crate::services::query_plan::of_sqlite(
            active_citizens::Entity::find().filter(active_citizens::Column::UserId.eq(7)),
        )
        .await;
        assert!(plan.contains("(user_id=?)"), "{plan}");
    }

    #[test]
    fn periods_start_on_monday_the_first_and_new_year() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(); // a Sunday
        assert_eq!(Period::Day.start_of(day), day);
        assert_eq!(
            Period::Week.start_of(day),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        assert_eq!(
            Period::Month.start_of(day),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        assert_eq!(
            Period::Year.start_of(day),
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
        );
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(Period::Week.start_of(monday), monday);
    }

    #[test]
    fn the_district_comes_from_the_records_attributes() {
        assert_eq!(district_of(r#"{"district":" 东昌府区 "}"#), "东昌府区");
        assert_eq!(district_of(r#"{"route":"K5"}"#), "");
        assert_eq!(district_of("not json"), "");
        assert_eq!(district_of(r#"{"district":7}"#), "");
        assert_eq!(
            district_of(&format!(r#"{{"district":"{}"}}"#, "x".repeat(50))).len(),
            32
        );
    }
}
