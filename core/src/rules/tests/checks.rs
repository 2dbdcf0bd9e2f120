//! One test per reason code the evaluator produces, at its boundary.

use super::support::{action, city, hour_later, qty, ride, seed};
use crate::rules::calendar::MonthDay;
use crate::rules::{
    Action, ActionKind, Context, DecisionStatus, ReasonCode, Schedule, Season, TimeSpan, Unit,
    evaluate,
};
use crate::units::Points;
use chrono::TimeDelta;

fn reasons_of(act: &Action, ctx: &Context) -> (DecisionStatus, Vec<ReasonCode>) {
    let rule = seed(&act.kind);
    let decision = evaluate(act, &rule, ctx);
    (decision.status(), decision.reasons().to_vec())
}

const SUMMER: (i32, u32, u32, u32, u32) = (2026, 6, 10, 8, 10);

fn summer() -> chrono::DateTime<chrono::Utc> {
    let (y, mo, d, h, mi) = SUMMER;
    city(y, mo, d, h, mi)
}

#[test]
fn a_clean_ride_is_accepted_without_reasons() {
    let act = ride("7.4", summer(), 22);
    assert_eq!(
        reasons_of(&act, &hour_later(act.started_at)),
        (DecisionStatus::Accepted, vec![])
    );
}

#[test]
fn another_kind_or_a_version_not_in_force_is_kind_not_allowed() {
    let bus = seed(&ActionKind::BUS_RIDE);
    let metro = Action::new(ActionKind::METRO_RIDE, qty("5"), Unit::Km, summer());
    let decision = evaluate(&metro, &bus, &hour_later(summer()));
    assert_eq!(decision.reasons(), [ReasonCode::KindNotAllowed]);
    assert_eq!(decision.points(), Points(0));

    let before = ride("7.4", city(2025, 12, 31, 23, 0), 20);
    assert_eq!(
        reasons_of(&before, &hour_later(before.started_at)),
        (DecisionStatus::Rejected, vec![ReasonCode::KindNotAllowed])
    );
    let mut retired = seed(&ActionKind::BUS_RIDE);
    retired.effective_until = Some(summer());
    let on_the_minute = ride("7.4", summer(), 20);
    assert_eq!(
        evaluate(&on_the_minute, &retired, &hour_later(summer())).reasons(),
        [ReasonCode::KindNotAllowed],
        "the end of the interval is exclusive"
    );
}

#[test]
fn a_record_that_contradicts_itself_is_invalid() {
    let trips = Action::new(ActionKind::BUS_RIDE, qty("1"), Unit::Trip, summer());
    assert_eq!(
        reasons_of(&trips, &hour_later(summer())),
        (DecisionStatus::Rejected, vec![ReasonCode::InvalidRecord])
    );
    let backwards = ride("7.4", summer(), -5);
    assert_eq!(
        reasons_of(&backwards, &hour_later(summer())),
        (DecisionStatus::Rejected, vec![ReasonCode::InvalidRecord])
    );
}

#[test]
fn quantities_outside_the_bounds_or_the_tank_are_refused_at_the_boundary() {
    let ctx = Context::new(summer() + TimeDelta::hours(4));
    for (km, ok) in [
        ("0.099", false),
        ("0.1", true),
        ("100", true),
        ("100.001", false),
    ] {
        let (status, reasons) = reasons_of(&ride(km, summer(), 180), &ctx);
        assert_eq!(status == DecisionStatus::Accepted, ok, "{km}");
        assert_eq!(
            reasons.contains(&ReasonCode::QuantityOutOfBounds),
            !ok,
            "{km}"
        );
    }
    let refuel = seed(&ActionKind::REFUEL_OFFPEAK);
    let night = city(2026, 6, 10, 22, 0);
    for (litres, ok) in [("0.999", false), ("120", true), ("120.001", false)] {
        let decision = evaluate(&action(&refuel, litres, night), &refuel, &hour_later(night));
        assert_eq!(
            decision.status() == DecisionStatus::Accepted,
            ok,
            "{litres}"
        );
    }
}

#[test]
fn a_ride_faster_than_the_limit_is_held_as_implausible() {
    let ctx = hour_later(summer());
    // 40 km in 30 minutes is exactly 80 km/h: allowed.
    assert_eq!(reasons_of(&ride("40", summer(), 30), &ctx).1, vec![]);
    assert_eq!(
        reasons_of(&ride("40.001", summer(), 30), &ctx),
        (DecisionStatus::Held, vec![ReasonCode::ImplausibleSpeed])
    );
    assert_eq!(
        reasons_of(&ride("1", summer(), 0), &ctx),
        (DecisionStatus::Held, vec![ReasonCode::ImplausibleSpeed]),
        "a distance in no time"
    );
    let rule = seed(&ActionKind::BUS_RIDE);
    let held = evaluate(&ride("30", summer(), 10), &rule, &ctx);
    assert_eq!(
        held.points(),
        Points(7_353),
        "held actions keep their points for review"
    );
}

