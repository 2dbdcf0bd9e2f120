//! The seed rules with worked numbers: each line can be checked by hand.

use super::support::{action, city, hour_later, ride, seed};
use crate::rules::{ActionKind, DecisionStatus, evaluate, seed_rules, validate};
use crate::units::{GramsCo2e, Points};

/// One worked example: kind, quantity, local time, expected baseline,
/// project, reduction (g), points and credited CO2e.
struct Case {
    kind: ActionKind,
    quantity: &'static str,
    at: (i32, u32, u32, u32, u32),
    baseline_g: i64,
    project_g: i64,
    reduction_g: i64,
    points: i64,
    co2e_g: i64,
}

#[test]
fn seed_rules_compute_the_worked_examples() {
    let cases = [
        // 7.4 × (272 − 26.9) = 1813.74 → 1813; baseline 2012.8, project 199.06.
        Case {
            kind: ActionKind::BUS_RIDE,
            quantity: "7.4",
            at: (2026, 6, 10, 8, 10),
            baseline_g: 2_012,
            project_g: 199,
            reduction_g: 1_813,
            points: 1_813,
            co2e_g: 1_813,
        },
        // The same ride in the heating season: points doubled, CO2e unchanged.
        Case {
            kind: ActionKind::BUS_RIDE,
            quantity: "7.4",
            at: (2026, 11, 29, 8, 10),
            baseline_g: 2_012,
            project_g: 199,
            reduction_g: 1_813,
            points: 3_626,
            co2e_g: 1_813,
        },
        // 0.1 × 245.1 = 24.51 → 24.
        Case {
            kind: ActionKind::BUS_RIDE,
            quantity: "0.1",
            at: (2026, 6, 10, 8, 10),
            baseline_g: 27,
            project_g: 2,
            reduction_g: 24,
            points: 24,
            co2e_g: 24,
        },
        // 12.5 × (272 − 46.7) = 2816.25 → 2816; project 583.75 → 583.
        Case {
            kind: ActionKind::METRO_RIDE,
            quantity: "12.5",
            at: (2026, 6, 10, 8, 10),
            baseline_g: 3_400,
            project_g: 583,
            reduction_g: 2_816,
            points: 2_816,
            co2e_g: 2_816,
        },
        // 0.5 × 225.3 = 112.65 → 112.
        Case {
            kind: ActionKind::METRO_RIDE,
            quantity: "0.5",
            at: (2026, 6, 10, 8, 10),
            baseline_g: 136,
            project_g: 23,
            reduction_g: 112,
            points: 112,
            co2e_g: 112,
        },
        // 3.7 × 93.3 = 345.21 → 345.
        Case {
            kind: ActionKind::BIKE_TRIP,
            quantity: "3.7",
            at: (2026, 6, 10, 8, 10),
            baseline_g: 345,
            project_g: 0,
            reduction_g: 345,
            points: 345,
            co2e_g: 345,
        },
        // 8 000 steps × 30 mg = 240 g.
        Case {
            kind: ActionKind::WALK,
            quantity: "8000",
            at: (2026, 6, 10, 21, 0),
            baseline_g: 240,
            project_g: 0,
            reduction_g: 240,
            points: 240,
            co2e_g: 240,
        },
        // 12 000 steps = 360 g, capped at 296 points; CO2e cut in proportion.
        Case {
            kind: ActionKind::WALK,
            quantity: "12000",
            at: (2026, 6, 10, 21, 0),
            baseline_g: 360,
            project_g: 0,
            reduction_g: 360,
            points: 296,
            co2e_g: 296,
        },
        // 42.5 L × 10 points, no CO2e.
        Case {
            kind: ActionKind::REFUEL_OFFPEAK,
            quantity: "42.5",
            at: (2026, 6, 10, 21, 30),
            baseline_g: 0,
            project_g: 0,
            reduction_g: 0,
            points: 425,
            co2e_g: 0,
        },
        // 42.999 L → 429.99 → 429.
        Case {
            kind: ActionKind::REFUEL_OFFPEAK,
            quantity: "42.999",
            at: (2026, 6, 10, 2, 0),
            baseline_g: 0,
            project_g: 0,
            reduction_g: 0,
            points: 429,
            co2e_g: 0,
        },
        // 20 kWh × (1054 − 570.3) = 9674; baseline 21 080, project 11 406.
        Case {
            kind: ActionKind::EV_CHARGE,
            quantity: "20",
            at: (2026, 6, 10, 12, 0),
            baseline_g: 21_080,
            project_g: 11_406,
            reduction_g: 9_674,
            points: 9_674,
            co2e_g: 9_674,
        },
        // 33.3 kWh × 483.7 = 16 107.21 → 16 107 g, capped at 10 000 points a day.
        Case {
            kind: ActionKind::EV_CHARGE,
            quantity: "33.3",
            at: (2026, 6, 10, 12, 0),
            baseline_g: 35_098,
            project_g: 18_990,
            reduction_g: 16_107,
            points: 10_000,
            co2e_g: 10_000,
        },
    ];
    for case in cases {
        let rule = seed(&case.kind);
        let (y, mo, d, h, mi) = case.at;
        let act = action(&rule, case.quantity, city(y, mo, d, h, mi));
        let decision = evaluate(&act, &rule, &hour_later(act.started_at));
        let label = format!("{} {}", case.kind, case.quantity);
        assert_eq!(
            decision.status(),
            DecisionStatus::Accepted,
            "{label}: {:?}",
            decision.reasons()
        );
        let b = decision.breakdown();
        assert_eq!(b.baseline_g, GramsCo2e(case.baseline_g), "{label} baseline");
        assert_eq!(b.project_g, GramsCo2e(case.project_g), "{label} project");
        assert_eq!(
            b.reduction_g,
            GramsCo2e(case.reduction_g),
            "{label} reduction"
        );
        assert_eq!(decision.points(), Points(case.points), "{label} points");
        assert_eq!(decision.co2e(), GramsCo2e(case.co2e_g), "{label} co2e");
    }
}

