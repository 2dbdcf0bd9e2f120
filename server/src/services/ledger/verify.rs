//! The proof that the ledger is intact: `tanpu ledger verify`.
//!
//! One pass over every entry in id order (a page at a time, so memory holds
//! one page plus one small state per account, never the ledger) re-computes
//! each entry's hash and follows each account's chain; then one pass over the
//! accounts compares each row with what its entries add up to. Checks:
//!
//! - every entry's hash is the hash of its content, its transfer and the
//!   previous hash of its account's chain, which is the previous entry's;
//! - versions count up by one and balances step by the entry's amount;
//! - every entry is one side of its transfer, and every transfer has exactly
//!   its debit side (−amount) and its credit side (+amount), so it sums to 0;
//! - every account's balance equals the sum of its entries and its newest
//!   entry's `balance_after`, its version the number of entries, its head
//!   hash the newest entry's hash; none flagged "must not go negative" is;
//! - the balances of all accounts sum to zero.
//!
//! It reads inside one transaction (REPEATABLE READ on PostgreSQL, a WAL
//! snapshot on SQLite), so a ledger being written meanwhile is checked as of
//! one instant.

use super::LedgerResult;
use super::chain::{self, EntryFacts, GENESIS, TransferFacts};
use crate::entities::{ledger_accounts, ledger_entries, ledger_transfers};
use sea_orm::sea_query::Expr;
use sea_orm::{
    AccessMode, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    IsolationLevel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use std::collections::HashMap;
use std::fmt;
use tanpu_core::ids::{AccountId, EntryId, TransferId};

/// Entries read per query.
const PAGE: u64 = 2_000;
/// Problems kept in the report; the count goes on beyond it.
pub const MAX_LISTED_PROBLEMS: usize = 1_000;

/// What kind of thing is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// An entry's stored hash is not the hash of its content.
    EntryHash,
    /// An entry's `prev_hash` is not the previous entry's hash.
    ChainBreak,
    /// An entry's version does not follow the previous one.
    VersionGap,
    /// An entry's balances do not follow from the previous entry and its amount.
    BalanceStep,
    /// An entry is not a side of its transfer (wrong account or amount, or no
    /// such transfer).
    EntryNotOfTransfer,
    /// A transfer lacks a side or has one twice.
    TransferUnbalanced,
    /// An account's balance is not the sum of its entries.
    AccountBalance,
    /// An account's version is not its number of entries.
    AccountVersion,
    /// An account's head hash is not its newest entry's hash.
    AccountHead,
    /// An account that must not go negative is.
    NegativeBalance,
    /// Entries name an account that does not exist.
    UnknownAccount,
    /// The balances of all accounts do not sum to zero.
    Conservation,
}

impl ProblemKind {
    /// A stable snake_case name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::EntryHash => "entry_hash",
            Self::ChainBreak => "chain_break",
            Self::VersionGap => "version_gap",
            Self::BalanceStep => "balance_step",
            Self::EntryNotOfTransfer => "entry_not_of_transfer",
            Self::TransferUnbalanced => "transfer_unbalanced",
            Self::AccountBalance => "account_balance",
            Self::AccountVersion => "account_version",
            Self::AccountHead => "account_head",
            Self::NegativeBalance => "negative_balance",
            Self::UnknownAccount => "unknown_account",
            Self::Conservation => "conservation",
        }
    }
}

/// One thing found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What kind.
    pub kind: ProblemKind,
    /// The account concerned.
    pub account: Option<AccountId>,
    /// The entry concerned.
    pub entry: Option<EntryId>,
    /// The transfer concerned.
    pub transfer: Option<TransferId>,
    /// For a person.
    pub detail: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.as_str())?;
        if let Some(account) = self.account {
            write!(f, " account={account}")?;
        }
        if let Some(entry) = self.entry {
            write!(f, " entry={entry}")?;
        }
        if let Some(transfer) = self.transfer {
            write!(f, " transfer={transfer}")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// What a verification found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Accounts compared with their entries.
    pub accounts_checked: u64,
    /// Entries whose hash was recomputed.
    pub entries_checked: u64,
    /// Transfers in the ledger.
    pub transfers_checked: u64,
    /// Σ of all account balances (0 when conserved).
    pub total_balance: i128,
    /// How many problems were found.
    pub problem_count: u64,
    /// The first [`MAX_LISTED_PROBLEMS`] of them.
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// Whether nothing is wrong.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.problem_count == 0
    }

    fn report(
        &mut self,
        kind: ProblemKind,
        account: Option<i64>,
        entry: Option<i64>,
        transfer: Option<i64>,
        detail: String,
    ) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(Problem {
                kind,
                account: account.map(AccountId),
                entry: entry.map(EntryId),
                transfer: transfer.map(TransferId),
                detail,
            });
        }
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "ledger verification")?;
        writeln!(f, "  accounts checked:  {}", self.accounts_checked)?;
        writeln!(f, "  entries checked:   {}", self.entries_checked)?;
        writeln!(f, "  transfers checked: {}", self.transfers_checked)?;
        writeln!(f, "  sum of balances:   {}", self.total_balance)?;
        if self.is_ok() {
            write!(
                f,
                "OK: every chain intact, every balance the fold of its entries, every transfer balanced, sum zero"
            )
        } else {
            writeln!(f, "FAILED: {} problem(s)", self.problem_count)?;
            for problem in &self.problems {
                writeln!(f, "  - {problem}")?;
            }
            let unlisted = self
                .problem_count
                .saturating_sub(self.problems.len() as u64);
            if unlisted > 0 {
                writeln!(f, "  … and {unlisted} more")?;
            }
            Ok(())
        }
    }
}

