//! What the evaluator must know about the citizens of a batch — frozen
//! flags, what each was credited so far by day and kind, and their other
//! actions near in time — read in three queries for the whole batch, then
//! kept up to date in memory as the batch's own records are decided, so a
//! record later in a batch sees the credits and the spans of earlier ones.

use crate::entities::users;
use crate::services::bulk::{self, StatementSize};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap, HashSet};
use tanpu_core::api::RecordStatus;
use tanpu_core::rules::calendar::city_date;
use tanpu_core::rules::{Action, Context, TimeSpan, Totals};
use tanpu_core::{Points, UserId};

/// How far before an action another one may start and still be looked at
/// for an overlap.
const OVERLAP_LOOKBACK: Duration = Duration::days(1);

/// The facts about a set of citizens.
#[derive(Debug, Default)]
pub(super) struct Facts {
    frozen: HashSet<i64>,
    /// Points credited per citizen, city-time day and kind.
    credited: HashMap<i64, BTreeMap<(NaiveDate, String), i64>>,
    /// Accepted or held actions per citizen, by id (the batch's own under
    /// negative keys, so they never collide with stored ones).
    spans: HashMap<i64, BTreeMap<i64, TimeSpan>>,
    /// How many of the batch's own actions were added to `spans`.
    own: i64,
}

impl Facts {
    /// Reads the facts that deciding `actions` (each with its citizen)
    /// needs.
    ///
    /// # Errors
    /// Database failures.
    pub(super) async fn load<C: ConnectionTrait>(
        conn: &C,
        actions: &[(UserId, &Action)],
    ) -> Result<Self, DbErr> {
        let mut windows: BTreeMap<i64, Window> = BTreeMap::new();
        for (user, action) in actions {
            let window = Window::of(action);
            windows
                .entry(user.0)
                .and_modify(|w| w.widen(&window))
                .or_insert(window);
        }
        if windows.is_empty() {
            return Ok(Self::default());
        }
        Ok(Self {
            frozen: frozen(conn, windows.keys().copied()).await?,
            credited: credited(conn, &windows).await?,
            spans: spans(conn, &windows).await?,
            own: 0,
        })
    }

    /// The evaluator's context for `user`'s `action`, as of `now`.
    pub(super) fn context(&self, user: UserId, action: &Action, now: DateTime<Utc>) -> Context {
        let day = city_date(action.started_at);
        let month_start = month_start(day);
        let mut totals = Totals::default();
        if let Some(credited) = self.credited.get(&user.0) {
            let from = (month_start, String::new());
            for ((credited_on, kind), points) in credited.range(from..) {
                if *credited_on > day {
                    break;
                }
                let points = Points(*points);
                let same_kind = kind == action.kind.as_str();
                totals.all_month += points;
                if *credited_on == day {
                    totals.all_today += points;
                }
                if same_kind {
                    totals.kind_month += points;
                    if *credited_on == day {
                        totals.kind_today += points;
                    }
                }
            }
        }
        let window = Window::of(action);
        let other_actions = self
            .spans
            .get(&user.0)
            .map(|spans| {
                spans
                    .values()
                    .filter(|s| s.started_at > window.after && s.started_at <= window.until)
                    .copied()
                    .collect()
            })
            .unwrap_or_default();
        Context {
            account_frozen: self.frozen.contains(&user.0),
            totals,
            other_actions,
            ..Context::new(now)
        }
    }

    /// Counts a decided action of the batch in what later ones see: its
    /// span when it was accepted or held, its points when credited.
    pub(super) fn record(
        &mut self,
        user: UserId,
        action: &Action,
        status: RecordStatus,
        credited: Points,
    ) {
        if !matches!(status, RecordStatus::Accepted | RecordStatus::Held) {
            return;
        }
        self.own += 1;
        self.spans.entry(user.0).or_default().insert(
            -self.own,
            TimeSpan {
                started_at: action.started_at,
                ended_at: action.ended_at,
            },
        );
        if status == RecordStatus::Accepted {
            *self
                .credited
                .entry(user.0)
                .or_default()
                .entry((
                    city_date(action.started_at),
                    action.kind.as_str().to_owned(),
                ))
                .or_default() += credited.0;
        }
    }
}

