//! Partner ingestion: every record verified, decided and — when accepted —
//! credited, exactly once.
//!
//! A batch runs in one write transaction (retried as a whole on contention):
//! for each record in order, parse it; answer `duplicate` with the first
//! decision if `(partner, external_id)` was seen; resolve the citizen through
//! a binding (a partner never names a user); pick the rule version in force
//! at the record's time; gather the citizen's context (credited today and
//! this month, overlapping actions, frozen); evaluate with tanpu-core; store
//! the record with its decision; credit the ledger from the partner's
//! issuance account and add to the roll-ups. Records later in a batch see
//! the credits of earlier ones, so caps hold within a batch too.

use super::bindings::subject_hash;
use super::ledger::{self, LedgerError, LedgerResult, ObjectRef, TransferRequest};
use super::partners::AuthenticatedPartner;
use super::rollups::Pending;
use super::rules as rule_store;
use super::{ServiceError, ServiceResult};
use crate::config::Secret;
use crate::entities::{actions, user_daily_totals, users};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QuerySelect, Set, SqlErr,
};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use tanpu_core::api::{PartnerRecord, RecordResult, RecordStatus};
use tanpu_core::binding::Subject;
use tanpu_core::ledger::TransferReason;
use tanpu_core::rules::calendar::city_date;
use tanpu_core::rules::{
    Action, ActionKind, Context, Decision, Quantity, ReasonCode, RuleVersion, TimeSpan, Totals,
    Unit, evaluate,
};
use tanpu_core::{GramsCo2e, PartnerId, Points, UserId};

/// The most records one batch may carry.
pub const MAX_BATCH: usize = 1_000;

/// How often a batch is run again after losing a race for a record.
const RACE_ATTEMPTS: u32 = 3;

/// How many issuance shards each partner credits from, so that concurrent
/// batches for different citizens do not all wait on one account row.
const ISSUANCE_SHARDS: u32 = 16;

