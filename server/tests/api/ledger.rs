//! The ledger service on a real database: batches, idempotency, reversals,
//! statements, concurrency, append-only tables and tamper evidence.

use crate::helpers::test_db;
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
};
use std::process::Command;
use tanpu_core::Points;
use tanpu_core::api::RegisterRequest;
use tanpu_core::ids::{AccountId, TransferId};
use tanpu_core::ledger::TransferReason;
use tanpu_server::entities::{ledger_batches, ledger_entries, ledger_transfers};
use tanpu_server::services::accounts::{NewUser, create_user};
use tanpu_server::services::ledger::verify::verify;
use tanpu_server::services::ledger::{
    AccountSpec, LedgerError, ObjectRef, ProblemKind, TransferRequest, accounts, statement,
    transfer, write,
};

/// An issuance shard, the redemption sink and a reward's stock.
struct Books {
    issuer: AccountId,
    sink: AccountId,
    stock: AccountId,
}

async fn books(db: &DatabaseConnection) -> Books {
    let open = |spec| async move { accounts::open(db, &spec).await.unwrap().id };
    Books {
        issuer: open(AccountSpec::Issuance {
            source: "metro".into(),
            shard: 0,
        })
        .await,
        sink: open(AccountSpec::RedemptionSink).await,
        stock: open(AccountSpec::RewardStock {
            reward: "tea".into(),
        })
        .await,
    }
}

fn req(debit: AccountId, credit: AccountId, amount: i64) -> TransferRequest {
    TransferRequest {
        debit,
        credit,
        amount: Points(amount),
        reason: TransferReason::GreenAction,
        object: None,
        memo: None,
    }
}

async fn citizen(db: &DatabaseConnection, login: &str) -> AccountId {
    let user = create_user(
        db,
        NewUser::from_registration(RegisterRequest {
            login: login.into(),
            password: "a-long-passphrase".into(),
            nickname: "Li".into(),
            consent: true,
        })
        .unwrap(),
    )
    .await
    .unwrap();
    accounts::citizen(db, user.id).await.unwrap().id
}

async fn balance(db: &DatabaseConnection, account: AccountId) -> i64 {
    accounts::balance(db, account).await.unwrap().0
}

async fn assert_intact(db: &DatabaseConnection) {
    let report = verify(db).await.unwrap();
    assert!(report.is_ok(), "{report}");
}

#[tokio::test]
async fn opening_an_account_twice_finds_the_first() {
    let test = test_db().await;
    let db = test.db.clone();
    let spec = AccountSpec::Issuance {
        source: "bus".into(),
        shard: 2,
    };
    let first = accounts::open(&db, &spec).await.unwrap();
    let again = accounts::open(&db, &spec).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first.code, "issuance:bus:2");
    assert!(!first.must_not_go_negative);
    let me = citizen(&db, "13800000001").await;
    let account = accounts::get(&db, me).await.unwrap();
    assert!(account.must_not_go_negative);
    assert_eq!(account.balance, Points(0));
}

#[tokio::test]
async fn transactions_opening_the_same_new_accounts_never_deadlock() {
    // Eight transactions open the same 200 new accounts, each given them in
    // another order. On PostgreSQL each insert of a code another open
    // transaction inserted waits for it; had each inserted in an order of
    // its own, two would end up waiting for each other and one would fail
    // with "deadlock detected" (found by `bench ingest` with four senders;
    // one round caught it in two runs of three, so the test runs four
    // rounds: it then failed every run before the fix).
    let test = test_db().await;
    for round in 0..4 {
        let specs: Vec<AccountSpec> = (0..200)
            .map(|shard| AccountSpec::Issuance {
                source: format!("bus-{round}"),
                shard,
            })
            .collect();
        let opened = open_at_once(&test.db, &specs, 8).await;
        assert_eq!(opened[0].len(), 200);
        assert!(
            opened.iter().all(|ids| ids == &opened[0]),
            "all found the same accounts"
        );
    }
}

