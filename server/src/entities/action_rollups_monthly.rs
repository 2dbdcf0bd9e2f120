//! `action_rollups_monthly`: decided actions per month, kind, partner, district and
//! status.

use sea_orm::entity::prelude::*;

/// A row of `action_rollups_monthly`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_rollups_monthly")]
pub struct Model {
    /// The first day of the city-time month the actions started in.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    /// The action kind.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// The reporting partner; 0 for citizens' own claims.
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: i64,
    /// The district the record named; empty when none.
    #[sea_orm(primary_key, auto_increment = false)]
    pub district: String,
    /// `accepted`, `rejected` or `held`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: String,
    /// How many actions.
    pub actions: i64,
    /// Their CO2e.
    pub co2e_g: i64,
    /// Their points.
    pub points: i64,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
