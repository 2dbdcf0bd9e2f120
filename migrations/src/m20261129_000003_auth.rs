//! Sessions (rotating refresh tokens) and identity bindings.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_pk_auto, string, string_uniq, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    IssuedAt,
    ExpiresAt,
    RotatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Bindings {
    Table,
    Id,
    UserId,
    Kind,
    ValueHash,
    Masked,
    CreatedAt,
    RemovedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A refresh token is stored only as its SHA-256. Every login starts a
        // family; each refresh rotates the token within it. A rotated or
        // revoked token presented again means theft: the family is revoked.
        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(big_pk_auto(RefreshTokens::Id))
                    .col(big_integer(RefreshTokens::UserId))
                    .col(string(RefreshTokens::FamilyId))
                    .col(string_uniq(RefreshTokens::TokenHash))
                    .col(timestamp_with_time_zone(RefreshTokens::IssuedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RotatedAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshTokens::Table, RefreshTokens::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_refresh_tokens_family", RefreshTokens::FamilyId),
            ("idx_refresh_tokens_user", RefreshTokens::UserId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(RefreshTokens::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        // A binding stores a keyed hash of the normalised subject (so a
        // stolen database does not list card numbers) and a masked form for
        // display. Removal sets `removed_at`: history stays.
        manager
            .create_table(
                Table::create()
                    .table(Bindings::Table)
                    .col(big_pk_auto(Bindings::Id))
                    .col(big_integer(Bindings::UserId))
                    .col(
                        string(Bindings::Kind).check(Expr::col(Bindings::Kind).is_in([
                            "transit_card",
                            "plate",
                            "fuel_card",
                        ])),
                    )
                    .col(string(Bindings::ValueHash))
                    .col(string(Bindings::Masked))
                    .col(timestamp_with_time_zone(Bindings::CreatedAt))
                    .col(timestamp_with_time_zone_null(Bindings::RemovedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Bindings::Table, Bindings::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_bindings_user")
                    .table(Bindings::Table)
                    .col(Bindings::UserId)
                    .to_owned(),
            )
            .await?;
        // One active binding per subject across the whole city: the database
        // decides, so two citizens racing for one card cannot both win.
        // Partial indexes read the same on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_bindings_active_subject \
                 ON bindings (kind, value_hash) WHERE removed_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Bindings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RefreshTokens::Table).to_owned())
            .await
    }
}
