//! `users_standing_changed`: on PostgreSQL, every change of a person's role
//! or frozen flag (or of their row's existence) is announced on the
//! `tanpu_citizens` channel with their id, in the same transaction — so it
//! reaches every server process when, and only if, it commits. Each server
//! remembers people's standing between requests and forgets it on this
//! notice (`services::citizen_cache`). SQLite has no such channel and needs
//! none: it is served by one process, which forgets its own changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r"
CREATE FUNCTION tanpu_notify_standing_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tanpu_citizens', OLD.id::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER users_standing_changed
    AFTER UPDATE OF role, frozen_at OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION tanpu_notify_standing_changed();
";

const DOWN: &str = r"
DROP TRIGGER IF EXISTS users_standing_changed ON users;
DROP FUNCTION IF EXISTS tanpu_notify_standing_changed();
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared(UP).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared(DOWN).await?;
        }
        Ok(())
    }
}
