//! Partners: creating them, their signing secrets (rotation and
//! retirement), disabling them, and authenticating their signed requests.

use super::audit::{self, AuditObject};
use super::bulk::{self, StatementSize};
use super::webhook::{self, SignedHeaders, SigningKey};
use super::{ServiceError, ServiceResult};
use crate::config::Secret;
use crate::entities::{partner_keys, partner_webhook_ids, partners};
use chrono::Utc;
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr, TransactionTrait, TryInsertResult,
};
use serde_json::json;
use std::collections::{BTreeSet, HashSet};
use tanpu_core::api::{CreatePartnerRequest, PartnerSecret, PartnerView};
use tanpu_core::{PartnerId, UserId};

/// The longest action-kind name.
const KIND_MAX_LEN: usize = 32;

/// An authenticated partner, as ingestion needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticatedPartner {
    /// Who.
    pub id: PartnerId,
    /// What it may report.
    pub kinds: Vec<String>,
}

/// Creates a partner with its first secret. `actor` is the administrator
/// (`None` for the operator at the command line); every change to partners
/// is audited in its transaction, never with a secret.
///
/// # Errors
/// [`ServiceError::Invalid`] for an empty name or a malformed kind;
/// [`ServiceError::Conflict`] for a taken name.
pub async fn create(
    db: &DatabaseConnection,
    master: &Secret,
    actor: Option<UserId>,
    req: CreatePartnerRequest,
) -> ServiceResult<(PartnerView, PartnerSecret)> {
    let name = req.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(ServiceError::Invalid {
            field: "name",
            reason: if name.is_empty() {
                "required"
            } else {
                "too_long"
            }
            .to_owned(),
        });
    }
    let kinds = parse_kinds(req.kinds)?;
    let txn = db.begin().await?;
    let row = partners::ActiveModel {
        name: Set(name),
        kinds: Set(
            serde_json::to_string(&kinds).map_err(|e| ServiceError::Internal(e.to_string()))?
        ),
        disabled_at: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => ServiceError::Conflict {
            field: "name",
            reason: "taken",
            message: "a partner with this name exists".to_owned(),
        },
        _ => ServiceError::from(e),
    })?;
    let secret = issue_key(&txn, master, row.id).await?;
    let view = view_of(row, 1)?;
    audit::record(
        &txn,
        actor,
        "partner.create",
        &AuditObject::new("partner", view.id),
        None,
        Some(&json!({ "name": view.name, "kinds": view.kinds })),
    )
    .await?;
    txn.commit().await?;
    Ok((view, secret))
}

/// Issues an additional secret. Both the old and the new one are accepted
/// until [`retire_old_secrets`] is called, so the partner can switch over
/// without losing a request.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown partner.
pub async fn rotate(
    db: &DatabaseConnection,
    master: &Secret,
    actor: Option<UserId>,
    id: PartnerId,
) -> ServiceResult<PartnerSecret> {
    let txn = db.begin().await?;
    find(&txn, id).await?;
    let before = active_keys(&txn, id).await?.len();
    let secret = issue_key(&txn, master, id.0).await?;
    audit::record(
        &txn,
        actor,
        "partner.rotate",
        &AuditObject::new("partner", id),
        Some(&json!({ "active_secrets": before })),
        Some(&json!({ "active_secrets": before + 1 })),
    )
    .await?;
    txn.commit().await?;
    Ok(secret)
}

