//! Caps: credited up to the cap and said so, then rejected.

use super::support::{action, city, hour_later, ride, seed};
use crate::rules::{
    ActionKind, CapApplied, CapScope, Context, DecisionStatus, ReasonCode, Totals, evaluate,
};
use crate::units::{GramsCo2e, Points};

#[test]
fn walking_is_credited_up_to_the_daily_cap_then_rejected() {
    let rule = seed(&ActionKind::WALK);
    let evening = city(2026, 6, 10, 21, 0);
    let mut ctx = hour_later(evening);

    // 6 000 steps = 180 g: under the cap.
    let first = evaluate(&action(&rule, "6000", evening), &rule, &ctx);
    assert_eq!(first.status(), DecisionStatus::Accepted);
    assert_eq!(first.points(), Points(180));
    assert!(first.breakdown().caps_applied.is_empty());
    ctx.totals = ctx.totals.plus(first.points());

    // 6 000 more: 180 wanted, 116 left under the 296 cap.
    let second = evaluate(&action(&rule, "6000", evening), &rule, &ctx);
    assert_eq!(second.status(), DecisionStatus::Accepted);
    assert_eq!(second.points(), Points(116));
    assert_eq!(second.co2e(), GramsCo2e(116), "180 g × 116 / 180");
    assert_eq!(
        second.breakdown().caps_applied,
        vec![CapApplied {
            scope: CapScope::KindPerDay,
            limit: Points(296),
            used: Points(180),
            remaining: Points(116),
        }]
    );
    ctx.totals = ctx.totals.plus(second.points());

    // Nothing left: rejected, and nothing credited.
    let third = evaluate(&action(&rule, "1000", evening), &rule, &ctx);
    assert_eq!(third.status(), DecisionStatus::Rejected);
    assert_eq!(third.reasons(), [ReasonCode::CapReached]);
    assert_eq!(third.points(), Points(0));
    assert_eq!(third.co2e(), GramsCo2e(0));
    assert_eq!(third.breakdown().points_before_caps, Points(30));
}

#[test]
fn the_tightest_of_several_caps_decides_and_all_that_cut_are_listed() {
    let rule = seed(&ActionKind::BUS_RIDE);
    let at = city(2026, 11, 29, 8, 10);
    let ctx = Context {
        totals: Totals {
            kind_today: Points(9_000),
            kind_month: Points(149_500),
            all_today: Points(10_000),
            all_month: Points(100_000),
        },
        ..hour_later(at)
    };
    // 3 626 points wanted (heating season); 1 000 left today, 500 this month.
    let decision = evaluate(&ride("7.4", at, 20), &rule, &ctx);
    assert_eq!(decision.status(), DecisionStatus::Accepted);
    assert_eq!(decision.points(), Points(500));
    assert_eq!(decision.co2e(), GramsCo2e(250), "1813 × 500 / 3626 = 250.0");
    let scopes: Vec<_> = decision
        .breakdown()
        .caps_applied
        .iter()
        .map(|c| c.scope)
        .collect();
    assert_eq!(scopes, [CapScope::KindPerDay, CapScope::KindPerMonth]);
}

#[test]
fn the_overall_daily_cap_counts_every_kind() {
    let rule = seed(&ActionKind::METRO_RIDE);
    let at = city(2026, 6, 10, 8, 10);
    let mut ctx = hour_later(at);
    ctx.totals.all_today = Points(20_000);
    let decision = evaluate(&action(&rule, "10", at), &rule, &ctx);
    assert_eq!(decision.reasons(), [ReasonCode::CapReached]);
    assert_eq!(
        decision.breakdown().caps_applied[0].scope,
        CapScope::OverallPerDay
    );
}

#[test]
fn totals_already_above_a_cap_leave_nothing_and_never_go_negative() {
    let rule = seed(&ActionKind::WALK);
    let at = city(2026, 6, 10, 21, 0);
    let mut ctx = hour_later(at);
    ctx.totals.kind_today = Points(10_000);
    let decision = evaluate(&action(&rule, "5000", at), &rule, &ctx);
    assert_eq!(decision.status(), DecisionStatus::Rejected);
    assert_eq!(decision.breakdown().caps_applied[0].remaining, Points(0));
    assert_eq!(decision.breakdown().points, Points(0));
}
