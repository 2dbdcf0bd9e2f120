//! What administrators do with citizens: find them, read their page,
//! freeze and unfreeze them, adjust their balance by hand, and take a
//! disputed binding off an account. Every change is written to the audit
//! log in the transaction that makes it.

use super::audit::{self, AuditObject};
use super::citizen::item_of;
use super::citizen_cache::{self, CitizenCache};
use super::ledger::{self, AccountSpec, LedgerError, ObjectRef, TransferRequest};
use super::rewards::vouchers;
use super::{ServiceError, ServiceResult, accounts, bindings, sessions};
use crate::config::Secret;
use crate::entities::{
    actions, bindings as binding_rows, ledger_accounts, user_daily_totals, users,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tanpu_core::account::Login;
use tanpu_core::api::{
    AdjustmentRequest, AdjustmentResult, CitizenDetail, CitizenRow, CitizenSearch, ExportedEntry,
};
use tanpu_core::binding::{Subject, SubjectType};
use tanpu_core::ledger::TransferReason;
use tanpu_core::{BindingId, GramsCo2e, Points, UserId};

/// The most people one search returns.
pub const MAX_RESULTS: u64 = 50;
/// The longest query, in characters.
const QUERY_MAX_CHARS: usize = 100;
/// The longest reason for a freeze or an adjustment, in characters.
pub const REASON_MAX_CHARS: usize = 200;
/// The largest manual adjustment, either way.
pub const MAX_ADJUSTMENT: i64 = 1_000_000;
/// Lines of actions and statement on a citizen's page.
const PAGE_LINES: u64 = 20;

fn invalid(field: &'static str, reason: &str) -> ServiceError {
    ServiceError::Invalid {
        field,
        reason: reason.to_owned(),
    }
}

/// Finds people by login (phone or e-mail, whole or part), nickname (part)
/// or a binding (the full card or plate number, or its masked form).
///
/// # Errors
/// [`ServiceError::Invalid`] for an empty or long query; database failures.
pub async fn search(
    db: &DatabaseConnection,
    key: &Secret,
    q: &str,
) -> ServiceResult<CitizenSearch> {
    let q = q.trim();
    if q.is_empty() {
        return Err(invalid("q", "required"));
    }
    if q.chars().count() > QUERY_MAX_CHARS {
        return Err(invalid("q", "too_long"));
    }
    let mut found: Vec<(users::Model, &'static str)> = Vec::new();
    let mut seen = HashSet::new();
    let mut take = |rows: Vec<users::Model>, matched: &'static str| {
        for row in rows {
            if seen.insert(row.id) {
                found.push((row, matched));
            }
        }
    };

    // Bindings first: a card number names one person exactly.
    let mut binding_owners: Vec<i64> = binding_rows::Entity::find()
        .filter(binding_rows::Column::Masked.eq(q))
        .filter(binding_rows::Column::RemovedAt.is_null())
        .limit(MAX_RESULTS)
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.user_id)
        .collect();
    for kind in SubjectType::ALL {
        if let Ok(subject) = Subject::parse(kind, q) {
            let hash = bindings::subject_hash(key, &subject);
            binding_owners.extend(
                binding_rows::Entity::find()
                    .filter(binding_rows::Column::ValueHash.eq(hash))
                    .filter(binding_rows::Column::RemovedAt.is_null())
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|b| b.user_id),
            );
        }
    }
    take(users_by_id(db, binding_owners).await?, "binding");

    if let Ok(login) = Login::parse(q) {
        take(
            users::Entity::find()
                .filter(users::Column::Login.eq(login.as_str()))
                .all(db)
                .await?,
            "login",
        );
    }
    let pattern = contains_pattern(&q.to_lowercase());
    take(
        users::Entity::find()
            .filter(Expr::col(users::Column::Login).like(pattern.clone()))
            .order_by_asc(users::Column::Id)
            .limit(MAX_RESULTS)
            .all(db)
            .await?,
        "login",
    );
    take(
        users::Entity::find()
            .filter(Expr::col(users::Column::Nickname).like(contains_pattern(q)))
            .order_by_asc(users::Column::Id)
            .limit(MAX_RESULTS)
            .all(db)
            .await?,
        "nickname",
    );

    found.truncate(usize::try_from(MAX_RESULTS).unwrap_or(50));
    let balances = balances_of(db, found.iter().map(|(u, _)| u.id)).await?;
    let citizens = found
        .into_iter()
        .map(|(row, matched)| {
            let balance = Points(balances.get(&row.id).copied().unwrap_or(0));
            Ok(CitizenRow {
                user: accounts::view_of(row)?,
                balance,
                matched: matched.to_owned(),
            })
        })
        .collect::<ServiceResult<_>>()?;
    Ok(CitizenSearch { citizens })
}

