//! Ledger accounts: opening them (idempotently, by a unique code) and
//! reading them.
//!
//! Issuance is sharded: credits for a source (a partner or a rule source)
//! come from `issuance:<source>:<shard>`, with the shard picked from the
//! citizen's id, so concurrent credits to different citizens update
//! different issuer rows instead of queueing on one hot row.

use super::chain::GENESIS;
use super::{LedgerError, LedgerResult};
use crate::entities::ledger_accounts;
use crate::services::bulk::{self, StatementSize};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::{BTreeMap, HashMap};
use tanpu_core::Points;
use tanpu_core::UserId;
use tanpu_core::ids::AccountId;
use tanpu_core::ledger::AccountKind;

/// The longest source or reward key in an account code.
const KEY_MAX_CHARS: usize = 64;

/// An account as the service shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The id.
    pub id: AccountId,
    /// Its unique code, e.g. `citizen:42`.
    pub code: String,
    /// What it is for.
    pub kind: AccountKind,
    /// The owner, for citizen accounts.
    pub user_id: Option<UserId>,
    /// Whether its balance must stay at zero or above.
    pub must_not_go_negative: bool,
    /// Points held.
    pub balance: Points,
    /// Number of entries.
    pub version: i64,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
}

/// Which account to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountSpec {
    /// A citizen's own account.
    Citizen(UserId),
    /// One shard of a source's issuance account.
    Issuance {
        /// The partner or rule source, e.g. `metro` or `partner-7`.
        source: String,
        /// Which shard.
        shard: u32,
    },
    /// The one sink redeemed points go to.
    RedemptionSink,
    /// A reward's stock.
    RewardStock {
        /// The reward's key.
        reward: String,
    },
    /// The account manual corrections come from and go to.
    Adjustment,
}

impl AccountSpec {
    /// The account's kind.
    #[must_use]
    pub fn kind(&self) -> AccountKind {
        match self {
            Self::Citizen(_) => AccountKind::Citizen,
            Self::Issuance { .. } => AccountKind::Issuance,
            Self::RedemptionSink => AccountKind::RedemptionSink,
            Self::RewardStock { .. } => AccountKind::RewardStock,
            Self::Adjustment => AccountKind::Adjustment,
        }
    }

    /// The unique code.
    ///
    /// # Errors
    /// [`LedgerError::Invalid`] for an empty, long or oddly spelled key.
    pub fn code(&self) -> LedgerResult<String> {
        Ok(match self {
            Self::Citizen(user) => format!("citizen:{user}"),
            Self::Issuance { source, shard } => {
                check_key("source", source)?;
                format!("issuance:{source}:{shard}")
            }
            Self::RedemptionSink => "redemption_sink".to_owned(),
            Self::RewardStock { reward } => {
                check_key("reward", reward)?;
                format!("reward_stock:{reward}")
            }
            Self::Adjustment => "adjustment".to_owned(),
        })
    }
}

/// The issuance shard for crediting `user` from a source with `shards`
/// shards (at least one).
#[must_use]
pub fn issuance_shard(user: UserId, shards: u32) -> u32 {
    let shards = i64::from(shards.max(1));
    // rem_euclid of a positive modulus is in 0..shards, which fits in u32.
    u32::try_from(user.0.rem_euclid(shards)).unwrap_or(0)
}

/// Opens the account `spec` names, or finds it if it is open already. Two
/// callers opening the same account at once get the same one.
///
/// # Errors
/// [`LedgerError::Invalid`] for a bad key; database failures.
pub async fn open<C: ConnectionTrait>(conn: &C, spec: &AccountSpec) -> LedgerResult<Account> {
    let code = spec.code()?;
    let row = new_row(spec, Utc::now())?;
    ledger_accounts::Entity::insert(row)
        .on_conflict_do_nothing_on([ledger_accounts::Column::Code])
        .exec_without_returning(conn)
        .await?;
    let found = ledger_accounts::Entity::find()
        .filter(ledger_accounts::Column::Code.eq(code))
        .one(conn)
        .await?
        .ok_or_else(|| {
            LedgerError::Database(sea_orm::DbErr::RecordNotFound(
                "a ledger account vanished after it was opened".into(),
            ))
        })?;
    to_account(found)
}

