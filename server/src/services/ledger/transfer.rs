//! Moving points: batches of transfers, all or nothing, and reversals.
//!
//! A batch runs in one write transaction ([`super::write`]):
//!
//! 1. The batch row is inserted first. With an idempotency key it is an
//!    `INSERT … ON CONFLICT (idempotency_key) DO NOTHING`: the first writer of
//!    a key claims it, a concurrent writer of the same key waits for that
//!    transaction and then finds the key taken. A taken key whose stored
//!    request hash equals this request's answers with the original receipt
//!    and writes nothing; a different hash is an
//!    [`LedgerError::IdempotencyConflict`].
//! 2. Every account the batch touches is locked in id order (`FOR UPDATE` on
//!    PostgreSQL; SQLite's IMMEDIATE transaction already holds the write
//!    lock), which rules out deadlocks between batches and gives each
//!    account's balance, version and chain head.
//! 3. The transfers are inserted (one multi-row `INSERT`; their ids, which
//!    the entries' hashes cover, are reserved up front by
//!    [`bulk::reserve_ids`]). Then the batch is worked out in memory, in
//!    request order, against the locked state: each side's balance after, the refusal of a debit that
//!    would take an account that must not go negative below zero
//!    ([`LedgerError::InsufficientBalance`], and the whole batch rolls
//!    back), each entry's hash.
//! 4. Then two more statements write it, however large the batch: the
//!    entries (in chain order) as a multi-row `INSERT`, and every account's
//!    change as one conditional multi-row `UPDATE`,
//!    `SET balance = balance + net, version = version + n, head_hash = h
//!    WHERE id = ? AND version = v AND (NOT must_not_go_negative OR balance
//!    >= need)`, where `need` is the deepest the batch takes the account
//!    below its starting balance. It must touch exactly one row per
//!    account; the `CHECK` on the table backstops the rest.
//!
//! Writing per batch rather than per transfer is what makes batches fast
//! (a few dozen statements for 1,000 transfers instead of three per
//! transfer; see `docs/PERFORMANCE.md`); the checks are the same ones, made
//! against the same locked rows.

use super::chain::{self, EntryFacts, RequestedTransfer, TransferFacts};
use super::write;
use super::{LedgerError, LedgerResult};
use crate::entities::{ledger_accounts, ledger_batches, ledger_entries, ledger_transfers};
use crate::services::bulk::{self, StatementSize};
use crate::services::citizen_cache;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr, Statement, TryInsertResult, Value,
};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tanpu_core::ids::{AccountId, BatchId, TransferId};
use tanpu_core::ledger::TransferReason;
use tanpu_core::{Points, UserId};

/// The most transfers one batch may hold.
pub const MAX_BATCH: usize = 10_000;
/// The longest idempotency key, in characters.
pub const IDEMPOTENCY_KEY_MAX_CHARS: usize = 128;
/// The longest business object kind or id, in characters.
pub const OBJECT_MAX_CHARS: usize = 64;
/// The longest memo, in characters.
pub const MEMO_MAX_CHARS: usize = 500;
/// Accounts locked per statement.
const LOCK_CHUNK: usize = 500;
/// Entries read per statement when rebuilding a receipt.
const ENTRY_CHUNK: usize = 1_000;
/// An entry row's bound bytes: 10 values with a 4-byte length each, two
/// 32-byte hashes, the rest 8-byte numbers or times.
const ENTRY_BYTES: usize = 10 * 4 + 2 * 32 + 8 * 8;
/// An account update's bound bytes: 6 values, one 32-byte hash.
const UPDATE_BYTES: usize = 6 * 4 + 32 + 5 * 8;
const TRANSFER_FIXED_BYTES: usize = 11 * 4 + 7 * 8;

/// The business object a transfer belongs to, e.g. (`green_action`, `8812`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectRef {
    /// What kind of object.
    pub kind: String,
    /// Its id, as text.
    pub id: String,
}

/// One transfer to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRequest {
    /// The account points leave.
    pub debit: AccountId,
    /// The account points reach.
    pub credit: AccountId,
    /// How many; positive.
    pub amount: Points,
    /// Why. Not [`TransferReason::Reversal`]: use [`reverse`].
    pub reason: TransferReason,
    /// What it belongs to.
    pub object: Option<ObjectRef>,
    /// Why, in words.
    pub memo: Option<String>,
}

