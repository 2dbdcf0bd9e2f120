//! On PostgreSQL, every statement that changes a citizen's ledger balance,
//! actions or daily totals announces the citizens it touched on the
//! `tanpu_citizens` channel, in the writing transaction (so only if it
//! commits, whoever wrote). Each server remembers citizens' summaries
//! between requests and forgets them on this notice
//! (`services::citizen_cache`; migration 13 does the same for standing).
//!
//! Statement-level triggers with transition tables: a batch of a thousand
//! records costs one notice per few hundred citizens and statement, not a
//! trigger call per row. A notice's payload is limited to 8,000 bytes, so
//! the ids go 350 at a time (at most 20 characters each with the comma).
//! SQLite has no such channel and needs none: it is served by one process,
//! which forgets its own changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FUNCTION: &str = r"
CREATE FUNCTION tanpu_notify_citizens_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids text;
BEGIN
    FOR ids IN
        SELECT string_agg(user_id::text, ',')
        FROM (
            SELECT user_id, (row_number() OVER (ORDER BY user_id) - 1) / 350 AS part
            FROM (SELECT DISTINCT user_id FROM changed_rows WHERE user_id IS NOT NULL) AS citizens
        ) AS numbered
        GROUP BY part
    LOOP
        PERFORM pg_notify('tanpu_citizens', ids);
    END LOOP;
    RETURN NULL;
END
$$;
";

/// `(trigger, table, event, transition table)`: who is announced is who
/// the rows belong to after an insert or update, before a delete.
const TRIGGERS: [(&str, &str, &str, &str); 7] = [
    ("actions_inserted", "actions", "INSERT", "NEW"),
    ("actions_updated", "actions", "UPDATE", "NEW"),
    ("actions_deleted", "actions", "DELETE", "OLD"),
    (
        "user_daily_totals_inserted",
        "user_daily_totals",
        "INSERT",
        "NEW",
    ),
    (
        "user_daily_totals_updated",
        "user_daily_totals",
        "UPDATE",
        "NEW",
    ),
    (
        "user_daily_totals_deleted",
        "user_daily_totals",
        "DELETE",
        "OLD",
    ),
    (
        "ledger_accounts_updated",
        "ledger_accounts",
        "UPDATE",
        "NEW",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let conn = manager.get_connection();
        conn.execute_unprepared(FUNCTION).await?;
        for (name, table, event, rows) in TRIGGERS {
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER {name} AFTER {event} ON {table} \
                 REFERENCING {rows} TABLE AS changed_rows \
                 FOR EACH STATEMENT EXECUTE FUNCTION tanpu_notify_citizens_changed()"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let conn = manager.get_connection();
        for (name, table, _, _) in TRIGGERS {
            conn.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name} ON {table}"))
                .await?;
        }
        conn.execute_unprepared("DROP FUNCTION IF EXISTS tanpu_notify_citizens_changed()")
            .await?;
        Ok(())
    }
}
