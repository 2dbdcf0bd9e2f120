//! Two of the actions' indexes cover only the rows they are read for.
//!
//! Every stored record went into `idx_actions_status (status, id)` and
//! `idx_actions_subject (subject_hash)`, but the first is read only for the
//! review queue (held actions) and the second only for records of a card
//! or plate nobody had bound yet. A partner batch of 1,000 accepted records
//! therefore wrote 2,000 index entries nobody would read, the subject's at
//! random places (its keys are hashes). Now:
//! - `idx_actions_held (id) WHERE status = 'held'`;
//! - `idx_actions_unbound (subject_kind, subject_hash) WHERE user_id IS NULL`.
//!
//! A query uses a partial index only when its own condition implies the
//! index's, with the value written in the query (a bound parameter is not
//! known when SQLite plans): the review queue names `'held'` literally.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actions {
    Table,
    Id,
    Status,
    SubjectKind,
    SubjectHash,
    UserId,
}

const HELD: &str = "idx_actions_held";
const UNBOUND: &str = "idx_actions_unbound";
const BY_STATUS: &str = "idx_actions_status";
const BY_SUBJECT: &str = "idx_actions_subject";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for old in [BY_STATUS, BY_SUBJECT] {
            manager
                .drop_index(Index::drop().name(old).table(Actions::Table).to_owned())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(HELD)
                    .table(Actions::Table)
                    .col(Actions::Id)
                    .and_where(Expr::col(Actions::Status).eq(Expr::cust("'held'")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UNBOUND)
                    .table(Actions::Table)
                    .col(Actions::SubjectKind)
                    .col(Actions::SubjectHash)
                    .and_where(Expr::col(Actions::UserId).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for new in [HELD, UNBOUND] {
            manager
                .drop_index(Index::drop().name(new).table(Actions::Table).to_owned())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(BY_STATUS)
                    .table(Actions::Table)
                    .col(Actions::Status)
                    .col(Actions::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_SUBJECT)
                    .table(Actions::Table)
                    .col(Actions::SubjectHash)
                    .to_owned(),
            )
            .await
    }
}
