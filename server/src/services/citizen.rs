//! What a citizen sees of their own carbon account: balance, savings, the
//! 12-week chart, streak, and their actions with the reasons.
//!
//! Everything is read from the cached ledger balance and the per-citizen
//! daily roll-ups, so the cost does not grow with the ledger; the action
//! list pages by id over an index.

use super::{ServiceError, ServiceResult, ledger};
use crate::entities::{actions, user_daily_totals};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::BTreeMap;
use tanpu_core::api::{ActionDetail, ActionItem, ActionPage, MeSummary, WeekTotals};
use tanpu_core::rules::calendar::city_date;
use tanpu_core::{GramsCo2e, Points, UserId};

/// Weeks in the summary's chart.
pub const CHART_WEEKS: i64 = 12;
/// Actions in the summary's "recent" list.
const RECENT: u64 = 5;
/// The largest page of actions.
pub const MAX_PAGE: u64 = 50;
/// A page of actions when the caller does not say (the app's page size).
pub const DEFAULT_PAGE: u64 = 20;

/// The citizen's summary as of `now`.
///
/// # Errors
/// Database failures.
pub async fn summary(
    db: &DatabaseConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> ServiceResult<MeSummary> {
    let balance = match ledger::accounts::find_citizen(db, user).await? {
        Some(account) => account.balance,
        None => Points(0),
    };
    let today = city_date(now);
    let month_start = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let chart_start = this_monday - Duration::weeks(CHART_WEEKS - 1);

    // All-time totals: one row per day and kind the citizen was active.
    let days = user_daily_totals::Entity::find()
        .filter(user_daily_totals::Column::UserId.eq(user.0))
        .order_by_desc(user_daily_totals::Column::Day)
        .all(db)
        .await?;
    let mut co2e_total = GramsCo2e(0);
    let mut co2e_month = GramsCo2e(0);
    let mut points_month = Points(0);
    let mut weeks: Vec<WeekTotals> = (0..CHART_WEEKS)
        .map(|w| WeekTotals {
            week_start: chart_start + Duration::weeks(w),
            co2e_g_by_kind: BTreeMap::new(),
            points_by_kind: BTreeMap::new(),
        })
        .collect();
    for row in &days {
        co2e_total += GramsCo2e(row.co2e_g);
        if row.day >= month_start && row.day <= today {
            co2e_month += GramsCo2e(row.co2e_g);
            points_month += Points(row.points);
        }
        if row.day >= chart_start && row.day <= today {
            let index = usize::try_from((row.day - chart_start).num_weeks()).unwrap_or(0);
            if let Some(week) = weeks.get_mut(index) {
                *week.co2e_g_by_kind.entry(row.kind.clone()).or_default() += GramsCo2e(row.co2e_g);
                *week.points_by_kind.entry(row.kind.clone()).or_default() += Points(row.points);
            }
        }
    }
    let active_days: Vec<NaiveDate> = {
        let mut d: Vec<NaiveDate> = days
            .iter()
            .filter(|r| r.actions > 0)
            .map(|r| r.day)
            .collect();
        d.dedup();
        d
    };
    let recent = actions::Entity::find()
        .filter(actions::Column::UserId.eq(user.0))
        .order_by_desc(actions::Column::Id)
        .limit(RECENT)
        .all(db)
        .await?
        .iter()
        .map(item_of)
        .collect::<ServiceResult<_>>()?;
    Ok(MeSummary {
        balance,
        co2e_g_total: co2e_total,
        co2e_g_month: co2e_month,
        points_month,
        streak_days: streak(&active_days, today),
        weeks,
        recent,
    })
}

/// Consecutive active days ending today, or yesterday (today may not have
/// started yet). `days` is newest first.
fn streak(days: &[NaiveDate], today: NaiveDate) -> u32 {
    let mut expected = match days.first() {
        Some(&d) if d == today || d == today - Duration::days(1) => d,
        _ => return 0,
    };
    let mut count = 0;
    for &day in days {
        if day == expected {
            count += 1;
            expected -= Duration::days(1);
        } else if day < expected {
            break;
        }
    }
    count
}

/// Filters for the action list.
#[derive(Clone, Debug, Default)]
pub struct ActionFilter {
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Only this calendar month (city time), as `(year, month)`.
    pub month: Option<(i32, u32)>,
    /// Only ids below this (the next page).
    pub before_id: Option<i64>,
    /// Page size (capped at [`MAX_PAGE`]).
    pub limit: Option<u64>,
}

impl ActionFilter {
    /// The page size asked for, within bounds.
    #[must_use]
    pub fn page_size(&self) -> u64 {
        self.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
    }

    /// Whether this asks for what the app opens with: the newest
    /// [`DEFAULT_PAGE`] actions of every kind and status.
    #[must_use]
    pub fn is_first_page(&self) -> bool {
        self.kind.is_none()
            && self.status.is_none()
            && self.month.is_none()
            && self.before_id.is_none()
            && self.page_size() == DEFAULT_PAGE
    }
}

/// A page of the citizen's actions, newest first.
///
/// # Errors
/// [`ServiceError::Invalid`] for an unknown status; database failures.
pub async fn actions_page(
    db: &DatabaseConnection,
    user: UserId,
    filter: ActionFilter,
) -> ServiceResult<ActionPage> {
    let limit = filter.page_size();
    let mut query = actions::Entity::find().filter(actions::Column::UserId.eq(user.0));
    if let Some(kind) = filter.kind {
        query = query.filter(actions::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        if !matches!(status.as_str(), "accepted" | "rejected" | "held") {
            return Err(ServiceError::Invalid {
                field: "status",
                reason: "unknown_status".to_owned(),
            });
        }
        query = query.filter(actions::Column::Status.eq(status));
    }
    if let Some((year, month)) = filter.month {
        let (start, end) = month_bounds(year, month).ok_or(ServiceError::Invalid {
            field: "month",
            reason: "not_a_month".to_owned(),
        })?;
        query = query
            .filter(actions::Column::StartedAt.gte(start))
            .filter(actions::Column::StartedAt.lt(end));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(actions::Column::Id.lt(before));
    }
    let rows = query
        .order_by_desc(actions::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    let items: Vec<ActionItem> = rows
        .iter()
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(item_of)
        .collect::<ServiceResult<_>>()?;
    let next_before_id = if more {
        items.last().map(|i| i.id)
    } else {
        None
    };
    Ok(ActionPage {
        items,
        next_before_id,
    })
}

/// One of the citizen's actions with its calculation.
///
/// # Errors
/// [`ServiceError::NotFound`] when it is not this citizen's.
pub async fn action_detail(
    db: &DatabaseConnection,
    user: UserId,
    id: i64,
) -> ServiceResult<ActionDetail> {
    let row = actions::Entity::find_by_id(id)
        .filter(actions::Column::UserId.eq(user.0))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let breakdown = row
        .breakdown
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| ServiceError::Internal(format!("action {id} breakdown unreadable: {e}")))?;
    Ok(ActionDetail {
        action: item_of(&row)?,
        breakdown,
    })
}

/// The UTC instants of a city-time calendar month: `[start, end)`.
fn month_bounds(year: i32, month: u32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let offset = Duration::seconds(tanpu_core::rules::calendar::CITY_UTC_OFFSET_SECONDS);
    let to_utc = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| (t - offset).and_utc());
    Some((to_utc(start)?, to_utc(next)?))
}

pub(super) fn item_of(row: &actions::Model) -> ServiceResult<ActionItem> {
    let unreadable = |what: &str, e: serde_json::Error| {
        ServiceError::Internal(format!("action {} {what} unreadable: {e}", row.id))
    };
    Ok(ActionItem {
        id: row.id,
        kind: row.kind.clone(),
        started_at: row.started_at,
        ended_at: row.ended_at,
        quantity_milli: row.quantity_milli,
        unit: row.unit.clone(),
        status: row.status.clone(),
        points: Points(row.points),
        co2e_g: GramsCo2e(row.co2e_g),
        reasons: serde_json::from_str(&row.reasons).map_err(|e| unreadable("reasons", e))?,
        attributes: serde_json::from_str(&row.attributes)
            .map_err(|e| unreadable("attributes", e))?,
        review_note: row.review_note.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    #[test]
    fn a_streak_counts_back_from_today_or_yesterday() {
        assert_eq!(streak(&[d(29), d(28), d(27), d(25)], d(29)), 3);
        assert_eq!(
            streak(&[d(28), d(27)], d(29)),
            2,
            "today has not started yet"
        );
        assert_eq!(streak(&[d(27)], d(29)), 0, "broken yesterday");
        assert_eq!(streak(&[], d(29)), 0);
    }

    #[test]
    fn months_are_city_time() {
        let (start, end) = month_bounds(2026, 12).unwrap();
        assert_eq!(start.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        assert!(month_bounds(2026, 13).is_none());
    }
}
