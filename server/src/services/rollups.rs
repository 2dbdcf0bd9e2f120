//! Roll-ups: what the public page, the dashboard and the reports read, kept
//! as actions are decided so that no reader ever scans actions or the
//! ledger, whatever their size.
//!
//! - `daily_totals`: credited actions per city-time day and kind (public).
//! - `action_rollups` and `action_rollups_monthly`: decided actions per day
//!   (and per month), kind, partner, district and status (the dashboard and
//!   the reports).
//! - `active_counts`: how many citizens were credited in a day, ISO week,
//!   month and year. Whether a credit makes its citizen new in a period is
//!   read from `user_daily_totals` ([`new_actives`]), which has a row for
//!   every day a citizen was credited on, before the credit adds its own.
//! - `redemption_daily`: vouchers and points redeemed per day.
//!
//! A transaction gathers its changes in a [`Pending`] and writes them with
//! [`Pending::flush`] just before it commits: one multi-row upsert per
//! table rather than one statement per action, and always in key order, so
//! two concurrent batches that touch the same roll-up rows lock them in the
//! same order and never deadlock on them.

use crate::entities::{
    action_rollups, action_rollups_monthly, actions, active_counts, daily_totals, redemption_daily,
};
use crate::services::bulk::{self, StatementSize};
use crate::services::citizen_cache;
use chrono::{Datelike, Days, Duration, Months, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
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

    /// The last day of the period that holds `day`.
    #[must_use]
    pub fn end_of(self, day: NaiveDate) -> NaiveDate {
        let start = self.start_of(day);
        let next = match self {
            Self::Day => start.checked_add_days(Days::new(1)),
            Self::Week => start.checked_add_days(Days::new(7)),
            Self::Month => start.checked_add_months(Months::new(1)),
            Self::Year => start.checked_add_months(Months::new(12)),
        };
        next.and_then(|n| n.pred_opt()).unwrap_or(NaiveDate::MAX)
    }
}

/// The periods in which citizens were credited for the first time: how
/// many citizens each `(period, start)` gained. Made only by
/// [`new_actives`], so that no other count reaches `active_counts`.
#[derive(Debug, Default)]
pub struct NewActives(BTreeMap<(Period, NaiveDate), i64>);

