//! File imports: an administrator uploads a partner's records as CSV or
//! JSON Lines (up to 100 MB); the file is stored to a temporary file while
//! it arrives, then read line by line in the background ([`parse`]) and fed
//! to ingestion in batches, exactly as if the partner had sent them — so a
//! record already credited (by webhook or an earlier import) is a
//! duplicate, and running the same file again applies only what is
//! missing. Progress and counts are kept on the `imports` row for the
//! admin screen to poll; lines that were not credited are kept with their
//! reasons and downloadable as CSV.

pub mod parse;

use super::citizen_cache::CitizenCache;
use super::partners::{self, AuthenticatedPartner};
use super::{ServiceError, ServiceResult, ingest};
use crate::config::Secret;
use crate::entities::{import_errors, imports, partners as partner_rows};
use axum::body::Body;
use chrono::Utc;
use futures_util::StreamExt;
use parse::{Format, Line};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;
use tanpu_core::api::{ImportList, ImportView, RecordStatus};
use tanpu_core::{PartnerId, UserId};
use tokio::io::AsyncWriteExt;

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 100 * 1024 * 1024;
/// Records per ingestion batch.
const BATCH: usize = 500;
/// The longest file name kept.
const NAME_MAX_CHARS: usize = 120;

/// Why an upload was refused before it started.
#[derive(Debug)]
pub enum UploadError {
    /// The file is larger than [`MAX_FILE_BYTES`].
    TooLarge,
    /// The upload stopped arriving for longer than the server waits (see
    /// [`crate::http::is_body_timeout`]).
    Stalled,
    /// Anything else.
    Service(ServiceError),
}

impl From<ServiceError> for UploadError {
    fn from(err: ServiceError) -> Self {
        Self::Service(err)
    }
}

fn internal(what: &str, e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(format!("{what}: {e}"))
}

/// What an import writes with.
#[derive(Clone, Copy, Debug)]
pub struct Writer<'a> {
    /// The database.
    pub db: &'a DatabaseConnection,
    /// The key that hashes card numbers and plates.
    pub binding_key: &'a Secret,
    /// The server's memory of citizens, told after each batch whom it
    /// credited.
    pub citizens: &'a CitizenCache,
}

/// Receives the file, records the import and starts it in the background.
///
/// # Errors
/// [`UploadError::TooLarge`]; [`UploadError::Stalled`]; an unknown format,
/// an empty file, an unknown or disabled partner; storage and database
/// failures.
pub async fn start(
    writer: Writer<'_>,
    actor: UserId,
    partner: PartnerId,
    format: &str,
    file_name: &str,
    body: Body,
) -> Result<ImportView, UploadError> {
    let db = writer.db;
    let format = Format::parse(format).ok_or_else(|| ServiceError::Invalid {
        field: "format",
        reason: "unknown_format".to_owned(),
    })?;
    let partner = partners::as_authenticated(db, partner).await?;
    let file_name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_MAX_CHARS)
        .collect();

    let stored = tempfile::NamedTempFile::new().map_err(|e| internal("temporary file", e))?;
    let mut out =
        tokio::fs::File::from_std(stored.reopen().map_err(|e| internal("temporary file", e))?);
    let mut size = 0_usize;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            if crate::http::is_body_timeout(&e) {
                UploadError::Stalled
            } else {
                UploadError::Service(ServiceError::Invalid {
                    field: "file",
                    reason: format!("upload_interrupted: {e}"),
                })
            }
        })?;
        size += chunk.len();
        if size > MAX_FILE_BYTES {
            return Err(UploadError::TooLarge);
        }
        out.write_all(&chunk)
            .await
            .map_err(|e| internal("temporary file", e))?;
    }
    out.flush()
        .await
        .map_err(|e| internal("temporary file", e))?;
    if size == 0 {
        return Err(ServiceError::Invalid {
            field: "file",
            reason: "empty".to_owned(),
        }
        .into());
    }

    let row = imports::ActiveModel {
        partner_id: Set(partner.id.0),
        format: Set(format.as_str().to_owned()),
        file_name: Set(if file_name.is_empty() {
            "upload".to_owned()
        } else {
            file_name
        }),
        status: Set("running".to_owned()),
        total_bytes: Set(i64::try_from(size).unwrap_or(i64::MAX)),
        created_by: Set(Some(actor.0)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(ServiceError::from)?;
    let view = view(db, row.id).await?;
    let (db, key, citizens) = (
        db.clone(),
        writer.binding_key.clone(),
        writer.citizens.clone(),
    );
    tokio::spawn(async move {
        let id = row.id;
        if let Err(e) = run(&db, &key, &citizens, &partner, id, format, stored).await {
            tracing::error!(import = id, error = %e, "import failed");
            let _ = finish(&db, id, "failed", Some(e.to_string())).await;
        }
    });
    Ok(view)
}

/// Lines read, for one batch.
struct Batch {
    lines: Vec<Line>,
}

/// Reads the file on a blocking thread and ingests its records in batches.
async fn run(
    db: &DatabaseConnection,
    key: &Secret,
    citizens: &CitizenCache,
    partner: &AuthenticatedPartner,
    id: i64,
    format: Format,
    file: tempfile::NamedTempFile,
) -> ServiceResult<()> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Batch, String>>(2);
    let reader = file.reopen().map_err(|e| internal("temporary file", e))?;
    let parser = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(BATCH);
        let result = parse::read_lines(format, reader, |line| {
            batch.push(line);
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                return tx.blocking_send(Ok(Batch { lines: full })).is_ok();
            }
            true
        });
        let last = match result {
            Ok(()) => Ok(Batch { lines: batch }),
            Err(e) => Err(e),
        };
        let _ = tx.blocking_send(last);
    });
    while let Some(batch) = rx.recv().await {
        match batch {
            // Each batch commits on its own; its citizens are forgotten
            // with it, not when the whole file is done.
            Ok(batch) => {
                citizens
                    .forgetting(apply(db, key, partner, id, batch))
                    .await?;
            }
            Err(message) => {
                finish(db, id, "failed", Some(message)).await?;
                return Ok(());
            }
        }
    }
    parser.await.map_err(|e| internal("file reader", e))?;
    drop(file);
    finish(db, id, "done", None).await
}

