//! `active_citizens`: who was credited in a day, week, month or year.

use sea_orm::entity::prelude::*;

/// A row of `active_citizens`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "active_citizens")]
pub struct Model {
    /// The citizen (first in the key: a citizen's rows are neighbours).
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    /// `day`, `week`, `month` or `year`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    /// The period's first day.
    #[sea_orm(primary_key, auto_increment = false)]
    pub start: Date,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