/// What a committed transfer did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferReceipt {
    /// The transfer.
    pub id: TransferId,
    /// The account debited.
    pub debit: AccountId,
    /// The account credited.
    pub credit: AccountId,
    /// Points moved.
    pub amount: Points,
    /// The debited account's balance right after this transfer.
    pub debit_balance_after: Points,
    /// The credited account's balance right after this transfer.
    pub credit_balance_after: Points,
}

/// What a committed batch did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchReceipt {
    /// The batch.
    pub batch: BatchId,
    /// When it was committed.
    pub created_at: DateTime<Utc>,
    /// Its transfers, in request order.
    pub transfers: Vec<TransferReceipt>,
    /// Whether this answer is the stored result of an earlier request with
    /// the same idempotency key (nothing was written this time).
    pub replayed: bool,
}

/// A validated transfer, as stored.
#[derive(Clone, Debug)]
struct Planned {
    debit: i64,
    credit: i64,
    amount: i64,
    reason: TransferReason,
    object_kind: Option<String>,
    object_id: Option<String>,
    memo: Option<String>,
    reverses: Option<i64>,
}

impl Planned {
    fn requested(&self) -> RequestedTransfer<'_> {
        RequestedTransfer {
            debit: self.debit,
            credit: self.credit,
            amount: self.amount,
            reason: self.reason.as_str(),
            object_kind: self.object_kind.as_deref(),
            object_id: self.object_id.as_deref(),
            memo: self.memo.as_deref(),
            reverses: self.reverses,
        }
    }
}

/// An account locked by the batch, as it stands after the batch's transfers
/// so far, and as it stood before them.
struct Held {
    /// The citizen whose account it is (their remembered summary changes
    /// with its balance).
    owner: Option<UserId>,
    must_not_go_negative: bool,
    balance: i64,
    version: i64,
    head: Vec<u8>,
    /// The version read under the lock, which the update is conditional on.
    locked_version: i64,
    /// The lowest the batch has taken the balance relative to where it
    /// started (zero or below).
    deepest: i64,
    /// The balance read under the lock.
    locked_balance: i64,
}

/// Makes `requests` in one transaction: all of them or none. With an
/// idempotency key, a repeated request gets the first answer (with
/// `replayed` set) and writes nothing. Contention is retried
/// ([`write::with_retry`]).
///
/// # Errors
/// [`LedgerError::Invalid`] for a malformed request (nothing is tried),
/// [`LedgerError::AccountNotFound`], [`LedgerError::InsufficientBalance`],
/// [`LedgerError::IdempotencyConflict`]; database failures.
pub async fn transfer_batch(
    db: &DatabaseConnection,
    requests: Vec<TransferRequest>,
    idempotency_key: Option<&str>,
) -> LedgerResult<BatchReceipt> {
    let planned = Arc::new(plan(requests)?);
    let key: Option<Arc<str>> = idempotency_key.map(check_key).transpose()?.map(Arc::from);
    write::with_retry(db, |txn| {
        let (planned, key) = (Arc::clone(&planned), key.clone());
        Box::pin(async move { apply(txn, &planned, key.as_deref()).await })
    })
    .await
}

/// One transfer: a batch of one.
///
/// # Errors
/// As [`transfer_batch`].
pub async fn transfer(
    db: &DatabaseConnection,
    request: TransferRequest,
    idempotency_key: Option<&str>,
) -> LedgerResult<TransferReceipt> {
    let receipt = transfer_batch(db, vec![request], idempotency_key).await?;
    single(receipt)
}

/// [`transfer_batch`] inside a transaction the caller owns, for services
/// that change the ledger together with their own tables. The transaction
/// must come from [`write::begin_write`] (IMMEDIATE on SQLite), and the
/// caller retries it as [`write::with_retry`] does.
///
/// # Errors
/// As [`transfer_batch`].
pub async fn transfer_batch_in<C: ConnectionTrait>(
    conn: &C,
    requests: Vec<TransferRequest>,
    idempotency_key: Option<&str>,
) -> LedgerResult<BatchReceipt> {
    let planned = plan(requests)?;
    let key = idempotency_key.map(check_key).transpose()?;
    apply(conn, &planned, key.as_deref()).await
}

