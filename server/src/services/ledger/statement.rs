//! An account's statement: its entries, newest first, a page at a time.
//!
//! Pages are cut by keyset, not offset: the next page is "entries of this
//! account with an id below the last one shown", which the index
//! `(account_id, id DESC)` answers by reading exactly one page of rows,
//! whatever the account's or the ledger's size.

use super::{LedgerError, LedgerResult};
use crate::entities::{ledger_entries, ledger_transfers};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use tanpu_core::Points;
use tanpu_core::ids::{AccountId, EntryId, TransferId};
use tanpu_core::ledger::TransferReason;

use super::transfer::ObjectRef;

/// The most lines a page may have.
pub const MAX_PAGE: u64 = 200;

/// One line of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    /// The entry.
    pub entry: EntryId,
    /// Its transfer.
    pub transfer: TransferId,
    /// The other account of the transfer.
    pub counterparty: AccountId,
    /// Signed change: negative when points left the account.
    pub amount: Points,
    /// The balance right after.
    pub balance_after: Points,
    /// Why.
    pub reason: TransferReason,
    /// What it belongs to.
    pub object: Option<ObjectRef>,
    /// Why, in words.
    pub memo: Option<String>,
    /// The transfer this one reversed, if it is a reversal.
    pub reverses: Option<TransferId>,
    /// When.
    pub at: DateTime<Utc>,
}

/// One page of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementPage {
    /// Newest first.
    pub lines: Vec<StatementLine>,
    /// Pass as `before` to get the next (older) page; `None` on the last page.
    pub next_before: Option<EntryId>,
}

/// Which entries of a statement to show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatementFilter {
    /// Only entries made at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Only entries made before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Only transfers made for this reason.
    pub reason: Option<TransferReason>,
}

/// A page of `account`'s statement: up to `limit` (at most [`MAX_PAGE`])
/// entries older than `before` (or the newest, without it).
///
/// # Errors
/// [`LedgerError::Invalid`] for a zero limit; database failures.
pub async fn statement<C: ConnectionTrait>(
    conn: &C,
    account: AccountId,
    before: Option<EntryId>,
    limit: u64,
) -> LedgerResult<StatementPage> {
    statement_filtered(conn, account, StatementFilter::default(), before, limit).await
}

/// [`statement`] restricted by `filter`: still newest first, still paged by
/// entry id over the `(account_id, id)` index.
///
/// # Errors
/// As [`statement`].
pub async fn statement_filtered<C: ConnectionTrait>(
    conn: &C,
    account: AccountId,
    filter: StatementFilter,
    before: Option<EntryId>,
    limit: u64,
) -> LedgerResult<StatementPage> {
    if limit == 0 {
        return Err(LedgerError::Invalid {
            field: "limit",
            reason: "not_positive",
        });
    }
    let limit = limit.min(MAX_PAGE);
    let mut query = ledger_entries::Entity::find()
        .filter(ledger_entries::Column::AccountId.eq(account.0))
        .order_by_desc(ledger_entries::Column::Id)
        // One more than asked says whether there is a next page.
        .limit(limit + 1);
    if let Some(before) = before {
        query = query.filter(ledger_entries::Column::Id.lt(before.0));
    }
    if let Some(since) = filter.since {
        query = query.filter(ledger_entries::Column::CreatedAt.gte(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(ledger_entries::Column::CreatedAt.lt(until));
    }
    if let Some(reason) = filter.reason {
        query = query.filter(
            ledger_entries::Column::TransferId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(ledger_transfers::Column::Id)
                    .from(ledger_transfers::Entity)
                    .and_where(ledger_transfers::Column::Reason.eq(reason.as_str()))
                    .to_owned(),
            ),
        );
    }
    let mut entries = query.all(conn).await?;
    let more = entries.len() as u64 > limit;
    entries.truncate(usize::try_from(limit).unwrap_or(usize::MAX));

    let transfers: HashMap<i64, ledger_transfers::Model> = ledger_transfers::Entity::find()
        .filter(ledger_transfers::Column::Id.is_in(entries.iter().map(|e| e.transfer_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();

    let lines = entries
        .into_iter()
        .map(|e| {
            let t = transfers.get(&e.transfer_id).ok_or_else(|| {
                LedgerError::Database(sea_orm::DbErr::RecordNotFound(format!(
                    "transfer {} of entry {}",
                    e.transfer_id, e.id
                )))
            })?;
            let reason = TransferReason::parse(&t.reason).ok_or_else(|| {
                LedgerError::Database(sea_orm::DbErr::Type(format!(
                    "transfer {} has unknown reason {:?}",
                    t.id, t.reason
                )))
            })?;
            let counterparty = if e.account_id == t.debit_account_id {
                t.credit_account_id
            } else {
                t.debit_account_id
            };
            Ok(StatementLine {
                entry: EntryId(e.id),
                transfer: TransferId(t.id),
                counterparty: AccountId(counterparty),
                amount: Points(e.amount),
                balance_after: Points(e.balance_after),
                reason,
                object: match (&t.object_kind, &t.object_id) {
                    (Some(kind), Some(id)) => Some(ObjectRef {
                        kind: kind.clone(),
                        id: id.clone(),
                    }),
                    _ => None,
                },
                memo: t.memo.clone(),
                reverses: t.reverses_transfer_id.map(TransferId),
                at: e.created_at,
            })
        })
        .collect::<LedgerResult<Vec<_>>>()?;
    let next_before = if more {
        lines.last().map(|line| line.entry)
    } else {
        None
    };
    Ok(StatementPage { lines, next_before })
}
