//! The ledger against a model: random sequences of transfers, batches,
//! reversals, overspends and idempotent replays, each applied to the real
//! ledger (a fresh database per case) and to a few lines of in-memory
//! arithmetic, which must agree after every step. After every step the
//! invariants hold too: conservation, balance = fold(entries), no forbidden
//! negative balance, and `verify` (chains, transfers) finds nothing.

use crate::helpers::test_db;
use proptest::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{DatabaseConnection, EntityTrait, QuerySelect};
use std::collections::HashMap;
use tanpu_core::Points;
use tanpu_core::ids::{AccountId, TransferId};
use tanpu_core::ledger::TransferReason;
use tanpu_server::entities::ledger_entries;
use tanpu_server::services::ledger::verify::verify;
use tanpu_server::services::ledger::{
    AccountSpec, BatchReceipt, LedgerError, TransferRequest, accounts, statement, transfer,
};

/// The accounts of every case, in this order: two issuance shards and the
/// sink may go negative; the three reward stocks may not.
const ACCOUNTS: usize = 6;

fn specs() -> [AccountSpec; ACCOUNTS] {
    let issuance = |shard| AccountSpec::Issuance {
        source: "metro".into(),
        shard,
    };
    let stock = |reward: &str| AccountSpec::RewardStock {
        reward: reward.into(),
    };
    [
        issuance(0),
        issuance(1),
        AccountSpec::RedemptionSink,
        stock("tea"),
        stock("bike"),
        stock("ticket"),
    ]
}

/// A transfer between two model accounts (indices; never the same one).
type Leg = (usize, usize, i64);

#[derive(Clone, Debug)]
enum Op {
    /// A batch (of one or more), with an idempotency key from a small set.
    Batch { legs: Vec<Leg>, key: Option<u8> },
    /// Reverse the n-th transfer made so far (modulo their number).
    Reverse { pick: usize },
    /// Send an earlier keyed batch again, unchanged.
    Replay { pick: usize },
    /// Send an earlier batch's key with another content.
    ReplayChanged { pick: usize },
}

fn leg() -> impl Strategy<Value = Leg> {
    // Half the legs issue (from an issuance shard), so that the stocks hold
    // points to spend and overspends are a minority, not the rule.
    let from = prop_oneof![0..2_usize, 0..ACCOUNTS];
    (from, 1..ACCOUNTS, 1_i64..=60)
        .prop_map(|(from, offset, amount)| (from, (from + offset) % ACCOUNTS, amount))
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (leg(), proptest::option::of(0_u8..4))
            .prop_map(|(leg, key)| Op::Batch { legs: vec![leg], key }),
        3 => (prop::collection::vec(leg(), 2..6), proptest::option::of(0_u8..4))
            .prop_map(|(legs, key)| Op::Batch { legs, key }),
        2 => any::<usize>().prop_map(|pick| Op::Reverse { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Replay { pick }),
        1 => any::<usize>().prop_map(|pick| Op::ReplayChanged { pick }),
    ]
}

/// A transfer as the model knows it.
struct MadeTransfer {
    id: TransferId,
    from: usize,
    to: usize,
    amount: i64,
    reversed: bool,
}

/// The in-memory ledger.
struct Model {
    balances: [i64; ACCOUNTS],
    non_negative: [bool; ACCOUNTS],
    transfers: Vec<MadeTransfer>,
    /// Keys in order of first use, with what they carried and answered.
    keyed: Vec<(String, Vec<Leg>, BatchReceipt)>,
}

impl Model {
    /// The balances after `legs`, or the index of the first leg that
    /// overdraws a non-negative account.
    fn try_apply(&self, legs: &[Leg]) -> Result<[i64; ACCOUNTS], usize> {
        let mut balances = self.balances;
        for (index, &(from, to, amount)) in legs.iter().enumerate() {
            balances[from] -= amount;
            balances[to] += amount;
            if self.non_negative[from] && balances[from] < 0 {
                return Err(index);
            }
        }
        Ok(balances)
    }
}

struct Case {
    db: DatabaseConnection,
    ids: [AccountId; ACCOUNTS],
    model: Model,
}

impl Case {
    fn requests(&self, legs: &[Leg]) -> Vec<TransferRequest> {
        legs.iter()
            .map(|&(from, to, amount)| TransferRequest {
                debit: self.ids[from],
                credit: self.ids[to],
                amount: Points(amount),
                reason: TransferReason::GreenAction,
                object: None,
                memo: None,
            })
            .collect()
    }

    async fn step(&mut self, op: &Op) {
        match op {
            Op::Batch { legs, key } => {
                let key = key.map(|k| format!("key-{k}"));
                self.batch(legs, key).await;
            }
            Op::Replay { pick } => {
                if self.model.keyed.is_empty() {
                    return;
                }
                let (key, legs, _) = &self.model.keyed[pick % self.model.keyed.len()];
                let (key, legs) = (key.clone(), legs.clone());
                self.batch(&legs, Some(key)).await;
            }
            Op::ReplayChanged { pick } => {
                if self.model.keyed.is_empty() {
                    return;
                }
                let (key, legs, _) = &self.model.keyed[pick % self.model.keyed.len()];
                let mut legs = legs.clone();
                legs[0].2 += 1;
                let key = key.clone();
                self.batch(&legs, Some(key)).await;
            }
            Op::Reverse { pick } => self.reverse(*pick).await,
        }
    }