/// Reverses a transfer: moves its amount back from the account it credited
/// to the account it debited, with reason `reversal`, the same business
/// object and `memo` saying why. A transfer is reversed at most once (the
/// database's unique index decides between concurrent attempts); a reversal
/// is itself a transfer and can be reversed once in turn.
///
/// # Errors
/// [`LedgerError::TransferNotFound`], [`LedgerError::AlreadyReversed`],
/// [`LedgerError::InsufficientBalance`] when the credited account must not
/// go negative and no longer holds the amount; database failures.
pub async fn reverse(
    db: &DatabaseConnection,
    transfer: TransferId,
    memo: &str,
) -> LedgerResult<TransferReceipt> {
    let memo: Arc<str> = Arc::from(check_memo(Some(memo.trim().to_owned()))?.unwrap_or_default());
    if memo.is_empty() {
        return Err(LedgerError::Invalid {
            field: "memo",
            reason: "required",
        });
    }
    write::with_retry(db, |txn| {
        let memo = Arc::clone(&memo);
        Box::pin(async move { reverse_in(txn, transfer, &memo).await })
    })
    .await
}

/// [`reverse`] inside a transaction the caller owns (see
/// [`transfer_batch_in`]).
///
/// # Errors
/// As [`reverse`].
pub async fn reverse_in<C: ConnectionTrait>(
    conn: &C,
    transfer: TransferId,
    memo: &str,
) -> LedgerResult<TransferReceipt> {
    let original = ledger_transfers::Entity::find_by_id(transfer.0)
        .one(conn)
        .await?
        .ok_or(LedgerError::TransferNotFound(transfer))?;
    let reversed = ledger_transfers::Entity::find()
        .filter(ledger_transfers::Column::ReversesTransferId.eq(transfer.0))
        .one(conn)
        .await?;
    if reversed.is_some() {
        return Err(LedgerError::AlreadyReversed(transfer));
    }
    let planned = Planned {
        debit: original.credit_account_id,
        credit: original.debit_account_id,
        amount: original.amount,
        reason: TransferReason::Reversal,
        object_kind: original.object_kind,
        object_id: original.object_id,
        memo: Some(memo.to_owned()),
        reverses: Some(original.id),
    };
    single(apply(conn, &[planned], None).await?)
}

fn single(receipt: BatchReceipt) -> LedgerResult<TransferReceipt> {
    receipt.transfers.into_iter().next().ok_or_else(|| {
        LedgerError::Database(DbErr::Custom("a batch of one came back empty".into()))
    })
}

/// Checks every request before anything is written.
fn plan(requests: Vec<TransferRequest>) -> LedgerResult<Vec<Planned>> {
    fn invalid<T>(field: &'static str, reason: &'static str) -> LedgerResult<T> {
        Err(LedgerError::Invalid { field, reason })
    }
    if requests.is_empty() {
        return invalid("transfers", "empty");
    }
    if requests.len() > MAX_BATCH {
        return invalid("transfers", "too_many");
    }
    requests
        .into_iter()
        .map(|r| {
            if r.amount.0 <= 0 {
                return invalid("amount", "not_positive");
            }
            if r.debit == r.credit {
                return invalid("credit", "same_account");
            }
            if r.reason == TransferReason::Reversal {
                return invalid("reason", "use_reverse");
            }
            let (object_kind, object_id) = match r.object {
                Some(ObjectRef { kind, id }) => {
                    check_object_part("object_kind", &kind)?;
                    check_object_part("object_id", &id)?;
                    (Some(kind), Some(id))
                }
                None => (None, None),
            };
            Ok(Planned {
                debit: r.debit.0,
                credit: r.credit.0,
                amount: r.amount.0,
                reason: r.reason,
                object_kind,
                object_id,
                memo: check_memo(r.memo)?,
                reverses: None,
            })
        })
        .collect()
}

fn check_object_part(field: &'static str, value: &str) -> LedgerResult<()> {
    if value.is_empty() {
        Err(LedgerError::Invalid {
            field,
            reason: "required",
        })
    } else if value.chars().count() > OBJECT_MAX_CHARS {
        Err(LedgerError::Invalid {
            field,
            reason: "too_long",
        })
    } else {
        Ok(())
    }
}

