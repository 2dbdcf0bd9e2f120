//! Partner ingestion: every record verified, decided and — when accepted —
//! credited, exactly once.
//!
//! A batch runs in one write transaction (retried as a whole on contention)
//! and is worked set-based ([`batch`]): the records are read, the partner's
//! earlier records, the bindings and the citizens' facts are looked up for
//! the whole batch at once, each record is decided in order in memory (a
//! partner never names a user: the citizen comes from a binding; the rule
//! is the version in force at the record's time), and what was decided is
//! written in a few multi-row statements with one ledger batch for the
//! credits. Records later in a batch see the credits of earlier ones, so
//! caps hold within a batch too.
//!
//! Late bindings ([`credit_newly_bound`]) and reviews (`super::review`) use
//! the same facts, evaluator and crediting for their few records.

mod batch;
mod credit;
mod facts;
pub mod queue;
mod record;

use self::credit::Credit;
pub use self::credit::Lane;
use self::facts::Facts;
use super::ledger::{self, LedgerError, LedgerResult};
use super::partners::{self, AuthenticatedPartner};
use super::rollups::Pending;
use super::rules as rule_store;
use super::{ServiceError, ServiceResult};
use crate::config::Secret;
use crate::entities::actions;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, Select, Set, SqlErr,
};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use tanpu_core::api::{RecordResult, RecordStatus};
use tanpu_core::rules::{
    Action, ActionKind, Context, Decision, Quantity, ReasonCode, RuleVersion, Unit, evaluate,
};
use tanpu_core::{GramsCo2e, PartnerId, Points, UserId};

/// The most records one batch may carry.
pub const MAX_BATCH: usize = 1_000;

/// Reads one raw partner record exactly as a batch does, with no database:
/// its trimmed external id, the action it describes and its normalised
/// subject (`None` when the value is no well-formed card or plate). Public
/// for the fuzz targets (`fuzz/`).
///
/// # Errors
/// The external id the record carried (empty if none) when it is
/// malformed: what a batch answers `invalid_record` with.
pub fn read_record(
    raw: &Value,
) -> Result<(String, Action, Option<tanpu_core::binding::Subject>), String> {
    record::parse(raw)
        .map(|incoming| (incoming.external_id, incoming.action, incoming.subject))
        .map_err(|malformed| malformed.external_id)
}

/// How often a batch is run again after losing a race for a record.
const RACE_ATTEMPTS: u32 = 3;

/// How many issuance shards each partner credits from, so that concurrent
/// batches for different citizens do not all wait on one account row.
const ISSUANCE_SHARDS: u32 = 16;

/// Verifies and credits a batch of raw records. With `request_id` (a
/// signed request's `webhook-id`, checked but not yet remembered), the id
/// is remembered in the same transaction, and a replay stores nothing.
///
/// # Errors
/// [`ServiceError::Invalid`] for more than [`MAX_BATCH`] records;
/// [`ServiceError::Unauthenticated`] for a replayed request; database
/// failures (nothing of the batch is then written).
pub async fn ingest_batch(
    db: &DatabaseConnection,
    binding_key: &Secret,
    partner: &AuthenticatedPartner,
    records: Vec<Value>,
    now: DateTime<Utc>,
    request_id: Option<&str>,
) -> ServiceResult<Vec<RecordResult>> {
    check_batch_size(&records)?;
    let request = RecordRequest::read(request_id.map(str::to_owned), &records, binding_key);
    ingest_requests(db, partner, vec![request], now)
        .await?
        .pop()
        .unwrap_or_else(|| Err(ServiceError::Internal("a request gave no answer".into())))
}

/// Refuses more than [`MAX_BATCH`] records in one request.
fn check_batch_size(records: &[Value]) -> ServiceResult<()> {
    if records.len() > MAX_BATCH {
        return Err(ServiceError::Invalid {
            field: "records",
            reason: "too_many_records".to_owned(),
        });
    }
    Ok(())
}

/// One partner request's records, read, and its id to remember (if it is
/// a signed request whose id was not remembered yet).
pub struct RecordRequest {
    /// The request's `webhook-id`.
    request_id: Option<String>,
    /// Its records, read and their subjects hashed.
    records: Vec<record::Prepared>,
}

impl RecordRequest {
    /// Reads `records` (hashing their subjects with `binding_key`), on the
    /// caller's task: the write turn then has nothing left to do with them
    /// but decide.
    #[must_use]
    pub fn read(request_id: Option<String>, records: &[Value], binding_key: &Secret) -> Self {
        Self {
            request_id,
            records: records
                .iter()
                .map(|raw| record::Prepared::read(raw, binding_key))
                .collect(),
        }
    }
}

