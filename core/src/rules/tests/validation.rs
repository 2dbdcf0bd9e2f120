//! Field-level validation of rule versions.

use super::support::{city, qty, seed};
use crate::rules::calendar::{TimeOfDay, Weekday};
use crate::rules::{
    ActionKind, FieldIssue, IssueCode, Multiplier, PointMethod, Reduction, Schedule, Text,
    TimeWindow, Unit, validate,
};
use crate::units::Points;

fn issues(rule: &crate::rules::RuleVersion) -> Vec<(String, IssueCode)> {
    validate(rule)
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|FieldIssue { field, code }| (field, code))
        .collect()
}

fn pair(field: &str, code: IssueCode) -> (String, IssueCode) {
    (field.to_owned(), code)
}

#[test]
fn impossible_settings_are_reported_field_by_field() {
    let mut rule = seed(&ActionKind::BUS_RIDE);
    rule.unit = Unit::Litre;
    rule.name.en = "  ".into();
    rule.reduction = Reduction::Factors {
        baseline_mg_per_unit: 20_000,
        project_mg_per_unit: 26_900,
    };
    rule.multipliers[0].percent = 5_000;
    rule.multipliers.push(Multiplier {
        label: Text::new("夜间", ""),
        percent: 150,
        when: Schedule {
            time_windows: vec![TimeWindow {
                start: TimeOfDay::from_hm(22, 0).unwrap(),
                end: TimeOfDay::from_hm(22, 0).unwrap(),
            }],
            days_of_week: vec![Weekday::Friday, Weekday::Friday],
            ..Schedule::default()
        },
    });
    rule.caps.per_day = Some(Points(200_000));
    rule.caps.overall_per_month = Some(Points(0));
    rule.bounds.min = qty("200");
    rule.claim_window_days = 0;
    rule.clock_skew_seconds = 86_400;
    rule.self_declared_discount_percent = 101;
    rule.effective_until = Some(city(2025, 6, 1, 0, 0));
    assert_eq!(
        issues(&rule),
        vec![
            pair("unit", IssueCode::UnitNotAllowed),
            pair("name.en", IssueCode::Required),
            pair("reduction.baseline_mg_per_unit", IssueCode::NoReduction),
            pair("multipliers[0].percent", IssueCode::OutOfRange),
            pair("multipliers[1].label.en", IssueCode::Required),
            pair(
                "multipliers[1].when.time_windows[0]",
                IssueCode::EmptyWindow
            ),
            pair("multipliers[1].when.days_of_week[1]", IssueCode::Duplicate),
            pair("caps.overall_per_month", IssueCode::MustBePositive),
            pair("caps.per_day", IssueCode::DailyAboveMonthly),
            pair("caps.overall_per_day", IssueCode::DailyAboveMonthly),
            pair("bounds.min", IssueCode::MinAboveMax),
            pair("plausibility.max_speed_kmh", IssueCode::NotApplicable),
            pair("claim_window_days", IssueCode::OutOfRange),
            pair("clock_skew_seconds", IssueCode::OutOfRange),
            pair("self_declared_discount_percent", IssueCode::OutOfRange),
            pair("effective_until", IssueCode::EndNotAfterStart),
        ]
    );
}

#[test]
fn points_from_co2e_on_a_rule_without_co2e_never_earn() {
    let mut rule = seed(&ActionKind::REFUEL_OFFPEAK);
    rule.points = PointMethod::PerKgCo2e { points_per_kg: 0 };
    assert_eq!(
        issues(&rule),
        vec![
            pair("points.method", IssueCode::NeverEarns),
            pair("points.points_per_kg", IssueCode::MustBePositive),
        ]
    );
    rule.points = PointMethod::PerUnit {
        points_per_unit: 10,
    };
    rule.plausibility.max_fill = Some(qty("0"));
    rule.reduction = Reduction::Fixed { reduction_mg: -5 };
    assert_eq!(
        issues(&rule),
        vec![
            pair("reduction.reduction_mg", IssueCode::MustBePositive),
            pair("plausibility.max_fill", IssueCode::MustBePositive),
        ]
    );
}

#[test]
fn administrator_kinds_may_use_any_unit_and_negative_factors_are_named() {
    let mut rule = seed(&ActionKind::BUS_RIDE);
    rule.kind = ActionKind::parse("ferry_ride").unwrap();
    rule.unit = Unit::Trip;
    rule.plausibility.max_speed_kmh = None;
    rule.reduction = Reduction::Factors {
        baseline_mg_per_unit: -1,
        project_mg_per_unit: -2,
    };
    assert_eq!(
        issues(&rule),
        vec![
            pair(
                "reduction.baseline_mg_per_unit",
                IssueCode::MustNotBeNegative
            ),
            pair(
                "reduction.project_mg_per_unit",
                IssueCode::MustNotBeNegative
            ),
        ]
    );
}
