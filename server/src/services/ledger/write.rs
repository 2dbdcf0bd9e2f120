//! Write transactions that never lose an update, on both backends.
//!
//! SQLite: a deferred transaction that reads and then writes can find, at
//! its first write, that another connection wrote since its read, and fail
//! with `SQLITE_BUSY` no matter the busy timeout. Ledger writes therefore
//! begin `IMMEDIATE` (sea-orm 2's `TransactionOptions::sqlite_transaction_mode`),
//! taking the write lock up front; the pool's busy timeout makes the next
//! writer wait for it instead of failing.
//!
//! SQLite also has one writer at a time, and its busy handler makes the
//! others poll with growing sleeps (up to 100 ms), so under load a writer
//! may wait far longer than the lock is held and the tail latency explodes.
//! Writers of one process therefore queue in order on an in-process lock per
//! database file ([`writer_turn`]) before they begin, and write through one
//! connection of that file's own, whose page cache stays warm
//! ([`WriterTurn::connection`]); the busy timeout stays for writers of
//! other processes and for the few that write without a turn.
//!
//! A turn ends at its commit, not at the disk's flush: the writer
//! connection commits without waiting for the disk, and the log is flushed
//! after the turn, while the next writer runs; nobody is told of a write
//! before its flush ([`WriterTurn::end`], [`Flush`]).
//!
//! PostgreSQL: transactions run at READ COMMITTED. The accounts a batch
//! touches are locked up front in id order (`SELECT … FOR UPDATE`), so two
//! batches can never wait on each other in a cycle, and every balance change
//! is a conditional `UPDATE` re-checked by PostgreSQL after it waits for the
//! row. Serialization failures (40001) and deadlocks (40P01) can still happen
//! (e.g. when a caller composes the ledger into a stricter transaction), so
//! [`with_retry`] re-runs the whole transaction a bounded number of times
//! with a jittered, growing pause.

use super::{LedgerError, LedgerResult};
use rand::Rng;
use sea_orm::sqlx;
use sea_orm::sqlx::sqlite::{SqlitePoolOptions, SqliteSynchronous};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, RuntimeErr, SqliteTransactionMode,
    SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::sync::OwnedMutexGuard;

/// How many times a transaction is tried in all.
pub const MAX_ATTEMPTS: u32 = 6;
/// The first pause between attempts; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(2);
/// The longest pause between attempts.
const MAX_BACKOFF: Duration = Duration::from_millis(100);

/// The writer of one SQLite database file in this process: the turn to
/// write, and (once the first turn made it) the connection to write on.
type Writer = Arc<tokio::sync::Mutex<Option<DatabaseConnection>>>;

/// One writer per SQLite database file.
static SQLITE_WRITERS: LazyLock<Mutex<HashMap<PathBuf, Writer>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Pages of cache of a file's writer connection (negative: KiB), 64 MiB.
/// The pool's connections keep SQLite's default 2 MiB: a read is a few
/// pages, and every commit empties their caches anyway (below).
const WRITER_CACHE_KIB: i64 = 64 * 1024;

/// This process's turn to write to a database (see [`writer_turn`]).
pub struct WriterTurn {
    /// Where the turn's writes go.
    connection: DatabaseConnection,
    /// SQLite: the file's queue, held until the turn ends.
    queue: Option<OwnedMutexGuard<Option<DatabaseConnection>>>,
    /// SQLite, through the file's writer connection: its log, which the
    /// turn's commits leave unflushed ([`WriterTurn::end`]).
    log: Option<PathBuf>,
}

/// What a write turn committed, not yet known to be on disk: wait for it
/// ([`Flush::wait`]) before telling anyone it is done. The next turn may
/// run meanwhile.
#[derive(Debug)]
#[must_use = "a commit is not durable until its flush is waited for"]
pub struct Flush {
    /// The log to flush, if the turn's commits left it unflushed.
    log: Option<PathBuf>,
}

impl WriterTurn {
    /// Where the turn's writes go: on SQLite, the file's own writer
    /// connection; elsewhere the database itself.
    ///
    /// In WAL mode a SQLite connection empties its page cache whenever
    /// another connection has committed since its last transaction, and a
    /// pool hands out its connections in turn: every write transaction
    /// started cold and read each page it touched back from the file (a
    /// group of about 16 single records: 390 `pread`s; 110 through one
    /// connection, `bench ingest`, 2026-11-30). Writing always through one
    /// connection keeps its cache — and its prepared statements — warm.
    #[must_use]
    pub fn connection(&self) -> &DatabaseConnection {
        &self.connection
    }