/// The span of time whose facts deciding one citizen's actions needs.
#[derive(Clone, Copy, Debug)]
struct Window {
    /// Totals from this day (the first of the earliest action's month)…
    first_day: NaiveDate,
    /// …to this one (the latest action's day).
    last_day: NaiveDate,
    /// Other actions starting after this…
    after: DateTime<Utc>,
    /// …and at or before this.
    until: DateTime<Utc>,
}

impl Window {
    fn of(action: &Action) -> Self {
        let day = city_date(action.started_at);
        Self {
            first_day: month_start(day),
            last_day: day,
            after: action.started_at - OVERLAP_LOOKBACK,
            until: action.ended_at.unwrap_or(action.started_at),
        }
    }

    fn widen(&mut self, other: &Self) {
        self.first_day = self.first_day.min(other.first_day);
        self.last_day = self.last_day.max(other.last_day);
        self.after = self.after.min(other.after);
        self.until = self.until.max(other.until);
    }
}

fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

async fn frozen<C: ConnectionTrait>(
    conn: &C,
    users: impl Iterator<Item = i64>,
) -> Result<HashSet<i64>, DbErr> {
    let users: Vec<i64> = users.collect();
    let backend = conn.get_database_backend();
    let mut frozen = HashSet::new();
    for chunk in users.chunks(StatementSize::of(backend).rows_of_values(1, 12)) {
        let ids: Vec<i64> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .filter(bulk::one_of(
                backend,
                users::Column::Id,
                chunk.iter().copied(),
            ))
            .filter(users::Column::FrozenAt.is_not_null())
            .into_tuple()
            .all(conn)
            .await?;
        frozen.extend(ids);
    }
    Ok(frozen)
}

async fn credited<C: ConnectionTrait>(
    conn: &C,
    windows: &BTreeMap<i64, Window>,
) -> Result<HashMap<i64, BTreeMap<(NaiveDate, String), i64>>, DbErr> {
    let windows: Vec<_> = windows
        .iter()
        .map(|(user, w)| (*user, w.first_day, w.last_day))
        .collect();
    let rows = bulk::per_window(conn, &windows, |windows| {
        format!(
            "WITH w(user_id, lo, hi) AS ({windows}) \
                 SELECT t.user_id, t.day, t.kind, t.points FROM user_daily_totals t \
                 JOIN w ON t.user_id = w.user_id AND t.day >= w.lo AND t.day <= w.hi"
        )
    })
    .await?;
    let mut credited: HashMap<i64, BTreeMap<(NaiveDate, String), i64>> = HashMap::new();
    for row in rows {
        let user: i64 = row.try_get("", "user_id")?;
        let day: NaiveDate = row.try_get("", "day")?;
        let kind: String = row.try_get("", "kind")?;
        let points: i64 = row.try_get("", "points")?;
        credited
            .entry(user)
            .or_default()
            .insert((day, kind), points);
    }
    Ok(credited)
}

async fn spans<C: ConnectionTrait>(
    conn: &C,
    windows: &BTreeMap<i64, Window>,
) -> Result<HashMap<i64, BTreeMap<i64, TimeSpan>>, DbErr> {
    let windows: Vec<_> = windows
        .iter()
        .map(|(user, w)| (*user, w.after, w.until))
        .collect();
    let rows = bulk::per_window(conn, &windows, |windows| {
        format!(
            "WITH w(user_id, lo, hi) AS ({windows}) \
                 SELECT t.id, t.user_id, t.started_at, t.ended_at FROM actions t \
                 JOIN w ON t.user_id = w.user_id AND t.started_at > w.lo AND t.started_at <= w.hi \
                 WHERE t.status IN ('accepted', 'held')"
        )
    })
    .await?;
    let mut spans: HashMap<i64, BTreeMap<i64, TimeSpan>> = HashMap::new();
    for row in rows {
        let id: i64 = row.try_get("", "id")?;
        let user: i64 = row.try_get("", "user_id")?;
        let started_at: DateTime<Utc> = row.try_get("", "started_at")?;
        let ended_at: Option<DateTime<Utc>> = row.try_get("", "ended_at")?;
        spans.entry(user).or_default().insert(
            id,
            TimeSpan {
                started_at,
                ended_at,
            },
        );
    }
    Ok(spans)
}
