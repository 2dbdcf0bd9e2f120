//! The ledger: accounts, batches, transfers and hash-chained entries.
//!
//! Double-entry and append-only. Accounts carry their balance, a version and
//! the hash of their newest entry (the head of that account's chain), so a
//! transfer touches only the two account rows it moves points between and no
//! global row serialises writers. Batches, transfers and entries are never
//! updated or deleted: triggers on both backends refuse it, and a `CHECK`
//! keeps accounts flagged "must not go negative" at zero or above even if the
//! service had a bug.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, blob, boolean, integer, string, string_null,
    string_uniq, timestamp_with_time_zone,
};
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum LedgerAccounts {
    Table,
    Id,
    Code,
    Kind,
    UserId,
    MustNotGoNegative,
    Balance,
    Version,
    HeadHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LedgerBatches {
    Table,
    Id,
    IdempotencyKey,
    RequestHash,
    TransferCount,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LedgerTransfers {
    Table,
    Id,
    BatchId,
    DebitAccountId,
    CreditAccountId,
    Amount,
    Reason,
    ObjectKind,
    ObjectId,
    Memo,
    ReversesTransferId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LedgerEntries {
    Table,
    Id,
    TransferId,
    AccountId,
    Amount,
    BalanceBefore,
    BalanceAfter,
    AccountVersion,
    PrevHash,
    Hash,
    CreatedAt,
}

/// The tables nobody may change once written.
const APPEND_ONLY: [&str; 3] = ["ledger_batches", "ledger_transfers", "ledger_entries"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LedgerAccounts::Table)
                    .col(big_pk_auto(LedgerAccounts::Id))
                    // What the account is, as a unique name: `citizen:42`,
                    // `issuance:bus:3`, `redemption_sink`. Opening an account
                    // twice finds the first.
                    .col(string_uniq(LedgerAccounts::Code))
                    .col(
                        string(LedgerAccounts::Kind).check(Expr::col(LedgerAccounts::Kind).is_in(
                            [
                                "citizen",
                                "issuance",
                                "redemption_sink",
                                "reward_stock",
                                "adjustment",
                            ],
                        )),
                    )
                    .col(big_integer_null(LedgerAccounts::UserId))
                    .col(boolean(LedgerAccounts::MustNotGoNegative))
                    .col(big_integer(LedgerAccounts::Balance).default(0))
                    // How many entries the account has; each entry records the
                    // version it produced.
                    .col(big_integer(LedgerAccounts::Version).default(0))
                    // SHA-256 of the newest entry; 32 zero bytes before the first.
                    .col(blob(LedgerAccounts::HeadHash))
                    .col(timestamp_with_time_zone(LedgerAccounts::CreatedAt))
                    .check((
                        "ck_ledger_accounts_not_negative",
                        Expr::cust("NOT must_not_go_negative OR balance >= 0"),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ledger_accounts_user")
                            .from(LedgerAccounts::Table, LedgerAccounts::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ledger_accounts_user")
                    .table(LedgerAccounts::Table)
                    .col(LedgerAccounts::UserId)
                    .to_owned(),
            )
            .await?;

        // One row per committed batch. The idempotency key lives here, with a
        // hash of the request it answered, so a replay can be recognised and
        // a different request under the same key refused.
        manager
            .create_table(
                Table::create()
                    .table(LedgerBatches::Table)
                    .col(big_pk_auto(LedgerBatches::Id))
                    .col(string_null(LedgerBatches::IdempotencyKey).unique_key())
                    .col(blob(LedgerBatches::RequestHash))
                    .col(integer(LedgerBatches::TransferCount))
                    .col(timestamp_with_time_zone(LedgerBatches::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LedgerTransfers::Table)
                    .col(big_pk_auto(LedgerTransfers::Id))
                    .col(big_integer(LedgerTransfers::BatchId))
                    .col(big_integer(LedgerTransfers::DebitAccountId))
                    .col(big_integer(LedgerTransfers::CreditAccountId))
                    .col(big_integer(LedgerTransfers::Amount))
                    .col(string(LedgerTransfers::Reason).check(
                        Expr::col(LedgerTransfers::Reason).is_in([
                            "green_action",
                            "redemption",
                            "reversal",
                            "adjustment",
                        ]),
                    ))
                    // The business object the transfer belongs to, e.g.
                    // (`green_action`, `8812`).
                    .col(string_null(LedgerTransfers::ObjectKind))
                    .col(string_null(LedgerTransfers::ObjectId))
                    // Why, in words: the administrator's note on a reversal or
                    // an adjustment.
                    .col(string_null(LedgerTransfers::Memo))
                    // Unique: a transfer can be reversed once.
                    .col(big_integer_null(LedgerTransfers::ReversesTransferId).unique_key())
                    .col(timestamp_with_time_zone(LedgerTransfers::CreatedAt))
                    .check((
                        "ck_ledger_transfers_amount_positive",
                        Expr::col(LedgerTransfers::Amount).gt(0),
                    ))
                    .check((
                        "ck_ledger_transfers_two_accounts",
                        Expr::col(LedgerTransfers::DebitAccountId)
                            .ne(Expr::col(LedgerTransfers::CreditAccountId)),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ledger_transfers_batch")
                            .from(LedgerTransfers::Table, LedgerTransfers::BatchId)
                            .to(LedgerBatches::Table, LedgerBatches::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ledger_transfers_debit")
                            .from(LedgerTransfers::Table, LedgerTransfers::DebitAccountId)
                            .to(LedgerAccounts::Table, LedgerAccounts::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ledger_transfers_credit")
                            .from(LedgerTransfers::Table, LedgerTransfers::CreditAccountId)
                            .to(LedgerAccounts::Table, LedgerAccounts::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ledger_transfers_reverses")
                            .from(LedgerTransfers::Table, LedgerTransfers::ReversesTransferId)
                            .to(LedgerTransfers::Table, LedgerTransfers::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ledger_transfers_batch")
                    .table(LedgerTransfers::Table)
                    .col(LedgerTransfers::BatchId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LedgerEntries::Table)
                    .col(big_pk_auto(LedgerEntries::Id))
                    .col(big_integer(LedgerEntries::TransferId))
                    .col(big_integer(LedgerEntries::AccountId))
                    // Signed: negative on the debit side, positive on the credit side.
                    .col(big_integer(LedgerEntries::Amount))
                    .col(big_integer(LedgerEntries::BalanceBefore))
                    .col(big_integer(LedgerEntries::BalanceAfter))
                    .col(big_integer(LedgerEntries::AccountVersion))
                    .col(blob(LedgerEntries::PrevHash))
                    .col(blob(LedgerEntries::Hash))
                    .col(timestamp_with_time_zone(LedgerEntries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ledger_entries_transfer")
                            .from(LedgerEntries::Table, LedgerEntries::TransferId)
                            .to(LedgerTransfers::Table, LedgerTransfers::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ledger_entries_account")
                            .from(LedgerEntries::Table, LedgerEntries::AccountId)
                            .to(LedgerAccounts::Table, LedgerAccounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Statements: an account's entries, newest first, by keyset on id.
        manager
            .create_index(
                Index::create()
                    .name("idx_ledger_entries_account_id")
                    .table(LedgerEntries::Table)
                    .col(LedgerEntries::AccountId)
                    .col((LedgerEntries::Id, IndexOrder::Desc))
                    .to_owned(),
            )
            .await?;
        // A transfer's two entries (receipts of replays, verification).
        manager
            .create_index(
                Index::create()
                    .name("idx_ledger_entries_transfer")
                    .table(LedgerEntries::Table)
                    .col(LedgerEntries::TransferId)
                    .to_owned(),
            )
            .await?;

        refuse_changes(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Dropping a table drops its triggers.
        for table in [
            LedgerEntries::Table.into_iden(),
            LedgerTransfers::Table.into_iden(),
            LedgerBatches::Table.into_iden(),
            LedgerAccounts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS ledger_refuse_change()")
                .await?;
        }
        Ok(())
    }
}

/// Installs the triggers that make batches, transfers and entries
/// append-only. Only raw SQL can say this, and each backend says it its own
/// way.
async fn refuse_changes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    match manager.get_database_backend() {
        DbBackend::Sqlite => {
            for table in APPEND_ONLY {
                for op in ["UPDATE", "DELETE"] {
                    let name = format!("{table}_no_{}", op.to_lowercase());
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER {name} BEFORE {op} ON {table} \
                         BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
                    ))
                    .await?;
                }
            }
        }
        DbBackend::Postgres => {
            conn.execute_unprepared(
                "CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN \
                   RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP \
                     USING ERRCODE = 'restrict_violation'; \
                 END $$",
            )
            .await?;
            for table in APPEND_ONLY {
                conn.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
                ))
                .await?;
                conn.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} \
                     FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()"
                ))
                .await?;
            }
        }
        other => {
            return Err(DbErr::Migration(format!(
                "the ledger's append-only triggers are not written for {other:?}"
            )));
        }
    }
    Ok(())
}
