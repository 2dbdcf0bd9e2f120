//! The rule version: one immutable set of parameters that turns an action
//! of one kind into grams of CO2e and points, and says which actions count.
//!
//! Amounts are integers: emission factors in milligrams of CO2e per unit,
//! points as whole [`Points`], multipliers in percent. Administrators edit a
//! draft of this shape; publishing freezes it with an id and an effective
//! interval (see `validate` for what a publishable version must satisfy).

use super::action::ActionKind;
use super::calendar::Schedule;
use super::quantity::{Quantity, Unit};
use crate::ids::{RuleId, RuleVersionId};
use crate::units::Points;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A text in both languages of the app.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Simplified Chinese, the default language.
    pub zh_cn: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A text from its two translations.
    #[must_use]
    pub fn new(zh_cn: &str, en: &str) -> Self {
        Self {
            zh_cn: zh_cn.to_owned(),
            en: en.to_owned(),
        }
    }
}

/// How the emission reduction of an action is computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Reduction {
    /// quantity × (baseline − project): what the displaced alternative
    /// (a private car) would have emitted minus what the action emitted.
    Factors {
        /// Baseline emission, mg CO2e per unit.
        baseline_mg_per_unit: i64,
        /// Project (actual) emission, mg CO2e per unit.
        project_mg_per_unit: i64,
    },
    /// A fixed reduction per action whatever the quantity (e.g. Wuhan's
    /// 150 g per bus trip).
    Fixed {
        /// mg CO2e per action.
        reduction_mg: i64,
    },
    /// No CO2e is claimed (off-peak refuelling: its benefit is fewer ozone
    /// precursors, not less CO2); the action earns points only. (Braces so
    /// that unknown fields are refused here too.)
    None {},
}

/// How points are computed before multipliers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum PointMethod {
    /// From the reduction: reduction (whole g) × points per kg / 1000.
    PerKgCo2e {
        /// Points for one kilogram of CO2e.
        points_per_kg: i64,
    },
    /// From the quantity: quantity × points per unit.
    PerUnit {
        /// Points for one whole unit.
        points_per_unit: i64,
    },
    /// The same points for every action.
    PerAction {
        /// Points per action.
        points: i64,
    },
}

/// A multiplier on points while its schedule matches (e.g. ×2 in the
/// heating season when buses are free). Several matching multipliers apply
/// one after another, each rounding down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Multiplier {
    /// What people read ("供暖季公交免费，积分翻倍").
    pub label: Text,
    /// 200 doubles, 150 adds half, 50 halves.
    pub percent: u32,
    /// When it applies, by the action's local start time.
    pub when: Schedule,
}

/// Upper limits on points credited; `None` is unlimited. The "overall"
/// caps count every kind together and are usually the same in every rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Caps {
    /// This kind per city-time day.
    pub per_day: Option<Points>,
    /// This kind per calendar month.
    pub per_month: Option<Points>,
    /// All kinds per day.
    pub overall_per_day: Option<Points>,
    /// All kinds per month.
    pub overall_per_month: Option<Points>,
}

/// The quantities an action may have; outside them it is rejected with
/// `quantity_out_of_bounds` (e.g. rides under 100 m are noise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuantityBounds {
    /// Smallest accepted (inclusive).
    pub min: Quantity,
    /// Largest accepted (inclusive); `None` for no policy limit.
    #[serde(default)]
    pub max: Option<Quantity>,
}

impl QuantityBounds {
    /// Whether the quantity is within the bounds.
    #[must_use]
    pub fn contains(&self, quantity: Quantity) -> bool {
        self.min <= quantity && self.max.is_none_or(|max| quantity <= max)
    }
}

/// Physical limits: what no real action can exceed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Plausibility {
    /// Fastest credible average speed in km/h, from the distance and the
    /// start and end times (km rules with an end time only). Faster is held
    /// as `implausible_speed`.
    pub max_speed_kmh: Option<u32>,
    /// Largest single fill: a tank in litres, a battery in kWh. More is
    /// rejected as `quantity_out_of_bounds`.
    pub max_fill: Option<Quantity>,
}

/// One version of a credit rule: everything the evaluator needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleVersion {
    /// The published version's id; `None` for a draft.
    #[serde(default)]
    pub id: Option<RuleVersionId>,
    /// The rule this is a version of; `None` before the rule is saved.
    #[serde(default)]
    pub rule_id: Option<RuleId>,
    /// The kind of action it credits.
    pub kind: ActionKind,
    /// The unit actions must be measured in.
    pub unit: Unit,
    /// Name on the "how to earn" page.
    pub name: Text,
    /// Explanation with the sources of every figure.
    pub description: Text,
    /// How CO2e is computed.
    pub reduction: Reduction,
    /// How points are computed.
    pub points: PointMethod,
    /// When actions count at all: outside a season `out_of_season`, outside
    /// a window or day `outside_time_window`. Default: always.
    #[serde(default)]
    pub schedule: Schedule,
    /// Multipliers on points.
    #[serde(default)]
    pub multipliers: Vec<Multiplier>,
    /// Caps on points.
    #[serde(default)]
    pub caps: Caps,
    /// Accepted quantities.
    pub bounds: QuantityBounds,
    /// Physical limits.
    #[serde(default)]
    pub plausibility: Plausibility,
    /// Actions that started more than this many days before "now" are
    /// `too_old`.
    pub claim_window_days: u32,
    /// How far in the future an action may end (partners' clocks drift)
    /// before it is `in_future`, in seconds.
    pub clock_skew_seconds: u32,
    /// Self-declared actions earn this many percent fewer points (0–100).
    pub self_declared_discount_percent: u8,
    /// In force from (inclusive).
    #[serde(with = "crate::wire_time")]
    pub effective_from: DateTime<Utc>,
    /// In force until (exclusive); `None` while it has no end.
    #[serde(default, with = "crate::wire_time::option")]
    pub effective_until: Option<DateTime<Utc>>,
}

impl RuleVersion {
    /// Whether the version is in force at an instant (the action's start).
    #[must_use]
    pub fn in_force_at(&self, instant: DateTime<Utc>) -> bool {
        self.effective_from <= instant && self.effective_until.is_none_or(|until| instant < until)
    }

    /// These terms in force at every instant, whatever interval the version
    /// has or will be published for: what a simulation and the draft's
    /// calculator ask ("what would these terms have decided then").
    #[must_use]
    pub fn always_in_force(self) -> Self {
        Self {
            effective_from: DateTime::<Utc>::MIN_UTC,
            effective_until: None,
            ..self
        }
    }
}

/// The version of `kind` in force at `instant`, if any. Versions of one rule
/// never overlap (publishing guarantees it); should they, the latest start
/// wins, so the answer never depends on the order of the slice.
#[must_use]
pub fn version_in_force<'a>(
    versions: &'a [RuleVersion],
    kind: &ActionKind,
    instant: DateTime<Utc>,
) -> Option<&'a RuleVersion> {
    versions
        .iter()
        .filter(|v| &v.kind == kind && v.in_force_at(instant))
        .max_by_key(|v| (v.effective_from, v.id))
}
