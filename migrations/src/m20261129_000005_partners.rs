//! Partners (the systems that report green actions) and their signing keys.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_pk_auto, string, string_uniq, text, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Partners {
    Table,
    Id,
    Name,
    Kinds,
    DisabledAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PartnerKeys {
    Table,
    Id,
    PartnerId,
    Nonce,
    CreatedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum PartnerWebhookIds {
    Table,
    PartnerId,
    WebhookId,
    SeenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Partners::Table)
                    .col(big_pk_auto(Partners::Id))
                    .col(string_uniq(Partners::Name))
                    // JSON array of the action kinds the partner may report.
                    .col(text(Partners::Kinds))
                    .col(timestamp_with_time_zone_null(Partners::DisabledAt))
                    .col(timestamp_with_time_zone(Partners::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // A key is a nonce, not a secret: the secret is derived from the
        // server's partner master key and the nonce, and shown once.
        manager
            .create_table(
                Table::create()
                    .table(PartnerKeys::Table)
                    .col(big_pk_auto(PartnerKeys::Id))
                    .col(big_integer(PartnerKeys::PartnerId))
                    .col(string(PartnerKeys::Nonce))
                    .col(timestamp_with_time_zone(PartnerKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(PartnerKeys::RetiredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnerKeys::Table, PartnerKeys::PartnerId)
                            .to(Partners::Table, Partners::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_partner_keys_partner")
                    .table(PartnerKeys::Table)
                    .col(PartnerKeys::PartnerId)
                    .to_owned(),
            )
            .await?;
        // Request ids seen within the signature tolerance: a replayed request
        // (same id) is refused.
        manager
            .create_table(
                Table::create()
                    .table(PartnerWebhookIds::Table)
                    .col(big_integer(PartnerWebhookIds::PartnerId))
                    .col(string(PartnerWebhookIds::WebhookId))
                    .col(big_integer(PartnerWebhookIds::SeenAt))
                    .primary_key(
                        Index::create()
                            .col(PartnerWebhookIds::PartnerId)
                            .col(PartnerWebhookIds::WebhookId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_partner_webhook_ids_seen")
                    .table(PartnerWebhookIds::Table)
                    .col(PartnerWebhookIds::SeenAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PartnerWebhookIds::Table.into_iden(),
            PartnerKeys::Table.into_iden(),
            Partners::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
