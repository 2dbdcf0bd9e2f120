//! Credit rules in the database: one rule per action kind, drafts and
//! immutable published versions with effective intervals, and the version
//! in force at an instant.
//!
//! A version's parameters are tanpu-core's [`RuleVersion`] as JSON; its id,
//! rule and effective interval live in columns, so the interval can be
//! queried and closed without touching the published definition.
//!
//! Administration (drafts, publishing without overlaps, retiring, history
//! with differences, every change audited) and the public views (rules in
//! force, preview) follow below; simulation is in `services::simulation`.

use super::audit::{self, AuditObject};
use super::ledger::write::begin_write;
use super::rate_limit::{self, Limits};
use super::{ServiceError, ServiceResult};
use crate::entities::{rule_versions, rules};
use chrono::{DateTime, SubsecRound, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::IpAddr;
use tanpu_core::api::{
    FieldChange, PreviewRequest, PreviewResult, PublicRules, RuleHistory, RuleHistoryEntry,
    RuleInForce, RuleList, RuleSummary, RuleVersionPhase, RuleVersionStatus, RuleVersionSummary,
    RuleVersionView,
};
use tanpu_core::ids::{RuleId, RuleVersionId};
use tanpu_core::rules::{
    Action, ActionKind, Context, DecisionStatus, Quantity, ReasonCode, RuleVersion, Text, Unit,
    evaluate, seeds, validate, version_in_force,
};
use tanpu_core::{GramsCo2e, Points, UserId};

/// Creates the seed rule of every built-in kind that has no rule yet, as a
/// published version 1 in force from the seeds' start date. Idempotent.
///
/// # Errors
/// Database failures.
pub async fn ensure_seeded(conn: &impl ConnectionTrait) -> ServiceResult<u32> {
    let mut created = 0;
    for seed in seeds::seed_rules() {
        let exists = rules::Entity::find()
            .filter(rules::Column::Kind.eq(seed.kind.as_str()))
            .one(conn)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let now = Utc::now();
        let rule = rules::ActiveModel {
            kind: Set(seed.kind.as_str().to_owned()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        rule_versions::ActiveModel {
            rule_id: Set(rule.id),
            version: Set(1),
            status: Set("published".to_owned()),
            definition: Set(definition_json(&seed)?),
            effective_from: Set(Some(seed.effective_from)),
            effective_to: Set(seed.effective_until),
            created_by: Set(None),
            created_at: Set(now),
            published_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        created += 1;
    }
    Ok(created)
}

/// Every published version of every rule, grouped by kind: what ingestion
/// needs to pick the version in force at each record's time.
///
/// # Errors
/// Database failures or an unreadable stored definition.
pub async fn published_by_kind(
    conn: &impl ConnectionTrait,
) -> ServiceResult<HashMap<String, Vec<RuleVersion>>> {
    // One statement: ingestion reads this in every group's write turn,
    // where each statement is a hand-off to the database's thread.
    let rows = rule_versions::Entity::find()
        .select_also(rules::Entity)
        .join(
            JoinType::LeftJoin,
            rule_versions::Entity::belongs_to(rules::Entity)
                .from(rule_versions::Column::RuleId)
                .to(rules::Column::Id)
                .into(),
        )
        .filter(rule_versions::Column::Status.ne("draft"))
        .order_by_asc(rule_versions::Column::Id)
        .all(conn)
        .await?;
    let mut by_kind: HashMap<String, Vec<RuleVersion>> = HashMap::new();
    for (row, rule) in &rows {
        let rule = rule
            .as_ref()
            .ok_or_else(|| ServiceError::Internal(format!("rule {} missing", row.rule_id)))?;
        by_kind
            .entry(rule.kind.clone())
            .or_default()
            .push(to_version(row)?);
    }
    Ok(by_kind)
}

/// The version of the rule for `kind` in force at `at`, if any.
#[must_use]
pub fn in_force<'a>(
    versions: &'a HashMap<String, Vec<RuleVersion>>,
    kind: &str,
    at: DateTime<Utc>,
) -> Option<&'a RuleVersion> {
    versions.get(kind)?.iter().find(|v| v.in_force_at(at))
}

fn definition_json(version: &RuleVersion) -> ServiceResult<String> {
    serde_json::to_string(version)
        .map_err(|e| ServiceError::Internal(format!("cannot store a rule definition: {e}")))
}

/// A stored version as the evaluator takes it: the definition with the
/// row's id, rule and interval (the columns are authoritative).
///
/// # Errors
/// An unreadable stored definition.
pub fn to_version(row: &rule_versions::Model) -> ServiceResult<RuleVersion> {
    let mut version: RuleVersion = serde_json::from_str(&row.definition).map_err(|e| {
        ServiceError::Internal(format!("rule version {} is unreadable: {e}", row.id))
    })?;
    version.id = Some(RuleVersionId(row.id));
    version.rule_id = Some(RuleId(row.rule_id));
    version.effective_from = row
        .effective_from
        .unwrap_or_else(|| Utc.timestamp_opt(0, 0).single().unwrap_or_default());
    version.effective_until = row.effective_to;
    Ok(version)
}

// ---------------------------------------------------------------------------
// Administration: drafts, publishing, retiring, history, public views.
//
// Two versions of one rule never overlap. Publishing a draft from `S` (never
// in the past) to `E` (or open-ended) looks at every other published or
// retired version of the rule whose interval is not empty:
// - if the new version is open-ended, one that started before `S` and is
//   open-ended too is closed at `S`: its successor takes over for good (and
//   since `S` is not in the past, no decision already made changes version);
// - any other overlap is refused with 409 `overlaps_version`, naming the
//   version. A bounded version (a promotion) never cuts an open-ended one,
//   which would leave the rule without a version after the promotion: the
//   administrator retires the current version at the promotion's start and
//   publishes its successor from the promotion's end, each step explicit.
//   A version with a planned end is retired first; a scheduled one is
//   retired (cancelled) or the new start moved after it.
// The rule's row is locked for the check (SQLite: the write transaction is
// IMMEDIATE), so two publications cannot interleave. A published version's
// definition and start never change again; only its end may be set, by
// retiring it or by publishing a successor (the database refuses the rest).
// ---------------------------------------------------------------------------

/// An error of the rule administration: a field-level validation failure
/// (422 with the list of `{field, reason}`), or any other service error.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// Fields the administrator must fix.
    #[error("the rule version has {} problem(s)", .0.len())]
    Invalid(Vec<FieldProblem>),
    /// Anything else.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<DbErr> for RuleError {
    fn from(err: DbErr) -> Self {
        Self::Service(err.into())
    }
}

/// The result of a rule administration call.
pub type RuleResult<T> = Result<T, RuleError>;

/// One problem with one field: its path in the rule's JSON and a stable
/// reason code (the validator's, or `in_the_past`, `kind_mismatch`…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// E.g. `multipliers[0].percent`.
    pub field: String,
    /// E.g. `out_of_range`.
    pub reason: String,
}

