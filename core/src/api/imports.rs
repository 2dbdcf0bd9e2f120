//! File imports of partner records: `/api/v1/admin/imports/…`.

use crate::ids::PartnerId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An import and how far it got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportView {
    /// The id.
    pub id: i64,
    /// The partner the records were imported as.
    pub partner_id: PartnerId,
    /// Its name.
    pub partner: String,
    /// `csv` or `jsonl`.
    pub format: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// `running`, `done`, `failed` or `interrupted` (the server stopped;
    /// import the file again: records already credited count as duplicates).
    pub status: String,
    /// The file's size in bytes.
    pub total_bytes: i64,
    /// Bytes read so far (progress is `bytes_done / total_bytes`).
    pub bytes_done: i64,
    /// Records read.
    pub lines: i64,
    /// Accepted and credited.
    pub accepted: i64,
    /// Rejected (see the error file).
    pub rejected: i64,
    /// Held for review.
    pub held: i64,
    /// Sent before: not applied again.
    pub duplicate: i64,
    /// Lines that are not records (see the error file).
    pub invalid: i64,
    /// Why a failed import stopped.
    pub error: Option<String>,
    /// When it started.
    #[serde(with = "crate::wire_time")]
    pub created_at: DateTime<Utc>,
    /// When it ended.
    #[serde(default, with = "crate::wire_time::option")]
    pub finished_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/admin/imports`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportList {
    /// Newest first.
    pub imports: Vec<ImportView>,
}
