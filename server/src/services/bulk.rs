//! Statements over many rows: how large to make them on each backend, row
//! ids reserved before anything is inserted, and reads of one window per
//! citizen ([`per_window`]).
//!
//! The set-based write paths (the ledger's batches, partner ingestion) turn
//! a thousand records into a few dozen statements. Both need the same two
//! things: to cut statements where the backend stops being fast with them,
//! and to know the ids of rows they are about to insert (a transfer's hash
//! covers its id; a credit names the action it pays for). Ingestion also
//! reads, for every citizen of a batch, the rows of a span of days or time
//! (their totals so far, their recent actions, the periods they were
//! active in) in one statement for the whole batch.

use sea_orm::sea_query::Expr;
use sea_orm::sea_query::postgres_array::NotU8;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, QueryResult, Statement, Value};
use std::sync::atomic::{AtomicU8, Ordering};

/// How this process's requests reach PostgreSQL: [`UNPROVEN`] until a
/// connection is noted, then [`AT_ONCE`] while every connection noted sends
/// its requests without waiting (a Unix socket, or TCP with `TCP_NODELAY`),
/// and [`HELD_BACK`] for good once one may not. Noted by
/// [`crate::db::connect`] for each connection, read by
/// [`StatementSize::of`]. A process-wide note rather than a property of
/// each connection because the write paths size their statements inside
/// transactions, which do not say how their pool connects; a process talks
/// to one PostgreSQL.
static POSTGRES_REQUESTS: AtomicU8 = AtomicU8::new(UNPROVEN);

/// No connection to PostgreSQL noted yet.
const UNPROVEN: u8 = 0;
/// Every connection noted sends its requests at once.
const AT_ONCE: u8 = 1;
/// Some connection's requests may wait for the server's delayed ACK.
const HELD_BACK: u8 = 2;

/// Notes how one of this process's connections to PostgreSQL sends its
/// requests: at once (a Unix socket, or `TCP_NODELAY` set on it) or
/// possibly held back (see [`StatementSize`]). One held-back connection
/// keeps every statement small from then on.
pub fn note_postgres_connection(sends_at_once: bool) {
    let _ = POSTGRES_REQUESTS.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |now| {
        Some(after_noting(now, sends_at_once))
    });
}

/// What [`POSTGRES_REQUESTS`] becomes from `now` when a connection is noted.
fn after_noting(now: u8, sends_at_once: bool) -> u8 {
    match (now, sends_at_once) {
        (HELD_BACK, _) | (_, false) => HELD_BACK,
        (_, true) => AT_ONCE,
    }
}

/// Whether every connection to PostgreSQL noted so far sends its requests
/// at once (see [`note_postgres_connection`]).
#[must_use]
pub fn postgres_sends_at_once() -> bool {
    POSTGRES_REQUESTS.load(Ordering::Relaxed) == AT_ONCE
}

/// How large statements are, per backend.
///
/// PostgreSQL over TCP without `TCP_NODELAY` (sqlx 0.9.0 does not set it;
/// [`crate::postgres_nodelay`] does where the kernel lets it): a request
/// that the kernel sends as more than one segment leaves its tail waiting
/// for the server's delayed ACK — about 40 ms a statement, which made 1,000
/// transfers cost a quarter of a second over TCP while the same statements
/// over a Unix socket cost a tenth of that. Requests of at most 8 KiB of
/// bound values never waited in our measurements, so statements are cut
/// there: more round trips, each well under a millisecond. Over a Unix
/// socket, or TCP with `TCP_NODELAY`, nothing waits, and statements go up to
/// 256 KiB (partner batches over a Unix socket: 3,699/s at 8 KiB,
/// 5,333–5,428/s at 256 KiB; over TCP without `TCP_NODELAY` 256 KiB gave
/// 1,072/s). SQLite runs in process: fewer, larger statements are cheaper,
/// up to its bound parameter limit (32,766). See `docs/PERFORMANCE.md`.
#[derive(Clone, Copy, Debug)]
pub struct StatementSize {
    /// The most bytes of bound values one statement carries.
    bytes: usize,
    /// The most rows one statement carries.
    rows: usize,
}

