//! Field-level validation of a rule version for the administrators' editor
//! and for publishing: every impossible or meaningless setting becomes a
//! `(field path, reason code)` pair the editor shows next to the field.
//!
//! The evaluator never relies on this: it gives an answer for any rule. This
//! is about catching an administrator's mistake before citizens see it.
//! Values that cannot even be represented (a time of `25:00`) are refused
//! earlier, when the JSON is read.

use super::calendar::Schedule;
use super::quantity::{Quantity, Unit};
use super::rule::{Caps, Multiplier, PointMethod, Reduction, RuleVersion, Text};
use crate::units::Points;
use serde::{Deserialize, Serialize};

/// The largest emission factor: 10 t CO2e per unit, in mg.
pub const MAX_FACTOR_MG: i64 = 10_000_000_000;
/// The largest points per kg, per unit or per action.
pub const MAX_POINTS_RATE: i64 = 1_000_000;
/// The largest multiplier, in percent (×10).
pub const MAX_MULTIPLIER_PERCENT: u32 = 1_000;
/// The most multipliers on one rule.
pub const MAX_MULTIPLIERS: usize = 8;
/// The most seasons or windows in one schedule.
pub const MAX_SCHEDULE_ENTRIES: usize = 12;
/// The longest claim window, in days.
pub const MAX_CLAIM_WINDOW_DAYS: u32 = 366;
/// The largest clock-skew tolerance, in seconds.
pub const MAX_CLOCK_SKEW_SECONDS: u32 = 3_600;
/// The fastest speed limit, km/h.
pub const MAX_SPEED_KMH: u32 = 1_000;
/// The longest name, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// The longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 4_000;

/// What is wrong with a field. Stable wire names; the editor translates them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// Empty but needed.
    Required,
    /// Longer than allowed.
    TooLong,
    /// Must be above zero.
    MustBePositive,
    /// Negative where only zero or more makes sense.
    MustNotBeNegative,
    /// Outside the allowed range (see the `MAX_*` constants).
    OutOfRange,
    /// The minimum is above the maximum.
    MinAboveMax,
    /// A daily cap above the monthly cap of the same scope.
    DailyAboveMonthly,
    /// The end is not after the start.
    EndNotAfterStart,
    /// A window that starts and ends at the same minute.
    EmptyWindow,
    /// The same entry twice.
    Duplicate,
    /// More entries than allowed.
    TooMany,
    /// The kind is not measured in this unit.
    UnitNotAllowed,
    /// The setting has no effect for this unit.
    NotApplicable,
    /// The baseline is not above the project emission: never any reduction.
    NoReduction,
    /// Points from CO2e on a rule that claims none: never any points.
    NeverEarns,
}

/// One problem: where (`"multipliers[0].percent"`) and what.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldIssue {
    /// The path of the field in the rule's JSON.
    pub field: String,
    /// What is wrong.
    pub code: IssueCode,
}

/// Checks that a rule version can be published.
///
/// # Errors
/// Every problem found, in field order, as [`FieldIssue`]s.
pub fn validate(rule: &RuleVersion) -> Result<(), Vec<FieldIssue>> {
    let mut issues = Issues(Vec::new());
    if rule
        .kind
        .allowed_units()
        .is_some_and(|units| !units.contains(&rule.unit))
    {
        issues.add("unit", IssueCode::UnitNotAllowed);
    }
    check_text(&mut issues, "name", &rule.name, MAX_NAME_CHARS, true);
    check_text(
        &mut issues,
        "description",
        &rule.description,
        MAX_DESCRIPTION_CHARS,
        false,
    );
    check_reduction(&mut issues, &rule.reduction);
    check_points(&mut issues, &rule.points, &rule.reduction);
    check_schedule(&mut issues, "schedule", &rule.schedule);
    check_multipliers(&mut issues, &rule.multipliers);
    check_caps(&mut issues, &rule.caps);
    if rule.bounds.max.is_some_and(|max| max < rule.bounds.min) {
        issues.add("bounds.min", IssueCode::MinAboveMax);
    }
    if rule.bounds.max == Some(Quantity::ZERO) {
        issues.add("bounds.max", IssueCode::MustBePositive);
    }
    if let Some(speed) = rule.plausibility.max_speed_kmh {
        if rule.unit != Unit::Km {
            issues.add("plausibility.max_speed_kmh", IssueCode::NotApplicable);
        } else if !(1..=MAX_SPEED_KMH).contains(&speed) {
            issues.add("plausibility.max_speed_kmh", IssueCode::OutOfRange);
        }
    }
    if let Some(fill) = rule.plausibility.max_fill {
        if !matches!(rule.unit, Unit::Litre | Unit::KilowattHour) {
            issues.add("plausibility.max_fill", IssueCode::NotApplicable);
        } else if fill == Quantity::ZERO {
            issues.add("plausibility.max_fill", IssueCode::MustBePositive);
        }
    }
    if !(1..=MAX_CLAIM_WINDOW_DAYS).contains(&rule.claim_window_days) {
        issues.add("claim_window_days", IssueCode::OutOfRange);
    }
    if rule.clock_skew_seconds > MAX_CLOCK_SKEW_SECONDS {
        issues.add("clock_skew_seconds", IssueCode::OutOfRange);
    }
    if rule.self_declared_discount_percent > 100 {
        issues.add("self_declared_discount_percent", IssueCode::OutOfRange);
    }
    if rule
        .effective_until
        .is_some_and(|until| until <= rule.effective_from)
    {
        issues.add("effective_until", IssueCode::EndNotAfterStart);
    }
    if issues.0.is_empty() {
        Ok(())
    } else {
        Err(issues.0)
    }
}

