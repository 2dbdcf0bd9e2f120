//! Crediting decided actions: one ledger batch for all of them (each from
//! its partner's issuance shard to the citizen), one upsert of the
//! citizens' daily totals, and the roll-ups gathered for the caller's flush.

use super::ISSUANCE_SHARDS;
use crate::entities::user_daily_totals;
use crate::services::bulk::StatementSize;
use crate::services::citizen_cache;
use crate::services::ledger::accounts::{self, Account, AccountSpec, issuance_shard};
use crate::services::ledger::{self, LedgerResult, ObjectRef, TransferRequest};
use crate::services::rollups::{self, Pending};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use std::collections::{BTreeMap, HashMap};
use tanpu_core::ledger::{AccountKind, TransferReason};
use tanpu_core::rules::calendar::city_date;
use tanpu_core::{GramsCo2e, PartnerId, Points, UserId};

/// An accepted action to credit.
#[derive(Clone, Debug)]
pub(super) struct Credit {
    /// Where the points come from: its partner, or `None` for a citizen's
    /// own claim.
    pub(super) partner: Option<PartnerId>,
    /// Who earns them.
    pub(super) user: UserId,
    /// The stored action it pays for.
    pub(super) action_id: i64,
    /// The action's kind.
    pub(super) kind: String,
    /// When the action started (its city-time day is the day it counts on).
    pub(super) started_at: DateTime<Utc>,
    /// Points to credit (zero credits nothing in the ledger but still
    /// counts the action).
    pub(super) points: Points,
    /// Its reduction.
    pub(super) co2e: GramsCo2e,
}

/// Where an action's credits are issued from: its partner's issuance
/// account, or the citizens' claims account for self-declared actions.
fn issuance_source(partner: Option<PartnerId>) -> String {
    partner.map_or_else(|| "claims".to_owned(), |p| format!("partner-{p}"))
}

/// Which of a partner's issuance shards a write credits from. Writes in
/// different lanes of one partner never share a shard, so two of its groups
/// can be written side by side ([`super::queue`]) without the second
/// waiting, from its first credit to the first's commit, for the first's
/// locks on the shards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lane {
    /// This lane's number, below `count`.
    index: u32,
    /// How many lanes share the shards (it divides [`ISSUANCE_SHARDS`]).
    count: u32,
}

impl Lane {
    /// The lane of a write that runs alone: it may credit from every shard.
    pub const ALL: Self = Self { index: 0, count: 1 };

    /// `count` lanes that share the shards between them; a count that does
    /// not divide [`ISSUANCE_SHARDS`] gives the one lane [`Lane::ALL`].
    #[must_use]
    pub fn each(count: u32) -> Vec<Self> {
        if count == 0 || !ISSUANCE_SHARDS.is_multiple_of(count) {
            return vec![Self::ALL];
        }
        (0..count).map(|index| Self { index, count }).collect()
    }

    /// The shard that pays `user` in this lane: one of the shards whose
    /// number leaves this lane's index when divided by the lane count.
    fn shard(self, user: UserId) -> u32 {
        self.index + self.count * issuance_shard(user, ISSUANCE_SHARDS / self.count)
    }
}

/// Opens (if need be) and locks the ledger accounts of `users`, in id
/// order, before their totals are read: see [`accounts::lock`]. With
/// `paid_by`, the issuance shards that partner credits them from are opened
/// in the same statements (not locked: the ledger locks them with the
/// citizens when it credits), so that [`credit_all`] finds every account
/// it needs already open — one statement less in every write turn. Returns
/// them by code, for [`credit_all`].
///
/// # Errors
/// Database failures.
pub(super) async fn lock_citizens<C: ConnectionTrait>(
    conn: &C,
    users: impl IntoIterator<Item = UserId>,
    paid_by: Option<(PartnerId, Lane)>,
) -> LedgerResult<HashMap<String, Account>> {
    let users: Vec<UserId> = users.into_iter().collect();
    let mut specs: Vec<AccountSpec> = users.iter().copied().map(AccountSpec::Citizen).collect();
    if let Some((partner, lane)) = paid_by {
        specs.extend(
            users
                .iter()
                .map(|user| issuer_of(Some(partner), *user, lane)),
        );
    }
    let opened = accounts::open_many(conn, &specs).await?;
    let citizens: Vec<_> = opened
        .values()
        .filter(|account| account.kind == AccountKind::Citizen)
        .map(|account| account.id)
        .collect();
    accounts::lock(conn, &citizens).await?;
    Ok(opened)
}

/// The issuance shard that pays `user` in `lane` for an action of
/// `partner`'s (or for their own claim).
fn issuer_of(partner: Option<PartnerId>, user: UserId, lane: Lane) -> AccountSpec {
    AccountSpec::Issuance {
        source: issuance_source(partner),
        shard: lane.shard(user),
    }
}