/// The most bound values one SQLite statement may carry.
const SQLITE_MAX_VALUES: usize = 32_766;

/// What one bound value adds to a statement's text: its placeholder and
/// separator (`$1234, `). The text travels with the values (a statement
/// whose row count differs from the last is parsed anew), so it counts
/// against the budget too.
pub const PLACEHOLDER_BYTES: usize = 8;

impl StatementSize {
    /// The sizes for `backend`, PostgreSQL's connections as noted
    /// ([`postgres_sends_at_once`]).
    #[must_use]
    pub fn of(backend: DbBackend) -> Self {
        Self::over(backend, postgres_sends_at_once())
    }

    /// The sizes for `backend`, PostgreSQL's requests sent at once or
    /// possibly held back.
    #[must_use]
    pub fn over(backend: DbBackend, sends_at_once: bool) -> Self {
        match backend {
            DbBackend::Postgres if sends_at_once => Self {
                bytes: 256 * 1024,
                rows: 1_000,
            },
            DbBackend::Postgres => Self {
                bytes: 8 * 1024,
                rows: 1_000,
            },
            _ => Self {
                bytes: usize::MAX,
                rows: 1_000,
            },
        }
    }

    /// Rows per statement for rows of about `row_bytes` bound bytes.
    #[must_use]
    pub fn rows_of(self, row_bytes: usize) -> usize {
        (self.bytes / row_bytes.max(1)).clamp(1, self.rows)
    }

    /// How many rows each statement takes, for rows of the given bound
    /// sizes in bytes: at least one row a statement, then as many as fit
    /// (the row that reaches the byte budget is the statement's last).
    #[must_use]
    pub fn cut(self, row_bytes: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut statements = Vec::new();
        let (mut rows, mut bytes) = (0, 0);
        for size in row_bytes {
            rows += 1;
            bytes += size;
            if bytes >= self.bytes || rows >= self.rows {
                statements.push(rows);
                (rows, bytes) = (0, 0);
            }
        }
        if rows > 0 {
            statements.push(rows);
        }
        statements
    }

    /// Rows per statement for rows of `values` bound values of about
    /// `row_bytes` bytes in all: [`Self::rows_of`] counting each value's
    /// placeholder too, and never more values than SQLite takes in one
    /// statement.
    #[must_use]
    pub fn rows_of_values(self, values: usize, row_bytes: usize) -> usize {
        self.rows_of(row_bytes + values * PLACEHOLDER_BYTES)
            .min(SQLITE_MAX_VALUES / values.max(1))
            .max(1)
    }
}

/// Reserves `count` ids of `table`'s `id` column, ascending, for rows the
/// caller will insert with explicit ids in this transaction.
///
/// PostgreSQL: `nextval` of the column's sequence, `count` times in one
/// round trip. SQLite: the ids after the larger of the table's
/// `sqlite_sequence` entry and its greatest id; the caller's transaction
/// must be a write transaction (`BEGIN IMMEDIATE`, as
/// [`super::ledger::write::begin_write`] starts), whose lock keeps those ids
/// ours until it ends.
///
/// # Errors
/// Database failures.
pub async fn reserve_ids<C: ConnectionTrait>(
    conn: &C,
    table: &'static str,
    count: usize,
) -> Result<Vec<i64>, DbErr> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let n = i64::try_from(count).map_err(|_| DbErr::Custom(format!("{count} ids is too many")))?;
    let backend = conn.get_database_backend();
    if backend == DbBackend::Postgres {
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id \
                     FROM generate_series(1, $1::bigint)"
                ),
                [Value::from(n)],
            ))
            .await?;
        let mut ids = rows
            .iter()
            .map(|row| row.try_get::<i64>("", "id"))
            .collect::<Result<Vec<_>, _>>()?;
        ids.sort_unstable();
        if ids.len() != count {
            return Err(DbErr::Custom(format!(
                "asked for {count} {table} ids, got {}",
                ids.len()
            )));
        }
        return Ok(ids);
    }
    let row = conn
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "SELECT MAX(\
                   COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), \
                   COALESCE((SELECT MAX(id) FROM {table}), 0)) AS last"
            ),
        ))
        .await?
        .ok_or_else(|| DbErr::Custom(format!("no last {table} id")))?;
    let last: i64 = row.try_get("", "last")?;
    Ok((1..=n).map(|i| last + i).collect())
}

