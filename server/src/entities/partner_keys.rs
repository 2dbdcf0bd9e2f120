//! `partner_keys`: the nonces from which partner secrets are derived.

use sea_orm::entity::prelude::*;

/// A row of `partner_keys`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_keys")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose key.
    pub partner_id: i64,
    /// Random; with the master key it gives the secret.
    pub nonce: String,
    /// When it was issued.
    pub created_at: DateTimeUtc,
    /// When it stopped being accepted; `None` while active.
    pub retired_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