/// `specs` opened by `transactions` transactions at once, each given them
/// in another order; the ids each found, sorted.
async fn open_at_once(
    db: &DatabaseConnection,
    specs: &[AccountSpec],
    transactions: usize,
) -> Vec<Vec<AccountId>> {
    // On PostgreSQL all begin before any opens, so that their inserts
    // interleave. (SQLite's writers go one at a time: the first holds the
    // write lock until it commits, so it cannot wait for the others.)
    let started = std::sync::Arc::new(tokio::sync::Barrier::new(transactions));
    let openings = (0..transactions).map(|n| {
        let (db, started) = (db.clone(), started.clone());
        let mut specs = specs.to_vec();
        let turn = n * specs.len() / transactions;
        specs.rotate_left(turn);
        if n % 2 == 1 {
            specs.reverse();
        }
        tokio::spawn(async move {
            // Not `with_retry`: a retry would hide the deadlock.
            let txn = write::begin_write(&db).await.unwrap();
            if db.get_database_backend() == DbBackend::Postgres {
                started.wait().await;
            }
            let opened = accounts::open_many(&txn, &specs).await;
            txn.commit().await.unwrap();
            opened.map(|accounts| {
                let mut ids: Vec<_> = accounts.values().map(|a| a.id).collect();
                ids.sort_unstable();
                ids
            })
        })
    });
    let mut found = Vec::new();
    for opened in futures::future::join_all(openings).await {
        found.push(opened.unwrap().expect("every opening succeeds"));
    }
    found
}

#[tokio::test]
async fn a_transfer_moves_points_and_records_both_sides() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let me = citizen(&db, "13800000001").await;
    let mut request = req(b.issuer, me, 30);
    request.object = Some(ObjectRef {
        kind: "green_action".into(),
        id: "8812".into(),
    });
    let receipt = transfer::transfer(&db, request, None).await.unwrap();
    assert_eq!(receipt.debit_balance_after, Points(-30));
    assert_eq!(receipt.credit_balance_after, Points(30));
    assert_eq!(balance(&db, me).await, 30);
    assert_eq!(balance(&db, b.issuer).await, -30);
    let entries = ledger_entries::Entity::find()
        .filter(ledger_entries::Column::TransferId.eq(receipt.id.0))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries.iter().map(|e| e.amount).sum::<i64>(), 0);
    assert_intact(&db).await;
}

#[tokio::test]
async fn a_batch_is_all_or_nothing() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let err = transfer::transfer_batch(
        &db,
        vec![
            req(b.issuer, b.stock, 50),
            req(b.stock, b.sink, 30),
            req(b.stock, b.sink, 30),
        ],
        None,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            LedgerError::InsufficientBalance { account, balance: Points(20), needed: Points(30), index: 2 }
                if account == b.stock
        ),
        "{err:?}"
    );
    for account in [b.issuer, b.sink, b.stock] {
        assert_eq!(balance(&db, account).await, 0);
    }
    assert_eq!(
        ledger_transfers::Entity::find().count(&db).await.unwrap(),
        0
    );
    assert_eq!(ledger_batches::Entity::find().count(&db).await.unwrap(), 0);

    let ok = transfer::transfer_batch(
        &db,
        vec![req(b.issuer, b.stock, 50), req(b.stock, b.sink, 30)],
        None,
    )
    .await
    .unwrap();
    assert_eq!(ok.transfers.len(), 2);
    assert_eq!(ok.transfers[1].debit_balance_after, Points(20));
    assert_intact(&db).await;
}

#[tokio::test]
async fn unknown_accounts_and_malformed_requests_are_refused() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let err = transfer::transfer(&db, req(b.issuer, AccountId(9_999), 1), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::AccountNotFound(AccountId(9_999))),
        "{err:?}"
    );
    let err = transfer::transfer(&db, req(b.issuer, b.sink, 0), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            LedgerError::Invalid {
                field: "amount",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        ledger_transfers::Entity::find().count(&db).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn a_repeated_key_returns_the_first_receipt_and_writes_nothing() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let batch = || vec![req(b.issuer, b.stock, 40), req(b.stock, b.sink, 15)];
    let first = transfer::transfer_batch(&db, batch(), Some("ingest-7"))
        .await
        .unwrap();
    let again = transfer::transfer_batch(&db, batch(), Some("ingest-7"))
        .await
        .unwrap();
    assert!(!first.replayed);
    assert!(again.replayed);
    assert_eq!(again.batch, first.batch);
    assert_eq!(again.transfers, first.transfers);
    assert_eq!(again.created_at, first.created_at);
    assert_eq!(
        ledger_transfers::Entity::find().count(&db).await.unwrap(),
        2
    );
    assert_eq!(balance(&db, b.stock).await, 25);

    let err = transfer::transfer_batch(&db, vec![req(b.issuer, b.stock, 41)], Some("ingest-7"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::IdempotencyConflict { ref key } if key == "ingest-7"),
        "{err:?}"
    );
    assert_eq!(
        ledger_transfers::Entity::find().count(&db).await.unwrap(),
        2
    );
    assert_intact(&db).await;
}

#[tokio::test]
async fn a_key_of_a_refused_batch_stays_free() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let err = transfer::transfer(&db, req(b.stock, b.sink, 5), Some("redeem-1"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::InsufficientBalance { .. }),
        "{err:?}"
    );
    transfer::transfer(&db, req(b.issuer, b.stock, 5), None)
        .await
        .unwrap();
    let done = transfer::transfer(&db, req(b.stock, b.sink, 5), Some("redeem-1"))
        .await
        .unwrap();
    assert_eq!(done.debit_balance_after, Points(0));
}

