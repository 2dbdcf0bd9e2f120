//! Roll-ups for the administrators' dashboard and reports, kept as actions
//! are decided so that reading them never scans actions or the ledger:
//!
//! - `action_rollups`: per city-time day, action kind, partner (0 for
//!   citizens' own claims), district ('' when the record names none) and
//!   status — how many actions, their CO2e and points.
//! - `active_citizens` / `active_counts`: who was credited at least once in
//!   a day, ISO week, month or year (`period`, first day `start`), and how
//!   many they are, so "active citizens this year" is one row.
//! - `redemption_daily`: vouchers issued and points redeemed per day.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, date, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ActionRollups {
    Table,
    Day,
    Kind,
    PartnerId,
    District,
    Status,
    Actions,
    Co2eG,
    Points,
}

#[derive(DeriveIden)]
enum ActiveCitizens {
    Table,
    Period,
    Start,
    UserId,
}

#[derive(DeriveIden)]
enum ActiveCounts {
    Table,
    Period,
    Start,
    Citizens,
}

#[derive(DeriveIden)]
enum RedemptionDaily {
    Table,
    Day,
    Vouchers,
    Points,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ActionRollups::Table)
                    .col(date(ActionRollups::Day))
                    .col(string(ActionRollups::Kind))
                    .col(big_integer(ActionRollups::PartnerId))
                    .col(string(ActionRollups::District))
                    .col(string(ActionRollups::Status))
                    .col(big_integer(ActionRollups::Actions).default(0))
                    .col(big_integer(ActionRollups::Co2eG).default(0))
                    .col(big_integer(ActionRollups::Points).default(0))
                    .primary_key(
                        Index::create()
                            .col(ActionRollups::Day)
                            .col(ActionRollups::Kind)
                            .col(ActionRollups::PartnerId)
                            .col(ActionRollups::District)
                            .col(ActionRollups::Status),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActiveCitizens::Table)
                    .col(string(ActiveCitizens::Period))
                    .col(date(ActiveCitizens::Start))
                    .col(big_integer(ActiveCitizens::UserId))
                    .primary_key(
                        Index::create()
                            .col(ActiveCitizens::Period)
                            .col(ActiveCitizens::Start)
                            .col(ActiveCitizens::UserId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActiveCounts::Table)
                    .col(string(ActiveCounts::Period))
                    .col(date(ActiveCounts::Start))
                    .col(big_integer(ActiveCounts::Citizens).default(0))
                    .primary_key(
                        Index::create()
                            .col(ActiveCounts::Period)
                            .col(ActiveCounts::Start),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RedemptionDaily::Table)
                    .col(date(RedemptionDaily::Day).primary_key())
                    .col(big_integer(RedemptionDaily::Vouchers).default(0))
                    .col(big_integer(RedemptionDaily::Points).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RedemptionDaily::Table.into_iden(),
            ActiveCounts::Table.into_iden(),
            ActiveCitizens::Table.into_iden(),
            ActionRollups::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
