//! `partner_webhook_ids`: request ids seen recently, against replays.

use sea_orm::entity::prelude::*;

/// A row of `partner_webhook_ids`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_webhook_ids")]
pub struct Model {
    /// The partner.
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: i64,
    /// Its `webhook-id`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub webhook_id: String,
    /// Unix seconds when first seen.
    pub seen_at: i64,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