#[tokio::test]
async fn a_reversal_restores_both_balances_and_happens_once() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let me = citizen(&db, "13800000001").await;
    let mut credit = req(b.issuer, me, 25);
    credit.object = Some(ObjectRef {
        kind: "green_action".into(),
        id: "77".into(),
    });
    let credit = transfer::transfer(&db, credit, None).await.unwrap();
    let reversal = transfer::reverse(&db, credit.id, "duplicate ride report")
        .await
        .unwrap();
    assert_eq!((reversal.debit, reversal.credit), (me, b.issuer));
    assert_eq!(balance(&db, me).await, 0);
    assert_eq!(balance(&db, b.issuer).await, 0);
    let stored = ledger_transfers::Entity::find_by_id(reversal.id.0)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.reason, "reversal");
    assert_eq!(stored.reverses_transfer_id, Some(credit.id.0));
    assert_eq!(stored.object_id.as_deref(), Some("77"));
    assert_eq!(stored.memo.as_deref(), Some("duplicate ride report"));

    let err = transfer::reverse(&db, credit.id, "again")
        .await
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::AlreadyReversed(id) if id == credit.id),
        "{err:?}"
    );
    let err = transfer::reverse(&db, TransferId(123_456), "nothing")
        .await
        .unwrap_err();
    assert!(matches!(err, LedgerError::TransferNotFound(_)), "{err:?}");
    assert_intact(&db).await;
}

#[tokio::test]
async fn credits_already_spent_cannot_be_reversed_below_zero() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let me = citizen(&db, "13800000001").await;
    let credit = transfer::transfer(&db, req(b.issuer, me, 10), None)
        .await
        .unwrap();
    transfer::transfer(&db, req(me, b.sink, 8), None)
        .await
        .unwrap();
    let err = transfer::reverse(&db, credit.id, "fraud")
        .await
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::InsufficientBalance { .. }),
        "{err:?}"
    );
    assert_eq!(balance(&db, me).await, 2);
}

