//! `import_errors`: the lines of an import that were not credited.

use sea_orm::entity::prelude::*;

/// A row of `import_errors`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_errors")]
pub struct Model {
    /// The import.
    #[sea_orm(primary_key, auto_increment = false)]
    pub import_id: i64,
    /// The line in the file (1-based; the CSV header is line 1).
    #[sea_orm(primary_key, auto_increment = false)]
    pub line: i64,
    /// The record's external id, when it had one.
    pub external_id: Option<String>,
    /// JSON array of reason codes.
    pub reasons: String,
    /// What was wrong with a line that is not a record.
    pub detail: Option<String>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
