//! Services: the server's behaviour. Each owns its transactions and speaks in
//! domain types; handlers call exactly one service function per request.

pub mod accounts;
pub mod admin_citizens;
pub mod audit;
pub mod bindings;
pub mod bulk;
pub mod citizen;
pub mod citizen_cache;
pub mod dashboard;
pub mod imports;
pub mod ingest;
pub mod leaderboard;
pub mod ledger;
pub mod partner_limit;
pub mod partners;
pub mod privacy;
#[cfg(test)]
pub(crate) mod query_plan;
pub mod rate_limit;
pub mod reports;
pub mod review;
pub mod rewards;
pub mod rollups;
pub mod rules;
pub mod sessions;
pub mod settings;
pub mod simulation;
pub mod stats;
pub mod tokens;
pub mod webhook;

use sea_orm::sqlx;
use sea_orm::{DbErr, RuntimeErr};

/// The one error type of the service layer.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A value the caller sent is not acceptable.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field, as named in the request.
        field: &'static str,
        /// A stable reason code (snake_case).
        reason: String,
    },
    /// The request conflicts with what is stored.
    #[error("{message}")]
    Conflict {
        /// The field at fault.
        field: &'static str,
        /// A stable reason code (snake_case).
        reason: &'static str,
        /// For a person.
        message: String,
    },
    /// No valid credentials: a wrong password, a bad or expired token. The
    /// message never tells which.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// Signed in, but not allowed to do this.
    #[error("not allowed")]
    Forbidden,
    /// No such thing — or not yours, which callers must not be able to tell
    /// apart.
    #[error("not found")]
    NotFound,
    /// The account is frozen.
    #[error("this account is frozen; contact the city's carbon-inclusion service")]
    AccountFrozen,
    /// Too many requests; the caller may try again after this many seconds.
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the current window ends.
        retry_after_secs: u64,
    },
    /// The database cannot be reached now; worth retrying.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or a broken invariant.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<DbErr> for ServiceError {
    fn from(err: DbErr) -> Self {
        if is_transient(&err) {
            Self::Unavailable(err.to_string())
        } else {
            Self::Internal(err.to_string())
        }
    }
}

/// The result of a service call.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// Whether a database error means "the database cannot serve this now" (503,
/// worth retrying) rather than a bug: no connection could be had, the one in
/// use broke mid-statement or was ended by the server (a restart, a
/// failover, an administrator), or the database stayed busy with other
/// writers beyond the wait (SQLite's busy timeout; PostgreSQL's lock or
/// serialization failures that outlived their retries).
#[must_use]
pub fn is_transient(err: &DbErr) -> bool {
    if ledger::write::is_retryable(err) {
        return true;
    }
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(e) => e.code().is_some_and(|code| session_lost(&code)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// PostgreSQL's SQLSTATEs for a session that is gone or cannot be had now:
/// class 08 (connection exception), and 57P01–57P03 (the server is shutting
/// down, has crashed, or is not accepting connections yet). A restart or a
/// failover ends every session with 57P01; the statement in flight fails
/// with it, and its transaction is rolled back whole. (SQLite's codes are
/// numbers that never start with `0`.)
fn session_lost(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
}

#[cfg(test)]
mod tests {
    use super::session_lost;

    #[test]
    fn sessions_ended_by_the_database_are_transient_and_constraints_are_not() {
        for ended in ["57P01", "57P02", "57P03", "08006", "08003", "08001"] {
            assert!(session_lost(ended), "{ended}");
        }
        // A unique violation, a lock timeout, SQLite's busy and constraint codes.
        for other in ["23505", "55P03", "5", "2067"] {
            assert!(!session_lost(other), "{other}");
        }
    }
}
