//! The audit log: every administrator's change, who made it, when, and the
//! object before and after.
//!
//! [`record`] takes the caller's connection so the entry is written in the
//! same transaction as the change: both commit or neither does. The table is
//! append-only (triggers refuse UPDATE and DELETE), so the log is a history
//! nobody can quietly rewrite. Actions are stable dotted names
//! (`rule.publish`) that the admin screens filter on.

use super::{ServiceError, ServiceResult};
use crate::entities::audit_log;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::Value;
use tanpu_core::UserId;
use tanpu_core::api::{AuditEntry, AuditPage};

/// The most entries one page holds.
pub const MAX_PAGE: u64 = 200;
/// Entries per page unless asked otherwise.
pub const DEFAULT_PAGE: u64 = 50;

/// The object a change is about: its kind (`rule_version`) and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditObject {
    /// E.g. `rule`, `rule_version`, `partner`, `user`.
    pub kind: &'static str,
    /// Its id, as text (ids are not all numbers).
    pub id: String,
}

impl AuditObject {
    /// An object of `kind` with `id`.
    #[must_use]
    pub fn new(kind: &'static str, id: impl ToString) -> Self {
        Self {
            kind,
            id: id.to_string(),
        }
    }
}

/// Writes one entry. Call it on the transaction that makes the change.
///
/// `actor` is the administrator (`None` for the operator at the command
/// line); `before` is `None` for a creation, `after` for a deletion.
///
/// # Errors
/// Database failures (the caller's transaction then fails as a whole).
pub async fn record(
    conn: &impl ConnectionTrait,
    actor: Option<UserId>,
    action: &str,
    object: &AuditObject,
    before: Option<&Value>,
    after: Option<&Value>,
) -> ServiceResult<()> {
    audit_log::ActiveModel {
        actor_id: Set(actor.map(|a| a.0)),
        action: Set(action.to_owned()),
        object_kind: Set(object.kind.to_owned()),
        object_id: Set(object.id.clone()),
        before: Set(before.map(Value::to_string)),
        after: Set(after.map(Value::to_string)),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// What the reader filters on; every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exactly this action (`rule.publish`), or every action under a prefix
    /// ending in a dot (`rule.`).
    pub action: Option<String>,
    /// Changes by this administrator.
    pub actor: Option<UserId>,
    /// Changes to objects of this kind.
    pub object_kind: Option<String>,
    /// Changes to the object with this id (with `object_kind`).
    pub object_id: Option<String>,
    /// Entries older than this id (the previous page's `next_before_id`).
    pub before_id: Option<i64>,
    /// Page size, 1 to [`MAX_PAGE`]; [`DEFAULT_PAGE`] when absent.
    pub limit: Option<u64>,
}

/// A page of the log, newest first.
///
/// # Errors
/// [`ServiceError::Invalid`] for a page size out of range; database
/// failures; an unreadable stored snapshot.
pub async fn page(conn: &impl ConnectionTrait, filter: AuditFilter) -> ServiceResult<AuditPage> {
    let limit = filter.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ServiceError::Invalid {
            field: "limit",
            reason: "out_of_range".to_owned(),
        });
    }
    let mut query = audit_log::Entity::find();
    match filter.action.as_deref() {
        Some(prefix) if prefix.ends_with('.') => {
            query = query.filter(audit_log::Column::Action.starts_with(prefix));
        }
        Some(action) => query = query.filter(audit_log::Column::Action.eq(action)),
        None => {}
    }
    if let Some(actor) = filter.actor {
        query = query.filter(audit_log::Column::ActorId.eq(actor.0));
    }
    if let Some(kind) = &filter.object_kind {
        query = query.filter(audit_log::Column::ObjectKind.eq(kind.as_str()));
    }
    if let Some(id) = &filter.object_id {
        query = query.filter(audit_log::Column::ObjectId.eq(id.as_str()));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(audit_log::Column::Id.lt(before));
    }
    // One more than asked tells whether another page follows.
    let mut rows = query
        .order_by_desc(audit_log::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let items = rows
        .iter()
        .map(entry_of)
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(AuditPage {
        next_before_id: if more {
            items.last().map(|e| e.id)
        } else {
            None
        },
        items,
    })
}

fn entry_of(row: &audit_log::Model) -> ServiceResult<AuditEntry> {
    let parse = |text: &Option<String>| -> ServiceResult<Option<Value>> {
        text.as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| ServiceError::Internal(format!("audit entry {} unreadable: {e}", row.id)))
    };
    Ok(AuditEntry {
        id: row.id,
        actor_id: row.actor_id.map(UserId),
        action: row.action.clone(),
        object_kind: row.object_kind.clone(),
        object_id: row.object_id.clone(),
        before: parse(&row.before)?,
        after: parse(&row.after)?,
        at: row.at,
    })
}