impl FieldProblem {
    fn new(field: &str, reason: &str) -> Self {
        Self {
            field: field.to_owned(),
            reason: reason.to_owned(),
        }
    }
}

fn invalid(field: &str, reason: &str) -> RuleError {
    RuleError::Invalid(vec![FieldProblem::new(field, reason)])
}

/// tanpu-core's validation as field problems.
fn check(version: &RuleVersion) -> RuleResult<()> {
    validate(version).map_err(|issues| {
        RuleError::Invalid(
            issues
                .into_iter()
                .map(|issue| FieldProblem {
                    field: issue.field,
                    reason: serde_json::to_value(issue.code)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_else(|| format!("{:?}", issue.code)),
                })
                .collect(),
        )
    })
}

const DRAFT: &str = "draft";
const PUBLISHED: &str = "published";
const RETIRED: &str = "retired";

/// Audit actions of this module.
pub mod actions {
    /// A rule for a new kind, with its first draft.
    pub const CREATE: &str = "rule.create";
    /// A new draft of an existing rule.
    pub const DRAFT_CREATE: &str = "rule.draft_create";
    /// A draft's definition replaced.
    pub const DRAFT_UPDATE: &str = "rule.draft_update";
    /// A draft discarded.
    pub const DRAFT_DELETE: &str = "rule.draft_delete";
    /// A draft published with an interval.
    pub const PUBLISH: &str = "rule.publish";
    /// A version's open end closed by its successor's publication.
    pub const CLOSE: &str = "rule.close";
    /// A version retired.
    pub const RETIRE: &str = "rule.retire";
}

