//! `audit_log`: one row per administrator's change, append-only.

use sea_orm::entity::prelude::*;

/// A row of `audit_log`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// Primary key; increases with time.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who made the change; `None` for the operator at the command line.
    pub actor_id: Option<i64>,
    /// A stable name such as `rule.publish`.
    pub action: String,
    /// The kind of object changed, e.g. `rule_version`.
    pub object_kind: String,
    /// Its id.
    pub object_id: String,
    /// JSON snapshot before the change; `None` for a creation.
    pub before: Option<String>,
    /// JSON snapshot after the change; `None` for a deletion.
    pub after: Option<String>,
    /// When.
    pub at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
