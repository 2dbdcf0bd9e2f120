//! Green actions (partner records and citizens' claims) with their
//! decisions, per-citizen daily totals for caps, and credit rules with
//! immutable published versions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, boolean, date, integer, string, string_null, text,
    text_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actions {
    Table,
    Id,
    PartnerId,
    ExternalId,
    UserId,
    SubjectKind,
    SubjectHash,
    Kind,
    StartedAt,
    EndedAt,
    QuantityMilli,
    Unit,
    Attributes,
    Status,
    Points,
    Co2eG,
    Reasons,
    Breakdown,
    RuleVersionId,
    TransferId,
    ReceivedAt,
    SelfDeclared,
    Note,
    ReviewedBy,
    ReviewedAt,
    ReviewNote,
}

#[derive(DeriveIden)]
enum UserDailyTotals {
    Table,
    UserId,
    Day,
    Kind,
    Points,
    Co2eG,
    Actions,
}

#[derive(DeriveIden)]
enum Rules {
    Table,
    Id,
    Kind,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RuleVersions {
    Table,
    Id,
    RuleId,
    Version,
    Status,
    Definition,
    EffectiveFrom,
    EffectiveTo,
    CreatedBy,
    CreatedAt,
    PublishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One rule per action kind; its versions carry the parameters.
        manager
            .create_table(
                Table::create()
                    .table(Rules::Table)
                    .col(big_pk_auto(Rules::Id))
                    .col(string(Rules::Kind).unique_key())
                    .col(timestamp_with_time_zone(Rules::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // A draft is editable; a published version is never changed again
        // (its effective interval may only be closed, by retiring it or by
        // publishing a successor). Definitions are tanpu-core's rule JSON.
        manager
            .create_table(
                Table::create()
                    .table(RuleVersions::Table)
                    .col(big_pk_auto(RuleVersions::Id))
                    .col(big_integer(RuleVersions::RuleId))
                    .col(integer(RuleVersions::Version))
                    .col(string(RuleVersions::Status).check(
                        Expr::col(RuleVersions::Status).is_in(["draft", "published", "retired"]),
                    ))
                    .col(text(RuleVersions::Definition))
                    .col(timestamp_with_time_zone_null(RuleVersions::EffectiveFrom))
                    .col(timestamp_with_time_zone_null(RuleVersions::EffectiveTo))
                    .col(big_integer_null(RuleVersions::CreatedBy))
                    .col(timestamp_with_time_zone(RuleVersions::CreatedAt))
                    .col(timestamp_with_time_zone_null(RuleVersions::PublishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RuleVersions::Table, RuleVersions::RuleId)
                            .to(Rules::Table, Rules::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_rule_versions_number")
                    .table(RuleVersions::Table)
                    .col(RuleVersions::RuleId)
                    .col(RuleVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Every record received, kept whatever its decision: partners read
        // decisions back, citizens see why, reviewers work the held ones.
        manager
            .create_table(
                Table::create()
                    .table(Actions::Table)
                    .col(big_pk_auto(Actions::Id))
                    .col(big_integer_null(Actions::PartnerId))
                    .col(string(Actions::ExternalId))
                    .col(big_integer_null(Actions::UserId))
                    .col(string_null(Actions::SubjectKind))
                    .col(string_null(Actions::SubjectHash))
                    .col(string(Actions::Kind))
                    .col(timestamp_with_time_zone_null(Actions::StartedAt))
                    .col(timestamp_with_time_zone_null(Actions::EndedAt))
                    .col(big_integer(Actions::QuantityMilli).default(0))
                    .col(string(Actions::Unit))
                    .col(text(Actions::Attributes))
                    .col(
                        string(Actions::Status).check(
                            Expr::col(Actions::Status).is_in(["accepted", "rejected", "held"]),
                        ),
                    )
                    .col(big_integer(Actions::Points).default(0))
                    .col(big_integer(Actions::Co2eG).default(0))
                    .col(text(Actions::Reasons))
                    .col(text_null(Actions::Breakdown))
                    .col(big_integer_null(Actions::RuleVersionId))
                    .col(big_integer_null(Actions::TransferId))
                    .col(timestamp_with_time_zone(Actions::ReceivedAt))
                    // A citizen's own claim rather than a partner's record.
                    .col(boolean(Actions::SelfDeclared).default(false))
                    .col(text_null(Actions::Note))
                    // The reviewer's decision on a held action.
                    .col(big_integer_null(Actions::ReviewedBy))
                    .col(timestamp_with_time_zone_null(Actions::ReviewedAt))
                    .col(text_null(Actions::ReviewNote))
                    .to_owned(),
            )
            .await?;
        // (partner, external_id) is unique: a record is credited once however
        // often it arrives. Citizens' claims have no partner; their external id
        // is generated.
        manager
            .create_index(
                Index::create()
                    .name("ux_actions_partner_external")
                    .table(Actions::Table)
                    .col(Actions::PartnerId)
                    .col(Actions::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_actions_user_started",
                vec![Actions::UserId, Actions::StartedAt],
            ),
            ("idx_actions_status", vec![Actions::Status, Actions::Id]),
            ("idx_actions_subject", vec![Actions::SubjectHash]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Actions::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        // What each citizen was credited per local day and kind: the caps'
        // context, read in O(days) rather than by scanning actions.
        manager
            .create_table(
                Table::create()
                    .table(UserDailyTotals::Table)
                    .col(big_integer(UserDailyTotals::UserId))
                    .col(date(UserDailyTotals::Day))
                    .col(string(UserDailyTotals::Kind))
                    .col(big_integer(UserDailyTotals::Points).default(0))
                    .col(big_integer(UserDailyTotals::Co2eG).default(0))
                    .col(big_integer(UserDailyTotals::Actions).default(0))
                    .primary_key(
                        Index::create()
                            .col(UserDailyTotals::UserId)
                            .col(UserDailyTotals::Day)
                            .col(UserDailyTotals::Kind),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            UserDailyTotals::Table.into_iden(),
            Actions::Table.into_iden(),
            RuleVersions::Table.into_iden(),
            Rules::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