/// Every rule with its versions.
///
/// # Errors
/// Database failures.
pub async fn list(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> ServiceResult<RuleList> {
    let rules = rules::Entity::find().all(conn).await?;
    let versions = rule_versions::Entity::find()
        .order_by_asc(rule_versions::Column::Version)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rules.len());
    for rule in sorted_rules(rules) {
        let mine: Vec<&rule_versions::Model> =
            versions.iter().filter(|v| v.rule_id == rule.id).collect();
        let summaries: Vec<RuleVersionSummary> = mine
            .iter()
            .map(|v| summary_of(v, now))
            .collect::<ServiceResult<_>>()?;
        let in_force = summaries
            .iter()
            .find(|v| v.phase == RuleVersionPhase::InForce)
            .map(|v| v.id);
        let named = in_force
            .and_then(|id| mine.iter().find(|v| v.id == id.0))
            .or_else(|| mine.last());
        let name = match named {
            Some(row) => definition_of(row)?.name,
            None => Text::default(),
        };
        out.push(RuleSummary {
            id: RuleId(rule.id),
            kind: rule.kind,
            name,
            in_force,
            versions: summaries,
        });
    }
    Ok(RuleList { rules: out })
}

/// Creates the rule for a kind that has none, with `definition` as its
/// first draft.
///
/// # Errors
/// [`RuleError::Invalid`] when the definition does not validate;
/// [`ServiceError::Conflict`] (`kind`, `taken`) when the kind has a rule.
pub async fn create_rule(
    db: &DatabaseConnection,
    actor: UserId,
    mut definition: RuleVersion,
    now: DateTime<Utc>,
) -> RuleResult<RuleVersionView> {
    check(&definition)?;
    let txn = begin_write(db).await?;
    let taken = rules::Entity::find()
        .filter(rules::Column::Kind.eq(definition.kind.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        return Err(ServiceError::Conflict {
            field: "kind",
            reason: "taken",
            message: format!(
                "the kind {} has a rule already; create a draft of it instead",
                definition.kind
            ),
        }
        .into());
    }
    let rule = rules::ActiveModel {
        kind: Set(definition.kind.as_str().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    definition.id = None;
    definition.rule_id = Some(RuleId(rule.id));
    let row = insert_draft(&txn, rule.id, 1, &definition, actor, now).await?;
    let view = view_of(&row, now)?;
    audit::record(
        &txn,
        Some(actor),
        actions::CREATE,
        &AuditObject::new("rule", rule.id),
        None,
        Some(&json!({ "id": rule.id, "kind": rule.kind })),
    )
    .await?;
    audit::record(
        &txn,
        Some(actor),
        actions::DRAFT_CREATE,
        &AuditObject::new("rule_version", row.id),
        None,
        Some(&snapshot(&view)),
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

/// A new draft of a rule, copied from one of its versions (the newest when
/// `from` is `None`).
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown rule or a version of another
/// rule.
pub async fn create_draft(
    db: &DatabaseConnection,
    actor: UserId,
    rule_id: RuleId,
    from: Option<RuleVersionId>,
    now: DateTime<Utc>,
) -> RuleResult<RuleVersionView> {
    let txn = begin_write(db).await?;
    lock_rule(&txn, rule_id).await?;
    let versions = rule_versions::Entity::find()
        .filter(rule_versions::Column::RuleId.eq(rule_id.0))
        .order_by_asc(rule_versions::Column::Version)
        .all(&txn)
        .await?;
    let source = match from {
        Some(id) => versions.iter().find(|v| v.id == id.0),
        None => versions.last(),
    }
    .ok_or(ServiceError::NotFound)?;
    let mut definition = definition_of(source)?;
    definition.id = None;
    definition.rule_id = Some(rule_id);
    definition.effective_from = now;
    definition.effective_until = None;
    let number = versions.iter().map(|v| v.version).max().unwrap_or(0) + 1;
    let row = insert_draft(&txn, rule_id.0, number, &definition, actor, now).await?;
    let view = view_of(&row, now)?;
    audit::record(
        &txn,
        Some(actor),
        actions::DRAFT_CREATE,
        &AuditObject::new("rule_version", row.id),
        None,
        Some(&snapshot(&view)),
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

/// One version of a rule.
///
/// # Errors
/// [`ServiceError::NotFound`] unless the version belongs to the rule.
pub async fn version(
    conn: &impl ConnectionTrait,
    rule_id: RuleId,
    version_id: RuleVersionId,
    now: DateTime<Utc>,
) -> ServiceResult<RuleVersionView> {
    let row = find_version(conn, rule_id, version_id).await?;
    view_of(&row, now)
}

/// Replaces a draft's definition (the whole document).
///
/// # Errors
/// [`RuleError::Invalid`] when it does not validate or names another kind
/// or rule; [`ServiceError::Conflict`] (`status`, `not_a_draft`) for a
/// published version; [`ServiceError::NotFound`].
pub async fn update_draft(
    db: &DatabaseConnection,
    actor: UserId,
    rule_id: RuleId,
    version_id: RuleVersionId,
    mut definition: RuleVersion,
    now: DateTime<Utc>,
) -> RuleResult<RuleVersionView> {
    let txn = begin_write(db).await?;
    let rule = lock_rule(&txn, rule_id).await?;
    let row = find_version(&txn, rule_id, version_id).await?;
    require_draft(&row)?;
    let mut problems = Vec::new();
    if definition.kind.as_str() != rule.kind {
        problems.push(FieldProblem::new("kind", "kind_mismatch"));
    }
    if definition.rule_id.is_some_and(|id| id != rule_id) {
        problems.push(FieldProblem::new("rule_id", "rule_mismatch"));
    }
    if definition.id.is_some() {
        problems.push(FieldProblem::new("id", "not_applicable"));
    }
    if let Err(RuleError::Invalid(more)) = check(&definition) {
        problems.extend(more);
    }
    if !problems.is_empty() {
        return Err(RuleError::Invalid(problems));
    }
    definition.rule_id = Some(rule_id);
    let before = snapshot(&view_of(&row, now)?);
    let mut active: rule_versions::ActiveModel = row.into();
    active.definition = Set(definition_json(&definition)?);
    let row = active.update(&txn).await?;
    let view = view_of(&row, now)?;
    audit::record(
        &txn,
        Some(actor),
        actions::DRAFT_UPDATE,
        &AuditObject::new("rule_version", row.id),
        Some(&before),
        Some(&snapshot(&view)),
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

/// Discards a draft.
///
/// # Errors
/// [`ServiceError::Conflict`] for a published version; [`ServiceError::NotFound`].
pub async fn delete_draft(
    db: &DatabaseConnection,
    actor: UserId,
    rule_id: RuleId,
    version_id: RuleVersionId,
    now: DateTime<Utc>,
) -> RuleResult<()> {
    let txn = begin_write(db).await?;
    lock_rule(&txn, rule_id).await?;
    let row = find_version(&txn, rule_id, version_id).await?;
    require_draft(&row)?;
    let before = snapshot(&view_of(&row, now)?);
    rule_versions::Entity::delete_by_id(row.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(actor),
        actions::DRAFT_DELETE,
        &AuditObject::new("rule_version", row.id),
        Some(&before),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes a draft in force from `from` (now when `None`) until `until`
/// (open-ended when `None`); see the policy at the top of this section.
///
/// # Errors
/// [`RuleError::Invalid`] for a start in the past, an end not after the
/// start, or a definition that does not validate; [`ServiceError::Conflict`]
/// (`status`, `not_a_draft`) or (`effective_from`, `overlaps_version`);
/// [`ServiceError::NotFound`].
pub async fn publish(
    db: &DatabaseConnection,
    actor: UserId,
    rule_id: RuleId,
    version_id: RuleVersionId,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> RuleResult<RuleVersionView> {
    if from.is_some_and(|from| from < now) {
        return Err(invalid("effective_from", "in_the_past"));
    }
    // Microseconds, as PostgreSQL stores them: the column, the definition
    // and the answer then agree to the digit.
    let start = from.unwrap_or(now).trunc_subsecs(6);
    let until = until.map(|until| until.trunc_subsecs(6));
    let txn = begin_write(db).await?;
    lock_rule(&txn, rule_id).await?;
    let row = find_version(&txn, rule_id, version_id).await?;
    require_draft(&row)?;
    let mut definition = definition_of(&row)?;
    definition.id = Some(version_id);
    definition.rule_id = Some(rule_id);
    definition.effective_from = start;
    definition.effective_until = until;
    check(&definition)?;

    let others = rule_versions::Entity::find()
        .filter(rule_versions::Column::RuleId.eq(rule_id.0))
        .filter(rule_versions::Column::Status.ne(DRAFT))
        .all(&txn)
        .await?;
    let mut to_close = None;
    for other in &others {
        let Some(other_from) = other.effective_from else {
            continue;
        };
        let empty = other.effective_to.is_some_and(|to| to <= other_from);
        let overlaps = until.is_none_or(|end| other_from < end)
            && other.effective_to.is_none_or(|to| start < to);
        if empty || !overlaps {
            continue;
        }
        if other_from < start && other.effective_to.is_none() && until.is_none() {
            to_close = Some(other.clone());
            continue;
        }
        return Err(ServiceError::Conflict {
            field: "effective_from",
            reason: "overlaps_version",
            message: format!(
                "version {} is in force from {}{}; two versions of a rule never overlap: \
                 retire it first or choose another interval",
                other.version,
                other_from.to_rfc3339(),
                other
                    .effective_to
                    .map(|to| format!(" until {}", to.to_rfc3339()))
                    .unwrap_or_default()
            ),
        }
        .into());
    }

    if let Some(previous) = to_close {
        let before = snapshot(&view_of(&previous, now)?);
        let mut active: rule_versions::ActiveModel = previous.into();
        active.effective_to = Set(Some(start));
        let closed = active.update(&txn).await?;
        audit::record(
            &txn,
            Some(actor),
            actions::CLOSE,
            &AuditObject::new("rule_version", closed.id),
            Some(&before),
            Some(&snapshot(&view_of(&closed, now)?)),
        )
        .await?;
    }

    let before = snapshot(&view_of(&row, now)?);
    let mut active: rule_versions::ActiveModel = row.into();
    active.status = Set(PUBLISHED.to_owned());
    active.definition = Set(definition_json(&definition)?);
    active.effective_from = Set(Some(start));
    active.effective_to = Set(until);
    active.published_at = Set(Some(now));
    let row = active.update(&txn).await?;
    let view = view_of(&row, now)?;
    audit::record(
        &txn,
        Some(actor),
        actions::PUBLISH,
        &AuditObject::new("rule_version", row.id),
        Some(&before),
        Some(&snapshot(&view)),
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

/// Retires a published version: it applies to actions starting before `at`
/// (now when `None`; never in the past) and not after. A version that has
/// not started yet is cancelled (its interval becomes empty); an end that
/// is already earlier stays.
///
/// # Errors
/// [`RuleError::Invalid`] for a time in the past; [`ServiceError::Conflict`]
/// (`status`, `not_published`) for a draft or a retired version;
/// [`ServiceError::NotFound`].
pub async fn retire(
    db: &DatabaseConnection,
    actor: UserId,
    rule_id: RuleId,
    version_id: RuleVersionId,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> RuleResult<RuleVersionView> {
    if at.is_some_and(|at| at < now) {
        return Err(invalid("at", "in_the_past"));
    }
    let at = at.unwrap_or(now).trunc_subsecs(6);
    let txn = begin_write(db).await?;
    lock_rule(&txn, rule_id).await?;
    let row = find_version(&txn, rule_id, version_id).await?;
    if row.status != PUBLISHED {
        return Err(ServiceError::Conflict {
            field: "status",
            reason: "not_published",
            message: format!("version {} is {}, not published", row.version, row.status),
        }
        .into());
    }
    let from = row.effective_from.unwrap_or(at);
    let end = row.effective_to.map_or(at, |to| to.min(at)).max(from);
    let before = snapshot(&view_of(&row, now)?);
    let mut active: rule_versions::ActiveModel = row.into();
    active.status = Set(RETIRED.to_owned());
    active.effective_to = Set(Some(end));
    let row = active.update(&txn).await?;
    let view = view_of(&row, now)?;
    audit::record(
        &txn,
        Some(actor),
        actions::RETIRE,
        &AuditObject::new("rule_version", row.id),
        Some(&before),
        Some(&snapshot(&view)),
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

/// Every version of a rule, oldest first, each with the definition fields
/// that changed since the version numbered before it.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown rule; database failures.
pub async fn history(
    conn: &impl ConnectionTrait,
    rule_id: RuleId,
    now: DateTime<Utc>,
) -> ServiceResult<RuleHistory> {
    let rule = rules::Entity::find_by_id(rule_id.0)
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rows = rule_versions::Entity::find()
        .filter(rule_versions::Column::RuleId.eq(rule_id.0))
        .order_by_asc(rule_versions::Column::Version)
        .all(conn)
        .await?;
    let mut versions: Vec<RuleHistoryEntry> = Vec::with_capacity(rows.len());
    let mut previous: Option<(RuleVersionId, Value)> = None;
    for row in &rows {
        let view = view_of(row, now)?;
        let comparable = comparable(&view.definition);
        let changes = previous
            .as_ref()
            .map(|(_, old)| diff(old, &comparable))
            .unwrap_or_default();
        versions.push(RuleHistoryEntry {
            previous: previous.as_ref().map(|(id, _)| *id),
            changes,
            version: view,
        });
        previous = Some((RuleVersionId(row.id), comparable));
    }
    Ok(RuleHistory {
        rule_id,
        kind: rule.kind,
        versions,
    })
}

/// A definition as the history compares it: without its identity and
/// interval, which the summary shows.
fn comparable(definition: &RuleVersion) -> Value {
    let mut value = serde_json::to_value(definition).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        for key in ["id", "rule_id", "effective_from", "effective_until"] {
            map.remove(key);
        }
    }
    value
}

/// The fields that differ between two JSON documents, as paths in the
/// validator's notation (`caps.per_day`, `multipliers[0].percent`), in
/// document order. Objects are compared key by key, arrays index by index
/// (an element added or removed appears with `null` on the other side);
/// anything else is compared whole.
#[must_use]
pub fn diff(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    diff_into(&mut changes, String::new(), old, new);
    changes
}

fn diff_into(changes: &mut Vec<FieldChange>, path: String, old: &Value, new: &Value) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                diff_into(
                    changes,
                    child,
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null),
                );
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                diff_into(
                    changes,
                    format!("{path}[{i}]"),
                    a.get(i).unwrap_or(&Value::Null),
                    b.get(i).unwrap_or(&Value::Null),
                );
            }
        }
        _ if old != new => changes.push(FieldChange {
            field: path,
            old: old.clone(),
            new: new.clone(),
        }),
        _ => {}
    }
}

/// The rules in force at `now`, for the public "how to earn" page.
///
/// # Errors
/// Database failures or an unreadable definition.
pub async fn public_rules(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> ServiceResult<PublicRules> {
    let rules = rules::Entity::find().all(conn).await?;
    let rows = rule_versions::Entity::find()
        .filter(rule_versions::Column::Status.ne(DRAFT))
        .filter(rule_versions::Column::EffectiveFrom.lte(now))
        .filter(
            Condition::any()
                .add(rule_versions::Column::EffectiveTo.is_null())
                .add(rule_versions::Column::EffectiveTo.gt(now)),
        )
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for rule in sorted_rules(rules) {
        // Publishing keeps versions apart; should two ever overlap, the
        // latest start wins, as in tanpu-core's `version_in_force`.
        let Some(row) = rows
            .iter()
            .filter(|r| r.rule_id == rule.id)
            .max_by_key(|r| (r.effective_from, r.id))
        else {
            continue;
        };
        out.push(RuleInForce {
            rule_id: RuleId(rule.id),
            version_id: RuleVersionId(row.id),
            version: u32::try_from(row.version).unwrap_or(0),
            definition: to_version(row)?,
        });
    }
    Ok(PublicRules {
        at: now,
        rules: out,
    })
}

/// Evaluates a hypothetical action against the version in force at its
/// start, as a preview (no citizen: no claim window, caps or overlap).
/// Counts against the client's preview limit; writes nothing else.
///
/// # Errors
/// [`ServiceError::RateLimited`]; [`RuleError::Invalid`] for a kind, unit or
/// quantity that cannot be read.
pub async fn preview(
    db: &DatabaseConnection,
    limits: &Limits,
    client: IpAddr,
    req: PreviewRequest,
    now: DateTime<Utc>,
) -> RuleResult<PreviewResult> {
    rate_limit::hit(
        db,
        limits.preview_per_ip,
        &client.to_string(),
        now.timestamp(),
    )
    .await?;
    let mut problems = Vec::new();
    let kind = ActionKind::parse(&req.kind)
        .map_err(|_| problems.push(FieldProblem::new("kind", "invalid_kind")))
        .ok();
    let unit = Unit::from_name(&req.unit);
    if unit.is_none() {
        problems.push(FieldProblem::new("unit", "unknown_unit"));
    }
    let quantity = Quantity::parse(&req.quantity.to_string())
        .map_err(|_| problems.push(FieldProblem::new("quantity", "invalid_quantity")))
        .ok();
    let (Some(kind), Some(unit), Some(quantity)) = (kind, unit, quantity) else {
        return Err(RuleError::Invalid(problems));
    };
    let mut action = Action::new(kind, quantity, unit, req.started_at.with_timezone(&Utc));
    action.ended_at = req.ended_at.map(|t| t.with_timezone(&Utc));
    action.attributes = req
        .attributes
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect();

    let versions = versions_of_kind(db, &action.kind).await?;
    let Some(rule) = version_in_force(&versions, &action.kind, action.started_at) else {
        return Ok(PreviewResult {
            status: DecisionStatus::Rejected,
            points: Points(0),
            co2e_g: GramsCo2e(0),
            reasons: vec![ReasonCode::KindNotAllowed],
            breakdown: None,
        });
    };
    let decision = evaluate(&action, rule, &Context::preview(now));
    Ok(PreviewResult {
        status: decision.status(),
        points: decision.points(),
        co2e_g: decision.co2e(),
        reasons: decision.reasons().to_vec(),
        breakdown: Some(decision.breakdown().clone()),
    })
}

/// Every published or retired version of the rule for `kind`.
async fn versions_of_kind(
    conn: &impl ConnectionTrait,
    kind: &ActionKind,
) -> ServiceResult<Vec<RuleVersion>> {
    let Some(rule) = rules::Entity::find()
        .filter(rules::Column::Kind.eq(kind.as_str()))
        .one(conn)
        .await?
    else {
        return Ok(Vec::new());
    };
    rule_versions::Entity::find()
        .filter(rule_versions::Column::RuleId.eq(rule.id))
        .filter(rule_versions::Column::Status.ne(DRAFT))
        .all(conn)
        .await?
        .iter()
        .map(to_version)
        .collect()
}

/// A version's definition as the evaluator takes it: published versions
/// with their columns ([`to_version`]), drafts as saved.
///
/// # Errors
/// An unreadable stored definition.
pub fn definition_of(row: &rule_versions::Model) -> ServiceResult<RuleVersion> {
    if row.status == DRAFT {
        serde_json::from_str(&row.definition).map_err(|e| {
            ServiceError::Internal(format!("rule version {} is unreadable: {e}", row.id))
        })
    } else {
        to_version(row)
    }
}

/// The rule row, locked until the transaction ends (PostgreSQL; SQLite's
/// IMMEDIATE transaction already holds the write lock).
async fn lock_rule(txn: &DatabaseTransaction, rule_id: RuleId) -> ServiceResult<rules::Model> {
    rules::Entity::find_by_id(rule_id.0)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(ServiceError::NotFound)
}

async fn find_version(
    conn: &impl ConnectionTrait,
    rule_id: RuleId,
    version_id: RuleVersionId,
) -> ServiceResult<rule_versions::Model> {
    rule_versions::Entity::find_by_id(version_id.0)
        .filter(rule_versions::Column::RuleId.eq(rule_id.0))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound)
}

fn require_draft(row: &rule_versions::Model) -> ServiceResult<()> {
    if row.status == DRAFT {
        Ok(())
    } else {
        Err(ServiceError::Conflict {
            field: "status",
            reason: "not_a_draft",
            message: format!(
                "version {} is {}: a published version is never edited; create a draft from it",
                row.version, row.status
            ),
        })
    }
}

async fn insert_draft(
    txn: &DatabaseTransaction,
    rule_id: i64,
    number: i32,
    definition: &RuleVersion,
    actor: UserId,
    now: DateTime<Utc>,
) -> ServiceResult<rule_versions::Model> {
    Ok(rule_versions::ActiveModel {
        rule_id: Set(rule_id),
        version: Set(number),
        status: Set(DRAFT.to_owned()),
        definition: Set(definition_json(definition)?),
        effective_from: Set(None),
        effective_to: Set(None),
        created_by: Set(Some(actor.0)),
        created_at: Set(now),
        published_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Built-in kinds in their display order, then the others by name.
fn sorted_rules(mut rules: Vec<rules::Model>) -> Vec<rules::Model> {
    let rank = |kind: &str| {
        ActionKind::BUILT_IN
            .iter()
            .position(|k| k.as_str() == kind)
            .unwrap_or(ActionKind::BUILT_IN.len())
    };
    rules.sort_by(|a, b| (rank(&a.kind), &a.kind).cmp(&(rank(&b.kind), &b.kind)));
    rules
}

fn status_of(row: &rule_versions::Model) -> ServiceResult<RuleVersionStatus> {
    match row.status.as_str() {
        DRAFT => Ok(RuleVersionStatus::Draft),
        PUBLISHED => Ok(RuleVersionStatus::Published),
        RETIRED => Ok(RuleVersionStatus::Retired),
        other => Err(ServiceError::Internal(format!(
            "rule version {} has status {other}",
            row.id
        ))),
    }
}

fn summary_of(row: &rule_versions::Model, now: DateTime<Utc>) -> ServiceResult<RuleVersionSummary> {
    let status = status_of(row)?;
    let phase = match (status, row.effective_from) {
        (RuleVersionStatus::Draft, _) | (_, None) => RuleVersionPhase::Draft,
        (_, Some(from)) => {
            let ended = row.effective_to.is_some_and(|to| to <= now || to <= from);
            if ended {
                RuleVersionPhase::Ended
            } else if from > now {
                RuleVersionPhase::Scheduled
            } else {
                RuleVersionPhase::InForce
            }
        }
    };
    Ok(RuleVersionSummary {
        id: RuleVersionId(row.id),
        rule_id: RuleId(row.rule_id),
        version: u32::try_from(row.version).unwrap_or(0),
        status,
        phase,
        effective_from: row.effective_from,
        effective_until: row.effective_to,
        created_by: row.created_by.map(UserId),
        created_at: row.created_at,
        published_at: row.published_at,
    })
}

fn view_of(row: &rule_versions::Model, now: DateTime<Utc>) -> ServiceResult<RuleVersionView> {
    Ok(RuleVersionView {
        summary: summary_of(row, now)?,
        definition: definition_of(row)?,
    })
}

/// A version as the audit log keeps it.
fn snapshot(view: &RuleVersionView) -> Value {
    serde_json::to_value(view).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_names_changed_fields_by_path() {
        let old = json!({"caps": {"per_day": 100, "per_month": null},
            "multipliers": [{"percent": 200, "label": {"en": "x"}}], "name": "a"});
        let new = json!({"caps": {"per_day": 150, "per_month": null},
            "multipliers": [{"percent": 300, "label": {"en": "x"}}, {"percent": 50}],
            "name": "a"});
        let changes = diff(&old, &new);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            ["caps.per_day", "multipliers[0].percent", "multipliers[1]"]
        );
        assert_eq!(changes[0].old, json!(100));
        assert_eq!(changes[0].new, json!(150));
        assert_eq!(changes[2].old, Value::Null);
        assert!(diff(&old, &old).is_empty());
    }

    #[test]
    fn a_changed_method_shows_its_tag_and_fields() {
        let old = json!({"reduction": {"method": "fixed", "reduction_mg": 150000}});
        let new = json!({"reduction": {"method": "none"}});
        let fields: Vec<String> = diff(&old, &new).into_iter().map(|c| c.field).collect();
        assert_eq!(fields, ["reduction.method", "reduction.reduction_mg"]);
    }
}