/// Opens every account in `specs` that is not open yet and returns them
/// all, by code: one read of those already open (the usual case), then one
/// insert and one read of the rest. The set-based form of [`open`], for
/// batches that credit many citizens.
///
/// The missing accounts are inserted in code order. On PostgreSQL an insert
/// of a code another open transaction has just inserted waits for that
/// transaction; two batches opening the same new accounts in different
/// orders would each wait for the other (a deadlock, which failed one of
/// them). In one order, whoever is behind only waits.
///
/// # Errors
/// As [`open`].
pub async fn open_many<C: ConnectionTrait>(
    conn: &C,
    specs: &[AccountSpec],
) -> LedgerResult<HashMap<String, Account>> {
    let mut wanted: BTreeMap<String, &AccountSpec> = BTreeMap::new();
    for spec in specs {
        wanted.insert(spec.code()?, spec);
    }
    let codes: Vec<String> = wanted.keys().cloned().collect();
    let mut found = find_by_codes(conn, &codes).await?;
    let missing: Vec<&AccountSpec> = wanted
        .iter()
        .filter(|(code, _)| !found.contains_key(*code))
        .map(|(_, spec)| *spec)
        .collect();
    if missing.is_empty() {
        return Ok(found);
    }
    let now = Utc::now();
    let rows = missing
        .iter()
        .map(|spec| new_row(spec, now))
        .collect::<LedgerResult<Vec<_>>>()?;
    let per_statement = StatementSize::of(conn.get_database_backend()).rows_of_values(8, 120);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(per_statement).collect();
        ledger_accounts::Entity::insert_many(chunk)
            .on_conflict_do_nothing_on([ledger_accounts::Column::Code])
            .exec_without_returning(conn)
            .await?;
    }
    let missing_codes = missing
        .iter()
        .map(|spec| spec.code())
        .collect::<LedgerResult<Vec<_>>>()?;
    found.extend(find_by_codes(conn, &missing_codes).await?);
    if found.len() != wanted.len() {
        return Err(LedgerError::Database(sea_orm::DbErr::RecordNotFound(
            "a ledger account vanished after it was opened".into(),
        )));
    }
    Ok(found)
}

async fn find_by_codes<C: ConnectionTrait>(
    conn: &C,
    codes: &[String],
) -> LedgerResult<HashMap<String, Account>> {
    let backend = conn.get_database_backend();
    let per_statement = StatementSize::of(backend).rows_of_values(1, 24);
    let mut found = HashMap::with_capacity(codes.len());
    for chunk in codes.chunks(per_statement) {
        let rows = ledger_accounts::Entity::find()
            .filter(bulk::one_of(
                backend,
                ledger_accounts::Column::Code,
                chunk.iter().cloned(),
            ))
            .all(conn)
            .await?;
        for row in rows {
            let account = to_account(row)?;
            found.insert(account.code.clone(), account);
        }
    }
    Ok(found)
}

/// The row of a newly opened account.
fn new_row(spec: &AccountSpec, now: DateTime<Utc>) -> LedgerResult<ledger_accounts::ActiveModel> {
    let kind = spec.kind();
    Ok(ledger_accounts::ActiveModel {
        code: Set(spec.code()?),
        kind: Set(kind.as_str().to_owned()),
        user_id: Set(match spec {
            AccountSpec::Citizen(user) => Some(user.0),
            _ => None,
        }),
        must_not_go_negative: Set(kind.must_not_go_negative()),
        balance: Set(0),
        version: Set(0),
        head_hash: Set(GENESIS.to_vec()),
        created_at: Set(now),
        ..Default::default()
    })
}

/// Locks `ids` in id order until the transaction ends (`FOR UPDATE` on
/// PostgreSQL; SQLite's write transaction holds its database's lock
/// already, so nothing is sent). A batch locks its citizens' accounts this
/// way before it reads what they were credited so far, so a concurrent
/// batch for the same citizen waits instead of deciding against the same
/// stale totals; the ledger later locks them again, which then costs
/// nothing.
///
/// # Errors
/// Database failures.
pub async fn lock<C: ConnectionTrait>(conn: &C, ids: &[AccountId]) -> LedgerResult<()> {
    let backend = conn.get_database_backend();
    if backend != DbBackend::Postgres {
        return Ok(());
    }
    let mut ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(StatementSize::of(backend).rows_of_values(1, 12)) {
        ledger_accounts::Entity::find()
            .select_only()
            .column(ledger_accounts::Column::Id)
            .filter(bulk::one_of(
                backend,
                ledger_accounts::Column::Id,
                chunk.iter().copied(),
            ))
            .order_by_asc(ledger_accounts::Column::Id)
            .lock_exclusive()
            .into_tuple::<i64>()
            .all(conn)
            .await?;
    }
    Ok(())
}

