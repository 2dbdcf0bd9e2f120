//! The ledger: double-entry, append-only, hash-chained. Every balance change
//! in Tanpu is a transfer between two ledger accounts, made here and nowhere
//! else.
//!
//! - [`accounts`]: opening and reading accounts (citizens, sharded issuance,
//!   the redemption sink, reward stock, adjustments).
//! - [`transfer`]: batches of transfers, all or nothing, idempotent by key;
//!   reversals.
//! - [`statement`]: an account's entries, newest first, by keyset.
//! - [`verify`]: the proof that nothing was edited, for `tanpu ledger verify`.
//! - [`chain`]: the hash of an entry and of a request.
//! - [`write`]: how a write transaction begins (IMMEDIATE on SQLite) and is
//!   retried (serialization failures and deadlocks on PostgreSQL, a busy
//!   database on SQLite).
//!
//! Invariants, checked by [`verify::verify`]: the entries of each account form
//! an unbroken hash chain whose head the account row keeps; each account's
//! balance is the sum of its entries' amounts and its newest entry's
//! `balance_after`; each transfer has exactly one debit and one credit entry
//! of its amount; the sum over all accounts is zero.

pub mod accounts;
pub mod chain;
pub mod statement;
pub mod transfer;
pub mod verify;
pub mod write;

use super::ServiceError;
use sea_orm::DbErr;
use tanpu_core::Points;
use tanpu_core::ids::{AccountId, TransferId};

pub use accounts::{Account, AccountSpec};
pub use statement::{StatementLine, StatementPage};
pub use transfer::{BatchReceipt, ObjectRef, TransferReceipt, TransferRequest};
pub use verify::{Problem, ProblemKind, VerifyReport};

/// Why a ledger operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The request itself is not acceptable.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// A stable reason code (snake_case).
        reason: &'static str,
    },
    /// No account with this id.
    #[error("no ledger account {0}")]
    AccountNotFound(AccountId),
    /// No transfer with this id.
    #[error("no ledger transfer {0}")]
    TransferNotFound(TransferId),
    /// A debit would take an account that must not go negative below zero.
    /// Nothing of the batch was written.
    #[error(
        "account {account} holds {balance} points but transfer #{index} of the batch takes {needed}"
    )]
    InsufficientBalance {
        /// The account short of points.
        account: AccountId,
        /// Its balance when the transfer was applied.
        balance: Points,
        /// What the transfer takes.
        needed: Points,
        /// The transfer's position in the batch (0-based).
        index: usize,
    },
    /// The idempotency key was used before for a different request.
    #[error("the idempotency key {key:?} was already used for a different request")]
    IdempotencyConflict {
        /// The key.
        key: String,
    },
    /// The transfer was reversed before; a transfer is reversed at most once.
    #[error("transfer {0} has already been reversed")]
    AlreadyReversed(TransferId),
    /// The database failed (after retries, for contention).
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// Another service failed inside a ledger transaction (e.g. ingestion's
    /// checks); passed through unchanged and never retried.
    #[error(transparent)]
    Service(Box<ServiceError>),
}

/// Another service's refusal inside a ledger transaction passes through
/// unchanged (and is never retried).
impl From<ServiceError> for LedgerError {
    fn from(err: ServiceError) -> Self {
        Self::Service(Box::new(err))
    }
}

/// The result of a ledger operation.
pub type LedgerResult<T> = Result<T, LedgerError>;

impl From<LedgerError> for ServiceError {
    fn from(err: LedgerError) -> Self {
        let message = err.to_string();
        match err {
            LedgerError::Invalid { field, reason } => Self::Invalid {
                field,
                reason: reason.to_owned(),
            },
            LedgerError::AccountNotFound(_) | LedgerError::TransferNotFound(_) => Self::NotFound,
            LedgerError::InsufficientBalance { .. } => Self::Conflict {
                field: "amount",
                reason: "insufficient_balance",
                message,
            },
            LedgerError::IdempotencyConflict { .. } => Self::Conflict {
                field: "idempotency_key",
                reason: "idempotency_key_reused",
                message,
            },
            LedgerError::AlreadyReversed(_) => Self::Conflict {
                field: "transfer",
                reason: "already_reversed",
                message,
            },
            // Contention that outlived its retries is "try again", not a bug.
            LedgerError::Database(e) if write::is_retryable(&e) => Self::Unavailable(message),
            LedgerError::Database(e) => Self::from(e),
            LedgerError::Service(e) => *e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_refusals_become_conflicts_with_stable_reasons() {
        let reason_of = |err: LedgerError| match ServiceError::from(err) {
            ServiceError::Conflict { reason, .. } => reason,
            other => panic!("expected a conflict, got {other:?}"),
        };
        assert_eq!(
            reason_of(LedgerError::InsufficientBalance {
                account: AccountId(1),
                balance: Points(3),
                needed: Points(5),
                index: 0,
            }),
            "insufficient_balance"
        );
        assert_eq!(
            reason_of(LedgerError::IdempotencyConflict { key: "k".into() }),
            "idempotency_key_reused"
        );
        assert_eq!(
            reason_of(LedgerError::AlreadyReversed(TransferId(9))),
            "already_reversed"
        );
        assert!(matches!(
            ServiceError::from(LedgerError::AccountNotFound(AccountId(1))),
            ServiceError::NotFound
        ));
        assert!(matches!(
            ServiceError::from(LedgerError::Invalid {
                field: "amount",
                reason: "not_positive"
            }),
            ServiceError::Invalid {
                field: "amount",
                ..
            }
        ));
    }
}