#[tokio::test]
async fn a_statement_pages_newest_first_by_keyset() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    for amount in 1..=7 {
        transfer::transfer(&db, req(b.issuer, b.stock, amount), None)
            .await
            .unwrap();
    }
    transfer::transfer(&db, req(b.stock, b.sink, 3), None)
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = statement::statement(&db, b.stock, before, 3).await.unwrap();
        assert!(page.lines.len() <= 3);
        seen.extend(page.lines);
        match page.next_before {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    let amounts: Vec<i64> = seen.iter().map(|l| l.amount.0).collect();
    assert_eq!(amounts, vec![-3, 7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(seen[0].balance_after, Points(25));
    assert_eq!(seen[0].counterparty, b.sink);
    assert_eq!(seen[1].counterparty, b.issuer);
    assert!(seen.windows(2).all(|w| w[0].entry > w[1].entry));
}

#[tokio::test]
async fn a_statement_filters_by_reason_and_period_and_still_pages() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let start = chrono::Utc::now() - chrono::Duration::seconds(1);
    let mut credits = Vec::new();
    for amount in 1..=5 {
        let receipt = transfer::transfer(&db, req(b.issuer, b.stock, amount), None)
            .await
            .unwrap();
        credits.push(receipt.id);
    }
    transfer::reverse(&db, credits[1], "entered twice")
        .await
        .unwrap();
    transfer::reverse(&db, credits[3], "entered twice")
        .await
        .unwrap();

    let reversals = statement::StatementFilter {
        reason: Some(TransferReason::Reversal),
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = statement::statement_filtered(&db, b.stock, reversals, before, 1)
            .await
            .unwrap();
        seen.extend(page.lines);
        match page.next_before {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    let amounts: Vec<i64> = seen.iter().map(|l| l.amount.0).collect();
    assert_eq!(
        amounts,
        vec![-4, -2],
        "only the reversals, newest first, one per page"
    );
    assert!(seen.iter().all(|l| l.reason == TransferReason::Reversal));

    let later = statement::StatementFilter {
        since: Some(chrono::Utc::now() + chrono::Duration::hours(1)),
        ..Default::default()
    };
    let none = statement::statement_filtered(&db, b.stock, later, None, 10)
        .await
        .unwrap();
    assert!(none.lines.is_empty());
    let window = statement::StatementFilter {
        since: Some(start),
        until: Some(chrono::Utc::now() + chrono::Duration::seconds(1)),
        reason: None,
    };
    let all = statement::statement_filtered(&db, b.stock, window, None, 10)
        .await
        .unwrap();
    assert_eq!(all.lines.len(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_spenders_succeed_exactly_floor_b_over_c_times() {
    const B: i64 = 1_000;
    const C: i64 = 37;
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let me = citizen(&db, "13800000001").await;
    transfer::transfer(&db, req(b.issuer, me, B), None)
        .await
        .unwrap();

    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let db = db.clone();
            let sink = b.sink;
            tokio::spawn(async move {
                let mut spend = req(me, sink, C);
                spend.reason = TransferReason::Redemption;
                transfer::transfer(&db, spend, None).await
            })
        })
        .collect();
    let (mut ok, mut short) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(LedgerError::InsufficientBalance { .. }) => short += 1,
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    assert_eq!(ok, B / C);
    assert_eq!(short, 64 - B / C);
    assert_eq!(balance(&db, me).await, B % C);
    assert_eq!(balance(&db, b.sink).await, (B / C) * C);
    assert_intact(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_requests_with_one_key_make_one_transfer() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let db = db.clone();
            let (issuer, stock) = (b.issuer, b.stock);
            tokio::spawn(async move {
                transfer::transfer_batch(
                    &db,
                    vec![req(issuer, stock, 10)],
                    Some("partner-7:batch-1"),
                )
                .await
            })
        })
        .collect();
    let mut receipts = Vec::new();
    for task in tasks {
        receipts.push(task.await.unwrap().expect("every request gets the receipt"));
    }
    assert_eq!(receipts.iter().filter(|r| !r.replayed).count(), 1);
    assert!(
        receipts
            .iter()
            .all(|r| r.batch == receipts[0].batch && r.transfers == receipts[0].transfers)
    );
    assert_eq!(
        ledger_transfers::Entity::find().count(&db).await.unwrap(),
        1
    );
    assert_eq!(ledger_batches::Entity::find().count(&db).await.unwrap(), 1);
    assert_eq!(balance(&db, b.stock).await, 10);
    assert_intact(&db).await;
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_ledger_rows() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    transfer::transfer(&db, req(b.issuer, b.stock, 10), None)
        .await
        .unwrap();
    for sql in [
        "UPDATE ledger_entries SET amount = amount + 1",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_transfers SET amount = 11",
        "DELETE FROM ledger_transfers",
        "UPDATE ledger_batches SET transfer_count = 2",
        "DELETE FROM ledger_batches",
        // The CHECK backstop: a non-negative account cannot be set below 0.
        "UPDATE ledger_accounts SET balance = -1 WHERE must_not_go_negative",
    ] {
        let refused = db.execute_unprepared(sql).await;
        assert!(refused.is_err(), "{sql} was allowed");
    }
    if db.get_database_backend() == DbBackend::Postgres {
        assert!(
            db.execute_unprepared("TRUNCATE ledger_entries")
                .await
                .is_err()
        );
    }
    assert_eq!(ledger_entries::Entity::find().count(&db).await.unwrap(), 2);
    assert_intact(&db).await;
}

/// Runs `tanpu ledger verify` against the database; its exit code and output.
fn run_verify(url: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tanpu"))
        .args(["ledger", "verify"])
        .env("TANPU_DATABASE_URL", url)
        .env("TANPU_LOG", "warn")
        .output()
        .expect("cannot run tanpu");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[tokio::test]
async fn an_edited_entry_is_caught_by_verify_and_the_command() {
    let test = test_db().await;
    let (db, url) = (test.db.clone(), test.url.clone());
    let b = books(&db).await;
    for amount in [10, 20, 30] {
        transfer::transfer(&db, req(b.issuer, b.stock, amount), None)
            .await
            .unwrap();
    }
    transfer::transfer(&db, req(b.stock, b.sink, 5), None)
        .await
        .unwrap();
    let (code, output) = run_verify(&url);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("OK"), "{output}");
    assert!(output.contains("entries checked:   8"), "{output}");

    // Someone with database access removes the guard and edits an amount.
    let drop_trigger = match db.get_database_backend() {
        DbBackend::Postgres => "DROP TRIGGER ledger_entries_append_only ON ledger_entries",
        _ => "DROP TRIGGER ledger_entries_no_update",
    };
    db.execute_unprepared(drop_trigger).await.unwrap();
    let edited = db
        .execute_unprepared(
            "UPDATE ledger_entries SET amount = 25 \
             WHERE id = (SELECT MIN(id) FROM ledger_entries WHERE amount = 20)",
        )
        .await
        .unwrap();
    assert_eq!(edited.rows_affected(), 1);

    let report = verify(&db).await.unwrap();
    assert!(!report.is_ok());
    let kinds: Vec<ProblemKind> = report.problems.iter().map(|p| p.kind).collect();
    assert!(kinds.contains(&ProblemKind::EntryHash), "{report}");
    assert!(kinds.contains(&ProblemKind::AccountBalance), "{report}");
    assert!(kinds.contains(&ProblemKind::EntryNotOfTransfer), "{report}");

    let (code, output) = run_verify(&url);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("FAILED"), "{output}");
    assert!(output.contains("entry_hash"), "{output}");
}

#[tokio::test]
async fn an_edited_transfer_breaks_the_hashes_of_its_entries() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let t = transfer::transfer(&db, req(b.issuer, b.stock, 10), None)
        .await
        .unwrap();
    let drop_trigger = match db.get_database_backend() {
        DbBackend::Postgres => "DROP TRIGGER ledger_transfers_append_only ON ledger_transfers",
        _ => "DROP TRIGGER ledger_transfers_no_update",
    };
    db.execute_unprepared(drop_trigger).await.unwrap();
    db.execute_unprepared(&format!(
        "UPDATE ledger_transfers SET reason = 'adjustment' WHERE id = {}",
        t.id
    ))
    .await
    .unwrap();
    let report = verify(&db).await.unwrap();
    let hashes = report
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::EntryHash)
        .count();
    assert_eq!(hashes, 2, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_reversals_of_one_transfer_make_one() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let credit = transfer::transfer(&db, req(b.issuer, b.stock, 40), None)
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { transfer::reverse(&db, credit.id, "race").await })
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(LedgerError::AlreadyReversed(id)) if id == credit.id => refused += 1,
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    assert_eq!((ok, refused), (1, 7));
    assert_eq!(balance(&db, b.stock).await, 0);
    assert_intact(&db).await;
}