/// The issues found so far.
struct Issues(Vec<FieldIssue>);

impl Issues {
    fn add(&mut self, field: impl Into<String>, code: IssueCode) {
        self.0.push(FieldIssue {
            field: field.into(),
            code,
        });
    }
}

fn check_text(issues: &mut Issues, field: &str, text: &Text, max_chars: usize, required: bool) {
    for (lang, value) in [("zh_cn", &text.zh_cn), ("en", &text.en)] {
        if required && value.trim().is_empty() {
            issues.add(format!("{field}.{lang}"), IssueCode::Required);
        } else if value.chars().count() > max_chars {
            issues.add(format!("{field}.{lang}"), IssueCode::TooLong);
        }
    }
}

fn check_factor(issues: &mut Issues, field: &str, mg: i64) {
    if mg < 0 {
        issues.add(field, IssueCode::MustNotBeNegative);
    } else if mg > MAX_FACTOR_MG {
        issues.add(field, IssueCode::OutOfRange);
    }
}

fn check_reduction(issues: &mut Issues, reduction: &Reduction) {
    match *reduction {
        Reduction::Factors {
            baseline_mg_per_unit,
            project_mg_per_unit,
        } => {
            check_factor(
                issues,
                "reduction.baseline_mg_per_unit",
                baseline_mg_per_unit,
            );
            check_factor(issues, "reduction.project_mg_per_unit", project_mg_per_unit);
            if baseline_mg_per_unit <= project_mg_per_unit {
                issues.add("reduction.baseline_mg_per_unit", IssueCode::NoReduction);
            }
        }
        Reduction::Fixed { reduction_mg } => {
            if reduction_mg <= 0 {
                issues.add("reduction.reduction_mg", IssueCode::MustBePositive);
            } else {
                check_factor(issues, "reduction.reduction_mg", reduction_mg);
            }
        }
        Reduction::None {} => {}
    }
}

fn check_points(issues: &mut Issues, points: &PointMethod, reduction: &Reduction) {
    let (field, rate) = match *points {
        PointMethod::PerKgCo2e { points_per_kg } => {
            if matches!(reduction, Reduction::None {}) {
                issues.add("points.method", IssueCode::NeverEarns);
            }
            ("points.points_per_kg", points_per_kg)
        }
        PointMethod::PerUnit { points_per_unit } => ("points.points_per_unit", points_per_unit),
        PointMethod::PerAction { points } => ("points.points", points),
    };
    if rate <= 0 {
        issues.add(field, IssueCode::MustBePositive);
    } else if rate > MAX_POINTS_RATE {
        issues.add(field, IssueCode::OutOfRange);
    }
}

fn check_schedule(issues: &mut Issues, field: &str, schedule: &Schedule) {
    if schedule.seasons.len() > MAX_SCHEDULE_ENTRIES {
        issues.add(format!("{field}.seasons"), IssueCode::TooMany);
    }
    if schedule.time_windows.len() > MAX_SCHEDULE_ENTRIES {
        issues.add(format!("{field}.time_windows"), IssueCode::TooMany);
    }
    for (i, window) in schedule.time_windows.iter().enumerate() {
        if window.start == window.end {
            issues.add(format!("{field}.time_windows[{i}]"), IssueCode::EmptyWindow);
        }
    }
    for (i, day) in schedule.days_of_week.iter().enumerate() {
        if schedule.days_of_week[..i].contains(day) {
            issues.add(format!("{field}.days_of_week[{i}]"), IssueCode::Duplicate);
        }
    }
}

fn check_multipliers(issues: &mut Issues, multipliers: &[Multiplier]) {
    if multipliers.len() > MAX_MULTIPLIERS {
        issues.add("multipliers", IssueCode::TooMany);
    }
    for (i, multiplier) in multipliers.iter().enumerate() {
        let field = format!("multipliers[{i}]");
        check_text(
            issues,
            &format!("{field}.label"),
            &multiplier.label,
            MAX_NAME_CHARS,
            true,
        );
        if multiplier.percent > MAX_MULTIPLIER_PERCENT {
            issues.add(format!("{field}.percent"), IssueCode::OutOfRange);
        }
        check_schedule(issues, &format!("{field}.when"), &multiplier.when);
    }
}

fn check_caps(issues: &mut Issues, caps: &Caps) {
    let positive = |issues: &mut Issues, field: &str, cap: Option<Points>| {
        if cap.is_some_and(|cap| cap.0 <= 0) {
            issues.add(field, IssueCode::MustBePositive);
        }
    };
    positive(issues, "caps.per_day", caps.per_day);
    positive(issues, "caps.per_month", caps.per_month);
    positive(issues, "caps.overall_per_day", caps.overall_per_day);
    positive(issues, "caps.overall_per_month", caps.overall_per_month);
    if let (Some(day), Some(month)) = (caps.per_day, caps.per_month)
        && day > month
    {
        issues.add("caps.per_day", IssueCode::DailyAboveMonthly);
    }
    if let (Some(day), Some(month)) = (caps.overall_per_day, caps.overall_per_month)
        && day > month
    {
        issues.add("caps.overall_per_day", IssueCode::DailyAboveMonthly);
    }
}
