//! What the evaluator answers: accepted, rejected or held for review, with
//! the reason codes partners match on and a breakdown a citizen can follow
//! line by line.

use super::action::ActionKind;
use super::quantity::{Quantity, Unit};
use super::rule::Text;
use crate::ids::{RuleId, RuleVersionId};
use crate::units::{GramsCo2e, Points};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Why an action was not simply accepted. The wire names are a public
/// contract (DESIGN.md §4): partners and the app match on them, so a code
/// once published is never renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// No citizen is bound to the record's subject (decided by the server
    /// before evaluation).
    UnboundSubject,
    /// No rule in force credits this kind at that time.
    KindNotAllowed,
    /// The quantity is outside the rule's bounds or above a tank or battery.
    QuantityOutOfBounds,
    /// Faster on average than the kind allows.
    ImplausibleSpeed,
    /// Outside the rule's time windows or days of the week.
    OutsideTimeWindow,
    /// Outside the rule's seasons.
    OutOfSeason,
    /// Older than the claim window.
    TooOld,
    /// Later than now plus the clock-skew tolerance.
    InFuture,
    /// Overlaps another action of the same citizen.
    Overlap,
    /// A cap is already used up: nothing left to credit.
    CapReached,
    /// The account is frozen.
    AccountFrozen,
    /// The record contradicts itself (unit of another rule, end before start).
    InvalidRecord,
    /// A citizen's own claim, waiting for a reviewer.
    SelfDeclared,
}

/// What a reason does to the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Final: the action earns nothing.
    Reject,
    /// A person looks at it; it may still be credited.
    Hold,
}

impl ReasonCode {
    /// Every code, in the order the evaluator checks them.
    pub const ALL: [Self; 13] = [
        Self::UnboundSubject,
        Self::InvalidRecord,
        Self::KindNotAllowed,
        Self::QuantityOutOfBounds,
        Self::ImplausibleSpeed,
        Self::OutOfSeason,
        Self::OutsideTimeWindow,
        Self::TooOld,
        Self::InFuture,
        Self::Overlap,
        Self::AccountFrozen,
        Self::SelfDeclared,
        Self::CapReached,
    ];

    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnboundSubject => "unbound_subject",
            Self::KindNotAllowed => "kind_not_allowed",
            Self::QuantityOutOfBounds => "quantity_out_of_bounds",
            Self::ImplausibleSpeed => "implausible_speed",
            Self::OutsideTimeWindow => "outside_time_window",
            Self::OutOfSeason => "out_of_season",
            Self::TooOld => "too_old",
            Self::InFuture => "in_future",
            Self::Overlap => "overlap",
            Self::CapReached => "cap_reached",
            Self::AccountFrozen => "account_frozen",
            Self::InvalidRecord => "invalid_record",
            Self::SelfDeclared => "self_declared",
        }
    }

    /// The inverse of [`ReasonCode::as_str`].
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Whether the reason rejects or holds. Suspicion that a person can
    /// clear holds: an overlap (a transfer with skewed clocks), an
    /// implausible speed (a wrong end time), a frozen account (credited if
    /// the investigation clears it), a self-declared claim. Everything else
    /// is a fact about the record and rejects.
    #[must_use]
    pub fn severity(self) -> Severity {
        match self {
            Self::ImplausibleSpeed | Self::Overlap | Self::AccountFrozen | Self::SelfDeclared => {
                Severity::Hold
            }
            _ => Severity::Reject,
        }
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three outcomes, as the batch answer names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    /// Credited.
    Accepted,
    /// Not credited, finally.
    Rejected,
    /// Waiting for a reviewer.
    Held,
}

impl DecisionStatus {
    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Held => "held",
        }
    }
}

/// Which cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CapScope {
    /// This kind, per day.
    KindPerDay,
    /// This kind, per month.
    KindPerMonth,
    /// All kinds, per day.
    OverallPerDay,
    /// All kinds, per month.
    OverallPerMonth,
}

/// A cap that cut the points of this action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CapApplied {
    /// Which cap.
    pub scope: CapScope,
    /// Its limit.
    pub limit: Points,
    /// Credited under it before this action.
    pub used: Points,
    /// What was left for this action.
    pub remaining: Points,
}

/// A multiplier that applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedMultiplier {
    /// Its label.
    pub label: Text,
    /// Its percentage.
    pub percent: u32,
}