#[test]
fn refuelling_outside_the_night_window_is_outside_time_window() {
    let rule = seed(&ActionKind::REFUEL_OFFPEAK);
    let noon = city(2026, 6, 10, 12, 0);
    let decision = evaluate(&action(&rule, "40", noon), &rule, &hour_later(noon));
    assert_eq!(decision.reasons(), [ReasonCode::OutsideTimeWindow]);
    assert_eq!(decision.status(), DecisionStatus::Rejected);
}

#[test]
fn a_seasonal_rule_rejects_out_of_season_actions() {
    let mut rule = seed(&ActionKind::BUS_RIDE);
    rule.schedule = Schedule {
        seasons: vec![Season {
            start: MonthDay::new(11, 15).unwrap(),
            end: MonthDay::new(3, 15).unwrap(),
        }],
        ..Schedule::default()
    };
    let july = ride("7.4", summer(), 20);
    let decision = evaluate(&july, &rule, &hour_later(july.started_at));
    assert_eq!(decision.reasons(), [ReasonCode::OutOfSeason]);
    let march = ride("7.4", city(2027, 3, 15, 23, 59), 20);
    assert_eq!(
        evaluate(&march, &rule, &hour_later(march.started_at)).status(),
        DecisionStatus::Accepted
    );
}

#[test]
fn the_claim_window_refuses_old_and_future_actions_at_the_second() {
    let act = ride("7.4", summer(), 20);
    let thirty_days = act.started_at + TimeDelta::days(30);
    assert_eq!(reasons_of(&act, &Context::new(thirty_days)).1, vec![]);
    assert_eq!(
        reasons_of(&act, &Context::new(thirty_days + TimeDelta::seconds(1))),
        (DecisionStatus::Rejected, vec![ReasonCode::TooOld])
    );
    // The ride ends 20 minutes after it starts; 5 minutes of skew allowed.
    let end = act.started_at + TimeDelta::minutes(20);
    assert_eq!(
        reasons_of(&act, &Context::new(end - TimeDelta::seconds(300))).1,
        vec![]
    );
    assert_eq!(
        reasons_of(&act, &Context::new(end - TimeDelta::seconds(301))),
        (DecisionStatus::Rejected, vec![ReasonCode::InFuture])
    );
}

#[test]
fn a_ride_overlapping_another_action_is_held() {
    let act = ride("7.4", summer(), 20);
    let mut ctx = hour_later(summer());
    ctx.other_actions = vec![TimeSpan {
        started_at: summer() + TimeDelta::minutes(20),
        ended_at: Some(summer() + TimeDelta::minutes(40)),
    }];
    assert_eq!(reasons_of(&act, &ctx).1, vec![], "back to back is fine");
    ctx.other_actions.push(TimeSpan {
        started_at: summer() + TimeDelta::minutes(19),
        ended_at: Some(summer() + TimeDelta::minutes(25)),
    });
    assert_eq!(
        reasons_of(&act, &ctx),
        (DecisionStatus::Held, vec![ReasonCode::Overlap])
    );
}

#[test]
fn a_frozen_account_is_held() {
    let act = ride("7.4", summer(), 20);
    let mut ctx = hour_later(summer());
    ctx.account_frozen = true;
    assert_eq!(
        reasons_of(&act, &ctx),
        (DecisionStatus::Held, vec![ReasonCode::AccountFrozen])
    );
}

#[test]
fn a_self_declared_ride_is_held_and_earns_half() {
    let mut act = ride("7.4", summer(), 20);
    act.self_declared = true;
    let rule = seed(&ActionKind::BUS_RIDE);
    let decision = evaluate(&act, &rule, &hour_later(summer()));
    assert_eq!(decision.status(), DecisionStatus::Held);
    assert_eq!(decision.reasons(), [ReasonCode::SelfDeclared]);
    let b = decision.breakdown();
    assert_eq!(b.points_after_multipliers, Points(1_813));
    assert_eq!(b.self_declared_discount_percent, 50);
    assert_eq!(decision.points(), Points(906), "1813 × 50 % = 906.5 → 906");
}

#[test]
fn every_failed_check_is_reported_and_any_rejection_wins_over_holds() {
    let mut act = ride("100.5", city(2026, 6, 10, 8, 0), 10);
    act.self_declared = true;
    let mut ctx = Context::new(act.started_at + TimeDelta::days(40));
    ctx.account_frozen = true;
    assert_eq!(
        reasons_of(&act, &ctx),
        (
            DecisionStatus::Rejected,
            vec![
                ReasonCode::QuantityOutOfBounds,
                ReasonCode::ImplausibleSpeed,
                ReasonCode::TooOld,
                ReasonCode::AccountFrozen,
                ReasonCode::SelfDeclared,
            ]
        )
    );
}
