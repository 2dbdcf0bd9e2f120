//! Credit rules in the database: one rule per action kind, drafts and
//! immutable published versions with effective intervals, and the version
//! in force at an instant.
//!
//! A version's parameters are tanpu-core's [`RuleVersion`] as JSON; its id,
//! rule and effective interval live in columns, so the interval can be
//! queried and closed without touching the published definition.

use super::{ServiceError, ServiceResult};
use crate::entities::{rule_versions, rules};
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use tanpu_core::ids::{RuleId, RuleVersionId};
use tanpu_core::rules::{RuleVersion, seeds};

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
    // Rules are few: two queries joined in memory.
    let kinds: HashMap<i64, String> = rules::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.kind))
        .collect();
    let rows = rule_versions::Entity::find()
        .filter(rule_versions::Column::Status.ne("draft"))
        .order_by_asc(rule_versions::Column::Id)
        .all(conn)
        .await?;
    let mut by_kind: HashMap<String, Vec<RuleVersion>> = HashMap::new();
    for row in &rows {
        let kind = kinds
            .get(&row.rule_id)
            .ok_or_else(|| ServiceError::Internal(format!("rule {} missing", row.rule_id)))?;
        by_kind
            .entry(kind.clone())
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
fn to_version(row: &rule_versions::Model) -> ServiceResult<RuleVersion> {
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
