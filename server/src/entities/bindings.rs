//! `bindings`: cards and plates bound to citizens, stored as keyed hashes.

use sea_orm::entity::prelude::*;

/// A row of `bindings`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bindings")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The citizen.
    pub user_id: i64,
    /// `transit_card`, `plate` or `fuel_card`.
    pub kind: String,
    /// HMAC-SHA256 of the normalised subject under the server's binding key, hex.
    pub value_hash: String,
    /// What may be shown.
    pub masked: String,
    /// When it was bound.
    pub created_at: DateTimeUtc,
    /// When it was removed; `None` while active.
    pub removed_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