/// The condition "`column` is one of `values`", for a statement on
/// `backend`.
///
/// PostgreSQL: `column = ANY($n)`, the values bound as one array, so the
/// statement has one text for any number of values and is parsed once. An
/// `IN ($1, …, $1000)` list is a new text for every length, planned anew
/// each time from the table's statistics; a table that grew since its last
/// `ANALYZE` (a city's actions, all day long) looked small and was scanned
/// whole for every batch. For one array, PostgreSQL settles on a generic
/// plan that looks the values up through the index. Looking up a batch's
/// external ids among the partner's earlier records took 31 ms a batch as
/// a list and 2–3 ms as an array (`bench ingest`, 60 batches of 1,000,
/// `pg_stat_statements`, 2026-11-30). That plan needs the column's
/// statistics: with none (the table analyzed while empty and not since),
/// PostgreSQL takes each value to match 1/200 of the rows, reads every row
/// the other conditions leave, and filters them (70–100 ms a batch against
/// 30,000 actions; `docs/PERFORMANCE.md`, session 14). SQLite:
/// `column IN (…)`, which it looks up value by value through an index.
#[must_use]
pub fn one_of<C, V>(backend: DbBackend, column: C, values: impl IntoIterator<Item = V>) -> Expr
where
    C: ColumnTrait,
    V: Into<Value> + NotU8,
{
    if backend == DbBackend::Postgres {
        column.eq_any(values)
    } else {
        column.is_in(values)
    }
}

