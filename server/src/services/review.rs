//! Citizens' own claims and the review queue.
//!
//! A claim ("my card wasn't read on the No. 5 bus at 08:10") is evaluated
//! like a partner record but as self-declared, so it is held for review and
//! earns the rule's discounted rate. Reviewers work the held actions —
//! claims, and partner records held for an implausible speed, an overlap or
//! a frozen account — approving (credited with the points the decision
//! computed) or rejecting with a note the citizen sees. Every decision is
//! audited.

use super::audit::{self, AuditObject};
use super::citizen::item_of;
use super::ingest::{credit_held, decide_for_citizen, status_name, svc};
use super::ledger::{self, LedgerError};
use super::rollups::Pending;
use super::rules as rule_store;
use super::{ServiceError, ServiceResult};
use crate::entities::{actions, users};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Set,
};
use serde_json::json;
use tanpu_core::api::{ActionItem, ClaimRequest, ReviewItem, ReviewQueue};
use tanpu_core::rules::{Action, ActionKind, Breakdown, Quantity, Unit};
use tanpu_core::{GramsCo2e, Points, UserId};

/// The longest note.
const NOTE_MAX_CHARS: usize = 500;
/// The largest page of the queue.
const QUEUE_PAGE: u64 = 50;

/// Files a citizen's claim: stored, evaluated as self-declared, and (unless
/// a check rejects it outright) held for review.
///
/// # Errors
/// [`ServiceError::Invalid`] naming the field at fault; database failures.
pub async fn submit_claim(
    db: &DatabaseConnection,
    user: UserId,
    req: ClaimRequest,
    now: DateTime<Utc>,
) -> ServiceResult<ActionItem> {
    let invalid = |field: &'static str, reason: &str| ServiceError::Invalid {
        field,
        reason: reason.to_owned(),
    };
    let kind = ActionKind::parse(&req.kind).map_err(|_| invalid("kind", "not_a_kind"))?;
    let unit = Unit::from_name(&req.unit).ok_or_else(|| invalid("unit", "not_a_unit"))?;
    let quantity = Quantity::parse(&req.quantity.to_string())
        .map_err(|_| invalid("quantity", "not_a_quantity"))?;
    let note = req.note.trim().to_owned();
    if note.is_empty() {
        return Err(invalid("note", "required"));
    }
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(invalid("note", "too_long"));
    }
    let started_at = req.started_at.with_timezone(&Utc);
    let ended_at = req.ended_at.map(|t| t.with_timezone(&Utc));
    if ended_at.is_some_and(|end| end < started_at) {
        return Err(invalid("ended_at", "before_start"));
    }
    let mut action = Action::new(kind, quantity, unit, started_at);
    action.ended_at = ended_at;
    action.self_declared = true;

    let stored = ledger::write::with_retry(db, |txn| {
        let (action, note) = (action.clone(), note.clone());
        Box::pin(async move {
            let rules = rule_store::published_by_kind(txn).await.map_err(svc)?;
            let outcome = decide_for_citizen(txn, &rules, &action, user, now).await?;
            let decision = outcome.decision.as_ref();
            let reasons: Vec<&str> = outcome.reasons.iter().map(|r| r.as_str()).collect();
            let row = actions::ActiveModel {
                partner_id: Set(None),
                external_id: Set(format!("claim-{}", uuid::Uuid::new_v4().simple())),
                user_id: Set(Some(user.0)),
                kind: Set(action.kind.as_str().to_owned()),
                started_at: Set(Some(action.started_at)),
                ended_at: Set(action.ended_at),
                quantity_milli: Set(action.quantity.thousandths()),
                unit: Set(action.unit.as_str().to_owned()),
                attributes: Set("{}".to_owned()),
                // Nothing is credited before a reviewer approves.
                status: Set(status_name(outcome.status).to_owned()),
                points: Set(0),
                co2e_g: Set(0),
                reasons: Set(serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into())),
                breakdown: Set(decision.and_then(|d| serde_json::to_string(d.breakdown()).ok())),
                rule_version_id: Set(decision
                    .and_then(|d| d.breakdown().rule_version_id)
                    .map(|id| id.0)),
                received_at: Set(now),
                self_declared: Set(true),
                note: Set(Some(note)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            let mut pending = Pending::default();
            pending.decided(&row);
            pending.flush(txn).await?;
            Ok(row)
        })
    })
    .await
    .map_err(ServiceError::from)?;
    item_of(&stored)
}

/// The query for a page of the queue: held actions after `after_id`,
/// oldest first, one more than a page (to know whether more follow).
fn queue_page(after_id: Option<i64>) -> Select<actions::Entity> {
    // The value written into the query, not bound: only then may SQLite
    // read the held actions' own index (`idx_actions_held`).
    let mut query = actions::Entity::find()
        .filter(Expr::col((actions::Entity, actions::Column::Status)).eq(Expr::cust("'held'")));
    if let Some(after) = after_id {
        query = query.filter(actions::Column::Id.gt(after));
    }
    query
        .order_by_asc(actions::Column::Id)
        .limit(QUEUE_PAGE + 1)
}