/// An account as its entries so far say it should be.
struct Folded {
    sum: i64,
    last_after: i64,
    version: i64,
    head: Vec<u8>,
}

impl Default for Folded {
    fn default() -> Self {
        Self {
            sum: 0,
            last_after: 0,
            version: 0,
            head: GENESIS.to_vec(),
        }
    }
}

/// Bits of a transfer's sides seen so far.
const DEBIT_SEEN: u8 = 1;
const CREDIT_SEEN: u8 = 2;

/// Checks the whole ledger (see the module documentation). Problems are
/// reported, not returned as errors.
///
/// # Errors
/// Database failures only.
pub async fn verify(db: &DatabaseConnection) -> LedgerResult<VerifyReport> {
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    let report = verify_in(&txn).await;
    txn.rollback().await?;
    report
}

/// [`verify`] on a connection or transaction the caller chose.
///
/// # Errors
/// Database failures only.
pub async fn verify_in<C: ConnectionTrait>(conn: &C) -> LedgerResult<VerifyReport> {
    let mut report = VerifyReport::default();
    let mut folded: HashMap<i64, Folded> = HashMap::new();
    // Transfers with one side seen; a transfer leaves when both are.
    let mut open_sides: HashMap<i64, u8> = HashMap::new();
    let mut balanced_transfers: u64 = 0;

    let mut after_id = i64::MIN;
    loop {
        let entries = ledger_entries::Entity::find()
            .filter(ledger_entries::Column::Id.gt(after_id))
            .order_by_asc(ledger_entries::Column::Id)
            .limit(PAGE)
            .all(conn)
            .await?;
        let Some(last) = entries.last() else {
            break;
        };
        after_id = last.id;
        let transfers: HashMap<i64, ledger_transfers::Model> = ledger_transfers::Entity::find()
            .filter(ledger_transfers::Column::Id.is_in(entries.iter().map(|e| e.transfer_id)))
            .all(conn)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();

        for e in &entries {
            report.entries_checked += 1;
            let state = folded.entry(e.account_id).or_default();
            let here = (Some(e.account_id), Some(e.id), Some(e.transfer_id));
            let mut problem = |kind, detail| report.report(kind, here.0, here.1, here.2, detail);

            if e.prev_hash != state.head {
                problem(
                    ProblemKind::ChainBreak,
                    format!(
                        "prev_hash {} but the previous entry's hash is {}",
                        chain::hex(&e.prev_hash),
                        chain::hex(&state.head)
                    ),
                );
            }
            if e.account_version != state.version + 1 {
                problem(
                    ProblemKind::VersionGap,
                    format!(
                        "version {} follows version {}",
                        e.account_version, state.version
                    ),
                );
            }
            if e.balance_before != state.last_after
                || e.balance_before.checked_add(e.amount) != Some(e.balance_after)
            {
                problem(
                    ProblemKind::BalanceStep,
                    format!(
                        "{} + {} = {} after a previous balance of {}",
                        e.balance_before, e.amount, e.balance_after, state.last_after
                    ),
                );
            }

            match transfers.get(&e.transfer_id) {
                None => problem(
                    ProblemKind::EntryNotOfTransfer,
                    "its transfer does not exist".to_owned(),
                ),
                Some(t) => {
                    let facts = EntryFacts {
                        account_id: e.account_id,
                        amount: e.amount,
                        balance_before: e.balance_before,
                        balance_after: e.balance_after,
                        account_version: e.account_version,
                        created_at: e.created_at,
                    };
                    let transfer = TransferFacts {
                        id: t.id,
                        batch_id: t.batch_id,
                        debit_account_id: t.debit_account_id,
                        credit_account_id: t.credit_account_id,
                        amount: t.amount,
                        reason: &t.reason,
                        object_kind: t.object_kind.as_deref(),
                        object_id: t.object_id.as_deref(),
                        memo: t.memo.as_deref(),
                        reverses_transfer_id: t.reverses_transfer_id,
                        created_at: t.created_at,
                    };
                    let expected = chain::entry_hash(&e.prev_hash, &facts, &transfer);
                    if e.hash != expected {
                        problem(
                            ProblemKind::EntryHash,
                            format!(
                                "stored hash {} but the content hashes to {}",
                                chain::hex(&e.hash),
                                chain::hex(&expected)
                            ),
                        );
                    }
                    let side = if e.account_id == t.debit_account_id && e.amount == -t.amount {
                        Some(DEBIT_SEEN)
                    } else if e.account_id == t.credit_account_id && e.amount == t.amount {
                        Some(CREDIT_SEEN)
                    } else {
                        None
                    };
                    match side {
                        None => problem(
                            ProblemKind::EntryNotOfTransfer,
                            format!(
                                "amount {} on account {} is neither −{} on {} nor +{} on {}",
                                e.amount,
                                e.account_id,
                                t.amount,
                                t.debit_account_id,
                                t.amount,
                                t.credit_account_id
                            ),
                        ),
                        Some(bit) => {
                            let seen = open_sides.entry(t.id).or_insert(0);
                            if *seen & bit != 0 {
                                problem(
                                    ProblemKind::TransferUnbalanced,
                                    "the same side appears twice".to_owned(),
                                );
                            }
                            *seen |= bit;
                            if *seen == DEBIT_SEEN | CREDIT_SEEN {
                                open_sides.remove(&t.id);
                                balanced_transfers += 1;
                            }
                        }
                    }
                }
            }

            // Follow what is stored, so one edited entry is reported once and
            // not again by every entry after it.
            state.sum = state.sum.wrapping_add(e.amount);
            state.last_after = e.balance_after;
            state.version = e.account_version;
            state.head.clone_from(&e.hash);
        }
        if (entries.len() as u64) < PAGE {
            break;
        }
    }

    for (transfer, seen) in open_sides {
        let missing = if seen == DEBIT_SEEN {
            "credit"
        } else {
            "debit"
        };
        report.report(
            ProblemKind::TransferUnbalanced,
            None,
            None,
            Some(transfer),
            format!("its {missing} entry is missing"),
        );
    }
    report.transfers_checked = ledger_transfers::Entity::find().count(conn).await?;
    if report.transfers_checked > balanced_transfers {
        // Transfers with no entry at all: found through the entries'
        // transfer index, a few at a time.
        let without = ledger_transfers::Entity::find()
            .filter(Expr::cust(
                "NOT EXISTS (SELECT 1 FROM ledger_entries e \
                 WHERE e.transfer_id = ledger_transfers.id)",
            ))
            .limit(MAX_LISTED_PROBLEMS as u64)
            .all(conn)
            .await?;
        for t in without {
            report.report(
                ProblemKind::TransferUnbalanced,
                None,
                None,
                Some(t.id),
                "it has no entries".to_owned(),
            );
        }
    }

    let mut after_account = i64::MIN;
    loop {
        let accounts = ledger_accounts::Entity::find()
            .filter(ledger_accounts::Column::Id.gt(after_account))
            .order_by_asc(ledger_accounts::Column::Id)
            .limit(PAGE)
            .all(conn)
            .await?;
        let Some(last) = accounts.last() else {
            break;
        };
        after_account = last.id;
        for a in &accounts {
            report.accounts_checked += 1;
            report.total_balance += i128::from(a.balance);
            let state = folded.remove(&a.id).unwrap_or_default();
            let mut problem = |kind, detail| report.report(kind, Some(a.id), None, None, detail);
            if a.balance != state.sum || a.balance != state.last_after {
                problem(
                    ProblemKind::AccountBalance,
                    format!(
                        "balance {} but its entries sum to {} and the newest says {}",
                        a.balance, state.sum, state.last_after
                    ),
                );
            }
            if a.version != state.version {
                problem(
                    ProblemKind::AccountVersion,
                    format!(
                        "version {} but its newest entry has version {}",
                        a.version, state.version
                    ),
                );
            }
            if a.head_hash != state.head {
                problem(
                    ProblemKind::AccountHead,
                    format!(
                        "head {} but its newest entry's hash is {}",
                        chain::hex(&a.head_hash),
                        chain::hex(&state.head)
                    ),
                );
            }
            if a.must_not_go_negative && a.balance < 0 {
                problem(
                    ProblemKind::NegativeBalance,
                    format!(
                        "balance {} in an account that must not go negative",
                        a.balance
                    ),
                );
            }
        }
        if (accounts.len() as u64) < PAGE {
            break;
        }
    }
    for (account, state) in folded {
        report.report(
            ProblemKind::UnknownAccount,
            Some(account),
            None,
            None,
            format!(
                "{} points in entries of an account that does not exist",
                state.sum
            ),
        );
    }
    if report.total_balance != 0 {
        let total = report.total_balance;
        report.report(
            ProblemKind::Conservation,
            None,
            None,
            None,
            format!("the balances of all accounts sum to {total}, not 0"),
        );
    }
    Ok(report)
}