/// What [`write::with_retry`] retries is what the databases really answer
/// under contention: SQLite's busy database, PostgreSQL's deadlock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contention_is_recognised_as_retryable() {
    let test = test_db().await;
    let db = test.db.clone();
    let b = books(&db).await;
    let touch = |id: AccountId| {
        format!("UPDATE ledger_accounts SET created_at = created_at WHERE id = {id}")
    };
    let err = match db.get_database_backend() {
        DbBackend::Postgres => {
            let first = db.begin().await.unwrap();
            let second = db.begin().await.unwrap();
            first.execute_unprepared(&touch(b.issuer)).await.unwrap();
            second.execute_unprepared(&touch(b.sink)).await.unwrap();
            let (sink, issuer) = (touch(b.sink), touch(b.issuer));
            let blocked = tokio::spawn(async move {
                let result = first.execute_unprepared(&sink).await;
                first.rollback().await.ok();
                result
            });
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let closing = second.execute_unprepared(&issuer).await;
            second.rollback().await.ok();
            let other = blocked.await.unwrap();
            // PostgreSQL picks one of the two as the deadlock's victim.
            match (closing, other) {
                (Err(e), _) | (_, Err(e)) => e,
                _ => panic!("no deadlock was detected"),
            }
        }
        _ => {
            let holder = write::begin_write(&db).await.unwrap();
            let mut options = ConnectOptions::new(test.url.clone());
            options.map_sqlx_sqlite_opts(|o| o.busy_timeout(std::time::Duration::ZERO));
            let impatient = Database::connect(options).await.unwrap();
            let err = write::begin_write(&impatient).await.unwrap_err();
            holder.rollback().await.unwrap();
            impatient.close().await.ok();
            err
        }
    };
    assert!(write::is_retryable(&err), "{err:?}");
}
