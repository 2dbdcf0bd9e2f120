//! `ledger_transfers`: points moved from one account to another. Append-only.

use sea_orm::entity::prelude::*;

/// A row of `ledger_transfers`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_transfers")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The batch it was committed in.
    pub batch_id: i64,
    /// The account points leave.
    pub debit_account_id: i64,
    /// The account points reach.
    pub credit_account_id: i64,
    /// Points moved; positive.
    pub amount: i64,
    /// `green_action`, `redemption`, `reversal` or `adjustment`.
    pub reason: String,
    /// The kind of business object it belongs to.
    pub object_kind: Option<String>,
    /// That object's id.
    pub object_id: Option<String>,
    /// Why, in words (reversals, adjustments).
    pub memo: Option<String>,
    /// The transfer this one reverses; unique.
    #[sea_orm(unique)]
    pub reverses_transfer_id: Option<i64>,
    /// When it was committed.
    pub created_at: DateTimeUtc,
}

/// Relations are followed in SQL, not through the entity.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