/// Retires every secret but the newest.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown partner.
pub async fn retire_old_secrets(
    db: &DatabaseConnection,
    actor: Option<UserId>,
    id: PartnerId,
) -> ServiceResult<PartnerView> {
    let txn = db.begin().await?;
    let row = find(&txn, id).await?;
    let keys = active_keys(&txn, id).await?;
    let before = keys.len();
    let newest = keys
        .into_iter()
        .max_by_key(|k| k.id)
        .ok_or(ServiceError::Internal(format!(
            "partner {id} has no active key"
        )))?;
    partner_keys::Entity::update_many()
        .col_expr(partner_keys::Column::RetiredAt, Expr::value(Utc::now()))
        .filter(partner_keys::Column::PartnerId.eq(id.0))
        .filter(partner_keys::Column::RetiredAt.is_null())
        .filter(partner_keys::Column::Id.ne(newest.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        "partner.retire_old_secrets",
        &AuditObject::new("partner", id),
        Some(&json!({ "active_secrets": before })),
        Some(&json!({ "active_secrets": 1 })),
    )
    .await?;
    txn.commit().await?;
    view_of(row, 1)
}

/// Disables a partner: its requests are refused from now on; what it sent
/// before stays.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown partner.
pub async fn disable(
    db: &DatabaseConnection,
    actor: Option<UserId>,
    id: PartnerId,
) -> ServiceResult<PartnerView> {
    let txn = db.begin().await?;
    let row = find(&txn, id).await?;
    let was_disabled = row.disabled_at.is_some();
    let mut active: partners::ActiveModel = row.into();
    active.disabled_at = Set(Some(Utc::now()));
    let row = active.update(&txn).await?;
    let keys = active_keys(&txn, id).await?.len();
    audit::record(
        &txn,
        actor,
        "partner.disable",
        &AuditObject::new("partner", id),
        Some(&json!({ "disabled": was_disabled })),
        Some(&json!({ "disabled": true })),
    )
    .await?;
    txn.commit().await?;
    view_of(row, keys)
}

/// An enabled partner as ingestion needs it, for records an administrator
/// imports on its behalf.
///
/// # Errors
/// [`ServiceError::NotFound`]; a conflict `partner_disabled`.
pub async fn as_authenticated(
    db: &DatabaseConnection,
    id: PartnerId,
) -> ServiceResult<AuthenticatedPartner> {
    let row = find(db, id).await?;
    if row.disabled_at.is_some() {
        return Err(ServiceError::Conflict {
            field: "partner_id",
            reason: "partner_disabled",
            message: "this partner is disabled".to_owned(),
        });
    }
    Ok(AuthenticatedPartner {
        id,
        kinds: kinds_of(&row)?,
    })
}

/// Every partner, oldest first.
///
/// # Errors
/// Database failures.
pub async fn list(db: &DatabaseConnection) -> ServiceResult<Vec<PartnerView>> {
    let rows = partners::Entity::find()
        .order_by_asc(partners::Column::Id)
        .all(db)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let keys = active_keys(db, PartnerId(row.id)).await?.len();
        views.push(view_of(row, keys)?);
    }
    Ok(views)
}

/// Authenticates a signed partner request: the partner named in
/// `tanpu-partner` exists and is enabled, one signature matches one of its
/// active secrets within the time tolerance, and the request id was not seen
/// before (it is remembered now, in its own write). Nothing of the body is
/// parsed before this succeeds.
///
/// # Errors
/// [`ServiceError::Unauthenticated`] for every failure, alike.
pub async fn authenticate(
    db: &DatabaseConnection,
    master: &Secret,
    partner_header: Option<&str>,
    headers: Option<SignedHeaders<'_>>,
    body: &[u8],
    now: i64,
) -> ServiceResult<AuthenticatedPartner> {
    let partner = verify_signature(db, master, partner_header, headers, body, now).await?;
    let request_id = headers.map(|h| h.id).unwrap_or_default();
    // A write like the ingestion that follows, so it waits in the same queue.
    let turn = super::ledger::write::writer_turn(db).await;
    let fresh = remember_request(turn.connection(), partner.id, request_id, now).await?;
    turn.end().wait().await?;
    if !fresh {
        return Err(replayed(partner.id, request_id));
    }
    Ok(partner)
}

/// The refusal of every partner request that fails authentication.
const REFUSED: ServiceError =
    ServiceError::Unauthenticated("the request is not signed by an active partner");

