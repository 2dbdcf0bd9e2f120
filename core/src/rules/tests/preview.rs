//! Preview: no citizen, so no claim window, caps, overlap or frozen flag;
//! every other check still applies.

use super::support::{action, city, ride, seed};
use crate::rules::{ActionKind, Context, DecisionStatus, ReasonCode, TimeSpan, Totals, evaluate};
use crate::units::Points;
use chrono::TimeDelta;

#[test]
fn a_preview_skips_the_claim_window_caps_overlap_and_freeze() {
    let rule = seed(&ActionKind::BUS_RIDE);
    let at = city(2026, 6, 10, 8, 10);
    let act = ride("7.4", at, 20);
    let mut ctx = Context::preview(at + TimeDelta::days(400));
    ctx.totals = Totals {
        kind_today: Points(1_000_000),
        ..Totals::default()
    };
    ctx.account_frozen = true;
    ctx.other_actions = vec![TimeSpan {
        started_at: at,
        ended_at: Some(at + TimeDelta::minutes(5)),
    }];
    let decision = evaluate(&act, &rule, &ctx);
    assert_eq!(decision.status(), DecisionStatus::Accepted);
    assert_eq!(decision.points(), Points(1_813));
    assert!(decision.breakdown().caps_applied.is_empty());

    let future = Context::preview(at - TimeDelta::days(400));
    assert_eq!(
        evaluate(&act, &rule, &future).status(),
        DecisionStatus::Accepted
    );
}

#[test]
fn a_preview_still_applies_windows_bounds_plausibility_and_effective_dates() {
    let refuel = seed(&ActionKind::REFUEL_OFFPEAK);
    let noon = city(2026, 6, 10, 12, 0);
    let decision = evaluate(
        &action(&refuel, "40", noon),
        &refuel,
        &Context::preview(noon),
    );
    assert_eq!(decision.reasons(), [ReasonCode::OutsideTimeWindow]);
    assert_eq!(decision.points(), Points(0));
    assert_eq!(
        decision.breakdown().points,
        Points(400),
        "the breakdown still shows what it would have earned"
    );

    let bus = seed(&ActionKind::BUS_RIDE);
    let at = city(2026, 6, 10, 8, 10);
    let preview = Context::preview(at);
    assert_eq!(
        evaluate(&ride("150", at, 200), &bus, &preview).reasons(),
        [ReasonCode::QuantityOutOfBounds]
    );
    assert_eq!(
        evaluate(&ride("50", at, 10), &bus, &preview).reasons(),
        [ReasonCode::ImplausibleSpeed]
    );
    let before = city(2025, 12, 1, 8, 0);
    assert_eq!(
        evaluate(&ride("5", before, 20), &bus, &Context::preview(before)).reasons(),
        [ReasonCode::KindNotAllowed]
    );
}

#[test]
fn a_preview_of_a_self_declared_action_shows_the_hold_and_the_discount() {
    let bus = seed(&ActionKind::BUS_RIDE);
    let at = city(2026, 6, 10, 8, 10);
    let mut act = ride("7.4", at, 20);
    act.self_declared = true;
    let decision = evaluate(&act, &bus, &Context::preview(at));
    assert_eq!(decision.status(), DecisionStatus::Held);
    assert_eq!(decision.points(), Points(906));
}

#[test]
fn terms_always_in_force_decide_an_action_from_before_the_version_began() {
    let bus = seed(&ActionKind::BUS_RIDE);
    let before = city(2025, 12, 1, 8, 0);
    let act = ride("7.4", before, 20);
    let preview = Context::preview(before);
    assert_eq!(
        evaluate(&act, &bus, &preview).reasons(),
        [ReasonCode::KindNotAllowed]
    );

    let terms = bus.clone().always_in_force();
    assert!(terms.in_force_at(before));
    assert!(terms.in_force_at(city(2099, 1, 1, 0, 0)));
    let decision = evaluate(&act, &terms, &preview);
    assert_eq!(decision.status(), DecisionStatus::Accepted);
    assert_eq!(
        decision.points(),
        Points(3_626),
        "7.4 km in the heating season: doubled, as in 2026's winter"
    );
    assert_eq!((terms.kind, terms.caps), (bus.kind, bus.caps));
}
