//! The evaluator: one action, one rule version, one context in; one
//! decision out. Pure and total: no I/O, no clock of its own, no panics, the
//! same answer on the server, in the browser and in a simulation.
//!
//! Every check runs and every failing one is reported, so a partner fixes
//! all of a record's problems at once. The arithmetic runs even for
//! rejected actions, so a preview can show what an action would have earned.

use super::action::Action;
use super::arith::{clamp, mul_div};
use super::calendar::to_city_time;
use super::context::{Context, Totals};
use super::decision::{
    AppliedMultiplier, Breakdown, CapApplied, CapScope, Decision, ReasonCode, Severity,
};
use super::quantity::{Quantity, Unit};
use super::rule::{Caps, PointMethod, Reduction, RuleVersion};
use crate::units::{GramsCo2e, Points};
use chrono::{NaiveDateTime, TimeDelta};

/// Milligrams in a gram; thousandths in a unit. Factors are mg per unit
/// and quantities thousandths, so q × f / 10⁶ is grams.
const MG_PER_G_TIMES_SCALE: i128 = 1_000 * Quantity::SCALE as i128;

/// Evaluates an action against a rule version.
///
/// The rule is applied as given: the caller picks the version in force at
/// the action's start ([`super::rule::version_in_force`]); a version not in
/// force then, or of another kind, rejects with `kind_not_allowed`.
#[must_use]
pub fn evaluate(action: &Action, rule: &RuleVersion, ctx: &Context) -> Decision {
    let local_start = to_city_time(action.started_at);
    let mut reasons = checks(action, rule, ctx, local_start);
    let mut breakdown = calculate(action, rule, local_start);
    if !ctx.preview {
        apply_caps(&mut breakdown, &rule.caps, &ctx.totals);
        let cut_to_nothing = breakdown.points_before_caps.0 > 0 && breakdown.points.0 == 0;
        if cut_to_nothing {
            reasons.push(ReasonCode::CapReached);
        }
    }
    if reasons.iter().any(|r| r.severity() == Severity::Reject) {
        Decision::Rejected { reasons, breakdown }
    } else if reasons.is_empty() {
        Decision::Accepted { breakdown }
    } else {
        Decision::Held { reasons, breakdown }
    }
}

/// Every check except the caps, in the order of [`ReasonCode::ALL`].
fn checks(
    action: &Action,
    rule: &RuleVersion,
    ctx: &Context,
    local_start: NaiveDateTime,
) -> Vec<ReasonCode> {
    let mut reasons = Vec::new();
    let mut flag = |failed: bool, reason: ReasonCode| {
        if failed {
            reasons.push(reason);
        }
    };
    let ends_before_start = action.ended_at.is_some_and(|end| end < action.started_at);
    flag(
        action.unit != rule.unit || ends_before_start,
        ReasonCode::InvalidRecord,
    );
    flag(
        action.kind != rule.kind || !rule.in_force_at(action.started_at),
        ReasonCode::KindNotAllowed,
    );
    let overfilled = rule
        .plausibility
        .max_fill
        .is_some_and(|max| action.quantity > max);
    flag(
        !rule.bounds.contains(action.quantity) || overfilled,
        ReasonCode::QuantityOutOfBounds,
    );
    flag(too_fast(action, rule), ReasonCode::ImplausibleSpeed);
    flag(
        !rule.schedule.in_season(local_start),
        ReasonCode::OutOfSeason,
    );
    flag(
        !rule.schedule.in_time_window(local_start),
        ReasonCode::OutsideTimeWindow,
    );
    if !ctx.preview {
        let oldest = TimeDelta::try_days(i64::from(rule.claim_window_days))
            .and_then(|window| ctx.now.checked_sub_signed(window));
        flag(
            oldest.is_some_and(|oldest| action.started_at < oldest),
            ReasonCode::TooOld,
        );
        let latest = ctx
            .now
            .checked_add_signed(TimeDelta::seconds(i64::from(rule.clock_skew_seconds)));
        let last_moment = action.span().end().max(action.started_at);
        flag(
            latest.is_some_and(|latest| last_moment > latest),
            ReasonCode::InFuture,
        );
        let span = action.span();
        flag(
            ctx.other_actions.iter().any(|other| other.overlaps(&span)),
            ReasonCode::Overlap,
        );
        flag(ctx.account_frozen, ReasonCode::AccountFrozen);
    }
    flag(action.self_declared, ReasonCode::SelfDeclared);
    reasons
}

