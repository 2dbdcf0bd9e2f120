//! Property tests: whatever the rule, action and context, the evaluator
//! never panics, never credits a negative amount, respects every cap, is
//! monotone in the quantity, and credits nothing outside its schedule.

use super::support::{city, seed};
use crate::ids::RuleVersionId;
use crate::rules::calendar::{MonthDay, TimeOfDay, to_city_time};
use crate::rules::{
    Action, ActionKind, Caps, Context, DecisionStatus, Multiplier, Plausibility, PointMethod,
    Quantity, QuantityBounds, ReasonCode, Reduction, RuleVersion, Schedule, Season, Text, TimeSpan,
    TimeWindow, Totals, Unit, Weekday, evaluate,
};
use crate::units::Points;
use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let full = DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp();
    // Mostly near the deployment, sometimes anywhere chrono can represent.
    let near = 1_700_000_000_i64..1_900_000_000;
    prop_oneof![3 => near, 1 => full]
        .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default())
}

fn any_quantity() -> impl Strategy<Value = Quantity> {
    prop_oneof![0..=200_000_i64, 0..=Quantity::MAX.thousandths()]
        .prop_map(|t| Quantity::from_thousandths(t).unwrap_or_default())
}

fn any_unit() -> impl Strategy<Value = Unit> {
    proptest::sample::select(Unit::ALL.to_vec())
}

fn any_kind() -> impl Strategy<Value = ActionKind> {
    proptest::sample::select(ActionKind::BUILT_IN.to_vec())
}

fn any_points() -> impl Strategy<Value = Points> {
    prop_oneof![0..=50_000_i64, any::<i64>()].prop_map(Points)
}

fn any_schedule() -> impl Strategy<Value = Schedule> {
    let minute = (0_u8..24, 0_u8..60).prop_map(|(h, m)| TimeOfDay::from_hm(h, m).unwrap());
    let day = (1_u8..=12, 1_u8..=31)
        .prop_map(|(m, d)| MonthDay::new(m, d).unwrap_or_else(|| MonthDay::new(m, 28).unwrap()));
    let weekday = proptest::sample::select(vec![
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ]);
    (
        prop::collection::vec(
            (day.clone(), day).prop_map(|(start, end)| Season { start, end }),
            0..3,
        ),
        prop::collection::vec(
            (minute.clone(), minute).prop_map(|(start, end)| TimeWindow { start, end }),
            0..3,
        ),
        prop::collection::vec(weekday, 0..3),
    )
        .prop_map(|(seasons, time_windows, days_of_week)| Schedule {
            seasons,
            time_windows,
            days_of_week,
        })
}

fn any_reduction() -> impl Strategy<Value = Reduction> {
    prop_oneof![
        (any::<i64>(), any::<i64>()).prop_map(|(b, p)| Reduction::Factors {
            baseline_mg_per_unit: b,
            project_mg_per_unit: p,
        }),
        (0..=500_000_i64, 0..=500_000_i64).prop_map(|(b, p)| Reduction::Factors {
            baseline_mg_per_unit: b,
            project_mg_per_unit: p,
        }),
        any::<i64>().prop_map(|reduction_mg| Reduction::Fixed { reduction_mg }),
        Just(Reduction::None {}),
    ]
}

fn any_point_method() -> impl Strategy<Value = PointMethod> {
    prop_oneof![
        prop_oneof![0..=2_000_i64, any::<i64>()]
            .prop_map(|points_per_kg| PointMethod::PerKgCo2e { points_per_kg }),
        any::<i64>().prop_map(|points_per_unit| PointMethod::PerUnit { points_per_unit }),
        any::<i64>().prop_map(|points| PointMethod::PerAction { points }),
    ]
}

fn any_multiplier() -> impl Strategy<Value = Multiplier> {
    (prop_oneof![0_u32..=400, any::<u32>()], any_schedule()).prop_map(|(percent, when)| {
        Multiplier {
            label: Text::new("×", "×"),
            percent,
            when,
        }
    })
}

fn any_caps() -> impl Strategy<Value = Caps> {
    let cap = || proptest::option::of(any_points());
    (cap(), cap(), cap(), cap()).prop_map(|(a, b, c, d)| Caps {
        per_day: a,
        per_month: b,
        overall_per_day: c,
        overall_per_month: d,
    })
}

