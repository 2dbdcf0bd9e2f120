//! What the server knows about the citizen when it evaluates an action:
//! the credit totals so far, whether the account is frozen, the times of the
//! citizen's other actions, and the evaluation clock.
//!
//! The evaluator reads nothing else, so the same action and context always
//! give the same decision, on the server, in the browser and in a simulation.

use crate::units::Points;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The interval an action occupies: `[started_at, ended_at)`, or the single
/// instant `started_at` for an instant action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeSpan {
    /// Start (inclusive).
    #[serde(with = "crate::wire_time")]
    pub started_at: DateTime<Utc>,
    /// End (exclusive); `None` for an instant.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire_time::option"
    )]
    pub ended_at: Option<DateTime<Utc>>,
}

impl TimeSpan {
    /// The end, or the start for an instant.
    #[must_use]
    pub fn end(&self) -> DateTime<Utc> {
        self.ended_at.unwrap_or(self.started_at)
    }

    /// Whether two spans share a moment. Half-open, so a metro ride may
    /// start the minute the bus ride ends; instants occupy no time and
    /// overlap nothing (two refuels or a refuel during a bus ride are not
    /// physically contradictory; duplicates are caught by the partner's
    /// idempotency key instead).
    #[must_use]
    pub fn overlaps(&self, other: &Self) -> bool {
        let is_instant = |span: &Self| span.end() <= span.started_at;
        !is_instant(self)
            && !is_instant(other)
            && self.started_at < other.end()
            && other.started_at < self.end()
    }
}

/// The citizen's credited points so far, for the caps. "Today" and "this
/// month" are the city-time day and month of the action being evaluated
/// (see [`super::calendar::city_date`]); "kind" is the action's kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Totals {
    /// This kind, today.
    pub kind_today: Points,
    /// This kind, this month.
    pub kind_month: Points,
    /// All kinds, today.
    pub all_today: Points,
    /// All kinds, this month.
    pub all_month: Points,
}

impl Totals {
    /// The totals after crediting `points` of the same kind.
    #[must_use]
    pub fn plus(self, points: Points) -> Self {
        let add = |total: Points| Points(total.0.saturating_add(points.0));
        Self {
            kind_today: add(self.kind_today),
            kind_month: add(self.kind_month),
            all_today: add(self.all_today),
            all_month: add(self.all_month),
        }
    }
}

/// Everything about the citizen and the moment that a decision depends on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Context {
    /// The evaluation time (the server's clock, injected so tests can travel
    /// in time), for the claim window.
    #[serde(with = "crate::wire_time")]
    pub now: DateTime<Utc>,
    /// A preview has no citizen: the claim window, caps, overlap and the
    /// frozen flag are skipped; every other check applies.
    #[serde(default)]
    pub preview: bool,
    /// The account is frozen by an administrator.
    #[serde(default)]
    pub account_frozen: bool,
    /// Points credited so far.
    #[serde(default)]
    pub totals: Totals,
    /// The citizen's other recorded actions that may overlap this one
    /// (the server need only send those near it in time, and never the
    /// action itself).
    #[serde(default)]
    pub other_actions: Vec<TimeSpan>,
}

impl Context {
    /// A citizen with nothing credited yet, not frozen, no other actions.
    #[must_use]
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now,
            preview: false,
            account_frozen: false,
            totals: Totals::default(),
            other_actions: Vec::new(),
        }
    }

    /// A preview: no citizen, see [`Context::preview`].
    #[must_use]
    pub fn preview(now: DateTime<Utc>) -> Self {
        Self {
            preview: true,
            ..Self::new(now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, h, m, 0).unwrap()
    }

    fn span(from: (u32, u32), to: Option<(u32, u32)>) -> TimeSpan {
        TimeSpan {
            started_at: at(from.0, from.1),
            ended_at: to.map(|(h, m)| at(h, m)),
        }
    }

    #[test]
    fn spans_overlap_when_they_share_a_moment() {
        let ride = span((8, 10), Some((8, 32)));
        assert!(ride.overlaps(&span((8, 30), Some((9, 0)))));
        assert!(ride.overlaps(&span((8, 0), Some((9, 0)))));
        assert!(ride.overlaps(&span((8, 15), Some((8, 20)))));
        assert!(!ride.overlaps(&span((8, 32), Some((9, 0)))), "back to back");
        assert!(!ride.overlaps(&span((7, 0), Some((8, 10)))), "back to back");
        assert!(!ride.overlaps(&span((8, 20), None)), "an instant");
        assert!(!span((8, 20), None).overlaps(&ride), "an instant");
        assert!(!ride.overlaps(&span((8, 20), Some((8, 20)))), "zero length");
    }

    #[test]
    fn totals_add_without_overflow() {
        let totals = Totals {
            kind_today: Points(i64::MAX),
            ..Totals::default()
        }
        .plus(Points(5));
        assert_eq!(totals.kind_today, Points(i64::MAX));
        assert_eq!(totals.all_month, Points(5));
    }
}
