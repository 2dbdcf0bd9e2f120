//! File imports of partner records (CSV or JSON Lines) run by
//! administrators: their progress and outcome, and the lines that were not
//! credited with the reason, to download.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, string, string_null, text, text_null,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Imports {
    Table,
    Id,
    PartnerId,
    Format,
    FileName,
    Status,
    TotalBytes,
    BytesDone,
    Lines,
    Accepted,
    Rejected,
    Held,
    Duplicate,
    Invalid,
    Error,
    CreatedBy,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum ImportErrors {
    Table,
    ImportId,
    Line,
    ExternalId,
    Reasons,
    Detail,
}

#[derive(DeriveIden)]
enum Partners {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Imports::Table)
                    .col(big_pk_auto(Imports::Id))
                    .col(big_integer(Imports::PartnerId))
                    .col(
                        string(Imports::Format)
                            .check(Expr::col(Imports::Format).is_in(["csv", "jsonl"])),
                    )
                    .col(string(Imports::FileName))
                    .col(
                        string(Imports::Status).check(Expr::col(Imports::Status).is_in([
                            "running",
                            "done",
                            "failed",
                            "interrupted",
                        ])),
                    )
                    .col(big_integer(Imports::TotalBytes))
                    .col(big_integer(Imports::BytesDone).default(0))
                    .col(big_integer(Imports::Lines).default(0))
                    .col(big_integer(Imports::Accepted).default(0))
                    .col(big_integer(Imports::Rejected).default(0))
                    .col(big_integer(Imports::Held).default(0))
                    .col(big_integer(Imports::Duplicate).default(0))
                    .col(big_integer(Imports::Invalid).default(0))
                    .col(text_null(Imports::Error))
                    .col(big_integer_null(Imports::CreatedBy))
                    .col(timestamp_with_time_zone(Imports::CreatedAt))
                    .col(timestamp_with_time_zone_null(Imports::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_imports_partner")
                            .from(Imports::Table, Imports::PartnerId)
                            .to(Partners::Table, Partners::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImportErrors::Table)
                    .col(big_integer(ImportErrors::ImportId))
                    .col(big_integer(ImportErrors::Line))
                    .col(string_null(ImportErrors::ExternalId))
                    .col(text(ImportErrors::Reasons))
                    // For people: what was wrong with a line that is not a record.
                    .col(text_null(ImportErrors::Detail))
                    .primary_key(
                        Index::create()
                            .col(ImportErrors::ImportId)
                            .col(ImportErrors::Line),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_errors_import")
                            .from(ImportErrors::Table, ImportErrors::ImportId)
                            .to(Imports::Table, Imports::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [ImportErrors::Table.into_iden(), Imports::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
