//! Opening the database: SQLite (the embedded default) or PostgreSQL, chosen
//! by the URL, with the settings each needs to keep money-like data safe.

use crate::config::DatabaseArgs;
use crate::postgres_nodelay;
use crate::services::bulk;
use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;
use tanpu_migrations::{Migrator, MigratorTrait};

/// How long a SQLite writer waits for the write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Rows a SQLite connection's worker thread may read ahead of the query's
/// reader. sqlx hands every row over a channel from the thread that steps
/// the statement; at its default of 50, a long scan (a simulation reads a
/// million rows) paid a thread wake-up every few rows on both sides.
const SQLITE_ROWS_AHEAD: usize = 4_096;

/// Prepared statements each SQLite connection keeps (sqlx's default: 100).
/// The set-based write paths bind `IN` and `VALUES` lists as long as their
/// batch, so a stream of small groups of single records brings a few
/// hundred statement texts, and at 100 they pushed each other out and were
/// parsed and planned again (`bench ingest`, 2026-11-29: singles 1,740/s,
/// p99 30–44 ms at 100; 2,000–2,090/s, p99 25 ms at 1,000; the process's
/// peak memory 470–512 MB and 516 MB). Binding such lists as one value
/// would let one text serve every size; until then, a larger cache.
const SQLITE_CACHED_STATEMENTS: usize = 1_000;

/// Pages of WAL after which a commit checkpoints the log itself (SQLite's
/// default: 1,000, fewer than one partner batch writes). Serving processes
/// checkpoint from a task instead ([`crate::checkpointer`]), and this
/// bounds the log at 128 MiB (4 KiB pages): where no task runs, and under
/// writes so steady that the log is never caught up when a writer starts
/// (only then may SQLite start the log again from its beginning).
///
/// It must stay well above what one batch writes. A batch of 1,000 records
/// writes thousands of pages (its rows land on random pages of several
/// indexes), more as the tables grow: the log's file reached 33 MB, about
/// 8,000 pages, in 200 batches. At the earlier 4,096 such commits
/// checkpointed the whole log themselves, inside the writer's turn —
/// commits took 76 ms at the median, 34 ms at 32,768, and batches over
/// 200 went from 5,663–5,853/s to 6,779–6,826/s (`bench ingest`,
/// 2026-11-30, alternating). Over 60 batches, 8,421–8,660/s against
/// 8,819–9,067/s, and single records after them p99 27.6–28.5 ms against
/// 24.7–26.3 ms: not worse.
pub const SQLITE_AUTOCHECKPOINT_PAGES: u32 = 32_768;

/// Opens a pool on the configured database. For SQLite the file and its
/// folder are created if missing, and every connection runs in WAL mode with
/// foreign keys on and `synchronous=FULL` (a committed credit survives a
/// power cut). The writers' own connection commits with `NORMAL` and
/// flushes the log after each turn, before anyone is answered
/// ([`crate::services::ledger::write::WriterTurn::end`]). For PostgreSQL
/// over TCP every new connection gets `TCP_NODELAY`
/// ([`crate::postgres_nodelay`]), which lets statements grow past 8 KiB
/// ([`bulk::StatementSize`]).
///
/// # Errors
/// The database cannot be reached or the file cannot be created.
pub async fn connect(args: &DatabaseArgs) -> Result<DatabaseConnection, DbErr> {
    let url = args.url.as_str();
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        // sqlx pings a pooled connection on every checkout (its default),
        // a round trip per query. Kept on purpose for PostgreSQL: pinging
        // only connections idle for a while was tried (issue 9) and, after a
        // failover ended every session, handed out dead connections that
        // failed requests until each had been tried
        // (`outage::sessions_ended_by_postgresql…`). SQLite's are turned off
        // below.
        .acquire_timeout(Duration::from_secs(5));
    if url.starts_with("sqlite:") {
        let folder = sqlite_file(url)
            .and_then(|path| Path::new(path).parent())
            .filter(|folder| !folder.as_os_str().is_empty());
        if let Some(folder) = folder {
            std::fs::create_dir_all(folder)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", folder.display())))?;
        }
        options
            .max_connections(8)
            .min_connections(1)
            // A SQLite connection is a file opened in this process: no
            // server can end it, so there is nothing for a ping to find,
            // and each ping is a trip to the connection's thread and back
            // before every query.
            .test_before_acquire(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .row_buffer_size(SQLITE_ROWS_AHEAD)
                    .statement_cache_capacity(SQLITE_CACHED_STATEMENTS)
                    .pragma(
                        "wal_autocheckpoint",
                        SQLITE_AUTOCHECKPOINT_PAGES.to_string(),
                    )
            });
    } else {
        options.max_connections(16).min_connections(1);
        match postgres_address(url) {
            // sqlx reports a malformed URL when it connects.
            None => {}
            Some(PostgresAddress::UnixSocket) => bulk::note_postgres_connection(true),
            Some(PostgresAddress::Tcp { host, port }) => {
                options.map_sqlx_postgres_pool_opts(move |pool| {
                    let host = host.clone();
                    pool.after_connect(move |_, _| {
                        let host = host.clone();
                        Box::pin(async move {
                            set_nodelay_after_connect(&host, port).await;
                            Ok(())
                        })
                    })
                });
            }
        }
    }
    Database::connect(options).await
}

