//! The audit log of administrators' changes, published rule versions that
//! the database itself keeps from being edited, and the index the rule
//! simulation reads actions through.
//!
//! `audit_log` is append-only like the ledger: triggers on both backends
//! refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL), so an entry, once
//! written in the same transaction as the change it describes, stays.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer_null, big_pk_auto, string, text_null, timestamp_with_time_zone,
};
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    Action,
    ObjectKind,
    ObjectId,
    Before,
    After,
    At,
}

#[derive(DeriveIden)]
enum Actions {
    Table,
    Kind,
    StartedAt,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    // The administrator; NULL for the operator at the command line.
                    .col(big_integer_null(AuditLog::ActorId))
                    // A stable name such as `rule.publish`.
                    .col(string(AuditLog::Action))
                    // What was changed: (`rule_version`, `12`).
                    .col(string(AuditLog::ObjectKind))
                    .col(string(AuditLog::ObjectId))
                    // JSON snapshots; NULL before a creation, after a deletion.
                    .col(text_null(AuditLog::Before))
                    .col(text_null(AuditLog::After))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .to_owned(),
            )
            .await?;
        // The reader pages newest first by id, filtered by action, actor or
        // object.
        for (name, col) in [
            ("idx_audit_log_action", AuditLog::Action),
            ("idx_audit_log_actor", AuditLog::ActorId),
            ("idx_audit_log_object", AuditLog::ObjectId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditLog::Table)
                        .col(col)
                        .col(AuditLog::Id)
                        .to_owned(),
                )
                .await?;
        }
        // Simulation pages through one kind's actions of a period in start
        // order: (kind, started_at, id) is exactly its keyset.
        manager
            .create_index(
                Index::create()
                    .name("idx_actions_kind_started")
                    .table(Actions::Table)
                    .col(Actions::Kind)
                    .col(Actions::StartedAt)
                    .col(Actions::Id)
                    .to_owned(),
            )
            .await?;
        install_triggers(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                conn.execute_unprepared(
                    "DROP TRIGGER IF EXISTS rule_versions_published_frozen ON rule_versions",
                )
                .await?;
                manager
                    .drop_table(Table::drop().table(AuditLog::Table).to_owned())
                    .await?;
                conn.execute_unprepared("DROP FUNCTION IF EXISTS audit_refuse_change()")
                    .await?;
                conn.execute_unprepared("DROP FUNCTION IF EXISTS rule_version_frozen()")
                    .await?;
            }
            _ => {
                for trigger in [
                    "rule_versions_published_no_update",
                    "rule_versions_published_no_delete",
                ] {
                    conn.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {trigger}"))
                        .await?;
                }
                manager
                    .drop_table(Table::drop().table(AuditLog::Table).to_owned())
                    .await?;
            }
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_actions_kind_started")
                    .table(Actions::Table)
                    .to_owned(),
            )
            .await
    }
}

/// Installs the triggers: `audit_log` append-only; a rule version that is no
/// longer a draft keeps its number, definition and start for ever (only its
/// end may be set, by retiring it or publishing a successor, and its status
/// may move on), and is never deleted.
async fn install_triggers(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    match manager.get_database_backend() {
        DbBackend::Sqlite => {
            for op in ["UPDATE", "DELETE"] {
                conn.execute_unprepared(&format!(
                    "CREATE TRIGGER audit_log_no_{lower} BEFORE {op} ON audit_log \
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: {op} refused'); END",
                    lower = op.to_lowercase()
                ))
                .await?;
            }
            conn.execute_unprepared(
                "CREATE TRIGGER rule_versions_published_no_update \
                 BEFORE UPDATE ON rule_versions \
                 WHEN OLD.status <> 'draft' AND (NEW.definition IS NOT OLD.definition \
                   OR NEW.effective_from IS NOT OLD.effective_from \
                   OR NEW.rule_id IS NOT OLD.rule_id OR NEW.version IS NOT OLD.version \
                   OR NEW.status = 'draft') \
                 BEGIN SELECT RAISE(ABORT, 'a published rule version is never edited'); END",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE TRIGGER rule_versions_published_no_delete \
                 BEFORE DELETE ON rule_versions WHEN OLD.status <> 'draft' \
                 BEGIN SELECT RAISE(ABORT, 'a published rule version is never deleted'); END",
            )
            .await?;
        }
        DbBackend::Postgres => {
            conn.execute_unprepared(
                "CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN \
                   RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP \
                     USING ERRCODE = 'restrict_violation'; \
                 END $$",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
                 FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log \
                 FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE FUNCTION rule_version_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN \
                   IF OLD.status <> 'draft' THEN \
                     IF TG_OP = 'DELETE' THEN \
                       RAISE EXCEPTION 'a published rule version is never deleted' \
                         USING ERRCODE = 'restrict_violation'; \
                     END IF; \
                     IF NEW.definition IS DISTINCT FROM OLD.definition \
                         OR NEW.effective_from IS DISTINCT FROM OLD.effective_from \
                         OR NEW.rule_id IS DISTINCT FROM OLD.rule_id \
                         OR NEW.version IS DISTINCT FROM OLD.version \
                         OR NEW.status = 'draft' THEN \
                       RAISE EXCEPTION 'a published rule version is never edited' \
                         USING ERRCODE = 'restrict_violation'; \
                     END IF; \
                   END IF; \
                   IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; \
                   RETURN NEW; \
                 END $$",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE TRIGGER rule_versions_published_frozen \
                 BEFORE UPDATE OR DELETE ON rule_versions \
                 FOR EACH ROW EXECUTE FUNCTION rule_version_frozen()",
            )
            .await?;
        }
        other => {
            return Err(DbErr::Migration(format!(
                "the audit log's triggers are not written for {other:?}"
            )));
        }
    }
    Ok(())
}
