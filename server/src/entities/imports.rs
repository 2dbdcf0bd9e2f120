//! `imports`: file imports of partner records and their progress.

use sea_orm::entity::prelude::*;

/// A row of `imports`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The partner the records are imported as.
    pub partner_id: i64,
    /// `csv` or `jsonl`.
    pub format: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// `running`, `done`, `failed` or `interrupted`.
    pub status: String,
    /// The file's size.
    pub total_bytes: i64,
    /// How far the import has read.
    pub bytes_done: i64,
    /// Records read.
    pub lines: i64,
    /// Records accepted.
    pub accepted: i64,
    /// Records rejected.
    pub rejected: i64,
    /// Records held for review.
    pub held: i64,
    /// Records seen before (not applied again).
    pub duplicate: i64,
    /// Lines that are not records.
    pub invalid: i64,
    /// Why a failed import stopped.
    pub error: Option<String>,
    /// The administrator who started it.
    pub created_by: Option<i64>,
    /// When it started.
    pub created_at: DateTimeUtc,
    /// When it ended.
    pub finished_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
