//! Redeeming a reward: one transaction that either does all of it — the
//! voucher, the stock decrement and the ledger transfer from the citizen to
//! the redemption sink — or none.
//!
//! Races are settled by the database, not by reading first:
//! - The citizen's ledger account is locked first (`FOR UPDATE` on
//!   PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock), so a
//!   citizen's redemptions run one after another: the idempotency key and
//!   the per-citizen limit are checked against everything committed before.
//! - The stock is taken by `UPDATE … SET stock = stock - 1 WHERE stock > 0`,
//!   which touches no row once the stock is gone, however many redeem at
//!   once.
//! - The ledger's conditional debit refuses to take the balance below zero.
//!
//! Locks are always taken in the same order (citizen, reward, then the
//! ledger's id order), so two redemptions never wait on each other in a
//! cycle.

use super::vouchers::{self, new_code};
use super::{conflict, invalid};
use crate::entities::{ledger_accounts, rewards, users, vouchers as voucher_rows};
use crate::services::ledger::{self, AccountSpec, LedgerError, ObjectRef, TransferRequest};
use crate::services::rollups::Pending;
use crate::services::{ServiceError, ServiceResult};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
};
use std::sync::Arc;
use tanpu_core::api::Redemption;
use tanpu_core::ids::RewardId;
use tanpu_core::ledger::TransferReason;
use tanpu_core::rules::calendar::city_date;
use tanpu_core::{Points, UserId};

/// The longest idempotency key, in characters.
pub const KEY_MAX_CHARS: usize = 128;

