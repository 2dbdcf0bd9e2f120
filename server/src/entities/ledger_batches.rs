//! `ledger_batches`: one row per committed batch of transfers, holding the
//! idempotency key and the hash of the request it answered. Append-only.

use sea_orm::entity::prelude::*;

/// A row of `ledger_batches`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_batches")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The caller's idempotency key, unique when present.
    #[sea_orm(unique)]
    pub idempotency_key: Option<String>,
    /// SHA-256 of the request's canonical encoding.
    pub request_hash: Vec<u8>,
    /// How many transfers the batch holds.
    pub transfer_count: i32,
    /// When it was committed.
    pub created_at: DateTimeUtc,
}

/// Relations are followed in SQL, not through the entity.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