fn check_memo(memo: Option<String>) -> LedgerResult<Option<String>> {
    match memo {
        Some(m) if m.chars().count() > MEMO_MAX_CHARS => Err(LedgerError::Invalid {
            field: "memo",
            reason: "too_long",
        }),
        Some(m) if m.chars().any(char::is_control) => Err(LedgerError::Invalid {
            field: "memo",
            reason: "bad_characters",
        }),
        other => Ok(other),
    }
}

fn check_key(key: &str) -> LedgerResult<String> {
    let invalid = |reason| {
        Err(LedgerError::Invalid {
            field: "idempotency_key",
            reason,
        })
    };
    if key.is_empty() {
        return invalid("required");
    }
    if key.chars().count() > IDEMPOTENCY_KEY_MAX_CHARS {
        return invalid("too_long");
    }
    if key.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return invalid("bad_characters");
    }
    Ok(key.to_owned())
}

/// The batch, in the caller's transaction.
async fn apply<C: ConnectionTrait>(
    conn: &C,
    planned: &[Planned],
    key: Option<&str>,
) -> LedgerResult<BatchReceipt> {
    let now = chain::to_micros(Utc::now());
    let request_hash = chain::request_hash(planned.iter().map(Planned::requested));
    let batch = ledger_batches::ActiveModel {
        idempotency_key: Set(key.map(str::to_owned)),
        request_hash: Set(request_hash.to_vec()),
        transfer_count: Set(i32::try_from(planned.len()).unwrap_or(i32::MAX)),
        created_at: Set(now),
        ..Default::default()
    };
    let batch_id = match key {
        Some(key) => {
            let inserted = ledger_batches::Entity::insert(batch)
                .on_conflict_do_nothing_on([ledger_batches::Column::IdempotencyKey])
                .exec(conn)
                .await?;
            match inserted {
                TryInsertResult::Inserted(done) => done.last_insert_id,
                TryInsertResult::Conflicted | TryInsertResult::Empty => {
                    return replay(conn, key, &request_hash).await;
                }
            }
        }
        None => {
            ledger_batches::Entity::insert(batch)
                .exec(conn)
                .await?
                .last_insert_id
        }
    };

    let mut held = lock_accounts(conn, planned).await?;
    for p in planned {
        for account in [p.debit, p.credit] {
            if !held.contains_key(&account) {
                return Err(LedgerError::AccountNotFound(AccountId(account)));
            }
        }
    }
    let ids = bulk::reserve_ids(conn, "ledger_transfers", planned.len()).await?;

    // The transfers first: a reversal that lost the race for its unique
    // `reverses_transfer_id` is told so (rather than, say, that the
    // account it would debit is now short).
    let mut transfers: Vec<ledger_transfers::ActiveModel> = planned
        .iter()
        .zip(&ids)
        .map(|(p, &id)| ledger_transfers::ActiveModel {
            id: Set(id),
            batch_id: Set(batch_id),
            debit_account_id: Set(p.debit),
            credit_account_id: Set(p.credit),
            amount: Set(p.amount),
            reason: Set(p.reason.as_str().to_owned()),
            object_kind: Set(p.object_kind.clone()),
            object_id: Set(p.object_id.clone()),
            memo: Set(p.memo.clone()),
            reverses_transfer_id: Set(p.reverses),
            created_at: Set(now),
        })
        .collect();
    let reversed = planned.iter().find_map(|p| p.reverses);
    let size = StatementSize::of(conn.get_database_backend());
    let sizes = planned.iter().map(|p| {
        TRANSFER_FIXED_BYTES
            + p.reason.as_str().len()
            + p.object_kind.as_ref().map_or(0, String::len)
            + p.object_id.as_ref().map_or(0, String::len)
            + p.memo.as_ref().map_or(0, String::len)
    });
    for rows in size.cut(sizes) {
        let rest = transfers.split_off(rows.min(transfers.len()));
        ledger_transfers::Entity::insert_many(transfers)
            .exec_without_returning(conn)
            .await
            .map_err(|e| match (reversed, e.sql_err()) {
                // The only unique column a transfer has besides its id
                // (reserved, so never taken).
                (Some(reversed), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    LedgerError::AlreadyReversed(TransferId(reversed))
                }
                _ => LedgerError::from(e),
            })?;
        transfers = rest;
    }

    let mut receipts = Vec::with_capacity(planned.len());
    let mut entries = Vec::with_capacity(planned.len() * 2);
    for (index, (p, &transfer_id)) in planned.iter().zip(&ids).enumerate() {
        let facts = TransferFacts {
            id: transfer_id,
            batch_id,
            debit_account_id: p.debit,
            credit_account_id: p.credit,
            amount: p.amount,
            reason: p.reason.as_str(),
            object_kind: p.object_kind.as_deref(),
            object_id: p.object_id.as_deref(),
            memo: p.memo.as_deref(),
            reverses_transfer_id: p.reverses,
            created_at: now,
        };
        let debit = post(&mut held, p.debit, -p.amount, &facts, index)?;
        let credit = post(&mut held, p.credit, p.amount, &facts, index)?;
        receipts.push(TransferReceipt {
            id: TransferId(transfer_id),
            debit: AccountId(p.debit),
            credit: AccountId(p.credit),
            amount: Points(p.amount),
            debit_balance_after: Points(debit.balance_after),
            credit_balance_after: Points(credit.balance_after),
        });
        entries.push(debit.row);
        entries.push(credit.row);
    }

    update_accounts(conn, &held).await?;
    // In chain order: ids grow with each account's versions, which the
    // statement and the verifier rely on.
    while !entries.is_empty() {
        let rest = entries.split_off(entries.len().min(size.rows_of(ENTRY_BYTES)));
        ledger_entries::Entity::insert_many(entries)
            .exec_without_returning(conn)
            .await?;
        entries = rest;
    }

    Ok(BatchReceipt {
        batch: BatchId(batch_id),
        created_at: now,
        transfers: receipts,
        replayed: false,
    })
}

