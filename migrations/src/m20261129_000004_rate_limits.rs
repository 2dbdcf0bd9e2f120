//! Fixed-window counters for abuse limits (login, registration, …), kept in
//! the database so that every server process behind a load balancer counts
//! against the same numbers.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateLimitHits {
    Table,
    Bucket,
    WindowStart,
    Hits,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimitHits::Table)
                    // `<limit>:<key>`, e.g. `login_ip:203.0.113.7`.
                    .col(string(RateLimitHits::Bucket))
                    // Unix seconds at the start of the window.
                    .col(big_integer(RateLimitHits::WindowStart))
                    .col(big_integer(RateLimitHits::Hits))
                    .primary_key(
                        Index::create()
                            .col(RateLimitHits::Bucket)
                            .col(RateLimitHits::WindowStart),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_limit_hits_window")
                    .table(RateLimitHits::Table)
                    .col(RateLimitHits::WindowStart)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateLimitHits::Table).to_owned())
            .await
    }
}