prop_compose! {
    fn any_rule()(
        kind in any_kind(),
        unit in any_unit(),
        reduction in any_reduction(),
        points in any_point_method(),
        schedule in any_schedule(),
        multipliers in prop::collection::vec(any_multiplier(), 0..4),
        caps in any_caps(),
        min in any_quantity(),
        max in proptest::option::of(any_quantity()),
        max_speed_kmh in proptest::option::of(any::<u32>()),
        max_fill in proptest::option::of(any_quantity()),
        claim_window_days in any::<u32>(),
        clock_skew_seconds in any::<u32>(),
        self_declared_discount_percent in any::<u8>(),
        effective_from in any_instant(),
        effective_until in proptest::option::of(any_instant()),
    ) -> RuleVersion {
        RuleVersion {
            id: Some(RuleVersionId(1)),
            rule_id: None,
            kind,
            unit,
            name: Text::new("规则", "rule"),
            description: Text::default(),
            reduction,
            points,
            schedule,
            multipliers,
            caps,
            bounds: QuantityBounds { min, max },
            plausibility: Plausibility { max_speed_kmh, max_fill },
            claim_window_days,
            clock_skew_seconds,
            self_declared_discount_percent,
            effective_from,
            effective_until,
        }
    }
}

prop_compose! {
    fn any_action()(
        kind in any_kind(),
        quantity in any_quantity(),
        unit in any_unit(),
        started_at in any_instant(),
        ended_at in proptest::option::of(any_instant()),
        self_declared in any::<bool>(),
    ) -> Action {
        Action { ended_at, self_declared, ..Action::new(kind, quantity, unit, started_at) }
    }
}

prop_compose! {
    fn any_context()(
        now in any_instant(),
        preview in any::<bool>(),
        account_frozen in any::<bool>(),
        totals in (any_points(), any_points(), any_points(), any_points()),
        others in prop::collection::vec((any_instant(), proptest::option::of(any_instant())), 0..3),
    ) -> Context {
        Context {
            now,
            preview,
            account_frozen,
            totals: Totals {
                kind_today: totals.0,
                kind_month: totals.1,
                all_today: totals.2,
                all_month: totals.3,
            },
            other_actions: others
                .into_iter()
                .map(|(started_at, ended_at)| TimeSpan { started_at, ended_at })
                .collect(),
        }
    }
}