/// Redeems one of `reward` for `user`. The same `key` again answers with the
/// first voucher (`replayed`) and charges nothing; the same key for another
/// reward is refused.
///
/// # Errors
/// [`ServiceError::Invalid`] for a bad key; [`ServiceError::NotFound`] for
/// an unknown reward; [`ServiceError::AccountFrozen`]; conflicts
/// `not_available`, `out_of_stock`, `limit_reached`, `insufficient_balance`,
/// `idempotency_key_reused`; database failures.
pub async fn redeem(
    db: &sea_orm::DatabaseConnection,
    user: UserId,
    reward: RewardId,
    key: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Redemption> {
    let key: Arc<str> = Arc::from(checked_key(key)?);
    ledger::write::with_retry(db, |txn| {
        let key = Arc::clone(&key);
        Box::pin(async move { redeem_in(txn, user, reward, &key, now).await })
    })
    .await
    .map_err(ServiceError::from)
}

async fn redeem_in(
    txn: &DatabaseTransaction,
    user: UserId,
    reward_id: RewardId,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Redemption, LedgerError> {
    let person = users::Entity::find_by_id(user.0)
        .one(txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if person.frozen_at.is_some() {
        return Err(ServiceError::AccountFrozen.into());
    }
    let citizen = ledger::accounts::citizen(txn, user).await?;
    let locked = ledger_accounts::Entity::find_by_id(citizen.id.0)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(LedgerError::AccountNotFound(citizen.id))?;

    if let Some(earlier) = voucher_rows::Entity::find()
        .filter(voucher_rows::Column::UserId.eq(user.0))
        .filter(voucher_rows::Column::IdempotencyKey.eq(key))
        .one(txn)
        .await?
    {
        if earlier.reward_id != reward_id.0 {
            return Err(conflict(
                "idempotency_key",
                "idempotency_key_reused",
                "this Idempotency-Key was already used to redeem another reward",
            )
            .into());
        }
        let reward = rewards::Entity::find_by_id(earlier.reward_id)
            .one(txn)
            .await?
            .ok_or(ServiceError::NotFound)?;
        return Ok(Redemption {
            voucher: voucher_view(txn, &earlier, &reward, now).await?,
            balance: Points(locked.balance),
            replayed: true,
        });
    }

    let reward = rewards::Entity::find_by_id(reward_id.0)
        .one(txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let open = reward.active
        && reward.available_from.is_none_or(|from| from <= now)
        && reward.available_until.is_none_or(|until| until > now);
    if !open {
        return Err(conflict(
            "reward",
            "not_available",
            "this reward cannot be redeemed now",
        )
        .into());
    }
    if let Some(limit) = reward.per_citizen_limit {
        let held = voucher_rows::Entity::find()
            .filter(voucher_rows::Column::RewardId.eq(reward.id))
            .filter(voucher_rows::Column::UserId.eq(user.0))
            .count(txn)
            .await?;
        if held >= u64::try_from(limit).unwrap_or(0) {
            return Err(conflict(
                "reward",
                "limit_reached",
                "you have redeemed this reward as many times as one citizen may",
            )
            .into());
        }
    }
    let taken = rewards::Entity::update_many()
        .col_expr(
            rewards::Column::Stock,
            Expr::col(rewards::Column::Stock).sub(1),
        )
        .col_expr(
            rewards::Column::Redeemed,
            Expr::col(rewards::Column::Redeemed).add(1),
        )
        .filter(rewards::Column::Id.eq(reward.id))
        .filter(rewards::Column::Stock.gt(0))
        .exec(txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(conflict("reward", "out_of_stock", "this reward is sold out").into());
    }

    let voucher = voucher_rows::ActiveModel {
        reward_id: Set(reward.id),
        user_id: Set(user.0),
        code: Set(new_code()),
        idempotency_key: Set(key.to_owned()),
        price: Set(reward.price),
        transfer_id: Set(None),
        issued_at: Set(now),
        valid_until: Set(now + Duration::days(i64::from(reward.voucher_days))),
        used_at: Set(None),
        used_by_partner_id: Set(None),
        used_by_user_id: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;

    let sink = ledger::accounts::open(txn, &AccountSpec::RedemptionSink).await?;
    let receipt = ledger::transfer::transfer_batch_in(
        txn,
        vec![TransferRequest {
            debit: citizen.id,
            credit: sink.id,
            amount: Points(reward.price),
            reason: TransferReason::Redemption,
            object: Some(ObjectRef {
                kind: "voucher".to_owned(),
                id: voucher.id.to_string(),
            }),
            memo: Some(
                reward
                    .name
                    .chars()
                    .take(ledger::transfer::MEMO_MAX_CHARS)
                    .collect(),
            ),
        }],
        None,
    )
    .await
    .map_err(|err| match err {
        LedgerError::InsufficientBalance { .. } => conflict(
            "reward",
            "insufficient_balance",
            "you do not have enough points for this reward",
        )
        .into(),
        other => other,
    })?;
    let paid = receipt
        .transfers
        .first()
        .ok_or_else(|| ServiceError::Internal("a redemption transfer came back empty".into()))?;
    let mut rollups = Pending::default();
    rollups.redeemed(city_date(now), Points(reward.price));
    rollups.flush(txn).await?;
    let mut stored: voucher_rows::ActiveModel = voucher.into();
    stored.transfer_id = Set(Some(paid.id.0));
    let voucher = stored.update(txn).await?;
    Ok(Redemption {
        voucher: voucher_view(txn, &voucher, &reward, now).await?,
        balance: paid.debit_balance_after,
        replayed: false,
    })
}

async fn voucher_view(
    txn: &DatabaseTransaction,
    voucher: &voucher_rows::Model,
    reward: &rewards::Model,
    now: DateTime<Utc>,
) -> Result<tanpu_core::api::VoucherView, LedgerError> {
    let names = super::catalogue::partner_names(txn, reward.partner_id.into_iter()).await?;
    Ok(vouchers::view_of(voucher, reward, &names, now)?)
}

/// An idempotency key: 1–128 visible ASCII characters (a UUID fits).
fn checked_key(key: &str) -> ServiceResult<String> {
    let key = key.trim();
    if key.is_empty() {
        return Err(invalid("idempotency_key", "required"));
    }
    if key.chars().count() > KEY_MAX_CHARS {
        return Err(invalid("idempotency_key", "too_long"));
    }
    if !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(invalid("idempotency_key", "bad_characters"));
    }
    Ok(key.to_owned())
}
