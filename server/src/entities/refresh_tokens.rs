//! `refresh_tokens`: rotating refresh tokens, stored hashed.

use sea_orm::entity::prelude::*;

/// A row of `refresh_tokens`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose session.
    pub user_id: i64,
    /// All tokens descending from one login share a family.
    pub family_id: String,
    /// SHA-256 of the token, hex.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// When it was issued.
    pub issued_at: DateTimeUtc,
    /// When it stops being accepted.
    pub expires_at: DateTimeUtc,
    /// When it was exchanged for its successor.
    pub rotated_at: Option<DateTimeUtc>,
    /// When it (and its family) was revoked.
    pub revoked_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
