//! Credit rules and their evaluator: how many grams of CO2e and how many
//! points a green action earns, and whether it counts at all.
//!
//! Policy lives in data ([`RuleVersion`]), the arithmetic in one pure
//! function ([`evaluate`]). The server calls it to decide, the browser calls
//! the very same code to preview, and a simulation replays it over stored
//! actions, so the three can never disagree.
//!
//! - [`quantity`]: exact decimal quantities and their units
//! - [`action`]: the action being evaluated and its kind
//! - [`calendar`]: seasons, time windows and days in city wall time
//! - [`rule`]: the rule version
//! - [`context`]: what the server knows about the citizen and the moment
//! - [`decision`]: the answer, its reason codes and breakdown
//! - [`evaluate`](mod@evaluate): the evaluator
//! - [`validate`](mod@validate): field-level checks for the rule editor
//! - [`seeds`]: the seed rules of a new city

pub mod action;
mod arith;
pub mod calendar;
pub mod context;
pub mod decision;
pub mod evaluate;
pub mod quantity;
pub mod rule;
pub mod seeds;
pub mod validate;

#[cfg(test)]
mod tests;

pub use action::{Action, ActionKind, KindError};
pub use calendar::{MonthDay, Schedule, Season, TimeOfDay, TimeWindow, Weekday};
pub use context::{Context, TimeSpan, Totals};
pub use decision::{
    AppliedMultiplier, Breakdown, CapApplied, CapScope, Decision, DecisionStatus, ReasonCode,
    Severity,
};
pub use evaluate::evaluate;
pub use quantity::{Quantity, QuantityError, Unit};
pub use rule::{
    Caps, Multiplier, Plausibility, PointMethod, QuantityBounds, Reduction, RuleVersion, Text,
    version_in_force,
};
pub use seeds::seed_rules;
pub use validate::{FieldIssue, IssueCode, validate};
