//! `user_daily_totals`: per citizen, local day and kind, what was credited.

use sea_orm::entity::prelude::*;

/// A row of `user_daily_totals`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_daily_totals")]
pub struct Model {
    /// The citizen.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    /// Local (Asia/Shanghai) day.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    /// Action kind.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// Points credited.
    pub points: i64,
    /// Grams of CO2e credited.
    pub co2e_g: i64,
    /// Accepted actions.
    pub actions: i64,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
