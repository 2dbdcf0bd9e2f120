//! Rule simulation: what a rule version (usually a draft) would have
//! decided for the stored actions of its kind in a period, compared with
//! what was credited.
//!
//! Actions are read a page at a time by the keyset (kind, started_at, id),
//! selecting only the columns the evaluator and the comparison need, so a
//! million actions cost a million small rows, never one large result. Each
//! is evaluated with tanpu-core's `evaluate`, the very function ingestion
//! uses, with a context rebuilt as ingestion saw it:
//! - `now` is the time the record was received (claim window, clock skew);
//! - the caps see per-citizen running totals of this kind, kept in start
//!   order, reset per city day and month, counting only what the simulated
//!   version accepts; they start at zero at the period's start;
//! - the overall caps (all kinds) add the citizen's credited points of the
//!   other kinds as stored in `user_daily_totals` (other kinds are not
//!   re-run): that day's, and the month's up to that day, counted from the
//!   first of the month the period starts in. They are read only when the
//!   version has an overall cap, in one grouped query before the actions;
//! - an overlap or a frozen account found at ingestion is carried over (the
//!   action's own span stands in for the overlapping one);
//! - actions the rule never decided (no citizen bound; a partner not allowed
//!   the kind; a unit that cannot be read) keep their stored outcome.
//!
//! The simulated version is applied whatever its own interval: the question
//! is "what if it had been in force then".

use super::rules::{RuleError, RuleResult, definition_of};
use super::{ServiceError, ServiceResult};
use crate::entities::{actions, partners, rule_versions, user_daily_totals, users};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use std::time::Instant;
use tanpu_core::api::{AffectedCitizen, SimulationReport, SimulationTotals};
use tanpu_core::ids::{RuleId, RuleVersionId};
use tanpu_core::rules::calendar::city_date;
use tanpu_core::rules::{
    Action, Context, Decision, Quantity, RuleVersion, TimeSpan, Totals, Unit, evaluate,
};
use tanpu_core::{GramsCo2e, Points, UserId};

/// Actions read per query.
const PAGE: u64 = 20_000;
/// The longest period, in days.
pub const MAX_PERIOD_DAYS: i64 = 400;
/// How many of the most affected citizens the report names.
pub const TOP_CITIZENS: usize = 10;

/// The columns simulation reads.
#[derive(Debug)]
struct Row {
    id: i64,
    partner_id: Option<i64>,
    user_id: Option<i64>,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    quantity_milli: i64,
    unit: String,
    status: String,
    points: i64,
    co2e_g: i64,
    reasons: String,
    received_at: DateTime<Utc>,
}

/// [`Row`] as the query returns it, in the order of [`page`]'s columns.
/// Read by position: a million rows read by column name cost a lookup per
/// value.
type RowValues = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    i64,
    String,
    String,
    i64,
    i64,
    String,
    DateTime<Utc>,
);

impl From<RowValues> for Row {
    fn from(values: RowValues) -> Self {
        let (
            id,
            partner_id,
            user_id,
            started_at,
            ended_at,
            quantity_milli,
            unit,
            status,
            points,
            co2e_g,
            reasons,
            received_at,
        ) = values;
        Self {
            id,
            partner_id,
            user_id,
            started_at,
            ended_at,
            quantity_milli,
            unit,
            status,
            points,
            co2e_g,
            reasons,
            received_at,
        }
    }
}

/// One citizen's running state.
#[derive(Default)]
struct Citizen {
    day: Option<NaiveDate>,
    kind_today: Points,
    kind_month: Points,
    /// Other kinds' credited points on `day`, and in its month up to it.
    other_today: Points,
    other_month: Points,
    before: i64,
    after: i64,
}

/// A citizen's credited points of the other kinds per city day, in day order.
type OtherKinds = HashMap<i64, Vec<(NaiveDate, i64)>>;

/// One row of the other kinds' daily totals.
#[derive(Debug, FromQueryResult)]
struct OtherDay {
    user_id: i64,
    day: NaiveDate,
    points: i64,
}