/// `count` bound-value placeholders for `backend`, numbered from `first`
/// (1-based) on PostgreSQL, joined by commas: `$3, $4` or `?, ?`.
#[must_use]
pub fn placeholders(backend: DbBackend, first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| {
            if backend == DbBackend::Postgres {
                format!("${i}")
            } else {
                "?".to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows `sql` selects against one window per row of `windows`,
/// `w(user_id, lo, hi)`: `sql` is given the rows of `w` to select from
/// (`WITH w(user_id, lo, hi) AS ({windows}) …`) and makes the query.
///
/// PostgreSQL gets the windows as three arrays (`unnest($1, $2, $3)`): one
/// statement text for any number of windows, parsed once, for which
/// PostgreSQL settles on a generic plan that looks each window up through
/// the index. As a `VALUES` list, a new text for every number of windows
/// was planned anew from the tables' statistics, and a table that grew
/// since its last `ANALYZE` was scanned whole: looking up recent actions
/// took 25–37 ms a batch by the end of 200 batches (`bench ingest`,
/// `pg_stat_statements`, 2026-11-30). SQLite gets a `VALUES` list.
///
/// # Errors
/// Database failures.
pub async fn per_window<C, B>(
    conn: &C,
    windows: &[(i64, B, B)],
    sql: impl Fn(&str) -> String,
) -> Result<Vec<QueryResult>, DbErr>
where
    C: ConnectionTrait,
    B: Into<Value> + NotU8 + sea_orm::sea_query::ValueType + Clone,
{
    let backend = conn.get_database_backend();
    let mut rows = Vec::new();
    for chunk in windows.chunks(StatementSize::of(backend).rows_of_values(3, 3 * 12)) {
        let statement = if backend == DbBackend::Postgres {
            let users: Vec<i64> = chunk.iter().map(|(user, _, _)| *user).collect();
            let (los, his): (Vec<B>, Vec<B>) = chunk
                .iter()
                .map(|(_, lo, hi)| (lo.clone(), hi.clone()))
                .unzip();
            Statement::from_sql_and_values(
                backend,
                sql("SELECT * FROM unnest($1, $2, $3)"),
                [Value::from(users), Value::from(los), Value::from(his)],
            )
        } else {
            let mut values = Vec::with_capacity(chunk.len() * 3);
            let tuples: Vec<String> = chunk
                .iter()
                .enumerate()
                .map(|(i, (user, lo, hi))| {
                    values.extend([Value::from(*user), lo.clone().into(), hi.clone().into()]);
                    format!("({})", placeholders(backend, i * 3 + 1, 3))
                })
                .collect();
            Statement::from_sql_and_values(
                backend,
                sql(&format!("VALUES {}", tuples.join(", "))),
                values,
            )
        };
        rows.extend(conn.query_all_raw(statement).await?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::actions;
    use sea_orm::{EntityTrait, QueryFilter, QueryTrait};

    #[test]
    fn one_of_is_one_array_on_postgres_whatever_the_length() {
        let lookup = |backend, ids: &[&str]| {
            actions::Entity::find()
                .filter(one_of(
                    backend,
                    actions::Column::ExternalId,
                    ids.iter().map(|id| (*id).to_owned()),
                ))
                .build(backend)
        };
        let two = lookup(DbBackend::Postgres, &["a", "b"]);
        let three = lookup(DbBackend::Postgres, &["a", "b", "c"]);
        assert!(
            two.sql.ends_with(r#""actions"."external_id" = ANY($1)"#),
            "{}",
            two.sql
        );
        assert_eq!(two.sql, three.sql, "one statement text for every length");
        let values = three.values.unwrap().0;
        assert_eq!(values.len(), 1);
        assert!(matches!(values[0], Value::Array(..)), "{values:?}");

        let sqlite = lookup(DbBackend::Sqlite, &["a", "b"]);
        assert!(
            sqlite.sql.ends_with(r#""actions"."external_id" IN (?, ?)"#),
            "{}",
            sqlite.sql
        );
    }

    #[test]
    fn postgres_statements_stay_small_and_sqlite_within_its_value_limit() {
        let pg = StatementSize::over(DbBackend::Postgres, false);
        assert_eq!(pg.rows_of(100), 81);
        assert_eq!(pg.rows_of(100_000), 1);
        let sqlite = StatementSize::of(DbBackend::Sqlite);
        assert_eq!(sqlite.rows_of(100), 1_000);
        assert_eq!(sqlite.rows_of_values(40, 400), 819);
        assert_eq!(pg.rows_of_values(1, 24), 256);
        assert_eq!(pg.cut([5_000, 5_000, 100, 9_000, 1]), vec![2, 2, 1]);
        assert_eq!(
            sqlite.cut(std::iter::repeat_n(10, 2_500)),
            vec![1_000, 1_000, 500]
        );
        assert!(pg.cut([]).is_empty());
    }

    #[test]
    fn postgres_sending_at_once_takes_larger_statements_within_the_value_limit() {
        let local = StatementSize::over(DbBackend::Postgres, true);
        assert_eq!(local.rows_of(100), 1_000);
        assert_eq!(local.rows_of(1_000), 262);
        assert_eq!(local.rows_of_values(40, 400), 364);
        assert_eq!(local.cut([200_000, 100_000, 10]), vec![2, 1]);
    }

    #[test]
    fn one_connection_held_back_keeps_postgres_statements_small() {
        use super::{AT_ONCE, HELD_BACK, UNPROVEN, after_noting};
        assert_eq!(after_noting(UNPROVEN, true), AT_ONCE);
        assert_eq!(after_noting(AT_ONCE, true), AT_ONCE);
        assert_eq!(after_noting(AT_ONCE, false), HELD_BACK);
        assert_eq!(after_noting(UNPROVEN, false), HELD_BACK);
        assert_eq!(after_noting(HELD_BACK, true), HELD_BACK);
    }

    #[test]
    fn placeholders_number_on_postgres_only() {
        assert_eq!(placeholders(DbBackend::Postgres, 3, 2), "$3, $4");
        assert_eq!(placeholders(DbBackend::Sqlite, 3, 2), "?, ?");
        assert_eq!(placeholders(DbBackend::Sqlite, 1, 0), "");
    }
}
