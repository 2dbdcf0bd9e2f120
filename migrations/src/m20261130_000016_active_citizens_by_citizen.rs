//! `active_citizens` is keyed by the citizen first: `(user_id, period,
//! start)` instead of `(period, start, user_id)`.
//!
//! The table is only ever written ("was this citizen new in this day,
//! week, month, year?"; `active_counts` holds the counts that are read),
//! and every credited action asks it for its citizen's four periods. Keyed
//! by period first, those four rows sat on four pages far apart, each at a
//! random place among the citizens: four pages for the commit to write per
//! citizen. Keyed by citizen, the four rows are neighbours on one page.
//!
//! SQLite cannot change a table's primary key, so the table is rebuilt
//! under its name; PostgreSQL swaps the key's constraint in place.

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

/// The rebuilt table's name while both exist (SQLite).
#[derive(DeriveIden)]
enum ActiveCitizensRekeyed {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// On SQLite too (sea-orm runs only PostgreSQL's migrations in a
    /// transaction): the rebuild must happen whole or not at all, on one
    /// connection.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rekey(
            manager,
            [
                ActiveCitizens::UserId,
                ActiveCitizens::Period,
                ActiveCitizens::Start,
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rekey(
            manager,
            [
                ActiveCitizens::Period,
                ActiveCitizens::Start,
                ActiveCitizens::UserId,
            ],
        )
        .await
    }
}

/// Gives `active_citizens` the primary key `key`, keeping its rows.
async fn rekey(manager: &SchemaManager<'_>, key: [ActiveCitizens; 3]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        let [a, b, c] = key.map(|column| column.to_string());
        db.execute_unprepared(&format!(
            "ALTER TABLE active_citizens DROP CONSTRAINT active_citizens_pkey, \
             ADD CONSTRAINT active_citizens_pkey PRIMARY KEY ({a}, {b}, {c})"
        ))
        .await?;
        return Ok(());
    }
    let mut primary_key = Index::create();
    for column in key {
        primary_key.col(column);
    }
    manager
        .create_table(
            Table::create()
                .table(ActiveCitizensRekeyed::Table)
                .col(string(ActiveCitizens::Period))
                .col(date(ActiveCitizens::Start))
                .col(big_integer(ActiveCitizens::UserId))
                .primary_key(&mut primary_key)
                .to_owned(),
        )
        .await?;
    let columns = [
        ActiveCitizens::Period,
        ActiveCitizens::Start,
        ActiveCitizens::UserId,
    ];
    manager
        .exec_stmt(
            Query::insert()
                .into_table(ActiveCitizensRekeyed::Table)
                .columns(columns)
                .select_from(
                    Query::select()
                        .columns(columns)
                        .from(ActiveCitizens::Table)
                        .to_owned(),
                )
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await?;
    manager
        .drop_table(Table::drop().table(ActiveCitizens::Table).to_owned())
        .await?;
    manager
        .rename_table(
            Table::rename()
                .table(ActiveCitizensRekeyed::Table, ActiveCitizens::Table)
                .to_owned(),
        )
        .await
}