/// Writes every touched account's change: one conditional multi-row
/// `UPDATE` per few hundred accounts ([`StatementSize`]) that must touch exactly one row
/// per account (see the module's step 4).
async fn update_accounts<C: ConnectionTrait>(
    conn: &C,
    held: &HashMap<i64, Held>,
) -> LedgerResult<()> {
    let mut changed: Vec<(&i64, &Held)> = held
        .iter()
        .filter(|(_, h)| h.version != h.locked_version)
        .collect();
    changed.sort_unstable_by_key(|(id, _)| **id);
    for owner in changed.iter().filter_map(|(_, h)| h.owner) {
        citizen_cache::changed(owner);
    }
    let backend = conn.get_database_backend();
    let rows = StatementSize::of(backend).rows_of(UPDATE_BYTES);
    for chunk in changed.chunks(rows) {
        let mut values = Vec::with_capacity(chunk.len() * 6);
        let mut rows = Vec::with_capacity(chunk.len());
        for (id, h) in chunk {
            let base = values.len();
            let placeholders: Vec<String> = (1..=6)
                .map(|i| match backend {
                    DbBackend::Postgres => format!("${}", base + i),
                    _ => "?".to_owned(),
                })
                .collect();
            rows.push(format!("({})", placeholders.join(", ")));
            values.push(Value::from(**id));
            values.push(Value::from(h.balance - h.locked_balance));
            values.push(Value::from(h.version - h.locked_version));
            values.push(Value::from(h.head.clone()));
            values.push(Value::from(h.locked_version));
            values.push(Value::from(-h.deepest));
        }
        // `v`'s columns: 1 id, 2 net change, 3 entries added, 4 new head,
        // 5 version under the lock, 6 the balance the batch needs to start
        // from. VALUES names its columns column1… on both backends.
        let sql = format!(
            "UPDATE ledger_accounts SET \
               balance = ledger_accounts.balance + v.column2, \
               version = ledger_accounts.version + v.column3, \
               head_hash = v.column4 \
             FROM (VALUES {}) AS v \
             WHERE ledger_accounts.id = v.column1 \
               AND ledger_accounts.version = v.column5 \
               AND (NOT ledger_accounts.must_not_go_negative OR ledger_accounts.balance >= v.column6)",
            rows.join(", ")
        );
        let touched = conn
            .execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?
            .rows_affected();
        if touched != chunk.len() as u64 {
            // The rows are locked and were read under the lock, and the
            // batch was checked against them, so this is a bug, never
            // contention.
            return Err(LedgerError::Database(DbErr::Custom(format!(
                "ledger accounts changed under their lock ({touched} of {} rows updated)",
                chunk.len()
            ))));
        }
    }
    Ok(())
}

