//! Builders shared by the tests.

use crate::rules::{Action, ActionKind, Context, Quantity, RuleVersion, Unit, seed_rules};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};

/// An instant given in city time (UTC+08:00).
pub fn city(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// The seed rule of a kind.
pub fn seed(kind: &ActionKind) -> RuleVersion {
    seed_rules().into_iter().find(|r| &r.kind == kind).unwrap()
}

/// A quantity from its decimal text.
pub fn qty(text: &str) -> Quantity {
    Quantity::parse(text).unwrap()
}

/// An action of the seed rule's kind and unit.
pub fn action(rule: &RuleVersion, quantity: &str, at: DateTime<Utc>) -> Action {
    Action::new(rule.kind.clone(), qty(quantity), rule.unit, at)
}

/// A bus ride of `km` taking `minutes`.
pub fn ride(km: &str, at: DateTime<Utc>, minutes: i64) -> Action {
    Action {
        ended_at: Some(at + chrono::TimeDelta::minutes(minutes)),
        ..Action::new(ActionKind::BUS_RIDE, qty(km), Unit::Km, at)
    }
}

/// A citizen's context an hour after `at`, nothing credited yet.
pub fn hour_later(at: DateTime<Utc>) -> Context {
    Context::new(at + chrono::TimeDelta::hours(1))
}