/// A citizen's account, opened on first use.
///
/// # Errors
/// As [`open`].
pub async fn citizen<C: ConnectionTrait>(conn: &C, user: UserId) -> LedgerResult<Account> {
    open(conn, &AccountSpec::Citizen(user)).await
}

/// A citizen's account if it was opened (read-only: for balances on
/// requests, which must not write).
///
/// # Errors
/// Database failures.
pub async fn find_citizen<C: ConnectionTrait>(
    conn: &C,
    user: UserId,
) -> LedgerResult<Option<Account>> {
    let code = AccountSpec::Citizen(user).code()?;
    ledger_accounts::Entity::find()
        .filter(ledger_accounts::Column::Code.eq(code))
        .one(conn)
        .await?
        .map(to_account)
        .transpose()
}

/// The issuance account that credits `user` from `source`, among `shards`
/// shards.
///
/// # Errors
/// As [`open`].
pub async fn issuance_for<C: ConnectionTrait>(
    conn: &C,
    source: &str,
    shards: u32,
    user: UserId,
) -> LedgerResult<Account> {
    open(
        conn,
        &AccountSpec::Issuance {
            source: source.to_owned(),
            shard: issuance_shard(user, shards),
        },
    )
    .await
}

/// An account by id.
///
/// # Errors
/// [`LedgerError::AccountNotFound`]; database failures.
pub async fn get<C: ConnectionTrait>(conn: &C, id: AccountId) -> LedgerResult<Account> {
    ledger_accounts::Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .ok_or(LedgerError::AccountNotFound(id))
        .and_then(to_account)
}

/// An account's balance: one primary-key read.
///
/// # Errors
/// As [`get`].
pub async fn balance<C: ConnectionTrait>(conn: &C, id: AccountId) -> LedgerResult<Points> {
    get(conn, id).await.map(|account| account.balance)
}

/// The service's view of a row.
pub(super) fn to_account(row: ledger_accounts::Model) -> LedgerResult<Account> {
    let kind = AccountKind::parse(&row.kind).ok_or_else(|| {
        LedgerError::Database(sea_orm::DbErr::Type(format!(
            "ledger account {} has unknown kind {:?}",
            row.id, row.kind
        )))
    })?;
    Ok(Account {
        id: AccountId(row.id),
        code: row.code,
        kind,
        user_id: row.user_id.map(UserId),
        must_not_go_negative: row.must_not_go_negative,
        balance: Points(row.balance),
        version: row.version,
        created_at: row.created_at,
    })
}

fn check_key(field: &'static str, key: &str) -> LedgerResult<()> {
    let invalid = |reason| Err(LedgerError::Invalid { field, reason });
    if key.is_empty() {
        return invalid("required");
    }
    if key.chars().count() > KEY_MAX_CHARS {
        return invalid("too_long");
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return invalid("bad_characters");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_name_the_account() {
        assert_eq!(
            AccountSpec::Citizen(UserId(42)).code().unwrap(),
            "citizen:42"
        );
        assert_eq!(
            AccountSpec::Issuance {
                source: "metro".into(),
                shard: 3
            }
            .code()
            .unwrap(),
            "issuance:metro:3"
        );
        assert!(
            AccountSpec::Issuance {
                source: "a:b".into(),
                shard: 0
            }
            .code()
            .is_err()
        );
        assert!(
            AccountSpec::RewardStock {
                reward: String::new()
            }
            .code()
            .is_err()
        );
    }

    #[test]
    fn shards_spread_citizens_and_stay_in_range() {
        assert_eq!(issuance_shard(UserId(10), 4), 2);
        assert_eq!(issuance_shard(UserId(-1), 4), 3);
        assert_eq!(issuance_shard(UserId(7), 0), 0);
        let used: std::collections::HashSet<u32> =
            (0..100).map(|u| issuance_shard(UserId(u), 8)).collect();
        assert_eq!(used.len(), 8);
    }
}