/// Runs version `version_id` of rule `rule_id` over the rule's kind's
/// actions that started in `[from, to)`.
///
/// # Errors
/// [`RuleError::Invalid`] for an empty or too long period;
/// [`ServiceError::NotFound`] unless the version belongs to the rule;
/// database failures.
pub async fn simulate(
    conn: &DatabaseConnection,
    rule_id: RuleId,
    version_id: RuleVersionId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> RuleResult<SimulationReport> {
    let clock = Instant::now();
    if to <= from {
        return Err(problem("to", "end_not_after_start"));
    }
    if (to - from).num_days() > MAX_PERIOD_DAYS {
        return Err(problem("to", "period_too_long"));
    }
    let row = rule_versions::Entity::find_by_id(version_id.0)
        .filter(rule_versions::Column::RuleId.eq(rule_id.0))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut candidate = definition_of(&row)?.always_in_force();
    candidate.id = Some(version_id);
    candidate.rule_id = Some(rule_id);
    let kind = candidate.kind.as_str().to_owned();

    let allowed: HashMap<i64, bool> = partners::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| {
            let kinds: Vec<String> = serde_json::from_str(&p.kinds).unwrap_or_default();
            (p.id, kinds.contains(&kind))
        })
        .collect();

    let mut run = Run::default();
    if candidate.caps.overall_per_day.is_some() || candidate.caps.overall_per_month.is_some() {
        run.other_kinds = other_kinds(conn, &kind, from, to).await?;
    }
    // The next page is read while this one is evaluated, so the database
    // (on PostgreSQL, another process on another core) and the evaluator
    // work at the same time instead of taking turns.
    let mut next = tokio::spawn(page(conn.clone(), kind.clone(), from, to, None));
    loop {
        let rows = next
            .await
            .map_err(|e| ServiceError::Internal(format!("simulation page reader: {e}")))??;
        let cursor = match rows.last() {
            Some(row) if rows.len() as u64 == PAGE => {
                Some((row.started_at.unwrap_or(from), row.id))
            }
            _ => None,
        };
        let pending =
            cursor.map(|c| tokio::spawn(page(conn.clone(), kind.clone(), from, to, Some(c))));
        for action in &rows {
            run.add(action, &candidate, &allowed);
        }
        match pending {
            Some(pending) => next = pending,
            None => break,
        }
    }

    let top_citizens = top_citizens(conn, &run.citizens).await?;
    Ok(SimulationReport {
        rule_id,
        version_id,
        kind,
        from,
        to,
        actions: run.actions,
        changed: run.changed,
        before: run.before,
        after: run.after,
        top_citizens,
        elapsed_ms: u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// One page of `kind`'s actions that started in `[from, to)`, in (start,
/// id) order, after `cursor` (the last row of the page before).
async fn page(
    conn: DatabaseConnection,
    kind: String,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    cursor: Option<(DateTime<Utc>, i64)>,
) -> Result<Vec<Row>, DbErr> {
    let query = actions::Entity::find()
        .select_only()
        .columns([
            actions::Column::Id,
            actions::Column::PartnerId,
            actions::Column::UserId,
            actions::Column::StartedAt,
            actions::Column::EndedAt,
            actions::Column::QuantityMilli,
            actions::Column::Unit,
            actions::Column::Status,
            actions::Column::Points,
            actions::Column::Co2eG,
            actions::Column::Reasons,
            actions::Column::ReceivedAt,
        ])
        .filter(actions::Column::Kind.eq(kind.as_str()))
        .filter(actions::Column::StartedAt.lt(to));
    let query = match cursor {
        None => query.filter(actions::Column::StartedAt.gte(from)),
        Some((started, id)) => query
            .filter(actions::Column::StartedAt.gte(started))
            .filter(
                Condition::any()
                    .add(actions::Column::StartedAt.gt(started))
                    .add(actions::Column::Id.gt(id)),
            ),
    };
    query
        .order_by_asc(actions::Column::StartedAt)
        .order_by_asc(actions::Column::Id)
        .limit(PAGE)
        .into_tuple::<RowValues>()
        .all(&conn)
        .await
        .map(|rows| rows.into_iter().map(Row::from).collect())
}

/// The citizens' credited points of every kind but `kind`, per city day,
/// from the first of the month `from` falls in through the day of `to`.
async fn other_kinds(
    conn: &impl ConnectionTrait,
    kind: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> ServiceResult<OtherKinds> {
    let first = city_date(from)
        .with_day(1)
        .unwrap_or_else(|| city_date(from));
    let rows: Vec<OtherDay> = user_daily_totals::Entity::find()
        .select_only()
        .column(user_daily_totals::Column::UserId)
        .column(user_daily_totals::Column::Day)
        // CAST: PostgreSQL's SUM of a BIGINT is a NUMERIC.
        .column_as(
            Expr::cust("CAST(SUM(user_daily_totals.points) AS BIGINT)"),
            "points",
        )
        .filter(user_daily_totals::Column::Kind.ne(kind))
        .filter(user_daily_totals::Column::Day.between(first, city_date(to)))
        .filter(user_daily_totals::Column::Points.ne(0))
        .group_by(user_daily_totals::Column::UserId)
        .group_by(user_daily_totals::Column::Day)
        .order_by_asc(user_daily_totals::Column::UserId)
        .order_by_asc(user_daily_totals::Column::Day)
        .into_model::<OtherDay>()
        .all(conn)
        .await?;
    let mut others = OtherKinds::new();
    for row in rows {
        others
            .entry(row.user_id)
            .or_default()
            .push((row.day, row.points));
    }
    Ok(others)
}

/// Other kinds' points on `day` and in its month through `day`.
fn other_points(days: &[(NaiveDate, i64)], day: NaiveDate) -> (Points, Points) {
    let (mut today, mut month) = (0_i64, 0_i64);
    for &(d, points) in days {
        if d > day {
            break;
        }
        if (d.year(), d.month()) == (day.year(), day.month()) {
            month = month.saturating_add(points);
            if d == day {
                today = points;
            }
        }
    }
    (Points(today), Points(month))
}

fn problem(field: &str, reason: &str) -> RuleError {
    RuleError::Invalid(vec![super::rules::FieldProblem {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }])
}

/// The running sums.
#[derive(Default)]
struct Run {
    actions: u64,
    changed: u64,
    before: SimulationTotals,
    after: SimulationTotals,
    citizens: HashMap<i64, Citizen>,
    other_kinds: OtherKinds,
}

/// An outcome: status, points, CO2e.
type Outcome<'a> = (&'a str, i64, i64);

impl Run {
    fn add(&mut self, row: &Row, candidate: &RuleVersion, allowed: &HashMap<i64, bool>) {
        self.actions += 1;
        let before: Outcome = (row.status.as_str(), row.points, row.co2e_g);
        tally(&mut self.before, before);
        let after = self.decide(row, candidate, allowed);
        tally(&mut self.after, after);
        if before != after {
            self.changed += 1;
        }
        if let Some(user) = row.user_id {
            let citizen = self.citizens.entry(user).or_default();
            citizen.before += credited(before);
            citizen.after += credited(after);
        }
    }

    fn decide<'a>(
        &mut self,
        row: &'a Row,
        candidate: &RuleVersion,
        allowed: &HashMap<i64, bool>,
    ) -> Outcome<'a> {
        let stored = (row.status.as_str(), row.points, row.co2e_g);
        let partner_refused = row
            .partner_id
            .is_some_and(|p| !allowed.get(&p).copied().unwrap_or(false));
        let (Some(user), Some(started_at), Some(unit), Some(quantity), false) = (
            row.user_id,
            row.started_at,
            Unit::from_name(&row.unit),
            Quantity::from_thousandths(row.quantity_milli),
            partner_refused,
        ) else {
            return stored;
        };
        let mut action = Action::new(candidate.kind.clone(), quantity, unit, started_at);
        action.ended_at = row.ended_at;
        action.self_declared = row.partner_id.is_none();

        let day = city_date(started_at);
        let citizen = self.citizens.entry(user).or_default();
        match citizen.day {
            Some(d) if d == day => {}
            Some(d) if (d.year(), d.month()) == (day.year(), day.month()) => {
                citizen.kind_today = Points(0);
            }
            _ => {
                citizen.kind_today = Points(0);
                citizen.kind_month = Points(0);
            }
        }
        if citizen.day != Some(day) {
            (citizen.other_today, citizen.other_month) = self
                .other_kinds
                .get(&user)
                .map_or((Points(0), Points(0)), |days| other_points(days, day));
        }
        citizen.day = Some(day);
        let context = Context {
            account_frozen: row.reasons.contains("\"account_frozen\""),
            totals: Totals {
                kind_today: citizen.kind_today,
                kind_month: citizen.kind_month,
                all_today: citizen.kind_today + citizen.other_today,
                all_month: citizen.kind_month + citizen.other_month,
            },
            other_actions: if row.reasons.contains("\"overlap\"") {
                vec![TimeSpan {
                    started_at,
                    ended_at: row.ended_at,
                }]
            } else {
                Vec::new()
            },
            ..Context::new(row.received_at)
        };
        let decision = evaluate(&action, candidate, &context);
        match decision {
            Decision::Accepted { .. } => {
                let points = decision.points();
                citizen.kind_today += points;
                citizen.kind_month += points;
                ("accepted", points.0, decision.co2e().0)
            }
            Decision::Held { .. } => ("held", decision.points().0, decision.co2e().0),
            Decision::Rejected { .. } => ("rejected", 0, 0),
        }
    }
}

fn tally(totals: &mut SimulationTotals, (status, points, co2e): Outcome) {
    match status {
        "accepted" => {
            totals.accepted += 1;
            totals.points += Points(points);
            totals.co2e_g = GramsCo2e(totals.co2e_g.0.saturating_add(co2e));
        }
        "held" => totals.held += 1,
        _ => totals.rejected += 1,
    }
}

/// Points that count toward a citizen's credit: accepted only.
fn credited((status, points, _): Outcome) -> i64 {
    if status == "accepted" { points } else { 0 }
}

async fn top_citizens(
    conn: &impl ConnectionTrait,
    citizens: &HashMap<i64, Citizen>,
) -> ServiceResult<Vec<AffectedCitizen>> {
    let mut affected: Vec<(i64, &Citizen)> = citizens
        .iter()
        .filter(|(_, c)| c.after != c.before)
        .map(|(id, c)| (*id, c))
        .collect();
    affected.sort_by_key(|(id, c)| (std::cmp::Reverse((c.after - c.before).unsigned_abs()), *id));
    affected.truncate(TOP_CITIZENS);
    let nicknames: HashMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(affected.iter().map(|(id, _)| *id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.nickname))
        .collect();
    Ok(affected
        .into_iter()
        .map(|(id, c)| AffectedCitizen {
            user_id: UserId(id),
            nickname: nicknames.get(&id).cloned().unwrap_or_default(),
            points_before: Points(c.before),
            points_after: Points(c.after),
            difference: Points(c.after - c.before),
        })
        .collect())
}