/// Which of `credited` — `(citizen, day)` pairs about to be credited —
/// make their citizen active for the first time in a day, week, month or
/// year, read from `user_daily_totals`: a citizen is new in a period when
/// none of their days in it has a row.
///
/// Call it before the credits are added to `user_daily_totals`, with the
/// citizens' ledger accounts locked: the lock keeps a concurrent
/// transaction from crediting the same citizen between this read and the
/// commit (on SQLite, its one writer does).
///
/// # Errors
/// Database failures.
pub async fn new_actives<C: ConnectionTrait>(
    conn: &C,
    credited: impl IntoIterator<Item = (i64, NaiveDate)>,
) -> Result<NewActives, DbErr> {
    // In key order (citizen first), so the probes walk the index forward.
    let periods: BTreeSet<(i64, NaiveDate, NaiveDate, Period)> = credited
        .into_iter()
        .flat_map(|(user, day)| Period::ALL.map(|p| (user, p.start_of(day), p.end_of(day), p)))
        .collect();
    if periods.is_empty() {
        return Ok(NewActives::default());
    }
    let windows: Vec<(i64, NaiveDate, NaiveDate)> = periods
        .iter()
        .map(|(user, lo, hi, _)| (*user, *lo, *hi))
        .collect();
    let rows = bulk::per_window(conn, &windows, active_windows).await?;
    let mut seen = BTreeSet::new();
    for row in rows {
        let user: i64 = row.try_get("", "user_id")?;
        let lo: NaiveDate = row.try_get("", "lo")?;
        let hi: NaiveDate = row.try_get("", "hi")?;
        seen.insert((user, lo, hi));
    }
    let mut new = BTreeMap::new();
    for (user, lo, hi, period) in periods {
        if !seen.contains(&(user, lo, hi)) {
            *new.entry((period, lo)).or_default() += 1;
        }
    }
    Ok(NewActives(new))
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
    active: BTreeMap<(Period, NaiveDate), i64>,
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

    /// An action of `kind` on `day` was credited.
    pub fn credited(&mut self, day: NaiveDate, kind: &str, co2e: GramsCo2e, points: Points) {
        self.credited
            .entry((day, kind.to_owned()))
            .or_default()
            .add(1, co2e.0, points.0);
    }

    /// Citizens credited for the first time in periods ([`new_actives`]).
    pub fn newly_active(&mut self, new: NewActives) {
        for (key, citizens) in new.0 {
            *self.active.entry(key).or_default() += citizens;
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

/// The windows `w(user_id, lo, hi)` of `windows` in which the citizen has a
/// row of daily totals: one look into its primary key each.
fn active_windows(windows: &str) -> String {
    format!(
        "WITH w(user_id, lo, hi) AS ({windows}) \
         SELECT w.user_id, w.lo, w.hi FROM w WHERE EXISTS (\
         SELECT 1 FROM user_daily_totals t \
         WHERE t.user_id = w.user_id AND t.day >= w.lo AND t.day <= w.hi)"
    )
}

/// Adds the citizens new in each period to its count.
async fn flush_active<C: ConnectionTrait>(
    conn: &C,
    new_in: &BTreeMap<(Period, NaiveDate), i64>,
) -> Result<(), DbErr> {
    use active_counts::Column as C;
    let counts: Vec<_> = new_in.iter().collect();
    for chunk in counts.chunks(rows_per_statement(conn, 3, 3 * 12 + 8)) {
        active_counts::Entity::insert_many(chunk.iter().map(|((period, start), n)| {
            active_counts::ActiveModel {
                period: Set(period.as_str().to_owned()),
                start: Set(*start),
                citizens: Set(**n),
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
    use crate::entities::user_daily_totals;
    use crate::services::query_plan;
    use sea_orm::{DbBackend, Statement};

    fn day(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap()
    }

    #[tokio::test]
    async fn finding_whether_a_citizen_is_new_looks_into_the_daily_totals_key() {
        let probe = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            active_windows("VALUES (?, ?, ?)"),
            [7_i64.into(), day(11, 1).into(), day(11, 30).into()],
        );
        let plan = query_plan::of_sqlite_statement(probe).await;
        assert!(
            plan.contains(
                "SEARCH t EXISTS USING COVERING INDEX sqlite_autoindex_user_daily_totals_1 \
                 (user_id=? AND day>? AND day<?)"
            ),
            "{plan}"
        );
    }

    #[tokio::test]
    async fn a_citizen_is_new_in_the_periods_where_no_day_of_theirs_was_credited() {
        let db = query_plan::migrated_sqlite().await;
        // Citizen 1 was credited on Wednesday 18 November (twice) and on
        // 5 January; citizen 2 never.
        for (user, on, kind) in [
            (1, day(11, 18), "bus_ride"),
            (1, day(11, 18), "metro_ride"),
            (1, day(1, 5), "bus_ride"),
        ] {
            user_daily_totals::Entity::insert(user_daily_totals::ActiveModel {
                user_id: Set(user),
                day: Set(on),
                kind: Set(kind.to_owned()),
                points: Set(10),
                co2e_g: Set(100),
                actions: Set(1),
            })
            .exec_without_returning(&db)
            .await
            .unwrap();
        }
        let new = new_actives(
            &db,
            [
                (1, day(11, 18)), // credited that day already
                (1, day(11, 16)), // same week (Monday), a new day
                (1, day(11, 3)),  // same month, earlier: a new day and week
                (1, day(12, 2)),  // a new month, same year
                (2, day(11, 16)), // new everywhere
                (2, day(11, 17)), // and again in the same week
            ],
        )
        .await
        .unwrap();
        let week = Period::Week.start_of(day(11, 16));
        let expected = BTreeMap::from([
            ((Period::Day, day(11, 16)), 2),
            ((Period::Day, day(11, 17)), 1),
            ((Period::Day, day(11, 3)), 1),
            ((Period::Day, day(12, 2)), 1),
            ((Period::Week, week), 1),
            ((Period::Week, Period::Week.start_of(day(11, 3))), 1),
            ((Period::Week, Period::Week.start_of(day(12, 2))), 1),
            ((Period::Month, day(11, 1)), 1),
            ((Period::Month, day(12, 1)), 1),
            ((Period::Year, day(1, 1)), 1),
        ]);
        assert_eq!(new.0, expected);
        assert!(new_actives(&db, []).await.unwrap().0.is_empty());
    }

    #[test]
    fn periods_end_on_sunday_the_last_of_the_month_and_new_years_eve() {
        let day = day(2, 11); // a Wednesday
        assert_eq!(Period::Day.end_of(day), day);
        assert_eq!(
            Period::Week.end_of(day),
            NaiveDate::from_ymd_opt(2026, 2, 15).unwrap()
        );
        assert_eq!(
            Period::Month.end_of(day),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
        assert_eq!(
            Period::Year.end_of(day),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
        let year_end = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(Period::Month.end_of(year_end), year_end);
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