/// The calculation, step by step, each step rounded down and never
/// negative. Filled in for rejected actions too, so a preview can say what
/// the action would have earned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    /// The rule (absent for an unsaved draft).
    pub rule_id: Option<RuleId>,
    /// The rule version (absent for a draft).
    pub rule_version_id: Option<RuleVersionId>,
    /// The action's kind.
    pub kind: ActionKind,
    /// The action's quantity.
    pub quantity: Quantity,
    /// Its unit.
    pub unit: Unit,
    /// The start in city wall time, which seasons and windows were read at.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", example = "2026-11-29T08:10:00")
    )]
    #[serde(with = "crate::wire_time")]
    pub local_start: NaiveDateTime,
    /// What the baseline (a car) would have emitted, rounded down.
    pub baseline_g: GramsCo2e,
    /// What the action emitted, rounded down.
    pub project_g: GramsCo2e,
    /// The reduction, computed exactly from the factors and rounded down
    /// once (so it may exceed `baseline_g − project_g` by a gram).
    pub reduction_g: GramsCo2e,
    /// Points from the point method.
    pub points_base: Points,
    /// Multipliers that applied, in order.
    pub multipliers: Vec<AppliedMultiplier>,
    /// Points after the multipliers.
    pub points_after_multipliers: Points,
    /// The self-declared discount taken, in percent (0 if none).
    pub self_declared_discount_percent: u8,
    /// Points after the discount, before caps.
    pub points_before_caps: Points,
    /// Caps that cut the points, if any.
    pub caps_applied: Vec<CapApplied>,
    /// Points after caps: what is credited unless rejected.
    pub points: Points,
    /// CO2e credited: the reduction, cut in proportion when caps cut the
    /// points (so a capped walk does not certify more than it pays for).
    pub co2e_g: GramsCo2e,
}

/// The evaluator's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Decision {
    /// Credited with `breakdown.points`.
    Accepted {
        /// The calculation.
        breakdown: Breakdown,
    },
    /// Not credited.
    Rejected {
        /// Every failed check, in check order.
        reasons: Vec<ReasonCode>,
        /// The calculation as it would have been.
        breakdown: Breakdown,
    },
    /// Waiting for review; credited with `breakdown.points` if approved.
    Held {
        /// Every reason for the hold, in check order.
        reasons: Vec<ReasonCode>,
        /// The calculation.
        breakdown: Breakdown,
    },
}

impl Decision {
    /// Which outcome.
    #[must_use]
    pub fn status(&self) -> DecisionStatus {
        match self {
            Self::Accepted { .. } => DecisionStatus::Accepted,
            Self::Rejected { .. } => DecisionStatus::Rejected,
            Self::Held { .. } => DecisionStatus::Held,
        }
    }

    /// The reasons (none when accepted).
    #[must_use]
    pub fn reasons(&self) -> &[ReasonCode] {
        match self {
            Self::Accepted { .. } => &[],
            Self::Rejected { reasons, .. } | Self::Held { reasons, .. } => reasons,
        }
    }

    /// The calculation.
    #[must_use]
    pub fn breakdown(&self) -> &Breakdown {
        match self {
            Self::Accepted { breakdown }
            | Self::Rejected { breakdown, .. }
            | Self::Held { breakdown, .. } => breakdown,
        }
    }

    /// Points credited now or on approval; zero when rejected.
    #[must_use]
    pub fn points(&self) -> Points {
        match self {
            Self::Rejected { .. } => Points(0),
            _ => self.breakdown().points,
        }
    }

    /// CO2e credited now or on approval; zero when rejected.
    #[must_use]
    pub fn co2e(&self) -> GramsCo2e {
        match self {
            Self::Rejected { .. } => GramsCo2e(0),
            _ => self.breakdown().co2e_g,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_are_the_public_contract() {
        let expected = [
            "unbound_subject",
            "kind_not_allowed",
            "quantity_out_of_bounds",
            "implausible_speed",
            "outside_time_window",
            "out_of_season",
            "too_old",
            "in_future",
            "overlap",
            "cap_reached",
            "account_frozen",
            "invalid_record",
        ];
        for name in expected {
            let code = ReasonCode::from_name(name).unwrap();
            assert_eq!(code.as_str(), name);
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{name}\""));
            assert_eq!(
                serde_json::from_str::<ReasonCode>(&format!("\"{name}\"")).unwrap(),
                code
            );
        }
        for code in ReasonCode::ALL {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{code}\""));
        }
    }

    #[test]
    fn suspicion_holds_and_facts_reject() {
        let held: Vec<_> = ReasonCode::ALL
            .into_iter()
            .filter(|c| c.severity() == Severity::Hold)
            .map(ReasonCode::as_str)
            .collect();
        assert_eq!(
            held,
            [
                "implausible_speed",
                "overlap",
                "account_frozen",
                "self_declared"
            ]
        );
    }
}