/// Average speed above the rule's limit: distance × 3600 > limit × seconds.
/// Needs a distance and an end time; a distance covered in no time at all
/// is too fast.
fn too_fast(action: &Action, rule: &RuleVersion) -> bool {
    let (Some(limit_kmh), Some(end)) = (rule.plausibility.max_speed_kmh, action.ended_at) else {
        return false;
    };
    if action.unit != Unit::Km || action.quantity == Quantity::ZERO {
        return false;
    }
    let seconds = end.signed_duration_since(action.started_at).num_seconds();
    if seconds < 0 {
        return false; // already an invalid record
    }
    let metres_per_hour = i128::from(action.quantity.thousandths()) * 3_600;
    metres_per_hour > i128::from(limit_kmh) * 1_000 * i128::from(seconds)
}

/// CO2e and points up to the caps.
fn calculate(action: &Action, rule: &RuleVersion, local_start: NaiveDateTime) -> Breakdown {
    let q = i128::from(action.quantity.thousandths());
    let grams = |factor: i128| GramsCo2e(mul_div(q, factor, MG_PER_G_TIMES_SCALE));
    let (baseline_g, project_g, reduction_g) = match rule.reduction {
        Reduction::Factors {
            baseline_mg_per_unit,
            project_mg_per_unit,
        } => {
            let baseline = i128::from(baseline_mg_per_unit);
            let project = i128::from(project_mg_per_unit);
            (grams(baseline), grams(project), grams(baseline - project))
        }
        Reduction::Fixed { reduction_mg } => {
            let g = GramsCo2e(mul_div(i128::from(reduction_mg), 1, 1_000));
            (g, GramsCo2e(0), g)
        }
        Reduction::None {} => (GramsCo2e(0), GramsCo2e(0), GramsCo2e(0)),
    };

    let points_base = match rule.points {
        PointMethod::PerKgCo2e { points_per_kg } => {
            mul_div(i128::from(reduction_g.0), i128::from(points_per_kg), 1_000)
        }
        PointMethod::PerUnit { points_per_unit } => {
            mul_div(q, i128::from(points_per_unit), i128::from(Quantity::SCALE))
        }
        PointMethod::PerAction { points } => clamp(i128::from(points)),
    };

    let mut points = points_base;
    let mut multipliers = Vec::new();
    for multiplier in &rule.multipliers {
        if multiplier.when.matches(local_start) {
            points = mul_div(i128::from(points), i128::from(multiplier.percent), 100);
            multipliers.push(AppliedMultiplier {
                label: multiplier.label.clone(),
                percent: multiplier.percent,
            });
        }
    }
    let points_after_multipliers = points;

    let discount = if action.self_declared {
        rule.self_declared_discount_percent.min(100)
    } else {
        0
    };
    let points_before_caps = mul_div(i128::from(points), i128::from(100 - discount), 100);

    Breakdown {
        rule_id: rule.rule_id,
        rule_version_id: rule.id,
        kind: action.kind.clone(),
        quantity: action.quantity,
        unit: action.unit,
        local_start,
        baseline_g,
        project_g,
        reduction_g,
        points_base: Points(points_base),
        multipliers,
        points_after_multipliers: Points(points_after_multipliers),
        self_declared_discount_percent: discount,
        points_before_caps: Points(points_before_caps),
        caps_applied: Vec::new(),
        points: Points(points_before_caps),
        co2e_g: reduction_g,
    }
}

/// Credits up to the tightest cap, records every cap that cut, and cuts
/// the CO2e in the same proportion.
fn apply_caps(breakdown: &mut Breakdown, caps: &Caps, totals: &Totals) {
    let wanted = breakdown.points_before_caps.0;
    let mut credited = wanted;
    for (scope, limit, used) in [
        (CapScope::KindPerDay, caps.per_day, totals.kind_today),
        (CapScope::KindPerMonth, caps.per_month, totals.kind_month),
        (
            CapScope::OverallPerDay,
            caps.overall_per_day,
            totals.all_today,
        ),
        (
            CapScope::OverallPerMonth,
            caps.overall_per_month,
            totals.all_month,
        ),
    ] {
        let Some(limit) = limit else { continue };
        let remaining = clamp(i128::from(limit.0) - i128::from(used.0));
        if remaining < wanted {
            breakdown.caps_applied.push(CapApplied {
                scope,
                limit,
                used,
                remaining: Points(remaining),
            });
            credited = credited.min(remaining);
        }
    }
    if credited < wanted {
        breakdown.co2e_g = GramsCo2e(mul_div(
            i128::from(breakdown.reduction_g.0),
            i128::from(credited),
            i128::from(wanted),
        ));
    }
    breakdown.points = Points(credited);
}
