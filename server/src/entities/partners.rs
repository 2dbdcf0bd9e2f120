//! `partners`: systems that report green actions.

use sea_orm::entity::prelude::*;

/// A row of `partners`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partners")]
pub struct Model {
    /// Primary key; partners name it in the `tanpu-partner` header.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique display name.
    #[sea_orm(unique)]
    pub name: String,
    /// JSON array of the action kinds it may report.
    pub kinds: String,
    /// When it was disabled; `None` while active.
    pub disabled_at: Option<DateTimeUtc>,
    /// When it was created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
