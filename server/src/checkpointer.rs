//! SQLite's WAL checkpoints, moved off the commit path.
//!
//! In WAL mode a commit appends its pages to the log; a checkpoint copies
//! them back into the database file and flushes it. By default the commit
//! that takes the log past 1,000 pages runs the checkpoint itself, and a
//! batch of 1,000 partner records writes more than that, so every batch's
//! commit also copied and flushed the database file while holding the
//! write lock: such commits took 40–53 ms at the median, 12–21 ms without
//! the copy (`bench ingest`, 2026-11-30, see docs/PERFORMANCE.md).
//!
//! A serving process instead runs a passive checkpoint from a task of its
//! own every [`EVERY`]: passive checkpoints take no write lock, so writers
//! carry on while the pages are copied. Commits only checkpoint when the
//! log passes [`crate::db::SQLITE_AUTOCHECKPOINT_PAGES`], a backstop for
//! processes that run no checkpointer (the command line) and for steady
//! writes: SQLite starts the log again from its beginning only when a
//! writer begins with every page of it copied, which back-to-back batches
//! never leave time for, so under them the log grows to the backstop, and
//! the commit that crosses it copies what the task had not yet (little)
//! and lets the log start over.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often the log is checkpointed.
///
/// Under steady writes the log still reaches the commit backstop, and the
/// commit that crosses it copies what the task had not copied yet: up to
/// one interval's pages, while the writers wait. A short interval keeps
/// that copy small. `bench ingest`, 2026-11-30, single records after the
/// batches, alternating three pairs: p99 34.4, 31.0 and 28.2 ms at 50 ms
/// against 40.1, 43.9 and 45.2 ms at 200 ms, batches the same; at 1 s
/// (session 9) worse than at 200 ms.
pub const EVERY: Duration = Duration::from_millis(50);

/// The running checkpoint task; it stops when this is dropped.
#[derive(Debug)]
pub struct Checkpointer(JoinHandle<()>);

impl Checkpointer {
    /// Starts checkpointing `db`'s log every [`EVERY`] if it is SQLite;
    /// `None` for PostgreSQL, which checkpoints by itself. Needs a Tokio
    /// runtime.
    #[must_use]
    pub fn start(db: &DatabaseConnection) -> Option<Self> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return None;
        }
        let db = db.clone();
        Some(Self(tokio::spawn(async move {
            let mut ticks = tokio::time::interval(EVERY);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                // A failure (the pool closing, a full disk) is the next
                // commit's to report; the backstop still bounds the log.
                if let Err(e) = db
                    .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
                    .await
                {
                    tracing::debug!(error = %e, "WAL checkpoint failed");
                }
            }
        })))
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::{Checkpointer, EVERY};
    use std::time::Duration;

    /// Long enough for several rounds of the task on a slow machine.
    const A_WHILE: Duration = Duration::from_millis(600);
    use crate::config::DatabaseArgs;
    use sea_orm::{ConnectionTrait, DatabaseConnection};
    use std::path::Path;

    /// Writes `rows` rows of 4 KiB (a page each, about) in one transaction.
    async fn write_pages(db: &DatabaseConnection, rows: u32) {
        db.execute_unprepared(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) \
             INSERT INTO pages (body) SELECT randomblob(4000) FROM n"
        ))
        .await
        .unwrap();
    }

    fn size_of(path: &Path) -> u64 {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }

    async fn open(dir: &Path) -> DatabaseConnection {
        let url = format!("sqlite://{}", dir.join("t.db").display());
        let db = crate::db::connect(&DatabaseArgs { url }).await.unwrap();
        db.execute_unprepared("CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB)")
            .await
            .unwrap();
        db
    }

    #[tokio::test]
    async fn committed_pages_reach_the_database_file_without_a_commit_copying_them() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path()).await;
        let _checkpointer = Checkpointer::start(&db).unwrap();
        write_pages(&db, 1_500).await;
        // Under the backstop, no commit checkpoints: only the task can
        // bring the 6 MB into the database file.
        // A checkpoint writes pages in page order, so the file reaches its
        // full size (a page a row at least) only with the copy's last page.
        let file = dir.path().join("t.db");
        let full = 1_500 * 4_096;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while size_of(&file) < full && std::time::Instant::now() < deadline {
            tokio::time::sleep(EVERY).await;
        }
        assert!(size_of(&file) >= full, "{} bytes", size_of(&file));
        // Let the checkpoint that copied them flush and record it.
        tokio::time::sleep(A_WHILE).await;

        // The log was checkpointed whole, so the next writer starts it
        // again from its beginning: it does not grow past one batch.
        let log = dir.path().join("t.db-wal");
        let after_first = size_of(&log);
        write_pages(&db, 1_500).await;
        assert!(
            size_of(&log) <= after_first + 64 * 1024,
            "{} then {}",
            after_first,
            size_of(&log)
        );
    }

    #[tokio::test]
    async fn without_the_task_commits_leave_the_pages_in_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path()).await;
        write_pages(&db, 1_500).await;
        tokio::time::sleep(A_WHILE).await;
        assert!(size_of(&dir.path().join("t.db")) < 1_000_000);
        assert!(size_of(&dir.path().join("t.db-wal")) > 5_000_000);
    }

    #[tokio::test]
    async fn stops_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path()).await;
        drop(Checkpointer::start(&db).unwrap());
        write_pages(&db, 1_500).await;
        tokio::time::sleep(A_WHILE).await;
        assert!(size_of(&dir.path().join("t.db")) < 1_000_000);
    }
}