    async fn batch(&mut self, legs: &[Leg], key: Option<String>) {
        let result = transfer::transfer_batch(&self.db, self.requests(legs), key.as_deref()).await;
        let earlier = key
            .as_ref()
            .and_then(|k| self.model.keyed.iter().find(|(seen, _, _)| seen == k));
        if let Some((_, earlier_legs, earlier_receipt)) = earlier {
            if earlier_legs == legs {
                let receipt = result.expect("a replay is answered");
                assert!(receipt.replayed);
                assert_eq!(receipt.batch, earlier_receipt.batch);
                assert_eq!(receipt.transfers, earlier_receipt.transfers);
            } else {
                assert!(
                    matches!(result, Err(LedgerError::IdempotencyConflict { .. })),
                    "{result:?}"
                );
            }
            return;
        }
        match self.model.try_apply(legs) {
            Ok(balances) => {
                let receipt = result.expect("the model accepts this batch");
                assert!(!receipt.replayed);
                assert_eq!(receipt.transfers.len(), legs.len());
                for (t, &(from, to, amount)) in receipt.transfers.iter().zip(legs) {
                    self.model.transfers.push(MadeTransfer {
                        id: t.id,
                        from,
                        to,
                        amount,
                        reversed: false,
                    });
                }
                self.model.balances = balances;
                if let Some(key) = key {
                    self.model.keyed.push((key, legs.to_vec(), receipt));
                }
            }
            Err(index) => match result {
                Err(LedgerError::InsufficientBalance { index: refused, .. }) => {
                    assert_eq!(refused, index);
                }
                other => panic!("the model refuses leg {index}, the ledger says {other:?}"),
            },
        }
    }

    async fn reverse(&mut self, pick: usize) {
        if self.model.transfers.is_empty() {
            let result = transfer::reverse(&self.db, TransferId(i64::MAX), "none").await;
            assert!(
                matches!(result, Err(LedgerError::TransferNotFound(_))),
                "{result:?}"
            );
            return;
        }
        let n = pick % self.model.transfers.len();
        let result = transfer::reverse(&self.db, self.model.transfers[n].id, "model").await;
        let t = &self.model.transfers[n];
        if t.reversed {
            assert!(
                matches!(result, Err(LedgerError::AlreadyReversed(id)) if id == t.id),
                "{result:?}"
            );
            return;
        }
        match self.model.try_apply(&[(t.to, t.from, t.amount)]) {
            Ok(balances) => {
                let receipt = result.expect("the model accepts this reversal");
                let (from, to, amount) = (t.to, t.from, t.amount);
                self.model.transfers[n].reversed = true;
                self.model.transfers.push(MadeTransfer {
                    id: receipt.id,
                    from,
                    to,
                    amount,
                    reversed: false,
                });
                self.model.balances = balances;
            }
            Err(_) => assert!(
                matches!(result, Err(LedgerError::InsufficientBalance { .. })),
                "{result:?}"
            ),
        }
    }

    /// Everything that must hold after every step.
    async fn check(&self) {
        let mut stored = [0_i64; ACCOUNTS];
        for (i, id) in self.ids.iter().enumerate() {
            stored[i] = accounts::balance(&self.db, *id).await.unwrap().0;
        }
        assert_eq!(stored, self.model.balances, "ledger and model disagree");
        assert_eq!(stored.iter().sum::<i64>(), 0, "conservation");
        for (i, (&balance, &non_negative)) in
            stored.iter().zip(&self.model.non_negative).enumerate()
        {
            assert!(!non_negative || balance >= 0, "account {i} went negative");
        }
        // balance = fold(entries), straight from SQL.
        let folded: HashMap<i64, i64> = ledger_entries::Entity::find()
            .select_only()
            .column(ledger_entries::Column::AccountId)
            .column_as(Expr::cust("CAST(SUM(amount) AS BIGINT)"), "total")
            .group_by(ledger_entries::Column::AccountId)
            .into_tuple::<(i64, i64)>()
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .collect();
        for (i, id) in self.ids.iter().enumerate() {
            assert_eq!(folded.get(&id.0).copied().unwrap_or(0), stored[i]);
        }
        let report = verify(&self.db).await.unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!(report.total_balance, 0);
    }

    /// At the end of a case: each statement, read page by page, is the
    /// account's history and ends at its balance.
    async fn check_statements(&self) {
        for (i, id) in self.ids.iter().enumerate() {
            let mut lines = Vec::new();
            let mut before = None;
            loop {
                let page = statement::statement(&self.db, *id, before, 4)
                    .await
                    .unwrap();
                lines.extend(page.lines);
                match page.next_before {
                    Some(next) => before = Some(next),
                    None => break,
                }
            }
            let newest = lines.first().map_or(0, |l| l.balance_after.0);
            assert_eq!(newest, self.model.balances[i]);
            assert_eq!(lines.iter().map(|l| l.amount.0).sum::<i64>(), newest);
            assert!(lines.windows(2).all(|w| w[0].entry > w[1].entry));
        }
    }
}

async fn run_case(ops: Vec<Op>) {
    let test_db = test_db().await;
    let mut ids = [AccountId(0); ACCOUNTS];
    let mut non_negative = [false; ACCOUNTS];
    for (i, spec) in specs().iter().enumerate() {
        let account = accounts::open(&test_db.db, spec).await.unwrap();
        ids[i] = account.id;
        non_negative[i] = account.must_not_go_negative;
    }
    let mut case = Case {
        db: test_db.db.clone(),
        ids,
        model: Model {
            balances: [0; ACCOUNTS],
            non_negative,
            transfers: Vec::new(),
            keyed: Vec::new(),
        },
    };
    for op in &ops {
        case.step(op).await;
        case.check().await;
    }
    case.check_statements().await;
    case.db.close().await.ok();
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 16,
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_ledger_agrees_with_its_model(ops in prop::collection::vec(op(), 10..=30)) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(run_case(ops));
    }
}