/// Ingests several requests of one partner in one transaction — one
/// durable commit for all of them (group commit, [`queue`]). Each
/// request's id is remembered first; a replayed request is answered
/// [`ServiceError::Unauthenticated`] and none of its records is stored. The
/// others' records are decided as one batch, in order.
///
/// # Errors
/// Database failures (nothing of any request is then written).
pub async fn ingest_requests(
    db: &DatabaseConnection,
    partner: &AuthenticatedPartner,
    requests: Vec<RecordRequest>,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<ServiceResult<Vec<RecordResult>>>> {
    let (answers, flush) = ingest_requests_unflushed(db, partner, requests, Lane::ALL, now).await?;
    flush.wait().await?;
    Ok(answers)
}

/// [`ingest_requests`], crediting from the issuance shards of `lane`, and
/// returning once the group has committed, with the flush to wait for
/// before any of its senders is answered ([`ledger::write::Flush`]): the
/// next group may be written meanwhile.
///
/// # Errors
/// As [`ingest_requests`].
pub async fn ingest_requests_unflushed(
    db: &DatabaseConnection,
    partner: &AuthenticatedPartner,
    requests: Vec<RecordRequest>,
    lane: Lane,
    now: DateTime<Utc>,
) -> ServiceResult<(Vec<ServiceResult<Vec<RecordResult>>>, ledger::write::Flush)> {
    // Each attempt owns what it reads: the retry loop may run it again.
    let requests = Arc::new(requests);
    let mut attempt = 1;
    loop {
        let result = ledger::write::with_retry_unflushed(db, |txn| {
            let (requests, partner) = (Arc::clone(&requests), partner.clone());
            Box::pin(async move { run_requests(txn, &partner, &requests, lane, now).await })
        })
        .await;
        match result {
            // Another request stored one of these records first (a partner
            // retrying while its first attempt was still running): run the
            // batch again, and that record is now a duplicate.
            Err(LedgerError::Database(e))
                if attempt < RACE_ATTEMPTS
                    && matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
            {
                attempt += 1;
            }
            other => return other.map_err(ServiceError::from),
        }
    }
}

/// One attempt of [`ingest_requests`], in its transaction.
async fn run_requests(
    txn: &DatabaseTransaction,
    partner: &AuthenticatedPartner,
    requests: &[RecordRequest],
    lane: Lane,
    now: DateTime<Utc>,
) -> LedgerResult<Vec<ServiceResult<Vec<RecordResult>>>> {
    let ids: Vec<&str> = requests
        .iter()
        .filter_map(|request| request.request_id.as_deref())
        .collect();
    let remembered = partners::remember_requests(txn, partner.id, &ids, now.timestamp()).await?;
    let mut seen = std::collections::HashSet::new();
    let fresh: Vec<bool> = requests
        .iter()
        .map(|request| match request.request_id.as_deref() {
            None => true,
            // The first of two requests with one id in a group wins, as the
            // first to commit would.
            Some(id) => seen.insert(id) && remembered.contains(id),
        })
        .collect();
    let records: Vec<&record::Prepared> = requests
        .iter()
        .zip(&fresh)
        .filter(|(_, admitted)| **admitted)
        .flat_map(|(request, _)| &request.records)
        .collect();
    let mut results = batch::run(txn, partner, &records, lane, now)
        .await?
        .into_iter();
    Ok(requests
        .iter()
        .zip(fresh)
        .map(|(request, admitted)| {
            if admitted {
                Ok(results.by_ref().take(request.records.len()).collect())
            } else {
                let id = request.request_id.as_deref().unwrap_or_default();
                Err(partners::replayed(partner.id, id))
            }
        })
        .collect())
}

/// The stored decision of one of the partner's records.
///
/// # Errors
/// [`ServiceError::NotFound`] when this partner sent no such record.
pub async fn decision_of(
    db: &DatabaseConnection,
    partner: &AuthenticatedPartner,
    external_id: &str,
) -> ServiceResult<RecordResult> {
    // No stored record has such an id, and PostgreSQL would refuse a NUL
    // in the query.
    if !record::is_external_id(external_id) {
        return Err(ServiceError::NotFound);
    }
    let row = actions::Entity::find()
        .filter(actions::Column::PartnerId.eq(partner.id.0))
        .filter(actions::Column::ExternalId.eq(external_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    result_of(&row, None)
}

/// Credits the records that arrived for a card or plate before it was bound
/// (rejected as `unbound_subject`), now that `user` has bound it: each is
/// decided again as of `now`, so the claim window still applies and a
/// record too old is rejected as `too_old`. Returns how many were credited.
///
/// # Errors
/// Database failures (nothing is then changed).
pub async fn credit_newly_bound(
    db: &DatabaseConnection,
    user: UserId,
    subject_kind: &str,
    subject_hash: &str,
    now: DateTime<Utc>,
) -> ServiceResult<u32> {
    let (kind, hash) = (subject_kind.to_owned(), subject_hash.to_owned());
    ledger::write::with_retry(db, |txn| {
        let (kind, hash) = (kind.clone(), hash.clone());
        Box::pin(async move {
            let waiting = waiting_for(&kind, &hash).all(txn).await?;
            let waiting: Vec<(actions::Model, Action, i64)> = waiting
                .into_iter()
                .filter(|row| row.reasons == r#"["unbound_subject"]"#)
                .filter_map(|row| {
                    let action = stored_action(&row)?;
                    let partner = row.partner_id?;
                    Some((row, action, partner))
                })
                .collect();
            if waiting.is_empty() {
                return Ok(0);
            }
            let rules = rule_store::published_by_kind(txn).await.map_err(svc)?;
            let mut opened = credit::lock_citizens(txn, [user], None).await?;
            let pairs: Vec<_> = waiting
                .iter()
                .map(|(_, action, _)| (user, action))
                .collect();
            let mut facts = Facts::load(txn, &pairs).await?;
            let mut pending = Pending::default();
            let mut decided = Vec::with_capacity(waiting.len());
            let mut credits = Vec::new();
            for (row, action, partner) in &waiting {
                let outcome = decide_with(&rules, action, |a| facts.context(user, a, now));
                let (points, co2e) = outcome.amounts();
                facts.record(user, action, outcome.status, points);
                let mut updated = row.clone();
                updated.user_id = Some(user.0);
                apply_outcome(&mut updated, &outcome);
                if outcome.status == RecordStatus::Accepted {
                    credits.push(Credit {
                        partner: Some(PartnerId(*partner)),
                        user,
                        action_id: row.id,
                        kind: row.kind.clone(),
                        started_at: action.started_at,
                        points,
                        co2e,
                    });
                }
                decided.push((row, updated));
            }
            let transfers =
                credit::credit_all(txn, &credits, Lane::ALL, &mut opened, &mut pending).await?;
            let paid: HashMap<i64, Option<i64>> =
                credits.iter().map(|c| c.action_id).zip(transfers).collect();
            for (before, mut after) in decided {
                after.transfer_id = paid.get(&after.id).copied().flatten();
                pending.undecided(before);
                pending.decided(&after);
                after.into_active_model().reset_all().update(txn).await?;
            }
            pending.flush(txn).await?;
            Ok(u32::try_from(credits.len()).unwrap_or(u32::MAX))
        })
    })
    .await
    .map_err(ServiceError::from)
}

/// The records of a card or plate that nobody had bound when they came
/// (read through `idx_actions_unbound`, which holds only such records).
fn waiting_for(subject_kind: &str, subject_hash: &str) -> Select<actions::Entity> {
    actions::Entity::find()
        .filter(actions::Column::SubjectKind.eq(subject_kind))
        .filter(actions::Column::SubjectHash.eq(subject_hash))
        .filter(actions::Column::UserId.is_null())
        .filter(actions::Column::Status.eq("rejected"))
}

/// Writes a decision into a stored action's fields.
fn apply_outcome(row: &mut actions::Model, outcome: &Outcome) {
    let decision = outcome.decision.as_ref();
    let (points, co2e) = outcome.amounts();
    let reasons: Vec<&str> = outcome.reasons.iter().map(|r| r.as_str()).collect();
    row.status = status_name(outcome.status).to_owned();
    row.points = points.0;
    row.co2e_g = co2e.0;
    row.reasons = serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into());
    row.breakdown = decision.and_then(|d| serde_json::to_string(d.breakdown()).ok());
    row.rule_version_id = decision
        .and_then(|d| d.breakdown().rule_version_id)
        .map(|id| id.0);
}

/// The action a stored record describes; `None` if it cannot be rebuilt.
pub(super) fn stored_action(row: &actions::Model) -> Option<Action> {
    let kind = ActionKind::parse(&row.kind).ok()?;
    let unit = Unit::from_name(&row.unit)?;
    let quantity = Quantity::from_thousandths(row.quantity_milli)?;
    let attributes: serde_json::Map<String, Value> = serde_json::from_str(&row.attributes).ok()?;
    let mut action = Action::new(kind, quantity, unit, row.started_at?);
    action.ended_at = row.ended_at;
    action.attributes = record::attributes_of(&attributes);
    Some(action)
}

/// Inside the ledger's retry loop errors are ledger errors: database errors
/// keep their identity (so contention is retried), other services' errors
/// pass through whole.
pub(super) fn svc(err: ServiceError) -> LedgerError {
    LedgerError::Service(Box::new(err))
}

/// A record's outcome before it is stored.
pub(super) struct Outcome {
    pub(super) status: RecordStatus,
    pub(super) reasons: Vec<ReasonCode>,
    pub(super) decision: Option<Decision>,
}

impl Outcome {
    /// The points and reduction the decision gives (a held action's are
    /// what it would earn if approved).
    pub(super) fn amounts(&self) -> (Points, GramsCo2e) {
        let decision = self.decision.as_ref();
        (
            decision.map_or(Points(0), Decision::points),
            decision.map_or(GramsCo2e(0), Decision::co2e),
        )
    }

    pub(super) fn rejected(reason: ReasonCode) -> Self {
        Self {
            status: RecordStatus::Rejected,
            reasons: vec![reason],
            decision: None,
        }
    }
}

/// The rule in force and the evaluator, for an action whose citizen is
/// known (a citizen's claim): the citizen's account is locked and their
/// facts read first.
///
/// # Errors
/// Database failures.
pub(super) async fn decide_for_citizen<C: ConnectionTrait>(
    conn: &C,
    rules: &HashMap<String, Vec<RuleVersion>>,
    action: &Action,
    user: UserId,
    now: DateTime<Utc>,
) -> LedgerResult<Outcome> {
    credit::lock_citizens(conn, [user], None).await?;
    let facts = Facts::load(conn, &[(user, action)]).await?;
    Ok(decide_with(rules, action, |a| facts.context(user, a, now)))
}

/// The version of the rule for `action`'s kind in force at its time, and
/// the evaluator with the context `context` gives (asked only when a rule
/// applies).
pub(super) fn decide_with(
    rules: &HashMap<String, Vec<RuleVersion>>,
    action: &Action,
    context: impl FnOnce(&Action) -> Context,
) -> Outcome {
    let Some(rule) = rule_store::in_force(rules, action.kind.as_str(), action.started_at) else {
        return Outcome::rejected(ReasonCode::KindNotAllowed);
    };
    let decision = evaluate(action, rule, &context(action));
    Outcome {
        status: match &decision {
            Decision::Accepted { .. } => RecordStatus::Accepted,
            Decision::Rejected { .. } => RecordStatus::Rejected,
            Decision::Held { .. } => RecordStatus::Held,
        },
        reasons: decision.reasons().to_vec(),
        decision: Some(decision),
    }
}

/// Credits a held action a reviewer approved (its citizen's account
/// locked first, as every credit's is) and records the transfer on it.
///
/// # Errors
/// Database failures.
pub(super) async fn credit_held<C: ConnectionTrait>(
    conn: &C,
    row: &actions::Model,
    user: UserId,
    points: Points,
    co2e: GramsCo2e,
    pending: &mut Pending,
) -> LedgerResult<()> {
    let Some(started_at) = row.started_at else {
        return Ok(());
    };
    let credit = Credit {
        partner: row.partner_id.map(PartnerId),
        user,
        action_id: row.id,
        kind: row.kind.clone(),
        started_at,
        points,
        co2e,
    };
    let mut opened = credit::lock_citizens(conn, [user], None).await?;
    let transfers = credit::credit_all(conn, &[credit], Lane::ALL, &mut opened, pending).await?;
    if let Some(transfer) = transfers.into_iter().flatten().next() {
        let mut active: actions::ActiveModel = row.clone().into();
        active.transfer_id = Set(Some(transfer));
        active.update(conn).await?;
    }
    Ok(())
}

pub(super) fn status_name(status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Accepted => "accepted",
        RecordStatus::Rejected | RecordStatus::Duplicate => "rejected",
        RecordStatus::Held => "held",
    }
}

/// The answer for a stored record; `as_status` overrides the status (for
/// duplicates).
fn result_of(row: &actions::Model, as_status: Option<RecordStatus>) -> ServiceResult<RecordResult> {
    let stored = match row.status.as_str() {
        "accepted" => RecordStatus::Accepted,
        "held" => RecordStatus::Held,
        _ => RecordStatus::Rejected,
    };
    let reasons: Vec<String> = serde_json::from_str(&row.reasons).map_err(|e| {
        ServiceError::Internal(format!("action {} reasons unreadable: {e}", row.id))
    })?;
    Ok(RecordResult {
        external_id: row.external_id.clone(),
        status: as_status.unwrap_or(stored),
        points: Points(row.points),
        co2e_g: GramsCo2e(row.co2e_g),
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::waiting_for;
    use crate::services::query_plan;

    #[tokio::test]
    async fn a_new_binding_finds_its_waiting_records_through_their_own_index() {
        let plan = query_plan::of_sqlite(waiting_for("transit_card", "ab12")).await;
        assert!(plan.contains("idx_actions_unbound"), "{plan}");
    }
}
