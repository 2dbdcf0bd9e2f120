//! `actions`: every green action received, with its decision.

use sea_orm::entity::prelude::*;

/// A row of `actions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "actions")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The reporting partner; `None` for a citizen's own claim.
    pub partner_id: Option<i64>,
    /// The partner's id for the record (unique per partner).
    pub external_id: String,
    /// The citizen, once resolved through a binding.
    pub user_id: Option<i64>,
    /// `transit_card`, `plate` or `fuel_card`.
    pub subject_kind: Option<String>,
    /// The keyed hash of the subject (for crediting a later binding).
    pub subject_hash: Option<String>,
    /// Action kind.
    pub kind: String,
    /// When it started (UTC); `None` if the record was unreadable.
    pub started_at: Option<DateTimeUtc>,
    /// When it ended, for actions with a duration.
    pub ended_at: Option<DateTimeUtc>,
    /// Quantity in thousandths of the unit.
    pub quantity_milli: i64,
    /// `km`, `trip`, `L`, `kWh` or `step`.
    pub unit: String,
    /// The record's attributes, JSON.
    pub attributes: String,
    /// `accepted`, `rejected` or `held`.
    pub status: String,
    /// Points credited.
    pub points: i64,
    /// Grams of CO2e credited.
    pub co2e_g: i64,
    /// JSON array of reason codes.
    pub reasons: String,
    /// The evaluator's breakdown, JSON.
    pub breakdown: Option<String>,
    /// The rule version that decided.
    pub rule_version_id: Option<i64>,
    /// The ledger transfer that credited it.
    pub transfer_id: Option<i64>,
    /// When it arrived.
    pub received_at: DateTimeUtc,
    /// A citizen's own claim.
    pub self_declared: bool,
    /// The citizen's note on a claim.
    pub note: Option<String>,
    /// The reviewer who decided a held action.
    pub reviewed_by: Option<i64>,
    /// When.
    pub reviewed_at: Option<DateTimeUtc>,
    /// The reviewer's note, shown to the citizen.
    pub review_note: Option<String>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