/// [`authenticate`] without remembering the request id: for ingestion,
/// which remembers it with [`remember_request`] in the transaction that
/// stores the records (one durable commit per request instead of two). The
/// caller must remember it before anything of the request takes effect, and
/// refuse it with [`replayed`] if it was seen.
///
/// # Errors
/// [`ServiceError::Unauthenticated`] for every failure, alike.
pub async fn verify_signature(
    db: &DatabaseConnection,
    master: &Secret,
    partner_header: Option<&str>,
    headers: Option<SignedHeaders<'_>>,
    body: &[u8],
    now: i64,
) -> ServiceResult<AuthenticatedPartner> {
    let id = partner_header
        .and_then(|h| h.trim().parse::<i64>().ok())
        .map(PartnerId)
        .ok_or(REFUSED)?;
    let headers = headers.ok_or(REFUSED)?;
    let material = signing_material(db, id).await?;
    // Unknown, disabled, or without an active secret: refused alike.
    let Some((kinds, _)) = material.first() else {
        return Err(REFUSED);
    };
    let keys: Vec<SigningKey> = material
        .iter()
        .map(|(_, nonce)| SigningKey::derive(master, id.0, nonce))
        .collect();
    if let Err(reason) = webhook::verify(&keys, headers, body, now) {
        tracing::info!(partner = %id, %reason, "partner request refused");
        return Err(REFUSED);
    }
    Ok(AuthenticatedPartner {
        id,
        kinds: parse_stored_kinds(id, kinds)?,
    })
}

