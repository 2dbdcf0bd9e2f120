//! Test support: how SQLite plans a query on the migrated schema, so a test
//! can hold a query to the index it was written for.

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, QueryTrait, Statement,
};
use tanpu_migrations::{Migrator, MigratorTrait};

/// SQLite's `EXPLAIN QUERY PLAN` of `query` on an empty, migrated
/// database, its steps one a line.
///
/// # Panics
/// When the database cannot be made or the query cannot be planned.
pub async fn of_sqlite(query: impl QueryTrait) -> String {
    of_sqlite_statement(query.build(DbBackend::Sqlite)).await
}

/// An empty, migrated in-memory SQLite database.
///
/// # Panics
/// When the database cannot be made.
pub async fn migrated_sqlite() -> DatabaseConnection {
    let mut options = ConnectOptions::new("sqlite::memory:");
    // One connection: each in-memory connection is a database of its own.
    options.max_connections(1).sqlx_logging(false);
    let db = Database::connect(options).await.expect("in-memory SQLite");
    Migrator::up(&db, None).await.expect("migrations");
    db
}

/// SQLite's `EXPLAIN QUERY PLAN` of a built statement on an empty, migrated
/// database, its steps one a line.
///
/// # Panics
/// When the database cannot be made or the statement cannot be planned.
pub async fn of_sqlite_statement(built: Statement) -> String {
    let db = migrated_sqlite().await;
    let explain = Statement::from_sql_and_values(
        DbBackend::Sqlite,
        format!("EXPLAIN QUERY PLAN {}", built.sql),
        built.values.map(|v| v.0).unwrap_or_default(),
    );
    db.query_all_raw(explain)
        .await
        .expect("a plan")
        .iter()
        .map(|row| row.try_get::<String>("", "detail").expect("a step"))
        .collect::<Vec<_>>()
        .join("\n")
}
