//! `action_rollups_monthly`: the same sums as `action_rollups`, per calendar
//! month (`month` is its first day), so that the dashboard's month and year
//! read a few thousand rows instead of a year of days.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, date, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ActionRollupsMonthly {
    Table,
    Month,
    Kind,
    PartnerId,
    District,
    Status,
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
                    .table(ActionRollupsMonthly::Table)
                    .col(date(ActionRollupsMonthly::Month))
                    .col(string(ActionRollupsMonthly::Kind))
                    .col(big_integer(ActionRollupsMonthly::PartnerId))
                    .col(string(ActionRollupsMonthly::District))
                    .col(string(ActionRollupsMonthly::Status))
                    .col(big_integer(ActionRollupsMonthly::Actions).default(0))
                    .col(big_integer(ActionRollupsMonthly::Co2eG).default(0))
                    .col(big_integer(ActionRollupsMonthly::Points).default(0))
                    .primary_key(
                        Index::create()
                            .col(ActionRollupsMonthly::Month)
                            .col(ActionRollupsMonthly::Kind)
                            .col(ActionRollupsMonthly::PartnerId)
                            .col(ActionRollupsMonthly::District)
                            .col(ActionRollupsMonthly::Status),
                    )
                    .to_owned(),
            )
            .await?;
        // Whatever daily roll-ups exist already, summed by month.
        let month = match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => "CAST(date_trunc('month', day) AS DATE)",
            _ => "date(day, 'start of month')",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO action_rollups_monthly \
                 (month, kind, partner_id, district, status, actions, co2e_g, points) \
                 SELECT {month}, kind, partner_id, district, status, \
                 SUM(actions), SUM(co2e_g), SUM(points) FROM action_rollups \
                 GROUP BY {month}, kind, partner_id, district, status"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ActionRollupsMonthly::Table).to_owned())
            .await
    }
}
