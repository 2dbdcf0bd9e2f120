//! One attempt at a partner's batch, set-based: a thousand records cost a
//! few dozen statements, not a dozen each.
//!
//! 1. Every record was read before the write turn ([`Prepared`]); a
//!    malformed one is answered `invalid_record` and goes no further.
//! 2. One query finds the records this partner sent before (answered
//!    `duplicate` with the first decision; a record repeated within the
//!    batch is a duplicate of its first occurrence).
//! 3. One query per subject kind resolves the cards and plates to citizens
//!    through their active bindings.
//! 4. The citizens' ledger accounts, and the partner's issuance shards that
//!    will pay them, are opened; the citizens' are locked in id order, then
//!    three queries read their frozen flags, what they were credited so far
//!    and their actions near in time ([`Facts`]).
//! 5. Each record is decided in order, in memory; a decision counts in the
//!    facts the next records see, so caps and overlaps hold within a batch.
//! 6. The new actions' ids are reserved, every accepted one is credited in
//!    one ledger batch ([`credit::credit_all`]), and the actions — with the
//!    transfers that paid them — go in as multi-row inserts. The roll-ups
//!    follow, once, in key order.

use super::credit::{self, Credit, Lane};
use super::facts::Facts;
use super::record::{Incoming, Prepared};
use super::{Outcome, decide_with, result_of, status_name, svc};
use crate::entities::actions;
use crate::services::bindings;
use crate::services::bulk::{self, StatementSize};
use crate::services::ledger::LedgerResult;
use crate::services::partners::AuthenticatedPartner;
use crate::services::rollups::Pending;
use crate::services::rules as rule_store;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use std::collections::{BTreeSet, HashMap};
use tanpu_core::api::{RecordResult, RecordStatus};
use tanpu_core::rules::{ReasonCode, RuleVersion};
use tanpu_core::{GramsCo2e, Points, UserId};

/// An action row's bound bytes besides its strings: 25 values with a
/// 4-byte length and a placeholder each, and about a dozen 8-byte numbers
/// and times.
const ACTION_FIXED_BYTES: usize = 25 * (4 + bulk::PLACEHOLDER_BYTES) + 12 * 8;

/// Decides, stores and credits `records` for `partner`, from its issuance
/// shards of `lane`, in `conn`'s write transaction; one result per record,
/// in order.
///
/// # Errors
/// Database failures (the caller rolls the whole batch back).
pub(super) async fn run<C: ConnectionTrait>(
    conn: &C,
    partner: &AuthenticatedPartner,
    records: &[&Prepared],
    lane: Lane,
    now: DateTime<Utc>,
) -> LedgerResult<Vec<RecordResult>> {
    let rules = rule_store::published_by_kind(conn).await.map_err(svc)?;
    let readable = || records.iter().filter_map(|p| p.incoming());

    let earlier = stored_earlier(conn, partner, readable().map(|i| i.external_id.as_str())).await?;
    let fresh = |incoming: &Incoming| !earlier.contains_key(&incoming.external_id);

    let subjects: Vec<_> = records
        .iter()
        .filter_map(|p| {
            let incoming = p.incoming().filter(|i| fresh(i))?;
            Some((incoming.subject.as_ref()?.kind(), p.subject_hash.clone()?))
        })
        .collect();
    let holders = bindings::resolve_many(conn, &subjects).await.map_err(svc)?;
    let users: Vec<Option<UserId>> = records
        .iter()
        .map(|p| {
            let kind = p.incoming()?.subject.as_ref()?.kind();
            holders.get(&(kind, p.subject_hash.clone()?)).copied()
        })
        .collect();

    // The facts of the citizens whose records the evaluator will see.
    let evaluated: Vec<(UserId, &Incoming)> = records
        .iter()
        .zip(&users)
        .filter_map(|(p, user)| {
            let incoming = p.incoming().filter(|i| fresh(i))?;
            partner
                .kinds
                .contains(&incoming.record.kind)
                .then_some((((*user)?), incoming))
        })
        .collect();
    let citizens: BTreeSet<UserId> = evaluated.iter().map(|(user, _)| *user).collect();
    let mut opened = credit::lock_citizens(conn, citizens, Some((partner.id, lane))).await?;
    let pairs: Vec<_> = evaluated.iter().map(|(u, i)| (*u, &i.action)).collect();
    let mut facts = Facts::load(conn, &pairs).await?;

    let mut results: Vec<RecordResult> = Vec::with_capacity(records.len());
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    let mut rows: Vec<actions::Model> = Vec::new();
    for (p, user) in records.iter().zip(&users) {
        let incoming = match &p.read {
            Err(malformed) => {
                results.push(invalid(&malformed.external_id));
                continue;
            }
            Ok(incoming) => incoming,
        };
        if let Some(first) = earlier.get(&incoming.external_id) {
            results.push(result_of(first, Some(RecordStatus::Duplicate)).map_err(svc)?);
            continue;
        }
        if let Some(&first) = first_of.get(incoming.external_id.as_str()) {
            let mut again = results[first].clone();
            again.status = RecordStatus::Duplicate;
            results.push(again);
            continue;
        }
        let outcome = decide(partner, &rules, incoming, *user, &facts, now);
        let (points, co2e) = outcome.amounts();
        if let Some(user) = user {
            facts.record(*user, &incoming.action, outcome.status, points);
        }
        let reasons: Vec<String> = outcome
            .reasons
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect();
        rows.push(row_of(
            partner,
            incoming,
            *user,
            p.subject_hash.clone(),
            &outcome,
            now,
        ));
        first_of.insert(&incoming.external_id, results.len());
        results.push(RecordResult {
            external_id: incoming.external_id.clone(),
            status: outcome.status,
            points,
            co2e_g: co2e,
            reasons,
        });
    }

    let ids = bulk::reserve_ids(conn, "actions", rows.len()).await?;
    for (row, id) in rows.iter_mut().zip(ids) {
        row.id = id;
    }
    let mut pending = Pending::default();
    let (paying, credits): (Vec<usize>, Vec<Credit>) = rows
        .iter()
        .enumerate()
        .filter_map(|(index, row)| {
            let credit = Credit {
                partner: Some(partner.id),
                user: UserId(row.user_id?),
                action_id: row.id,
                kind: row.kind.clone(),
                started_at: row.started_at?,
                points: Points(row.points),
                co2e: GramsCo2e(row.co2e_g),
            };
            (row.status == "accepted").then_some((index, credit))
        })
        .unzip();
    let transfers = credit::credit_all(conn, &credits, lane, &mut opened, &mut pending).await?;
    for (index, transfer) in paying.into_iter().zip(transfers) {
        rows[index].transfer_id = transfer;
    }
    for row in &rows {
        pending.decided(row);
    }
    insert_actions(conn, rows).await?;
    pending.flush(conn).await?;
    Ok(results)
}