/// Opens the database and applies every pending migration.
///
/// # Errors
/// As [`connect`], or a migration failed.
pub async fn connect_and_migrate(args: &DatabaseArgs) -> Result<DatabaseConnection, DbErr> {
    let db = connect(args).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// Where a PostgreSQL URL reaches its server, as sqlx reads it.
#[derive(Debug, PartialEq, Eq)]
enum PostgresAddress {
    /// A Unix socket (`?host=/var/run/postgresql`, or a percent-encoded
    /// path as the host).
    UnixSocket,
    /// TCP to a host name or address and a port.
    Tcp { host: String, port: u16 },
}

/// Where `url` reaches PostgreSQL, or `None` if sqlx cannot read it.
fn postgres_address(url: &str) -> Option<PostgresAddress> {
    let options = PgConnectOptions::from_str(url).ok()?;
    Some(if options.get_socket().is_some() {
        PostgresAddress::UnixSocket
    } else {
        PostgresAddress::Tcp {
            host: options.get_host().to_owned(),
            port: options.get_port(),
        }
    })
}

/// Sets `TCP_NODELAY` on the connections to PostgreSQL at `host:port`
/// after sqlx has opened one ([`crate::postgres_nodelay`]), and notes
/// whether statements may be large ([`bulk::StatementSize`]). The host is
/// looked up each time: a failover may have moved its name to another
/// address. Never fails the connection: without the option, statements
/// only stay small.
async fn set_nodelay_after_connect(host: &str, port: u16) {
    let servers: HashSet<SocketAddr> = match tokio::net::lookup_host((host, port)).await {
        Ok(addresses) => addresses.collect(),
        Err(e) => {
            tracing::warn!(%host, error = %e, "cannot look up PostgreSQL's address to set TCP_NODELAY");
            bulk::note_postgres_connection(false);
            return;
        }
    };
    match postgres_nodelay::set_on_connections_to(&servers) {
        Ok(0) => {
            // The new connection is no longer connected: the server or a
            // proxy reset it before this ran (the outage tests do), and its
            // first query will fail. That says nothing about the others,
            // so nothing is noted. (Or the name now points elsewhere than
            // where sqlx connected a moment ago; that connection then keeps
            // its delayed ACKs, said here.)
            tracing::warn!(%host, port, "no connection to PostgreSQL found to set TCP_NODELAY on");
        }
        Ok(_) => bulk::note_postgres_connection(true),
        Err(e) => {
            tracing::warn!(error = %e, "cannot set TCP_NODELAY on connections to PostgreSQL; statements stay small");
            bulk::note_postgres_connection(false);
        }
    }
}

/// The file path inside a `sqlite:` URL, or `None` for an in-memory database.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::{PostgresAddress, postgres_address, sqlite_file};

    #[test]
    fn postgres_urls_say_whether_they_use_a_unix_socket_or_tcp() {
        let tcp = |host: &str, port| {
            Some(PostgresAddress::Tcp {
                host: host.to_owned(),
                port,
            })
        };
        assert_eq!(
            postgres_address("postgres://postgres@localhost?host=/var/run/postgresql"),
            Some(PostgresAddress::UnixSocket)
        );
        assert_eq!(
            postgres_address("postgres://postgres@%2Fvar%2Frun%2Fpostgresql/tanpu"),
            Some(PostgresAddress::UnixSocket)
        );
        assert_eq!(
            postgres_address("postgres://postgres@127.0.0.1:5433/tanpu"),
            tcp("127.0.0.1", 5433)
        );
        assert_eq!(
            postgres_address("postgres://postgres@db.example.cn/tanpu"),
            tcp("db.example.cn", 5432)
        );
        assert_eq!(postgres_address("postgres://[::1"), None);
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(sqlite_file("sqlite://data/tanpu.db"), Some("data/tanpu.db"));
        assert_eq!(
            sqlite_file("sqlite:///tmp/x.db?mode=rwc"),
            Some("/tmp/x.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