/// Locks the accounts `planned` touches, in id order, and reads them.
async fn lock_accounts<C: ConnectionTrait>(
    conn: &C,
    planned: &[Planned],
) -> LedgerResult<HashMap<i64, Held>> {
    let ids: Vec<i64> = planned
        .iter()
        .flat_map(|p| [p.debit, p.credit])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let backend = conn.get_database_backend();
    let mut held = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(LOCK_CHUNK) {
        // `lock_exclusive` is FOR UPDATE on PostgreSQL and nothing on SQLite,
        // whose IMMEDIATE transaction holds the database's write lock.
        let rows = ledger_accounts::Entity::find()
            .filter(bulk::one_of(
                backend,
                ledger_accounts::Column::Id,
                chunk.iter().copied(),
            ))
            .order_by_asc(ledger_accounts::Column::Id)
            .lock_exclusive()
            .all(conn)
            .await?;
        for row in rows {
            held.insert(
                row.id,
                Held {
                    owner: row.user_id.map(UserId),
                    must_not_go_negative: row.must_not_go_negative,
                    balance: row.balance,
                    version: row.version,
                    head: row.head_hash,
                    locked_version: row.version,
                    deepest: 0,
                    locked_balance: row.balance,
                },
            );
        }
    }
    Ok(held)
}

/// One side of a transfer, posted.
struct Posted {
    balance_after: i64,
    row: ledger_entries::ActiveModel,
}

/// Applies `delta` to a locked account in memory: the refusal of an
/// overdraft, the entry to insert and the account's new state (written by
/// [`update_accounts`]).
fn post(
    held: &mut HashMap<i64, Held>,
    account: i64,
    delta: i64,
    transfer: &TransferFacts<'_>,
    index: usize,
) -> LedgerResult<Posted> {
    let state = held
        .get_mut(&account)
        .ok_or(LedgerError::AccountNotFound(AccountId(account)))?;
    let balance_after = state
        .balance
        .checked_add(delta)
        .ok_or(LedgerError::Invalid {
            field: "amount",
            reason: "overflow",
        })?;
    if state.must_not_go_negative && balance_after < 0 {
        return Err(LedgerError::InsufficientBalance {
            account: AccountId(account),
            balance: Points(state.balance),
            needed: Points(-delta),
            index,
        });
    }
    let facts = EntryFacts {
        account_id: account,
        amount: delta,
        balance_before: state.balance,
        balance_after,
        account_version: state.version + 1,
        created_at: transfer.created_at,
    };
    let hash = chain::entry_hash(&state.head, &facts, transfer).to_vec();
    let row = ledger_entries::ActiveModel {
        transfer_id: Set(transfer.id),
        account_id: Set(account),
        amount: Set(delta),
        balance_before: Set(facts.balance_before),
        balance_after: Set(balance_after),
        account_version: Set(facts.account_version),
        prev_hash: Set(std::mem::replace(&mut state.head, hash.clone())),
        hash: Set(hash),
        created_at: Set(facts.created_at),
        ..Default::default()
    };
    state.balance = balance_after;
    state.version = facts.account_version;
    state.deepest = state.deepest.min(balance_after - state.locked_balance);
    Ok(Posted { balance_after, row })
}

/// The answer to a repeated idempotency key: the stored receipt when the
/// request is the same, a conflict otherwise.
async fn replay<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    request_hash: &[u8],
) -> LedgerResult<BatchReceipt> {
    let batch = ledger_batches::Entity::find()
        .filter(ledger_batches::Column::IdempotencyKey.eq(key))
        .one(conn)
        .await?
        .ok_or_else(|| {
            // The insert conflicted, so the row exists and is committed.
            LedgerError::Database(DbErr::RecordNotFound(
                "the batch holding an idempotency key vanished".into(),
            ))
        })?;
    if batch.request_hash != request_hash {
        return Err(LedgerError::IdempotencyConflict {
            key: key.to_owned(),
        });
    }
    let mut receipt = load_receipt(conn, batch.id).await?;
    receipt.replayed = true;
    Ok(receipt)
}

