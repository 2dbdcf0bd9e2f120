//! Personal data rights (PIPL): export everything, delete the account.
//!
//! Deleting erases the person, not the ledger: bindings are removed (freeing
//! the cards), personal fields are overwritten, the keyed card hashes on
//! their actions are cleared, sessions end, and the remaining balance is
//! forfeited by a transfer to the adjustment account — so the ledger keeps
//! its history and every invariant, under an id that no longer names anyone.

use super::citizen::item_of;
use super::citizen_cache::{self, CitizenCache};
use super::ledger::{self, LedgerError, ObjectRef, TransferRequest};
use super::rewards::vouchers;
use super::{ServiceError, ServiceResult, accounts, bindings, sessions};
use crate::entities::{actions, bindings as binding_rows, users};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use tanpu_core::api::{DataExport, ExportedEntry};
use tanpu_core::ledger::TransferReason;
use tanpu_core::{Points, UserId};

/// Everything held about `user`.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown user; database failures.
pub async fn export(
    db: &DatabaseConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> ServiceResult<DataExport> {
    let account = accounts::find_by_id(db, user)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let row = users::Entity::find_by_id(user.0)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let actions = actions::Entity::find()
        .filter(actions::Column::UserId.eq(user.0))
        .order_by_desc(actions::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(item_of)
        .collect::<ServiceResult<Vec<_>>>()?;
    let (balance, ledger) = match ledger::accounts::find_citizen(db, user).await? {
        None => (Points(0), Vec::new()),
        Some(citizen) => {
            let mut lines = Vec::new();
            let mut before = None;
            loop {
                let page = ledger::statement::statement(
                    db,
                    citizen.id,
                    before,
                    ledger::statement::MAX_PAGE,
                )
                .await?;
                lines.extend(page.lines.into_iter().map(|l| ExportedEntry {
                    transfer_id: l.transfer.0,
                    amount: l.amount,
                    balance_after: l.balance_after,
                    reason: l.reason.as_str().to_owned(),
                    memo: l.memo,
                    at: l.at,
                }));
                match page.next_before {
                    Some(next) => before = Some(next),
                    None => break,
                }
            }
            (citizen.balance, lines)
        }
    };
    Ok(DataExport {
        exported_at: now,
        account,
        consent: (row.consent_version, row.consent_at),
        bindings: bindings::list(db, user).await?,
        actions,
        balance,
        vouchers: vouchers::records_for(db, user, now).await?,
        leaderboard_opt_in: row.leaderboard_opt_in,
        ledger,
    })
}

/// Deletes the account after checking the password (see the module docs for
/// what is erased and what is kept).
///
/// # Errors
/// [`ServiceError::Invalid`] for a wrong password; database failures.
pub async fn delete_account(
    db: &DatabaseConnection,
    citizens: &CitizenCache,
    user: UserId,
    password: String,
) -> ServiceResult<()> {
    if !accounts::password_matches(db, user, password).await? {
        return Err(ServiceError::Invalid {
            field: "password",
            reason: "wrong_password".to_owned(),
        });
    }
    ledger::write::with_retry(db, |txn| {
        Box::pin(async move {
            // Forfeit the balance: a transfer, so the ledger stays whole.
            let citizen = ledger::accounts::find_citizen(txn, user).await?;
            if let Some(citizen) = citizen.filter(|c| c.balance.0 > 0) {
                let sink = ledger::accounts::open(txn, &ledger::AccountSpec::Adjustment).await?;
                ledger::transfer::transfer_batch_in(
                    txn,
                    vec![TransferRequest {
                        debit: citizen.id,
                        credit: sink.id,
                        amount: citizen.balance,
                        reason: TransferReason::Adjustment,
                        object: Some(ObjectRef {
                            kind: "account_deletion".to_owned(),
                            id: user.to_string(),
                        }),
                        memo: Some("account deleted: balance forfeited".to_owned()),
                    }],
                    None,
                )
                .await?;
            }
            binding_rows::Entity::delete_many()
                .filter(binding_rows::Column::UserId.eq(user.0))
                .exec(txn)
                .await?;
            actions::Entity::update_many()
                .col_expr(
                    actions::Column::SubjectHash,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(actions::Column::Note, Expr::value(Option::<String>::None))
                .filter(actions::Column::UserId.eq(user.0))
                .exec(txn)
                .await?;
            let row = users::Entity::find_by_id(user.0)
                .one(txn)
                .await?
                .ok_or(LedgerError::Service(Box::new(ServiceError::NotFound)))?;
            let now = Utc::now();
            let mut erased: users::ActiveModel = row.into();
            erased.login = Set(format!("deleted-{user}@deleted.invalid"));
            erased.nickname = Set(String::new());
            // No argon2 hash matches "!": the account can never sign in again.
            erased.password_hash = Set("!".to_owned());
            erased.frozen_at = Set(Some(now));
            erased.frozen_reason = Set(Some(accounts::DELETED_REASON.to_owned()));
            erased.update(txn).await?;
            citizen_cache::changed(user);
            sessions::revoke_all(txn, user)
                .await
                .map_err(|e| LedgerError::Service(Box::new(e)))?;
            Ok(())
        })
    })
    .await
    .map_err(ServiceError::from)?;
    citizens.forget(user);
    Ok(())
}