/// Verifies and credits a batch of raw records.
///
/// # Errors
/// [`ServiceError::Invalid`] for more than [`MAX_BATCH`] records; database
/// failures (nothing of the batch is then written).
pub async fn ingest_batch(
    db: &DatabaseConnection,
    binding_key: &Secret,
    partner: &AuthenticatedPartner,
    records: Vec<Value>,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<RecordResult>> {
    if records.len() > MAX_BATCH {
        return Err(ServiceError::Invalid {
            field: "records",
            reason: "too_many_records".to_owned(),
        });
    }
    // Each attempt owns what it reads: the retry loop may run it again.
    let records = Arc::new(records);
    let mut attempt = 1;
    loop {
        let result = ledger::write::with_retry(db, |txn| {
            let (records, key, partner) =
                (Arc::clone(&records), binding_key.clone(), partner.clone());
            Box::pin(async move {
                let rules = rule_store::published_by_kind(txn).await.map_err(svc)?;
                let mut results = Vec::with_capacity(records.len());
                let mut pending = Pending::default();
                for raw in records.iter() {
                    results.push(
                        ingest_one(txn, &key, &partner, &rules, raw, now, &mut pending).await?,
                    );
                }
                pending.flush(txn).await?;
                Ok(results)
            })
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

/// The stored decision of one of the partner's records.
///
/// # Errors
/// [`ServiceError::NotFound`] when this partner sent no such record.
pub async fn decision_of(
    db: &DatabaseConnection,
    partner: &AuthenticatedPartner,
    external_id: &str,
) -> ServiceResult<RecordResult> {
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
            let waiting = actions::Entity::find()
                .filter(actions::Column::SubjectKind.eq(kind))
                .filter(actions::Column::SubjectHash.eq(hash))
                .filter(actions::Column::UserId.is_null())
                .filter(actions::Column::Status.eq("rejected"))
                .all(txn)
                .await?;
            let waiting: Vec<_> = waiting
                .into_iter()
                .filter(|row| row.reasons == r#"["unbound_subject"]"#)
                .collect();
            if waiting.is_empty() {
                return Ok(0);
            }
            let rules = rule_store::published_by_kind(txn).await.map_err(svc)?;
            let mut credited = 0;
            let mut pending = Pending::default();
            for row in waiting {
                let (Some(action), Some(partner)) = (stored_action(&row), row.partner_id) else {
                    continue;
                };
                let outcome = decide_for_citizen(txn, &rules, &action, user, now).await?;
                let decision = outcome.decision.as_ref();
                let points = decision.map_or(Points(0), Decision::points);
                let co2e = decision.map_or(GramsCo2e(0), Decision::co2e);
                let reasons: Vec<&str> = outcome.reasons.iter().map(|r| r.as_str()).collect();
                let mut active: actions::ActiveModel = row.clone().into();
                active.user_id = Set(Some(user.0));
                active.status = Set(status_name(outcome.status).to_owned());
                active.points = Set(points.0);
                active.co2e_g = Set(co2e.0);
                active.reasons =
                    Set(serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into()));
                active.breakdown =
                    Set(decision.and_then(|d| serde_json::to_string(d.breakdown()).ok()));
                active.rule_version_id = Set(decision
                    .and_then(|d| d.breakdown().rule_version_id)
                    .map(|id| id.0));
                let updated = active.update(txn).await?;
                pending.undecided(&row);
                pending.decided(&updated);
                if outcome.status == RecordStatus::Accepted {
                    let source = issuance_source(Some(PartnerId(partner)));
                    credit(
                        txn,
                        &source,
                        &updated,
                        user,
                        action.started_at,
                        points,
                        co2e,
                        &mut pending,
                    )
                    .await?;
                    credited += 1;
                }
            }
            pending.flush(txn).await?;
            Ok(credited)
        })
    })
    .await
    .map_err(ServiceError::from)
}

/// The action a stored record describes; `None` if it cannot be rebuilt.
pub(super) fn stored_action(row: &actions::Model) -> Option<Action> {
    let kind = ActionKind::parse(&row.kind).ok()?;
    let unit = Unit::from_name(&row.unit)?;
    let quantity = Quantity::from_thousandths(row.quantity_milli)?;
    let attributes: serde_json::Map<String, Value> = serde_json::from_str(&row.attributes).ok()?;
    let mut action = Action::new(kind, quantity, unit, row.started_at?);
    action.ended_at = row.ended_at;
    action.attributes = attributes
        .into_iter()
        .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
        .collect();
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
    fn rejected(reason: ReasonCode) -> Self {
        Self {
            status: RecordStatus::Rejected,
            reasons: vec![reason],
            decision: None,
        }
    }
}

async fn ingest_one(
    txn: &DatabaseTransaction,
    binding_key: &Secret,
    partner: &AuthenticatedPartner,
    rules: &HashMap<String, Vec<RuleVersion>>,
    raw: &Value,
    now: DateTime<Utc>,
    pending: &mut Pending,
) -> LedgerResult<RecordResult> {
    let external_id = raw
        .get("external_id")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    let invalid = || RecordResult {
        external_id: external_id.clone(),
        status: RecordStatus::Rejected,
        points: Points(0),
        co2e_g: GramsCo2e(0),
        reasons: vec![ReasonCode::InvalidRecord.as_str().to_owned()],
    };
    let Ok(record) = serde_json::from_value::<PartnerRecord>(raw.clone()) else {
        return Ok(invalid());
    };
    if external_id.is_empty() || external_id.len() > 128 {
        return Ok(invalid());
    }
    let Some(parsed) = ParsedRecord::from(&record) else {
        return Ok(invalid());
    };

    if let Some(first) = actions::Entity::find()
        .filter(actions::Column::PartnerId.eq(partner.id.0))
        .filter(actions::Column::ExternalId.eq(&external_id))
        .one(txn)
        .await?
    {
        return result_of(&first, Some(RecordStatus::Duplicate)).map_err(svc);
    }

    let hash = parsed
        .subject
        .as_ref()
        .map(|s| subject_hash(binding_key, s));
    let user = match &parsed.subject {
        Some(subject) => super::bindings::resolve(txn, binding_key, subject)
            .await
            .map_err(svc)?,
        None => None,
    };
    let outcome = decide(txn, partner, rules, &parsed, user, now).await?;

    let decision = outcome.decision.as_ref();
    let points = decision.map_or(Points(0), Decision::points);
    let co2e = decision.map_or(GramsCo2e(0), Decision::co2e);
    let reasons: Vec<String> = outcome
        .reasons
        .iter()
        .map(|r| r.as_str().to_owned())
        .collect();
    let row = actions::ActiveModel {
        partner_id: Set(Some(partner.id.0)),
        external_id: Set(external_id.clone()),
        user_id: Set(user.map(|u| u.0)),
        subject_kind: Set(Some(record.subject.kind.as_str().to_owned())),
        subject_hash: Set(hash),
        kind: Set(record.kind.clone()),
        started_at: Set(Some(parsed.action.started_at)),
        ended_at: Set(parsed.action.ended_at),
        quantity_milli: Set(parsed.action.quantity.thousandths()),
        unit: Set(parsed.action.unit.as_str().to_owned()),
        attributes: Set(Value::Object(record.attributes.clone()).to_string()),
        status: Set(status_name(outcome.status).to_owned()),
        points: Set(points.0),
        co2e_g: Set(co2e.0),
        reasons: Set(serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into())),
        breakdown: Set(decision.and_then(|d| serde_json::to_string(d.breakdown()).ok())),
        rule_version_id: Set(decision
            .and_then(|d| d.breakdown().rule_version_id)
            .map(|id| id.0)),
        transfer_id: Set(None),
        received_at: Set(now),
        self_declared: Set(false),
        note: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        review_note: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    pending.decided(&row);

    if let (RecordStatus::Accepted, Some(user)) = (outcome.status, user) {
        credit(
            txn,
            &issuance_source(Some(partner.id)),
            &row,
            user,
            parsed.action.started_at,
            points,
            co2e,
            pending,
        )
        .await?;
    }
    Ok(RecordResult {
        external_id,
        status: outcome.status,
        points,
        co2e_g: co2e,
        reasons,
    })
}

/// The checks that need the database, then the evaluator.
async fn decide(
    txn: &DatabaseTransaction,
    partner: &AuthenticatedPartner,
    rules: &HashMap<String, Vec<RuleVersion>>,
    parsed: &ParsedRecord,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> LedgerResult<Outcome> {
    let kind = parsed.action.kind.as_str();
    if !partner.kinds.iter().any(|k| k == kind) {
        return Ok(Outcome::rejected(ReasonCode::KindNotAllowed));
    }
    let Some(user) = user else {
        return Ok(Outcome::rejected(ReasonCode::UnboundSubject));
    };
    decide_for_citizen(txn, rules, &parsed.action, user, now).await
}

/// The rule in force and the evaluator, for an action whose citizen is known.
pub(super) async fn decide_for_citizen(
    txn: &DatabaseTransaction,
    rules: &HashMap<String, Vec<RuleVersion>>,
    action: &Action,
    user: UserId,
    now: DateTime<Utc>,
) -> LedgerResult<Outcome> {
    let Some(rule) = rule_store::in_force(rules, action.kind.as_str(), action.started_at) else {
        return Ok(Outcome::rejected(ReasonCode::KindNotAllowed));
    };
    let context = context_for(txn, user, action, now).await?;
    let decision = evaluate(action, rule, &context);
    Ok(Outcome {
        status: match &decision {
            Decision::Accepted { .. } => RecordStatus::Accepted,
            Decision::Rejected { .. } => RecordStatus::Rejected,
            Decision::Held { .. } => RecordStatus::Held,
        },
        reasons: decision.reasons().to_vec(),
        decision: Some(decision),
    })
}

/// An action's stored start and end.
type StoredSpan = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// What the evaluator needs to know about the citizen.
async fn context_for(
    txn: &DatabaseTransaction,
    user: UserId,
    action: &Action,
    now: DateTime<Utc>,
) -> LedgerResult<Context> {
    let frozen = users::Entity::find_by_id(user.0)
        .one(txn)
        .await?
        .is_some_and(|u| u.frozen_at.is_some());
    let day = city_date(action.started_at);
    let month_start = NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap_or(day);
    let totals_rows = user_daily_totals::Entity::find()
        .filter(user_daily_totals::Column::UserId.eq(user.0))
        .filter(user_daily_totals::Column::Day.gte(month_start))
        .filter(user_daily_totals::Column::Day.lte(day))
        .all(txn)
        .await?;
    let mut totals = Totals::default();
    for row in &totals_rows {
        let same_kind = row.kind == action.kind.as_str();
        let today = row.day == day;
        totals.all_month += Points(row.points);
        if today {
            totals.all_today += Points(row.points);
        }
        if same_kind {
            totals.kind_month += Points(row.points);
            if today {
                totals.kind_today += Points(row.points);
            }
        }
    }
    // Other actions that could overlap: accepted or held, starting within a
    // day before this one ends.
    let end = action.ended_at.unwrap_or(action.started_at);
    let nearby: Vec<StoredSpan> = actions::Entity::find()
        .select_only()
        .column(actions::Column::StartedAt)
        .column(actions::Column::EndedAt)
        .filter(actions::Column::UserId.eq(user.0))
        .filter(actions::Column::Status.is_in(["accepted", "held"]))
        .filter(actions::Column::StartedAt.gt(action.started_at - Duration::days(1)))
        .filter(actions::Column::StartedAt.lte(end))
        .into_tuple()
        .all(txn)
        .await?;
    let other_actions = nearby
        .into_iter()
        .filter_map(|(started_at, ended_at)| {
            Some(TimeSpan {
                started_at: started_at?,
                ended_at,
            })
        })
        .collect();
    Ok(Context {
        account_frozen: frozen,
        totals,
        other_actions,
        ..Context::new(now)
    })
}

/// Where an action's credits are issued from: its partner's issuance
/// account, or the citizens' claims account for self-declared actions.
fn issuance_source(partner: Option<PartnerId>) -> String {
    partner.map_or_else(|| "claims".to_owned(), |p| format!("partner-{p}"))
}

/// Credits a held action a reviewer approved.
///
/// # Errors
/// Database failures.
pub(super) async fn credit_held(
    txn: &DatabaseTransaction,
    row: &actions::Model,
    user: UserId,
    points: Points,
    co2e: GramsCo2e,
    pending: &mut Pending,
) -> LedgerResult<()> {
    let Some(started_at) = row.started_at else {
        return Ok(());
    };
    let source = issuance_source(row.partner_id.map(PartnerId));
    credit(txn, &source, row, user, started_at, points, co2e, pending).await
}

/// Credits an accepted action: one ledger transfer from the partner's
/// issuance shard to the citizen, the citizen's daily totals (at once: the
/// caps of the next record read them), and the roll-ups (gathered in
/// `pending`).
#[allow(clippy::too_many_arguments)]
pub(super) async fn credit(
    txn: &DatabaseTransaction,
    source: &str,
    row: &actions::Model,
    user: UserId,
    started_at: DateTime<Utc>,
    points: Points,
    co2e: GramsCo2e,
    pending: &mut Pending,
) -> LedgerResult<()> {
    let day = city_date(started_at);
    if points.0 > 0 {
        let issuer = ledger::accounts::issuance_for(txn, source, ISSUANCE_SHARDS, user).await?;
        let citizen = ledger::accounts::citizen(txn, user).await?;
        let receipt = ledger::transfer::transfer_batch_in(
            txn,
            vec![TransferRequest {
                debit: issuer.id,
                credit: citizen.id,
                amount: points,
                reason: TransferReason::GreenAction,
                object: Some(ObjectRef {
                    kind: "action".to_owned(),
                    id: row.id.to_string(),
                }),
                memo: None,
            }],
            None,
        )
        .await?;
        let transfer = receipt.transfers.first().map(|t| t.id.0);
        let mut active: actions::ActiveModel = row.clone().into();
        active.transfer_id = Set(transfer);
        active.update(txn).await?;
    }
    pending.credited(user.0, day, &row.kind, co2e, points);
    add_user_daily(txn, user, day, &row.kind, co2e, points).await
}

async fn add_user_daily(
    conn: &impl ConnectionTrait,
    user: UserId,
    day: NaiveDate,
    kind: &str,
    co2e: GramsCo2e,
    points: Points,
) -> LedgerResult<()> {
    use user_daily_totals::Column as C;
    user_daily_totals::Entity::insert(user_daily_totals::ActiveModel {
        user_id: Set(user.0),
        day: Set(day),
        kind: Set(kind.to_owned()),
        points: Set(points.0),
        co2e_g: Set(co2e.0),
        actions: Set(1),
    })
    .on_conflict(
        OnConflict::columns([C::UserId, C::Day, C::Kind])
            .value(
                C::Points,
                Expr::col((user_daily_totals::Entity, C::Points)).add(points.0),
            )
            .value(
                C::Co2eG,
                Expr::col((user_daily_totals::Entity, C::Co2eG)).add(co2e.0),
            )
            .value(
                C::Actions,
                Expr::col((user_daily_totals::Entity, C::Actions)).add(1),
            )
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// A record's fields in domain types; `None` when any is malformed.
struct ParsedRecord {
    action: Action,
    subject: Option<Subject>,
}

impl ParsedRecord {
    fn from(record: &PartnerRecord) -> Option<Self> {
        let kind = ActionKind::parse(&record.kind).ok()?;
        let unit = Unit::from_name(&record.unit)?;
        let quantity = Quantity::parse(&record.quantity.to_string()).ok()?;
        let started_at = record.started_at.with_timezone(&Utc);
        let ended_at = record.ended_at.map(|t| t.with_timezone(&Utc));
        if ended_at.is_some_and(|end| end < started_at) {
            return None;
        }
        let attributes = record
            .attributes
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                )
            })
            .collect();
        let mut action = Action::new(kind, quantity, unit, started_at);
        action.ended_at = ended_at;
        action.attributes = attributes;
        Some(Self {
            action,
            subject: Subject::parse(record.subject.kind, &record.subject.value).ok(),
        })
    }
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