/// `%q%` with LIKE's own characters escaped, so `_` finds an underscore.
fn contains_pattern(q: &str) -> LikeExpr {
    let escaped: String = q
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

async fn users_by_id(db: &DatabaseConnection, ids: Vec<i64>) -> ServiceResult<Vec<users::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .order_by_asc(users::Column::Id)
        .all(db)
        .await?)
}

async fn balances_of(
    db: &DatabaseConnection,
    users: impl Iterator<Item = i64>,
) -> ServiceResult<HashMap<i64, i64>> {
    let ids: Vec<i64> = users.collect();
    Ok(ledger_accounts::Entity::find()
        .filter(ledger_accounts::Column::UserId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| Some((a.user_id?, a.balance)))
        .collect())
}

/// A citizen's page.
///
/// # Errors
/// [`ServiceError::NotFound`]; database failures.
pub async fn detail(
    db: &DatabaseConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> ServiceResult<CitizenDetail> {
    let row = users::Entity::find_by_id(user.0)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let co2e: i64 = user_daily_totals::Entity::find()
        .filter(user_daily_totals::Column::UserId.eq(user.0))
        .all(db)
        .await?
        .iter()
        .map(|d| d.co2e_g)
        .sum();
    let actions = actions::Entity::find()
        .filter(actions::Column::UserId.eq(user.0))
        .order_by_desc(actions::Column::Id)
        .limit(PAGE_LINES)
        .all(db)
        .await?
        .iter()
        .map(item_of)
        .collect::<ServiceResult<Vec<_>>>()?;
    let (balance, statement) = match ledger::accounts::find_citizen(db, user).await? {
        None => (Points(0), Vec::new()),
        Some(account) => {
            let page = ledger::statement::statement(db, account.id, None, PAGE_LINES).await?;
            let lines = page
                .lines
                .into_iter()
                .map(|l| ExportedEntry {
                    transfer_id: l.transfer.0,
                    amount: l.amount,
                    balance_after: l.balance_after,
                    reason: l.reason.as_str().to_owned(),
                    memo: l.memo,
                    at: l.at,
                })
                .collect();
            (account.balance, lines)
        }
    };
    Ok(CitizenDetail {
        frozen_reason: row.frozen_reason.clone(),
        created_at: row.created_at,
        user: accounts::view_of(row)?,
        balance,
        co2e_g_total: GramsCo2e(co2e),
        bindings: bindings::list(db, user).await?,
        actions,
        vouchers: vouchers::records_for(db, user, now).await?,
        statement,
    })
}

fn checked_reason(reason: &str) -> ServiceResult<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid("reason", "required"));
    }
    if reason.chars().count() > REASON_MAX_CHARS {
        return Err(invalid("reason", "too_long"));
    }
    if reason.chars().any(char::is_control) {
        return Err(invalid("reason", "bad_characters"));
    }
    Ok(reason.to_owned())
}

/// Freezes (`freeze = true`) or unfreezes an account, with a reason. A
/// frozen citizen cannot sign in, their tokens stop working at once (they
/// are forgotten by `citizens`), their sessions end, and partner records
/// for them are held for review.
///
/// # Errors
/// [`ServiceError::Invalid`] for a missing reason; [`ServiceError::NotFound`];
/// conflicts `already_frozen`, `not_frozen`, `deleted`, `own_account`;
/// database failures.
pub async fn set_frozen(
    db: &DatabaseConnection,
    citizens: &CitizenCache,
    actor: UserId,
    user: UserId,
    freeze: bool,
    reason: &str,
) -> ServiceResult<tanpu_core::api::UserView> {
    let reason = checked_reason(reason)?;
    if actor == user {
        return Err(ServiceError::Conflict {
            field: "id",
            reason: "own_account",
            message: "administrators cannot freeze or unfreeze themselves".into(),
        });
    }
    let txn = ledger::write::begin_write(db).await?;
    let row = users::Entity::find_by_id(user.0)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if row.frozen_reason.as_deref() == Some(accounts::DELETED_REASON) {
        return Err(ServiceError::Conflict {
            field: "id",
            reason: "deleted",
            message: "this account was deleted by its owner".into(),
        });
    }
    match (freeze, row.frozen_at.is_some()) {
        (true, true) => {
            return Err(ServiceError::Conflict {
                field: "id",
                reason: "already_frozen",
                message: "this account is frozen already".into(),
            });
        }
        (false, false) => {
            return Err(ServiceError::Conflict {
                field: "id",
                reason: "not_frozen",
                message: "this account is not frozen".into(),
            });
        }
        _ => {}
    }
    let before = json!({ "frozen": row.frozen_at.is_some(), "reason": row.frozen_reason });
    let mut active: users::ActiveModel = row.into();
    active.frozen_at = Set(freeze.then(Utc::now));
    active.frozen_reason = Set(freeze.then(|| reason.clone()));
    let updated = active.update(&txn).await?;
    // Recorded for the request's work as well as forgotten below: if the
    // request is dropped while committing, the work's end still forgets.
    citizen_cache::changed(user);
    if freeze {
        sessions::revoke_all(&txn, user).await?;
    }
    audit::record(
        &txn,
        Some(actor),
        if freeze {
            "citizen.freeze"
        } else {
            "citizen.unfreeze"
        },
        &AuditObject::new("user", user),
        Some(&before),
        Some(&json!({ "frozen": freeze, "reason": reason })),
    )
    .await?;
    txn.commit().await?;
    citizens.forget(user);
    accounts::view_of(updated)
}

