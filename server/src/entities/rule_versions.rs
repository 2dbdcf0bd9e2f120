//! `rule_versions`: drafts and immutable published versions of a rule.

use sea_orm::entity::prelude::*;

/// A row of `rule_versions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rule_versions")]
pub struct Model {
    /// Primary key; ledger entries and actions name it.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The rule.
    pub rule_id: i64,
    /// 1, 2, 3… per rule.
    pub version: i32,
    /// `draft`, `published` or `retired`.
    pub status: String,
    /// tanpu-core's rule definition, JSON.
    pub definition: String,
    /// Start of the interval in force (inclusive).
    pub effective_from: Option<DateTimeUtc>,
    /// End of the interval in force (exclusive); `None` = open.
    pub effective_to: Option<DateTimeUtc>,
    /// The administrator who made it; `None` for seeds.
    pub created_by: Option<i64>,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it was published.
    pub published_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
