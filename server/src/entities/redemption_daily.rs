//! `redemption_daily`: vouchers issued and points redeemed per day.

use sea_orm::entity::prelude::*;

/// A row of `redemption_daily`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "redemption_daily")]
pub struct Model {
    /// The city-time day.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    /// Vouchers issued.
    pub vouchers: i64,
    /// Points redeemed.
    pub points: i64,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
