//! `daily_totals`: per local day and action kind, what was credited.

use sea_orm::entity::prelude::*;

/// A row of `daily_totals`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "daily_totals")]
pub struct Model {
    /// Local (Asia/Shanghai) calendar day.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    /// Action kind, e.g. `bus_ride`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// Accepted actions.
    pub actions: i64,
    /// Grams of CO2e reduced.
    pub co2e_g: i64,
    /// Points credited.
    pub points: i64,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