/// Held actions, oldest first.
///
/// # Errors
/// Database failures.
pub async fn queue(db: &DatabaseConnection, after_id: Option<i64>) -> ServiceResult<ReviewQueue> {
    let rows = queue_page(after_id).all(db).await?;
    let more = rows.len() as u64 > QUEUE_PAGE;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows.iter().take(usize::try_from(QUEUE_PAGE).unwrap_or(50)) {
        let nickname = match row.user_id {
            Some(id) => users::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|u| u.nickname),
            None => None,
        };
        items.push(ReviewItem {
            action: item_of(row)?,
            user_id: row.user_id.map(UserId),
            nickname,
            self_declared: row.self_declared,
            note: row.note.clone(),
            points_if_approved: breakdown_of(row)?.map_or(Points(0), |b| b.points),
        });
    }
    let next_after_id = if more {
        items.last().map(|i| i.action.id)
    } else {
        None
    };
    Ok(ReviewQueue {
        items,
        next_after_id,
    })
}

/// Approves a held action: credited with the points its decision computed
/// (a claim's at the self-declared rate), in one transaction with the
/// status change and the audit entry.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown id; [`ServiceError::Conflict`]
/// when it is not held (decided already).
pub async fn approve(
    db: &DatabaseConnection,
    reviewer: UserId,
    id: i64,
    note: String,
) -> ServiceResult<ActionItem> {
    decide(db, reviewer, id, note, true).await
}

/// Rejects a held action with a note the citizen sees.
///
/// # Errors
/// As [`approve`]; [`ServiceError::Invalid`] without a note.
pub async fn reject(
    db: &DatabaseConnection,
    reviewer: UserId,
    id: i64,
    note: String,
) -> ServiceResult<ActionItem> {
    if note.trim().is_empty() {
        return Err(ServiceError::Invalid {
            field: "note",
            reason: "required".to_owned(),
        });
    }
    decide(db, reviewer, id, note, false).await
}

async fn decide(
    db: &DatabaseConnection,
    reviewer: UserId,
    id: i64,
    note: String,
    approve: bool,
) -> ServiceResult<ActionItem> {
    let note = note.trim().chars().take(NOTE_MAX_CHARS).collect::<String>();
    let now = Utc::now();
    let row = ledger::write::with_retry(db, |txn| {
        let note = note.clone();
        Box::pin(async move {
            let row = actions::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or(LedgerError::Service(Box::new(ServiceError::NotFound)))?;
            if row.status != "held" {
                return Err(svc(ServiceError::Conflict {
                    field: "status",
                    reason: "not_held",
                    message: "this action was decided already".to_owned(),
                }));
            }
            let breakdown = breakdown_of(&row).map_err(svc)?;
            let (points, co2e) = match (&breakdown, approve) {
                (Some(b), true) => (b.points, b.co2e_g),
                _ => (Points(0), GramsCo2e(0)),
            };
            let before = json!({"status": row.status});
            let mut active: actions::ActiveModel = row.clone().into();
            active.status = Set(if approve { "accepted" } else { "rejected" }.to_owned());
            active.points = Set(points.0);
            active.co2e_g = Set(co2e.0);
            active.reviewed_by = Set(Some(reviewer.0));
            active.reviewed_at = Set(Some(now));
            active.review_note = Set(Some(note.clone()).filter(|n| !n.is_empty()));
            let updated = active.update(txn).await?;
            let mut pending = Pending::default();
            pending.undecided(&row);
            pending.decided(&updated);
            if let (true, Some(user)) = (approve, updated.user_id) {
                credit_held(txn, &updated, UserId(user), points, co2e, &mut pending).await?;
            }
            pending.flush(txn).await?;
            let after = json!({"status": updated.status, "points": points.0, "note": note});
            let action = if approve {
                "review.approve"
            } else {
                "review.reject"
            };
            audit::record(
                txn,
                Some(reviewer),
                action,
                &AuditObject::new("action", id),
                Some(&before),
                Some(&after),
            )
            .await
            .map_err(svc)?;
            Ok(updated)
        })
    })
    .await
    .map_err(ServiceError::from)?;
    item_of(&row)
}

fn breakdown_of(row: &actions::Model) -> ServiceResult<Option<Breakdown>> {
    row.breakdown
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| ServiceError::Internal(format!("action {} breakdown unreadable: {e}", row.id)))
}

#[cfg(test)]
mod tests {
    use super::queue_page;
    use crate::services::query_plan;

    #[tokio::test]
    async fn the_queue_reads_the_held_actions_index() {
        let plan = query_plan::of_sqlite(queue_page(Some(7))).await;
        assert!(plan.contains("idx_actions_held"), "{plan}");
    }
}