/// Ingests one batch and records its counts, progress and errors.
async fn apply(
    db: &DatabaseConnection,
    key: &Secret,
    partner: &AuthenticatedPartner,
    id: i64,
    batch: Batch,
) -> ServiceResult<()> {
    let Some(end) = batch.lines.last().map(|l| match l {
        Line::Record { end, .. } | Line::Invalid { end, .. } => *end,
    }) else {
        return Ok(());
    };
    let mut records = Vec::new();
    let mut record_lines = Vec::new();
    let mut errors = Vec::new();
    for line in batch.lines {
        match line {
            Line::Record { line, record, .. } => {
                record_lines.push(line);
                records.push(record);
            }
            Line::Invalid { line, detail, .. } => {
                errors.push((line, None, vec!["invalid_record".to_owned()], Some(detail)));
            }
        }
    }
    let invalid = errors.len();
    let results = if records.is_empty() {
        Vec::new()
    } else {
        ingest::ingest_batch(db, key, partner, records, Utc::now(), None).await?
    };
    let mut counts: HashMap<&'static str, i64> = HashMap::new();
    for (result, line) in results.into_iter().zip(record_lines) {
        let status = match result.status {
            RecordStatus::Accepted => "accepted",
            RecordStatus::Rejected => "rejected",
            RecordStatus::Held => "held",
            RecordStatus::Duplicate => "duplicate",
        };
        *counts.entry(status).or_default() += 1;
        if result.status == RecordStatus::Rejected {
            let external = Some(result.external_id).filter(|e| !e.is_empty());
            errors.push((line, external, result.reasons, None));
        }
    }
    if !errors.is_empty() {
        import_errors::Entity::insert_many(errors.into_iter().map(
            |(line, external_id, reasons, detail)| import_errors::ActiveModel {
                import_id: Set(id),
                line: Set(i64::try_from(line).unwrap_or(i64::MAX)),
                external_id: Set(external_id),
                reasons: Set(serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into())),
                detail: Set(detail),
            },
        ))
        .exec_without_returning(db)
        .await?;
    }
    let count = |name| counts.get(name).copied().unwrap_or(0);
    let read = count("accepted") + count("rejected") + count("held") + count("duplicate");
    use imports::Column as C;
    imports::Entity::update_many()
        .col_expr(
            C::BytesDone,
            Expr::value(i64::try_from(end).unwrap_or(i64::MAX)),
        )
        .col_expr(C::Lines, Expr::col(C::Lines).add(read + invalid as i64))
        .col_expr(C::Accepted, Expr::col(C::Accepted).add(count("accepted")))
        .col_expr(C::Rejected, Expr::col(C::Rejected).add(count("rejected")))
        .col_expr(C::Held, Expr::col(C::Held).add(count("held")))
        .col_expr(
            C::Duplicate,
            Expr::col(C::Duplicate).add(count("duplicate")),
        )
        .col_expr(C::Invalid, Expr::col(C::Invalid).add(invalid as i64))
        .filter(C::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

async fn finish(
    db: &DatabaseConnection,
    id: i64,
    status: &str,
    error: Option<String>,
) -> ServiceResult<()> {
    use imports::Column as C;
    let mut update = imports::Entity::update_many()
        .col_expr(C::Status, Expr::value(status))
        .col_expr(C::Error, Expr::value(error))
        .col_expr(C::FinishedAt, Expr::value(Utc::now()));
    if status == "done" {
        update = update.col_expr(C::BytesDone, Expr::col(C::TotalBytes));
    }
    update.filter(C::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// Imports the server was running when it stopped: marked `interrupted`
/// (the file is gone; importing it again is safe). Call at start-up.
///
/// # Errors
/// Database failures.
pub async fn mark_interrupted(db: &DatabaseConnection) -> ServiceResult<u64> {
    let done = imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::value("interrupted"))
        .col_expr(imports::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(imports::Column::Status.eq("running"))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// One import.
///
/// # Errors
/// [`ServiceError::NotFound`]; database failures.
pub async fn view(db: &DatabaseConnection, id: i64) -> ServiceResult<ImportView> {
    let row = imports::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let name = partner_rows::Entity::find_by_id(row.partner_id)
        .one(db)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    Ok(view_of(row, name))
}

/// The latest imports, newest first.
///
/// # Errors
/// Database failures.
pub async fn list(db: &DatabaseConnection) -> ServiceResult<ImportList> {
    let rows = imports::Entity::find()
        .order_by_desc(imports::Column::Id)
        .limit(50)
        .all(db)
        .await?;
    let names: HashMap<i64, String> = partner_rows::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(ImportList {
        imports: rows
            .into_iter()
            .map(|row| {
                let name = names.get(&row.partner_id).cloned().unwrap_or_default();
                view_of(row, name)
            })
            .collect(),
    })
}

fn view_of(row: imports::Model, partner: String) -> ImportView {
    ImportView {
        id: row.id,
        partner_id: PartnerId(row.partner_id),
        partner,
        format: row.format,
        file_name: row.file_name,
        status: row.status,
        total_bytes: row.total_bytes,
        bytes_done: row.bytes_done,
        lines: row.lines,
        accepted: row.accepted,
        rejected: row.rejected,
        held: row.held,
        duplicate: row.duplicate,
        invalid: row.invalid,
        error: row.error,
        created_at: row.created_at,
        finished_at: row.finished_at,
    }
}

/// The lines of an import that were not credited, as CSV: `line`,
/// `external_id`, `reasons` (`;`-separated codes), `detail`.
///
/// # Errors
/// [`ServiceError::NotFound`]; database failures.
pub async fn errors_csv(db: &DatabaseConnection, id: i64) -> ServiceResult<String> {
    imports::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rows = import_errors::Entity::find()
        .filter(import_errors::Column::ImportId.eq(id))
        .order_by_asc(import_errors::Column::Line)
        .all(db)
        .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["line", "external_id", "reasons", "detail"])
        .map_err(|e| internal("csv", e))?;
    for row in rows {
        let reasons: Vec<String> = serde_json::from_str(&row.reasons).unwrap_or_default();
        out.write_record([
            row.line.to_string(),
            row.external_id.unwrap_or_default(),
            reasons.join(";"),
            row.detail.unwrap_or_default(),
        ])
        .map_err(|e| internal("csv", e))?;
    }
    let bytes = out.into_inner().map_err(|e| internal("csv", e))?;
    String::from_utf8(bytes).map_err(|e| internal("csv", e))
}
