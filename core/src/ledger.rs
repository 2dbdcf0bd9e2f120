//! The ledger's vocabulary: what kinds of accounts exist and why points move.
//! The server stores these as their `as_str()` names (the database checks
//! the set); the browser shows them on statements.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an account of the ledger is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A citizen's credits. Never negative.
    Citizen,
    /// Where credits come from: one per partner or rule source, possibly
    /// sharded. Goes negative by design (its balance is minus what it issued).
    Issuance,
    /// Where redeemed credits go.
    RedemptionSink,
    /// A reward's stock, counted in points.
    RewardStock,
    /// Manual corrections by an administrator.
    Adjustment,
}

impl AccountKind {
    /// Every kind, in a stable order.
    pub const ALL: [Self; 5] = [
        Self::Citizen,
        Self::Issuance,
        Self::RedemptionSink,
        Self::RewardStock,
        Self::Adjustment,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Issuance => "issuance",
            Self::RedemptionSink => "redemption_sink",
            Self::RewardStock => "reward_stock",
            Self::Adjustment => "adjustment",
        }
    }

    /// Parses a stored name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Whether accounts of this kind must never go below zero: a citizen
    /// cannot spend what they do not have, and a reward's stock cannot be
    /// drawn below empty. Issuance, sink and adjustment accounts are where
    /// points come from and go to, so their sign is free.
    #[must_use]
    pub const fn must_not_go_negative(self) -> bool {
        matches!(self, Self::Citizen | Self::RewardStock)
    }
}

impl fmt::Display for AccountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why points moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferReason {
    /// Credits for a verified green action.
    GreenAction,
    /// Credits spent on a reward.
    Redemption,
    /// The undoing of an earlier transfer.
    Reversal,
    /// A manual correction.
    Adjustment,
}

impl TransferReason {
    /// Every reason, in a stable order.
    pub const ALL: [Self; 4] = [
        Self::GreenAction,
        Self::Redemption,
        Self::Reversal,
        Self::Adjustment,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::GreenAction => "green_action",
            Self::Redemption => "redemption",
            Self::Reversal => "reversal",
            Self::Adjustment => "adjustment",
        }
    }

    /// Parses a stored name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == name)
    }
}

impl fmt::Display for TransferReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip_and_match_serde() {
        for kind in AccountKind::ALL {
            assert_eq!(AccountKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::from(kind.as_str())
            );
        }
        for reason in TransferReason::ALL {
            assert_eq!(TransferReason::parse(reason.as_str()), Some(reason));
            assert_eq!(
                serde_json::to_value(reason).unwrap(),
                serde_json::Value::from(reason.as_str())
            );
        }
        assert_eq!(AccountKind::parse("bank"), None);
    }

    #[test]
    fn only_citizens_and_stock_are_kept_non_negative() {
        assert!(AccountKind::Citizen.must_not_go_negative());
        assert!(AccountKind::RewardStock.must_not_go_negative());
        assert!(!AccountKind::Issuance.must_not_go_negative());
        assert!(!AccountKind::RedemptionSink.must_not_go_negative());
    }
}