#[test]
fn the_heating_season_doubles_bus_points_exactly_from_15_november_through_15_march() {
    let rule = seed(&ActionKind::BUS_RIDE);
    for (at, points) in [
        (city(2026, 11, 14, 23, 59), 1_813),
        (city(2026, 11, 15, 0, 0), 3_626),
        (city(2027, 1, 1, 0, 0), 3_626),
        (city(2027, 3, 15, 23, 59), 3_626),
        (city(2027, 3, 16, 0, 0), 1_813),
    ] {
        let act = ride("7.4", at, 20);
        let decision = evaluate(&act, &rule, &hour_later(act.started_at));
        assert_eq!(decision.points(), Points(points), "{at}");
        let b = decision.breakdown();
        assert_eq!(b.points_base, Points(1_813));
        assert_eq!(b.multipliers.len(), usize::from(points == 3_626), "{at}");
    }
}

#[test]
fn off_peak_refuelling_counts_from_20_00_up_to_05_59() {
    let rule = seed(&ActionKind::REFUEL_OFFPEAK);
    for (h, m, accepted) in [
        (19, 59, false),
        (20, 0, true),
        (23, 59, true),
        (0, 0, true),
        (5, 59, true),
        (6, 0, false),
        (12, 0, false),
    ] {
        let act = action(&rule, "40", city(2026, 6, 10, h, m));
        let decision = evaluate(&act, &rule, &hour_later(act.started_at));
        assert_eq!(
            decision.status() == DecisionStatus::Accepted,
            accepted,
            "{h:02}:{m:02} {:?}",
            decision.reasons()
        );
        assert_eq!(decision.points(), Points(if accepted { 400 } else { 0 }));
    }
}

#[test]
fn seed_rules_are_valid_and_in_force_from_new_year_2026_city_time() {
    let rules = seed_rules();
    assert_eq!(rules.len(), 6);
    for rule in &rules {
        assert_eq!(validate(rule), Ok(()), "{}", rule.kind);
        assert_eq!(rule.effective_from, city(2026, 1, 1, 0, 0));
        assert!(rule.in_force_at(city(2026, 1, 1, 0, 0)));
        assert!(!rule.in_force_at(city(2025, 12, 31, 23, 59)));
        assert!(rule.effective_until.is_none());
        assert!(!rule.description.zh_cn.is_empty() && !rule.description.en.is_empty());
    }
    let kinds: Vec<_> = rules.iter().map(|r| r.kind.clone()).collect();
    assert_eq!(kinds, ActionKind::BUILT_IN.to_vec());
}