    /// Ends the turn — the next writer may begin — and returns the flush
    /// that makes what it committed durable.
    ///
    /// The writer connection commits with `synchronous=NORMAL`: its commit
    /// appends the pages to the log without waiting for the disk, and the
    /// disk's flush ([`Flush::wait`]) happens after the turn, while the
    /// next writer already writes. Every commit is still flushed before it
    /// is answered; a later writer's flush covers the pages of every
    /// commit before it, since they are earlier in the same file. Until
    /// then other connections may read what is not yet durable: lost in a
    /// power cut, it was never acknowledged, and a partner sends it again.
    ///
    /// Single records: 2,583/s → 2,842/s at the mean, p99 19.4–25.9 ms →
    /// 16.9–21.1 ms; batches +3 % (`bench ingest`, six pairs, alternating,
    /// 2026-12-02; docs/PERFORMANCE.md, session 26).
    pub fn end(self) -> Flush {
        let Self {
            connection,
            queue,
            log,
        } = self;
        drop(connection);
        drop(queue);
        Flush { log }
    }
}

impl Flush {
    /// Waits until the turn's commits are on disk.
    ///
    /// If the disk refuses the flush, the process aborts: Linux may then
    /// have dropped the log's unwritten pages and will not say so again,
    /// so a later flush could report success over a hole in the log, and
    /// the commits after the hole would be acknowledged and then lost on
    /// recovery. Starting again recovers the log as the disk holds it
    /// (PostgreSQL stops for the same reason).
    ///
    /// # Errors
    /// The runtime shut down before the flush could run.
    pub async fn wait(self) -> LedgerResult<()> {
        let Some(log) = self.log else {
            return Ok(());
        };
        tokio::task::spawn_blocking(move || flush_log(&log))
            .await
            .map_err(|e| {
                LedgerError::Database(DbErr::Custom(format!("the log flush stopped: {e}")))
            })
    }
}

/// Flushes a SQLite log file to disk, or aborts ([`Flush::wait`]).
fn flush_log(log: &std::path::Path) {
    // `fdatasync` on any descriptor of a file flushes that file's pages,
    // whichever descriptor wrote them.
    match std::fs::File::open(log).and_then(|file| file.sync_data()) {
        Ok(()) => {
            #[cfg(test)]
            tests::flushed(log);
        }
        // No log: the last connection checkpointed it into the database
        // (flushing both) and removed it.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::error!(log = %log.display(), error = %e, "cannot flush the database log; stopping");
            std::process::abort();
        }
    }
}

/// Waits for this process's turn to write to `db`: on SQLite, the writers
/// of one database file go one at a time, first come first served, through
/// the file's writer connection ([`WriterTurn::connection`]); on PostgreSQL
/// there is nothing to wait for. Hold the turn until the write transaction
/// has committed or rolled back.
pub async fn writer_turn(db: &DatabaseConnection) -> WriterTurn {
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return WriterTurn {
            connection: db.clone(),
            queue: None,
            log: None,
        };
    }
    let options = db.get_sqlite_connection_pool().connect_options();
    let file = options.get_filename().to_path_buf();
    let writer = {
        // A poisoned map only means another thread panicked mid-insert; the
        // map itself is still whole.
        let mut writers = SQLITE_WRITERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !writers.contains_key(&file) {
            // The writers of files that are gone (a test's database) go
            // with them, unless a turn holds or awaits one.
            writers.retain(|path, writer| path.exists() || Arc::strong_count(writer) > 1);
        }
        Arc::clone(writers.entry(file.clone()).or_default())
    };
    let mut queue = writer.lock_owned().await;
    // An in-memory database has no file; its writes stay on the pool.
    if queue.is_none() && file.exists() {
        let options = options
            .as_ref()
            .clone()
            .pragma("cache_size", (-WRITER_CACHE_KIB).to_string())
            // A statement that may fail half-way (a multi-row insert under
            // a unique index, an upsert) first copies each page it changes
            // to a statement journal, a temporary file past 64 KiB: a
            // partner batch wrote thousands of pages there through
            // `write()`, 8 % of the writer thread's time. The writer keeps
            // them in memory (a statement's pages, a few MiB at most); the
            // pool's readers keep temporary files for large sorts. Batches
            // 9,396–9,677/s → 10,198–10,219/s (`bench ingest`, 100
            // batches, alternating, 2026-11-30).
            .pragma("temp_store", "memory")
            // Commits do not wait for the disk; the turn's end flushes the
            // log instead, outside the turn ([`WriterTurn::end`]).
            .synchronous(SqliteSynchronous::Normal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            // A file's connection does not drop like a server's.
            .test_before_acquire(false)
            .acquire_timeout(
                db.get_sqlite_connection_pool()
                    .options()
                    .get_acquire_timeout(),
            )
            .connect_lazy_with(options);
        *queue = Some(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool));
    }
    let log = queue.is_some().then(|| {
        let mut log = file.into_os_string();
        log.push("-wal");
        PathBuf::from(log)
    });
    WriterTurn {
        connection: queue.as_ref().unwrap_or(db).clone(),
        queue: Some(queue),
        log,
    }
}