/// A manual credit (positive amount) or debit (negative) between the
/// citizen's account and the adjustment account, with the reason as the
/// transfer's memo. A debit never takes the balance below zero.
///
/// # Errors
/// [`ServiceError::Invalid`] for a zero or huge amount or a missing reason;
/// [`ServiceError::NotFound`]; conflict `insufficient_balance`; database
/// failures.
pub async fn adjust(
    db: &DatabaseConnection,
    actor: UserId,
    user: UserId,
    req: AdjustmentRequest,
) -> ServiceResult<AdjustmentResult> {
    if req.amount == 0 {
        return Err(invalid("amount", "zero"));
    }
    // `unsigned_abs`: `i64::MIN.abs()` overflows (a panic in debug builds, a
    // negative "absolute" amount that slips past this check in release).
    if req.amount.unsigned_abs() > MAX_ADJUSTMENT.unsigned_abs() {
        return Err(invalid("amount", "too_large"));
    }
    let reason: Arc<str> = Arc::from(checked_reason(&req.reason)?);
    let amount = req.amount;
    ledger::write::with_retry(db, |txn| {
        let reason = Arc::clone(&reason);
        Box::pin(async move {
            let person = users::Entity::find_by_id(user.0)
                .one(txn)
                .await?
                .ok_or(ServiceError::NotFound)?;
            if person.frozen_reason.as_deref() == Some(accounts::DELETED_REASON) {
                return Err(ServiceError::NotFound.into());
            }
            let citizen = ledger::accounts::citizen(txn, user).await?;
            let adjustment = ledger::accounts::open(txn, &AccountSpec::Adjustment).await?;
            let (debit, credit) = if amount > 0 {
                (adjustment.id, citizen.id)
            } else {
                (citizen.id, adjustment.id)
            };
            let receipt = ledger::transfer::transfer_batch_in(
                txn,
                vec![TransferRequest {
                    debit,
                    credit,
                    amount: Points(amount.abs()),
                    reason: TransferReason::Adjustment,
                    object: Some(ObjectRef {
                        kind: "adjustment".to_owned(),
                        id: user.to_string(),
                    }),
                    memo: Some(reason.to_string()),
                }],
                None,
            )
            .await
            .map_err(|err| match err {
                LedgerError::InsufficientBalance { .. } => {
                    LedgerError::from(ServiceError::Conflict {
                        field: "amount",
                        reason: "insufficient_balance",
                        message: "the citizen's balance is smaller than this debit".into(),
                    })
                }
                other => other,
            })?;
            let transfer = receipt
                .transfers
                .first()
                .ok_or_else(|| ServiceError::Internal("an adjustment came back empty".into()))?;
            let balance = if amount > 0 {
                transfer.credit_balance_after
            } else {
                transfer.debit_balance_after
            };
            audit::record(
                txn,
                Some(actor),
                "citizen.adjust",
                &AuditObject::new("user", user),
                Some(&json!({ "balance": citizen.balance })),
                Some(&json!({
                    "balance": balance,
                    "amount": amount,
                    "reason": &*reason,
                    "transfer_id": transfer.id,
                })),
            )
            .await?;
            Ok(AdjustmentResult {
                transfer_id: transfer.id.0,
                balance,
            })
        })
    })
    .await
    .map_err(ServiceError::from)
}

/// Takes a binding off a citizen's account (a disputed card: the rightful
/// owner can then bind it), with a reason.
///
/// # Errors
/// [`ServiceError::Invalid`]; [`ServiceError::NotFound`] unless it is an
/// active binding of this citizen; database failures.
pub async fn remove_binding(
    db: &DatabaseConnection,
    actor: UserId,
    user: UserId,
    binding: BindingId,
    reason: &str,
) -> ServiceResult<()> {
    let reason = checked_reason(reason)?;
    let txn = ledger::write::begin_write(db).await?;
    let row = binding_rows::Entity::find_by_id(binding.0)
        .filter(binding_rows::Column::UserId.eq(user.0))
        .filter(binding_rows::Column::RemovedAt.is_null())
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    binding_rows::Entity::update_many()
        .col_expr(binding_rows::Column::RemovedAt, Expr::value(Utc::now()))
        .filter(binding_rows::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(actor),
        "binding.remove",
        &AuditObject::new("binding", row.id),
        Some(&json!({ "user_id": user, "type": row.kind, "masked": row.masked })),
        Some(&json!({ "removed": true, "reason": reason })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
