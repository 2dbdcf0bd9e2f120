//! The first tables: people, server settings, and the daily roll-up the public
//! statistics read from.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_pk_auto, date, string, string_null, string_uniq, text,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Login,
    Nickname,
    PasswordHash,
    Role,
    ConsentVersion,
    ConsentAt,
    FrozenAt,
    FrozenReason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
}

#[derive(DeriveIden)]
enum DailyTotals {
    Table,
    Day,
    Kind,
    Actions,
    Co2eG,
    Points,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string_uniq(Users::Login))
                    .col(string(Users::Nickname))
                    .col(string(Users::PasswordHash))
                    .col(
                        string(Users::Role)
                            .check(Expr::col(Users::Role).is_in(["citizen", "reviewer", "admin"])),
                    )
                    // PIPL: the version of the privacy notice accepted, and when.
                    .col(string(Users::ConsentVersion))
                    .col(timestamp_with_time_zone(Users::ConsentAt))
                    // Set by an administrator: blocks sign-in and crediting.
                    .col(timestamp_with_time_zone_null(Users::FrozenAt))
                    .col(string_null(Users::FrozenReason))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_role")
                    .table(Users::Table)
                    .col(Users::Role)
                    .to_owned(),
            )
            .await?;

        // Server-wide values the server generates once and must keep across
        // restarts (e.g. the demo mode's signing secret).
        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    .col(string(Settings::Key).primary_key())
                    .col(text(Settings::Value))
                    .to_owned(),
            )
            .await?;

        // One row per local (Asia/Shanghai) day and action kind, added to in
        // the same transaction that credits an action, so city totals never
        // need a scan of the actions or the ledger.
        manager
            .create_table(
                Table::create()
                    .table(DailyTotals::Table)
                    .col(date(DailyTotals::Day))
                    .col(string(DailyTotals::Kind))
                    .col(big_integer(DailyTotals::Actions).default(0))
                    .col(big_integer(DailyTotals::Co2eG).default(0))
                    .col(big_integer(DailyTotals::Points).default(0))
                    .primary_key(Index::create().col(DailyTotals::Day).col(DailyTotals::Kind))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DailyTotals::Table.into_iden(),
            Settings::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