/// The receipt of a committed batch, rebuilt from its transfers and entries.
///
/// # Errors
/// Database failures; a batch without its rows is reported as an error.
pub async fn load_receipt<C: ConnectionTrait>(conn: &C, batch: i64) -> LedgerResult<BatchReceipt> {
    let header = ledger_batches::Entity::find_by_id(batch)
        .one(conn)
        .await?
        .ok_or_else(|| LedgerError::Database(DbErr::RecordNotFound(format!("batch {batch}"))))?;
    let transfers = ledger_transfers::Entity::find()
        .filter(ledger_transfers::Column::BatchId.eq(batch))
        .order_by_asc(ledger_transfers::Column::Id)
        .all(conn)
        .await?;
    let mut after: HashMap<(i64, i64), i64> = HashMap::with_capacity(transfers.len() * 2);
    let ids: Vec<i64> = transfers.iter().map(|t| t.id).collect();
    let backend = conn.get_database_backend();
    for chunk in ids.chunks(ENTRY_CHUNK) {
        let entries = ledger_entries::Entity::find()
            .filter(bulk::one_of(
                backend,
                ledger_entries::Column::TransferId,
                chunk.iter().copied(),
            ))
            .all(conn)
            .await?;
        for e in entries {
            after.insert((e.transfer_id, e.account_id), e.balance_after);
        }
    }
    let side = |t: i64, a: i64| {
        after.get(&(t, a)).copied().ok_or_else(|| {
            LedgerError::Database(DbErr::RecordNotFound(format!(
                "entry of transfer {t} on account {a}"
            )))
        })
    };
    let receipts = transfers
        .iter()
        .map(|t| {
            Ok(TransferReceipt {
                id: TransferId(t.id),
                debit: AccountId(t.debit_account_id),
                credit: AccountId(t.credit_account_id),
                amount: Points(t.amount),
                debit_balance_after: Points(side(t.id, t.debit_account_id)?),
                credit_balance_after: Points(side(t.id, t.credit_account_id)?),
            })
        })
        .collect::<LedgerResult<Vec<_>>>()?;
    Ok(BatchReceipt {
        batch: BatchId(header.id),
        created_at: header.created_at,
        transfers: receipts,
        replayed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(amount: i64) -> TransferRequest {
        TransferRequest {
            debit: AccountId(1),
            credit: AccountId(2),
            amount: Points(amount),
            reason: TransferReason::GreenAction,
            object: None,
            memo: None,
        }
    }

    fn reason_of(result: LedgerResult<Vec<Planned>>) -> &'static str {
        match result {
            Err(LedgerError::Invalid { reason, .. }) => reason,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn malformed_requests_are_refused_before_any_write() {
        assert_eq!(reason_of(plan(vec![])), "empty");
        assert_eq!(reason_of(plan(vec![request(0)])), "not_positive");
        assert_eq!(reason_of(plan(vec![request(-3)])), "not_positive");
        let mut same = request(1);
        same.credit = same.debit;
        assert_eq!(reason_of(plan(vec![same])), "same_account");
        let mut reversal = request(1);
        reversal.reason = TransferReason::Reversal;
        assert_eq!(reason_of(plan(vec![reversal])), "use_reverse");
        let mut object = request(1);
        object.object = Some(ObjectRef {
            kind: "green_action".into(),
            id: String::new(),
        });
        assert_eq!(reason_of(plan(vec![object])), "required");
        assert_eq!(reason_of(plan(vec![request(1); MAX_BATCH + 1])), "too_many");
        assert!(plan(vec![request(5)]).is_ok());
    }

    #[test]
    fn idempotency_keys_are_short_and_printable() {
        assert!(check_key("redeem:42:abc").is_ok());
        assert!(check_key("").is_err());
        assert!(check_key("a b").is_err());
        assert!(check_key(&"k".repeat(IDEMPOTENCY_KEY_MAX_CHARS + 1)).is_err());
    }
}