/// An action that matches the rule's kind and unit, to reach the arithmetic.
fn matching(mut action: Action, rule: &RuleVersion) -> Action {
    action.kind = rule.kind.clone();
    action.unit = rule.unit;
    action
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_never_credits_a_negative_amount(
        rule in any_rule(), action in any_action(), ctx in any_context(), same in any::<bool>(),
    ) {
        let action = if same { matching(action, &rule) } else { action };
        let decision = evaluate(&action, &rule, &ctx);
        let b = decision.breakdown();
        for grams in [b.baseline_g, b.project_g, b.reduction_g, b.co2e_g, decision.co2e()] {
            prop_assert!(grams.0 >= 0);
        }
        for points in [b.points_base, b.points_after_multipliers, b.points_before_caps, b.points,
            decision.points()]
        {
            prop_assert!(points.0 >= 0);
        }
        prop_assert!(b.points <= b.points_before_caps);
        prop_assert!(b.co2e_g <= b.reduction_g);
        prop_assert_eq!(decision.status() == DecisionStatus::Accepted, decision.reasons().is_empty());
    }

    #[test]
    fn no_cap_is_ever_exceeded(rule in any_rule(), action in any_action(), ctx in any_context()) {
        let action = matching(action, &rule);
        let decision = evaluate(&action, &rule, &ctx);
        if !ctx.preview {
            let t = ctx.totals;
            for (cap, used) in [
                (rule.caps.per_day, t.kind_today),
                (rule.caps.per_month, t.kind_month),
                (rule.caps.overall_per_day, t.all_today),
                (rule.caps.overall_per_month, t.all_month),
            ] {
                if let Some(cap) = cap {
                    let room = (i128::from(cap.0) - i128::from(used.0)).max(0);
                    prop_assert!(i128::from(decision.points().0) <= room);
                }
            }
        }
    }

    #[test]
    fn points_are_monotone_in_quantity(
        rule in any_rule(), action in any_action(), ctx in any_context(),
        a in any_quantity(), b in any_quantity(),
    ) {
        let (small, large) = if a <= b { (a, b) } else { (b, a) };
        let action = matching(action, &rule);
        let at = |quantity| evaluate(&Action { quantity, ..action.clone() }, &rule, &ctx);
        let (s, l) = (at(small), at(large));
        prop_assert!(s.breakdown().points <= l.breakdown().points);
        prop_assert!(s.breakdown().reduction_g <= l.breakdown().reduction_g);
        if ctx.preview {
            prop_assert!(s.breakdown().co2e_g <= l.breakdown().co2e_g);
        }
    }

    #[test]
    fn nothing_is_credited_outside_the_schedule_and_no_multiplier_applies_outside_its_own(
        rule in any_rule(), action in any_action(), ctx in any_context(),
    ) {
        let action = matching(action, &rule);
        let decision = evaluate(&action, &rule, &ctx);
        let local = to_city_time(action.started_at);
        if !rule.schedule.matches(local) {
            prop_assert_eq!(decision.status(), DecisionStatus::Rejected);
            prop_assert_eq!(decision.points(), Points(0));
        }
        let applying = rule.multipliers.iter().filter(|m| m.when.matches(local)).count();
        prop_assert_eq!(decision.breakdown().multipliers.len(), applying);
    }

    #[test]
    fn a_preview_never_reports_what_needs_a_citizen(
        rule in any_rule(), action in any_action(), ctx in any_context(),
    ) {
        let decision = evaluate(&action, &rule, &Context { preview: true, ..ctx });
        for reason in [ReasonCode::TooOld, ReasonCode::InFuture, ReasonCode::Overlap,
            ReasonCode::CapReached, ReasonCode::AccountFrozen]
        {
            prop_assert!(!decision.reasons().contains(&reason));
        }
    }

    /// A day of actions, credited one after another with the running totals
    /// fed back: whatever their order, the day's total is the smaller of the
    /// tightest cap and what the actions would have earned uncapped.
    #[test]
    fn a_day_of_actions_credits_min_of_cap_and_demand_in_any_order(
        kind in prop_oneof![Just(ActionKind::BUS_RIDE), Just(ActionKind::WALK),
            Just(ActionKind::REFUEL_OFFPEAK), Just(ActionKind::EV_CHARGE)],
        caps in any_caps(),
        quantities in prop::collection::vec(0_i64..=80_000, 1..12),
        order in any::<prop::sample::Index>(),
    ) {
        let mut rule = seed(&kind);
        rule.caps = caps;
        let at = city(2026, 6, 10, 21, 0);
        let day = |qs: &[i64]| {
            let mut ctx = Context::new(at + TimeDelta::hours(1));
            let (mut credited, mut wanted) = (0_i64, 0_i64);
            for &t in qs {
                let act = Action::new(rule.kind.clone(), Quantity::from_thousandths(t).unwrap(), rule.unit, at);
                let decision = evaluate(&act, &rule, &ctx);
                let credit = decision.points();
                credited += credit.0;
                if !decision.reasons().iter().any(|r| *r != ReasonCode::CapReached) {
                    wanted += decision.breakdown().points_before_caps.0;
                }
                ctx.totals = ctx.totals.plus(credit);
            }
            (credited, wanted)
        };
        let (credited, wanted) = day(&quantities);
        let tightest = [caps.per_day, caps.per_month, caps.overall_per_day, caps.overall_per_month]
            .into_iter()
            .flatten()
            .map(|c| c.0.max(0))
            .min();
        let expected = tightest.map_or(wanted, |cap| cap.min(wanted));
        prop_assert_eq!(credited, expected);

        let mut rotated = quantities.clone();
        rotated.rotate_left(order.index(quantities.len()));
        rotated.reverse();
        prop_assert_eq!(day(&rotated).0, credited);
    }

    #[test]
    fn quantities_print_and_parse_back_exactly(t in 0..=Quantity::MAX.thousandths()) {
        let q = Quantity::from_thousandths(t).unwrap();
        prop_assert_eq!(Quantity::parse(&q.to_string()), Ok(q));
        let json = serde_json::to_string(&q).unwrap();
        prop_assert_eq!(serde_json::from_str::<Quantity>(&json).unwrap(), q);
    }

    #[test]
    fn parsing_any_text_never_panics(text in "\\PC{0,24}") {
        if let Ok(q) = Quantity::parse(&text) {
            prop_assert!(q.thousandths() >= 0);
        }
    }

    #[test]
    fn parsing_any_json_rule_never_panics(text in "\\PC{0,64}") {
        let _ = serde_json::from_str::<RuleVersion>(&text);
        let _ = serde_json::from_str::<Action>(&text);
    }
}