/// The answer for a record that cannot be read.
fn invalid(external_id: &str) -> RecordResult {
    RecordResult {
        external_id: external_id.to_owned(),
        status: RecordStatus::Rejected,
        points: Points(0),
        co2e_g: GramsCo2e(0),
        reasons: vec![ReasonCode::InvalidRecord.as_str().to_owned()],
    }
}

/// The partner's checks, then the evaluator for a record whose citizen is
/// known.
fn decide(
    partner: &AuthenticatedPartner,
    rules: &HashMap<String, Vec<RuleVersion>>,
    incoming: &Incoming,
    user: Option<UserId>,
    facts: &Facts,
    now: DateTime<Utc>,
) -> Outcome {
    if !partner.kinds.contains(&incoming.record.kind) {
        return Outcome::rejected(ReasonCode::KindNotAllowed);
    }
    let Some(user) = user else {
        return Outcome::rejected(ReasonCode::UnboundSubject);
    };
    decide_with(rules, &incoming.action, |action| {
        facts.context(user, action, now)
    })
}

/// The stored rows of those of `external_ids` this partner sent before.
async fn stored_earlier<'a, C: ConnectionTrait>(
    conn: &C,
    partner: &AuthenticatedPartner,
    external_ids: impl Iterator<Item = &'a str>,
) -> LedgerResult<HashMap<String, actions::Model>> {
    let ids: Vec<&str> = external_ids.collect();
    let backend = conn.get_database_backend();
    let size = StatementSize::of(backend);
    let mut earlier = HashMap::new();
    let mut rest = ids.as_slice();
    for rows in size.cut(ids.iter().map(|id| id.len() + 4 + bulk::PLACEHOLDER_BYTES)) {
        let (chunk, tail) = rest.split_at(rows.min(rest.len()));
        rest = tail;
        let found = actions::Entity::find()
            .filter(actions::Column::PartnerId.eq(partner.id.0))
            .filter(bulk::one_of(
                backend,
                actions::Column::ExternalId,
                chunk.iter().map(|id| (*id).to_owned()),
            ))
            .all(conn)
            .await?;
        earlier.extend(found.into_iter().map(|row| (row.external_id.clone(), row)));
    }
    Ok(earlier)
}

/// The row a decided record is stored as (its id is set once reserved).
fn row_of(
    partner: &AuthenticatedPartner,
    incoming: &Incoming,
    user: Option<UserId>,
    subject_hash: Option<String>,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> actions::Model {
    let decision = outcome.decision.as_ref();
    let (points, co2e) = outcome.amounts();
    let reasons: Vec<&str> = outcome.reasons.iter().map(|r| r.as_str()).collect();
    actions::Model {
        id: 0,
        partner_id: Some(partner.id.0),
        external_id: incoming.external_id.clone(),
        user_id: user.map(|u| u.0),
        subject_kind: Some(incoming.record.subject.kind.as_str().to_owned()),
        subject_hash,
        kind: incoming.record.kind.clone(),
        started_at: Some(incoming.action.started_at),
        ended_at: incoming.action.ended_at,
        quantity_milli: incoming.action.quantity.thousandths(),
        unit: incoming.action.unit.as_str().to_owned(),
        attributes: incoming.attributes_json.clone(),
        status: status_name(outcome.status).to_owned(),
        points: points.0,
        co2e_g: co2e.0,
        reasons: serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into()),
        breakdown: decision.and_then(|d| serde_json::to_string(d.breakdown()).ok()),
        rule_version_id: decision
            .and_then(|d| d.breakdown().rule_version_id)
            .map(|id| id.0),
        transfer_id: None,
        received_at: now,
        self_declared: false,
        note: None,
        reviewed_by: None,
        reviewed_at: None,
        review_note: None,
    }
}

/// Inserts new actions (with their reserved ids) a statement per few
/// hundred rows ([`StatementSize`]).
async fn insert_actions<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<actions::Model>,
) -> LedgerResult<()> {
    let size = StatementSize::of(conn.get_database_backend());
    let cuts = size.cut(rows.iter().map(|row| {
        ACTION_FIXED_BYTES
            + row.external_id.len()
            + row.kind.len()
            + row.attributes.len()
            + row.reasons.len()
            + row.breakdown.as_ref().map_or(0, String::len)
            + row.subject_hash.as_ref().map_or(0, String::len)
    }));
    let mut rows = rows.into_iter();
    for count in cuts {
        let chunk: Vec<actions::ActiveModel> = rows
            .by_ref()
            .take(count)
            // Every field set, the reserved id too.
            .map(|row| row.into_active_model().reset_all())
            .collect();
        actions::Entity::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}
