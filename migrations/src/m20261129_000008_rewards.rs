//! Rewards, the vouchers citizens redeem them for, and the leaderboard opt-in.
//!
//! A redemption is one ledger transfer (citizen → redemption sink) plus a
//! stock decrement and a voucher row, in one transaction. The stock is a
//! counter guarded by a `CHECK (stock >= 0)` and decremented by a
//! conditional `UPDATE … WHERE stock > 0`, so concurrent redemptions can
//! never oversell. `(user_id, idempotency_key)` is unique: a double tap or a
//! retry with the same key finds the first voucher instead of paying twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, boolean, integer, integer_null, string,
    string_uniq, text, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Rewards {
    Table,
    Id,
    Category,
    Name,
    Description,
    PartnerId,
    Price,
    Stock,
    Redeemed,
    AvailableFrom,
    AvailableUntil,
    VoucherDays,
    PerCitizenLimit,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Vouchers {
    Table,
    Id,
    RewardId,
    UserId,
    Code,
    IdempotencyKey,
    Price,
    TransferId,
    IssuedAt,
    ValidUntil,
    UsedAt,
    UsedByPartnerId,
    UsedByUserId,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    LeaderboardOptIn,
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
                    .table(Rewards::Table)
                    .col(big_pk_auto(Rewards::Id))
                    .col(
                        string(Rewards::Category).check(Expr::col(Rewards::Category).is_in([
                            "transit_pass",
                            "merchant_voucher",
                            "donation",
                            "certificate",
                        ])),
                    )
                    .col(string(Rewards::Name))
                    .col(text(Rewards::Description))
                    // The merchant that honours the vouchers and may mark them used.
                    .col(big_integer_null(Rewards::PartnerId))
                    .col(big_integer(Rewards::Price))
                    .col(big_integer(Rewards::Stock))
                    .col(big_integer(Rewards::Redeemed).default(0))
                    .col(timestamp_with_time_zone_null(Rewards::AvailableFrom))
                    .col(timestamp_with_time_zone_null(Rewards::AvailableUntil))
                    .col(integer(Rewards::VoucherDays))
                    .col(integer_null(Rewards::PerCitizenLimit))
                    .col(boolean(Rewards::Active))
                    .col(timestamp_with_time_zone(Rewards::CreatedAt))
                    .check(("ck_rewards_price_positive", Expr::col(Rewards::Price).gt(0)))
                    .check((
                        "ck_rewards_stock_not_negative",
                        Expr::col(Rewards::Stock).gte(0),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rewards_partner")
                            .from(Rewards::Table, Rewards::PartnerId)
                            .to(Partners::Table, Partners::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Vouchers::Table)
                    .col(big_pk_auto(Vouchers::Id))
                    .col(big_integer(Vouchers::RewardId))
                    .col(big_integer(Vouchers::UserId))
                    .col(string_uniq(Vouchers::Code))
                    .col(string(Vouchers::IdempotencyKey))
                    .col(big_integer(Vouchers::Price))
                    // The ledger transfer that paid for it.
                    .col(big_integer_null(Vouchers::TransferId))
                    .col(timestamp_with_time_zone(Vouchers::IssuedAt))
                    .col(timestamp_with_time_zone(Vouchers::ValidUntil))
                    .col(timestamp_with_time_zone_null(Vouchers::UsedAt))
                    .col(big_integer_null(Vouchers::UsedByPartnerId))
                    .col(big_integer_null(Vouchers::UsedByUserId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_vouchers_reward")
                            .from(Vouchers::Table, Vouchers::RewardId)
                            .to(Rewards::Table, Rewards::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_vouchers_user")
                            .from(Vouchers::Table, Vouchers::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_vouchers_user_idempotency_key")
                    .table(Vouchers::Table)
                    .col(Vouchers::UserId)
                    .col(Vouchers::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // A citizen's vouchers of one reward (the per-citizen limit) and a
        // reward's redemptions (the admin list).
        manager
            .create_index(
                Index::create()
                    .name("idx_vouchers_reward_user")
                    .table(Vouchers::Table)
                    .col(Vouchers::RewardId)
                    .col(Vouchers::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(Users::LeaderboardOptIn).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::LeaderboardOptIn)
                    .to_owned(),
            )
            .await?;
        for table in [Vouchers::Table.into_iden(), Rewards::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