/// Credits `credits` in one ledger batch, from the issuance shards of
/// `lane`, and returns each one's transfer id (`None` for zero points), in
/// order. Accounts not in `opened` are opened. The citizens must be locked
/// ([`lock_citizens`]) first: which periods they are new in is read before
/// their daily totals are written.
///
/// # Errors
/// Database failures; ledger refusals (none are expected: issuance accounts
/// may go negative).
pub(super) async fn credit_all<C: ConnectionTrait>(
    conn: &C,
    credits: &[Credit],
    lane: Lane,
    opened: &mut HashMap<String, Account>,
    pending: &mut Pending,
) -> LedgerResult<Vec<Option<i64>>> {
    let paid: Vec<&Credit> = credits.iter().filter(|c| c.points.0 > 0).collect();
    let sides: Vec<(AccountSpec, AccountSpec)> = paid
        .iter()
        .map(|c| {
            (
                issuer_of(c.partner, c.user, lane),
                AccountSpec::Citizen(c.user),
            )
        })
        .collect();
    let mut missing = Vec::new();
    for (issuer, citizen) in &sides {
        for spec in [issuer, citizen] {
            if !opened.contains_key(&spec.code()?) {
                missing.push(spec.clone());
            }
        }
    }
    if !missing.is_empty() {
        opened.extend(accounts::open_many(conn, &missing).await?);
    }
    let mut requests = Vec::with_capacity(paid.len());
    for (credit, (issuer, citizen)) in paid.iter().zip(&sides) {
        let id_of = |spec: &AccountSpec| -> LedgerResult<_> {
            let code = spec.code()?;
            opened.get(&code).map(|a| a.id).ok_or_else(|| {
                ledger::LedgerError::Database(sea_orm::DbErr::RecordNotFound(format!(
                    "ledger account {code} was not opened"
                )))
            })
        };
        requests.push(TransferRequest {
            debit: id_of(issuer)?,
            credit: id_of(citizen)?,
            amount: credit.points,
            reason: TransferReason::GreenAction,
            object: Some(ObjectRef {
                kind: "action".to_owned(),
                id: credit.action_id.to_string(),
            }),
            memo: None,
        });
    }
    let mut transfers = if requests.is_empty() {
        Vec::new()
    } else {
        ledger::transfer::transfer_batch_in(conn, requests, None)
            .await?
            .transfers
    }
    .into_iter();
    let ids = credits
        .iter()
        .map(|c| {
            (c.points.0 > 0)
                .then(|| transfers.next().map(|t| t.id.0))
                .flatten()
        })
        .collect();

    let mut daily: BTreeMap<(i64, NaiveDate, &str), (i64, i64, i64)> = BTreeMap::new();
    for credit in credits {
        let day = city_date(credit.started_at);
        pending.credited(day, &credit.kind, credit.co2e, credit.points);
        let sums = daily
            .entry((credit.user.0, day, credit.kind.as_str()))
            .or_default();
        sums.0 += credit.points.0;
        sums.1 += credit.co2e.0;
        sums.2 += 1;
    }
    // Before the credits reach the daily totals they are read from.
    let days = daily.keys().map(|(user, day, _)| (*user, *day));
    pending.newly_active(rollups::new_actives(conn, days).await?);
    add_user_daily(conn, &daily).await?;
    Ok(ids)
}

/// Adds to the citizens' daily totals, in key order (so concurrent batches
/// take the rows' locks in the same order), a few hundred rows a statement.
async fn add_user_daily<C: ConnectionTrait>(
    conn: &C,
    daily: &BTreeMap<(i64, NaiveDate, &str), (i64, i64, i64)>,
) -> LedgerResult<()> {
    use user_daily_totals::Column as C;
    let adds = |col: C, name: &str| {
        Expr::col((user_daily_totals::Entity, col)).add(Expr::cust(format!("excluded.{name}")))
    };
    let rows: Vec<_> = daily.iter().collect();
    for ((user, _, _), _) in &rows {
        citizen_cache::changed(UserId(*user));
    }
    let per_statement = StatementSize::of(conn.get_database_backend()).rows_of_values(6, 6 * 12);
    for chunk in rows.chunks(per_statement) {
        user_daily_totals::Entity::insert_many(chunk.iter().map(
            |((user, day, kind), (points, co2e, actions))| user_daily_totals::ActiveModel {
                user_id: Set(*user),
                day: Set(*day),
                kind: Set((*kind).to_owned()),
                points: Set(*points),
                co2e_g: Set(*co2e),
                actions: Set(*actions),
            },
        ))
        .on_conflict(
            OnConflict::columns([C::UserId, C::Day, C::Kind])
                .value(C::Points, adds(C::Points, "points"))
                .value(C::Co2eG, adds(C::Co2eG, "co2e_g"))
                .value(C::Actions, adds(C::Actions, "actions"))
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{ISSUANCE_SHARDS, Lane};
    use crate::services::ledger::accounts::issuance_shard;
    use std::collections::BTreeSet;
    use tanpu_core::UserId;

    #[test]
    fn a_lone_write_pays_from_the_shard_it_always_did() {
        for user in -40..400 {
            let user = UserId(user);
            assert_eq!(Lane::ALL.shard(user), issuance_shard(user, ISSUANCE_SHARDS));
        }
    }

    #[test]
    fn lanes_share_the_shards_between_them_and_never_meet_on_one() {
        let lanes = Lane::each(2);
        assert_eq!(lanes.len(), 2);
        let used: Vec<BTreeSet<u32>> = lanes
            .iter()
            .map(|lane| (0..1_000).map(|user| lane.shard(UserId(user))).collect())
            .collect();
        // Each lane spreads its citizens over half of the shards ...
        assert!(used.iter().all(|shards| shards.len() == 8));
        assert!(used.iter().flatten().all(|shard| *shard < ISSUANCE_SHARDS));
        // ... and no shard is in both halves.
        assert!(used[0].is_disjoint(&used[1]));
        // A count that cannot share the shards evenly is one lane.
        assert_eq!(Lane::each(3), [Lane::ALL]);
        assert_eq!(Lane::each(0), [Lane::ALL]);
    }
}
