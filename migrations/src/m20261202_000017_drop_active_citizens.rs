//! `active_citizens` goes: whether a credit makes its citizen new in a
//! day, week, month or year is read from `user_daily_totals`, which has a
//! row for every day a citizen was credited on.
//!
//! The table was written four rows a credited citizen and day and never
//! read but to learn whether an insert took; its two B-trees were a third
//! of the pages every ingestion commit wrote (`docs/PERFORMANCE.md`,
//! session 24). `active_counts`, what the dashboard reads, stays as it is.
//!
//! Down rebuilds the table from `user_daily_totals`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, date, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ActiveCitizens {
    Table,
    Period,
    Start,
    UserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ActiveCitizens::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ActiveCitizens::Table)
                    .col(string(ActiveCitizens::Period))
                    .col(date(ActiveCitizens::Start))
                    .col(big_integer(ActiveCitizens::UserId))
                    .primary_key(
                        Index::create()
                            .col(ActiveCitizens::UserId)
                            .col(ActiveCitizens::Period)
                            .col(ActiveCitizens::Start),
                    )
                    .to_owned(),
            )
            .await?;
        // The first day of each period, ISO weeks from Monday.
        let starts: [(&str, &str); 4] =
            if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
                [
                    ("day", "day"),
                    ("week", "CAST(date_trunc('week', day) AS date)"),
                    ("month", "CAST(date_trunc('month', day) AS date)"),
                    ("year", "CAST(date_trunc('year', day) AS date)"),
                ]
            } else {
                [
                    ("day", "day"),
                    ("week", "date(day, 'weekday 0', '-6 days')"),
                    ("month", "date(day, 'start of month')"),
                    ("year", "date(day, 'start of year')"),
                ]
            };
        let db = manager.get_connection();
        for (period, start) in starts {
            db.execute_unprepared(&format!(
                "INSERT INTO active_citizens (period, start, user_id) \
                 SELECT DISTINCT '{period}', {start}, user_id FROM user_daily_totals"
            ))
            .await?;
        }
        Ok(())
    }
}
