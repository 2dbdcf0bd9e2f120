//! `ledger_entries`: one side of a transfer on one account, hash-chained to
//! the account's previous entry. Append-only.

use sea_orm::entity::prelude::*;

/// A row of `ledger_entries`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_entries")]
pub struct Model {
    /// Primary key; increases with time within an account.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The transfer this is a side of.
    pub transfer_id: i64,
    /// The account it changes.
    pub account_id: i64,
    /// Signed change: negative on the debit side.
    pub amount: i64,
    /// The account's balance before.
    pub balance_before: i64,
    /// The account's balance after.
    pub balance_after: i64,
    /// The account's version after (1 for its first entry).
    pub account_version: i64,
    /// The hash of the account's previous entry (zeros for the first).
    pub prev_hash: Vec<u8>,
    /// SHA-256 over this entry's content, its transfer and `prev_hash`.
    pub hash: Vec<u8>,
    /// When it was written.
    pub created_at: DateTimeUtc,
}

/// Relations are followed in SQL, not through the entity.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