/// Begins a transaction that will write: `BEGIN IMMEDIATE` on SQLite, a
/// plain `BEGIN` (READ COMMITTED) on PostgreSQL.
///
/// # Errors
/// The database is unreachable, or SQLite stayed busy beyond the timeout.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// A unit of work on a write transaction, boxed so that it can borrow the
/// transaction it is given.
pub type Work<'t, T> = Pin<Box<dyn Future<Output = LedgerResult<T>> + Send + 't>>;

/// Runs `work` in a write transaction ([`begin_write`]) and commits it; when
/// the transaction fails with contention ([`is_retryable`]) it is rolled back
/// and run again, up to [`MAX_ATTEMPTS`] times. `work` must therefore be
/// safe to re-run: everything it writes goes through the transaction.
///
/// # Errors
/// The first error that is not contention, or the contention of the last
/// attempt.
pub async fn with_retry<T, F>(db: &DatabaseConnection, work: F) -> LedgerResult<T>
where
    F: for<'t> FnMut(&'t DatabaseTransaction) -> Work<'t, T>,
    T: Send,
{
    let (value, flush) = with_retry_unflushed(db, work).await?;
    flush.wait().await?;
    Ok(value)
}

/// [`with_retry`], returning as soon as the transaction has committed,
/// with the [`Flush`] to wait for before anyone is told: the caller may
/// begin its next write meanwhile.
///
/// # Errors
/// As [`with_retry`].
pub async fn with_retry_unflushed<T, F>(
    db: &DatabaseConnection,
    mut work: F,
) -> LedgerResult<(T, Flush)>
where
    F: for<'t> FnMut(&'t DatabaseTransaction) -> Work<'t, T>,
    T: Send,
{
    let mut attempt = 1;
    loop {
        let turn = writer_turn(db).await;
        let result = match begin_write(turn.connection()).await {
            Ok(txn) => match work(&txn).await {
                Ok(value) => txn
                    .commit()
                    .await
                    .map(|()| value)
                    .map_err(LedgerError::from),
                Err(err) => {
                    // A failed rollback leaves nothing behind either: the
                    // connection goes back to the pool and sqlx rolls back.
                    let _ = txn.rollback().await;
                    Err(err)
                }
            },
            Err(err) => Err(LedgerError::from(err)),
        };
        let flush = turn.end();
        match result {
            Ok(value) => return Ok((value, flush)),
            Err(LedgerError::Database(err)) if is_retryable(&err) && attempt < MAX_ATTEMPTS => {
                tracing::debug!(attempt, %err, "ledger transaction contended; retrying");
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

/// The pause after failed attempt `attempt` (1-based): doubling from
/// [`FIRST_BACKOFF`], capped at [`MAX_BACKOFF`], with up to 50 % jitter so
/// that writers that collided do not collide again in step.
fn backoff(attempt: u32) -> Duration {
    let base = FIRST_BACKOFF
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(MAX_BACKOFF);
    let jitter = rand::rng().random_range(0..=base.as_micros() / 2);
    base + Duration::from_micros(u64::try_from(jitter).unwrap_or(0))
}

/// Whether a database error is contention that a new attempt may not meet:
/// PostgreSQL's serialization failure (40001) or deadlock (40P01), SQLite's
/// busy or locked database (primary result codes 5 and 6).
#[must_use]
pub fn is_retryable(err: &DbErr) -> bool {
    let Some(code) = sqlx_database_code(err) else {
        return false;
    };
    match code.as_str() {
        "40001" | "40P01" => true,
        sqlite => sqlite
            .parse::<i32>()
            .is_ok_and(|code| matches!(code & 0xff, 5 | 6)),
    }
}

/// The database's own error code (SQLSTATE, or SQLite's extended result code).
fn sqlx_database_code(err: &DbErr) -> Option<String> {
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = err
    else {
        return None;
    };
    match e.as_ref() {
        sqlx::Error::Database(db_err) => db_err.code().map(|c| c.into_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DatabaseArgs;
    use sea_orm::ConnectionTrait;

    /// A new SQLite file `name` in a folder of its own (kept while the
    /// folder is), opened as the server opens it.
    async fn file_db(name: &str) -> (tempfile::TempDir, DatabaseConnection) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join(name).display());
        let db = crate::db::connect(&DatabaseArgs { url }).await.unwrap();
        (dir, db)
    }

    /// A connection's numeric setting `name`.
    async fn pragma(conn: &DatabaseConnection, name: &str) -> i64 {
        conn.query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
    }

    #[tokio::test]
    async fn every_turn_writes_through_the_files_own_connection() {
        let (_dir, db) = file_db("w.db").await;
        // A temporary table belongs to the connection that made it.
        {
            let turn = writer_turn(&db).await;
            turn.connection()
                .execute_unprepared("CREATE TEMP TABLE made_in_a_turn (x)")
                .await
                .unwrap();
        }
        let turn = writer_turn(&db).await;
        let writer = turn.connection();
        writer
            .execute_unprepared("INSERT INTO made_in_a_turn VALUES (1)")
            .await
            .expect("the next turn is on the same connection");
        assert_eq!(pragma(writer, "cache_size").await, -WRITER_CACHE_KIB);
        // NORMAL (1): the turn's end flushes the log; FULL (2) elsewhere.
        assert_eq!(pragma(writer, "synchronous").await, 1);
        assert_eq!(pragma(&db, "synchronous").await, 2);
        assert!(
            db.execute_unprepared("INSERT INTO made_in_a_turn VALUES (2)")
                .await
                .is_err(),
            "the pool's connections are others"
        );
    }

    #[tokio::test]
    async fn a_turn_on_the_writer_connection_ends_with_its_log_to_flush() {
        let (dir, db) = file_db("f.db").await;
        let turn = writer_turn(&db).await;
        turn.connection()
            .execute_unprepared("CREATE TABLE t (x)")
            .await
            .unwrap();
        let flush = turn.end();
        let log = dir.path().join("f.db-wal");
        assert_eq!(flush.log.as_deref(), Some(log.as_path()));
        assert!(log.exists(), "the commit went to the log");
        // The next turn need not wait for the flush.
        let next = writer_turn(&db).await;
        flush.wait().await.unwrap();
        next.end().wait().await.unwrap();

        // An in-memory database writes through the pool: no log to flush.
        let memory = crate::db::connect(&DatabaseArgs {
            url: "sqlite::memory:".into(),
        })
        .await
        .unwrap();
        assert!(writer_turn(&memory).await.end().log.is_none());
    }

    /// How many times each log was flushed, for the tests.
    static FLUSHES: LazyLock<Mutex<HashMap<PathBuf, u32>>> = LazyLock::new(Mutex::default);

    pub(super) fn flushed(log: &std::path::Path) {
        *FLUSHES.lock().unwrap().entry(log.to_owned()).or_default() += 1;
    }

    fn flushes_of(log: &std::path::Path) -> u32 {
        FLUSHES.lock().unwrap().get(log).copied().unwrap_or(0)
    }

    #[tokio::test]
    async fn a_write_is_answered_only_once_its_log_is_flushed() {
        let (dir, db) = file_db("d.db").await;
        let log = dir.path().join("d.db-wal");
        fn insert(txn: &DatabaseTransaction) -> Work<'_, u64> {
            Box::pin(async move {
                txn.execute_unprepared("CREATE TABLE IF NOT EXISTS t (x)")
                    .await?;
                Ok(txn
                    .execute_unprepared("INSERT INTO t VALUES (1)")
                    .await?
                    .rows_affected())
            })
        }
        fn insert_into_nothing(txn: &DatabaseTransaction) -> Work<'_, ()> {
            Box::pin(async move {
                txn.execute_unprepared("INSERT INTO missing VALUES (1)")
                    .await?;
                Ok(())
            })
        }

        assert_eq!(with_retry(&db, insert).await.unwrap(), 1);
        assert_eq!(flushes_of(&log), 1, "flushed before it returned");

        let (inserted, flush) = with_retry_unflushed(&db, insert).await.unwrap();
        assert_eq!(inserted, 1);
        assert_eq!(flushes_of(&log), 1, "committed, not yet flushed");
        flush.wait().await.unwrap();
        assert_eq!(flushes_of(&log), 2);

        // A failed write has nothing to flush.
        assert!(with_retry(&db, insert_into_nothing).await.is_err());
        assert_eq!(flushes_of(&log), 2);
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        for attempt in 1..=20 {
            let pause = backoff(attempt);
            assert!(pause >= FIRST_BACKOFF, "{pause:?}");
            assert!(pause <= MAX_BACKOFF + MAX_BACKOFF / 2, "{pause:?}");
        }
        assert!(backoff(5) >= Duration::from_millis(32));
    }

    #[test]
    fn errors_without_a_database_code_are_not_retried() {
        assert!(!is_retryable(&DbErr::RecordNotInserted));
        assert!(!is_retryable(&DbErr::Custom("x".into())));
    }
}
