//! `active_counts`: how many citizens were credited in a period.

use sea_orm::entity::prelude::*;

/// A row of `active_counts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "active_counts")]
pub struct Model {
    /// `day`, `week`, `month` or `year`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    /// The period's first day.
    #[sea_orm(primary_key, auto_increment = false)]
    pub start: Date,
    /// Distinct citizens credited in it.
    pub citizens: i64,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