/// An enabled partner's kinds (JSON, as stored) beside the nonce of each of
/// its active secrets; empty when the partner is unknown, disabled or has
/// no active secret. One query, not one for the partner and one for its
/// keys: every signed request reads this, and each query is a trip to the
/// pool and back.
async fn signing_material(
    db: &DatabaseConnection,
    id: PartnerId,
) -> ServiceResult<Vec<(String, String)>> {
    let owner = partner_keys::Entity::belongs_to(partners::Entity)
        .from(partner_keys::Column::PartnerId)
        .to(partners::Column::Id)
        .into();
    Ok(partner_keys::Entity::find()
        .select_only()
        .column(partners::Column::Kinds)
        .column(partner_keys::Column::Nonce)
        .join(JoinType::InnerJoin, owner)
        .filter(partners::Column::Id.eq(id.0))
        .filter(partners::Column::DisabledAt.is_null())
        .filter(partner_keys::Column::RetiredAt.is_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// Remembers a partner's request id for as long as its timestamp could be
/// accepted; `false` if it was seen before (a replay).
///
/// # Errors
/// Database failures.
pub async fn remember_request<C: ConnectionTrait>(
    conn: &C,
    partner: PartnerId,
    request_id: &str,
    now: i64,
) -> Result<bool, sea_orm::DbErr> {
    Ok(remember_requests(conn, partner, &[request_id], now)
        .await?
        .contains(request_id))
}

/// [`remember_request`] for many ids at once: the ids not seen before,
/// which are now remembered. A group of single records remembers its
/// requests' ids in one statement (a few hundred ids each) instead of one
/// statement a request.
///
/// The ids go in sorted, each once: two transactions holding one id (a
/// partner's retry racing its first attempt) then wait for each other in
/// one order instead of deadlocking on PostgreSQL.
///
/// # Errors
/// Database failures.
pub async fn remember_requests<C: ConnectionTrait>(
    conn: &C,
    partner: PartnerId,
    request_ids: &[&str],
    now: i64,
) -> Result<HashSet<String>, sea_orm::DbErr> {
    use partner_webhook_ids::Column as C;
    let request_ids: Vec<&str> = request_ids
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let size = StatementSize::of(conn.get_database_backend());
    // Three values a row: the id's bytes, two numbers, their placeholders.
    let statements = size.cut(
        request_ids
            .iter()
            .map(|id| id.len() + 16 + 3 * (4 + bulk::PLACEHOLDER_BYTES)),
    );
    let mut fresh = HashSet::with_capacity(request_ids.len());
    let mut rest = request_ids.as_slice();
    for rows in statements {
        let (these, after) = rest.split_at(rows);
        rest = after;
        let inserted = partner_webhook_ids::Entity::insert_many(these.iter().map(|id| {
            partner_webhook_ids::ActiveModel {
                partner_id: Set(partner.0),
                webhook_id: Set((*id).to_owned()),
                seen_at: Set(now),
            }
        }))
        .on_conflict_do_nothing_on([C::PartnerId, C::WebhookId])
        .exec_with_returning_many(conn)
        .await?;
        if let TryInsertResult::Inserted(rows) = inserted {
            fresh.extend(rows.into_iter().map(|row| row.webhook_id));
        }
    }
    Ok(fresh)
}

/// The refusal of a replayed request (logged).
#[must_use]
pub fn replayed(partner: PartnerId, request_id: &str) -> ServiceError {
    tracing::info!(partner = %partner, webhook_id = request_id, "replayed partner request refused");
    REFUSED
}

/// Forgets request ids older than twice the tolerance.
///
/// # Errors
/// Database failures.
pub async fn purge_seen_ids(db: &DatabaseConnection, now: i64) -> ServiceResult<u64> {
    let done = partner_webhook_ids::Entity::delete_many()
        .filter(partner_webhook_ids::Column::SeenAt.lt(now - 2 * webhook::TOLERANCE_SECS))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

async fn issue_key(
    conn: &impl sea_orm::ConnectionTrait,
    master: &Secret,
    partner: i64,
) -> ServiceResult<PartnerSecret> {
    let mut raw = [0_u8; 16];
    rand::rng().fill_bytes(&mut raw);
    let nonce: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    partner_keys::ActiveModel {
        partner_id: Set(partner),
        nonce: Set(nonce.clone()),
        created_at: Set(Utc::now()),
        retired_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(PartnerSecret {
        partner_id: PartnerId(partner),
        secret: SigningKey::derive(master, partner, &nonce).to_secret(),
    })
}

async fn find(db: &impl ConnectionTrait, id: PartnerId) -> ServiceResult<partners::Model> {
    partners::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

async fn active_keys(
    db: &impl ConnectionTrait,
    id: PartnerId,
) -> ServiceResult<Vec<partner_keys::Model>> {
    Ok(partner_keys::Entity::find()
        .filter(partner_keys::Column::PartnerId.eq(id.0))
        .filter(partner_keys::Column::RetiredAt.is_null())
        .all(db)
        .await?)
}

/// Kinds are lower-case identifiers (`bus_ride`); duplicates are dropped.
fn parse_kinds(kinds: Vec<String>) -> ServiceResult<Vec<String>> {
    let invalid = |reason: &str| ServiceError::Invalid {
        field: "kinds",
        reason: reason.to_owned(),
    };
    if kinds.is_empty() {
        return Err(invalid("required"));
    }
    let mut out: Vec<String> = Vec::with_capacity(kinds.len());
    for kind in kinds {
        let kind = kind.trim().to_owned();
        let well_formed = !kind.is_empty()
            && kind.len() <= KIND_MAX_LEN
            && kind.starts_with(|c: char| c.is_ascii_lowercase())
            && kind
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            return Err(invalid("not_a_kind"));
        }
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    Ok(out)
}

fn kinds_of(row: &partners::Model) -> ServiceResult<Vec<String>> {
    parse_stored_kinds(PartnerId(row.id), &row.kinds)
}

/// A partner's kinds as stored (a JSON array).
fn parse_stored_kinds(id: PartnerId, kinds: &str) -> ServiceResult<Vec<String>> {
    serde_json::from_str(kinds)
        .map_err(|e| ServiceError::Internal(format!("partner {id} kinds unreadable: {e}")))
}

fn view_of(row: partners::Model, active_secrets: usize) -> ServiceResult<PartnerView> {
    Ok(PartnerView {
        id: PartnerId(row.id),
        kinds: kinds_of(&row)?,
        name: row.name,
        disabled: row.disabled_at.is_some(),
        active_secrets: u32::try_from(active_secrets).unwrap_or(u32::MAX),
        created_at: row.created_at,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_kinds;

    #[test]
    fn kinds_are_identifiers() {
        assert_eq!(
            parse_kinds(vec![
                "bus_ride".into(),
                " bus_ride ".into(),
                "refuel_offpeak".into()
            ])
            .unwrap(),
            vec!["bus_ride", "refuel_offpeak"]
        );
        for bad in ["", "Bus", "1bus", "bus-ride", "公交"] {
            assert!(parse_kinds(vec![bad.into()]).is_err(), "{bad}");
        }
        assert!(parse_kinds(vec![]).is_err());
    }
}
