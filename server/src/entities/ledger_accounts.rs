//! `ledger_accounts`: every account of the ledger, with its balance, its
//! version and the head of its entry chain.

use sea_orm::entity::prelude::*;

/// A row of `ledger_accounts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_accounts")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique name, e.g. `citizen:42` or `issuance:bus:3`.
    #[sea_orm(unique)]
    pub code: String,
    /// `citizen`, `issuance`, `redemption_sink`, `reward_stock` or `adjustment`.
    pub kind: String,
    /// The citizen who owns it, for citizen accounts.
    pub user_id: Option<i64>,
    /// Whether the balance must stay at zero or above.
    pub must_not_go_negative: bool,
    /// Points held; the fold of the account's entries.
    pub balance: i64,
    /// Number of entries; the version the newest entry produced.
    pub version: i64,
    /// SHA-256 of the newest entry (32 zero bytes before the first).
    pub head_hash: Vec<u8>,
    /// When the account was opened.
    pub created_at: DateTimeUtc,
}

/// Relations are followed in SQL, not through the entity.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
