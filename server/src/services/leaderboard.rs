//! The opt-in leaderboard: citizens who chose to take part, ranked by the
//! CO2e they saved in the last 7 days or the calendar month (city time),
//! shown by nickname only. Read from the per-citizen daily totals, which
//! ingestion keeps as actions are credited. Frozen and deleted accounts are
//! never ranked.

use super::ServiceResult;
use crate::entities::{user_daily_totals as totals, users};
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use tanpu_core::api::{Leaderboard, LeaderboardEntry, LeaderboardPeriod};
use tanpu_core::{GramsCo2e, UserId};

/// How many places the board shows.
pub const TOP: u64 = 20;

/// The first and last day (inclusive) of `period` as of `today`.
#[must_use]
pub fn days_of(period: LeaderboardPeriod, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    match period {
        LeaderboardPeriod::Week => (today - Duration::days(6), today),
        LeaderboardPeriod::Month => (today.with_day(1).unwrap_or(today), today),
    }
}

/// The board for `period` as `user` sees it.
///
/// # Errors
/// Database failures.
pub async fn board(
    db: &DatabaseConnection,
    user: UserId,
    period: LeaderboardPeriod,
    today: NaiveDate,
) -> ServiceResult<Leaderboard> {
    let (from, to) = days_of(period, today);
    let opted_in = users::Entity::find_by_id(user.0)
        .one(db)
        .await?
        .is_some_and(|u| u.leaderboard_opt_in && u.frozen_at.is_none());

    let mut top = ranked_totals(from, to);
    top.column((users::Entity, users::Column::Nickname))
        .group_by_col((users::Entity, users::Column::Nickname))
        .order_by_expr(Expr::cust(TOTAL), Order::Desc)
        .order_by((totals::Entity, totals::Column::UserId), Order::Asc)
        .limit(TOP);
    let rows = query(db, &top).await?;
    let mut entries: Vec<LeaderboardEntry> = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("", "user_id")?;
        let total: i64 = row.try_get("", "total")?;
        // Equal totals share a rank (1, 2, 2, 4).
        let rank = match entries.last() {
            Some(last) if last.co2e_g.0 == total => last.rank,
            _ => u32::try_from(entries.len() + 1).unwrap_or(u32::MAX),
        };
        entries.push(LeaderboardEntry {
            rank,
            nickname: row.try_get("", "nickname")?,
            co2e_g: GramsCo2e(total),
            is_me: id == user.0,
        });
    }

    let ranked = count(db, ranked_totals(from, to)).await?;
    let me = if opted_in {
        own_place(db, user, from, to).await?
    } else {
        None
    };
    Ok(Leaderboard {
        period,
        opted_in,
        entries,
        me,
        ranked,
    })
}

/// Takes part in the board (or leaves it), then shows the week's board.
///
/// # Errors
/// Database failures.
pub async fn choose(
    db: &DatabaseConnection,
    user: UserId,
    opt_in: bool,
    today: NaiveDate,
) -> ServiceResult<Leaderboard> {
    users::Entity::update(users::ActiveModel {
        id: Set(user.0),
        leaderboard_opt_in: Set(opt_in),
        ..Default::default()
    })
    .exec(db)
    .await?;
    board(db, user, LeaderboardPeriod::Week, today).await
}

/// The summed CO2e, cast so both backends return a 64-bit integer
/// (PostgreSQL's SUM of BIGINT is NUMERIC).
const TOTAL: &str = "CAST(SUM(user_daily_totals.co2e_g) AS BIGINT)";

/// One row per ranked citizen: `user_id` and `total`, for opted-in,
/// unfrozen citizens who saved something in the days.
fn ranked_totals(from: NaiveDate, to: NaiveDate) -> SelectStatement {
    Query::select()
        .column((totals::Entity, totals::Column::UserId))
        .expr_as(Expr::cust(TOTAL), Alias::new("total"))
        .from(totals::Entity)
        .inner_join(
            users::Entity,
            Expr::col((users::Entity, users::Column::Id))
                .equals((totals::Entity, totals::Column::UserId)),
        )
        .and_where(Expr::col((users::Entity, users::Column::LeaderboardOptIn)).eq(true))
        .and_where(Expr::col((users::Entity, users::Column::FrozenAt)).is_null())
        .and_where(Expr::col((totals::Entity, totals::Column::Day)).gte(from))
        .and_where(Expr::col((totals::Entity, totals::Column::Day)).lte(to))
        .group_by_col((totals::Entity, totals::Column::UserId))
        .and_having(Expr::cust(TOTAL).gt(0))
        .to_owned()
}

async fn own_place(
    db: &DatabaseConnection,
    user: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> ServiceResult<Option<LeaderboardEntry>> {
    let mut mine = ranked_totals(from, to);
    mine.and_where(Expr::col((totals::Entity, totals::Column::UserId)).eq(user.0))
        .column((users::Entity, users::Column::Nickname))
        .group_by_col((users::Entity, users::Column::Nickname));
    let Some(row) = query(db, &mine).await?.into_iter().next() else {
        return Ok(None);
    };
    let total: i64 = row.try_get("", "total")?;
    let mut ahead = ranked_totals(from, to);
    ahead.and_having(Expr::cust(TOTAL).gt(total));
    let rank = count(db, ahead).await? + 1;
    Ok(Some(LeaderboardEntry {
        rank: u32::try_from(rank).unwrap_or(u32::MAX),
        nickname: row.try_get("", "nickname")?,
        co2e_g: GramsCo2e(total),
        is_me: true,
    }))
}

async fn query(
    db: &DatabaseConnection,
    select: &SelectStatement,
) -> ServiceResult<Vec<sea_orm::QueryResult>> {
    let statement = db.get_database_backend().build(select);
    Ok(db.query_all_raw(statement).await?)
}

async fn count(db: &DatabaseConnection, rows: SelectStatement) -> ServiceResult<u64> {
    let counted = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_subquery(rows, Alias::new("ranked"))
        .to_owned();
    let n: i64 = query(db, &counted)
        .await?
        .first()
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_is_seven_days_ending_today_and_a_month_starts_on_the_first() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
        assert_eq!(
            days_of(LeaderboardPeriod::Week, today),
            (NaiveDate::from_ymd_opt(2026, 2, 25).unwrap(), today)
        );
        assert_eq!(
            days_of(LeaderboardPeriod::Month, today),
            (NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), today)
        );
    }
}
