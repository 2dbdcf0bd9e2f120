//! The administrators' view of citizens: `/api/v1/admin/citizens/…`.

use super::{ActionItem, BindingView, ExportedEntry, RedemptionRecord, UserView};
use crate::units::{GramsCo2e, Points};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One person found by `GET /api/v1/admin/citizens?q=…`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenRow {
    /// The person.
    pub user: UserView,
    /// Spendable points.
    pub balance: Points,
    /// What the query matched: `login`, `nickname` or `binding`.
    pub matched: String,
}

/// `GET /api/v1/admin/citizens?q=…`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenSearch {
    /// Best matches first, at most 50.
    pub citizens: Vec<CitizenRow>,
}

/// `GET /api/v1/admin/citizens/{id}`: everything an administrator needs to
/// answer a citizen's question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenDetail {
    /// The person.
    pub user: UserView,
    /// Why the account is frozen.
    pub frozen_reason: Option<String>,
    /// When they registered.
    #[serde(with = "crate::wire_time")]
    pub created_at: DateTime<Utc>,
    /// Spendable points.
    pub balance: Points,
    /// CO2e saved, all time.
    pub co2e_g_total: GramsCo2e,
    /// Active bindings (masked).
    pub bindings: Vec<BindingView>,
    /// The latest actions, newest first.
    pub actions: Vec<ActionItem>,
    /// Their vouchers, newest first.
    pub vouchers: Vec<RedemptionRecord>,
    /// The latest ledger lines, newest first.
    pub statement: Vec<ExportedEntry>,
}

/// `POST /api/v1/admin/citizens/{id}/freeze` and `…/unfreeze`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FreezeRequest {
    /// Why (1–200 characters); kept in the audit log.
    pub reason: String,
}

/// `POST /api/v1/admin/citizens/{id}/adjustments`: a manual credit
/// (positive) or debit (negative), always with a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdjustmentRequest {
    /// Points to add (positive) or take (negative); never zero.
    pub amount: i64,
    /// Why (1–200 characters); shown on the citizen's statement.
    pub reason: String,
}

/// The answer to an adjustment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustmentResult {
    /// The ledger transfer made.
    pub transfer_id: i64,
    /// The citizen's balance after it.
    pub balance: Points,
}
