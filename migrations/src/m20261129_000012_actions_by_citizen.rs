//! `idx_actions_user_id`: a citizen's actions newest first. The app's
//! summary (recent actions) and `GET /api/v1/me/actions` page by id,
//! newest first; with only `(user_id, started_at)` every request read all
//! of the citizen's actions and sorted them (issue 9's `bench read`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actions {
    Table,
    UserId,
    Id,
}

const INDEX: &str = "idx_actions_user_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Actions::Table)
                    .col(Actions::UserId)
                    .col(Actions::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Actions::Table).to_owned())
            .await
    }
}
