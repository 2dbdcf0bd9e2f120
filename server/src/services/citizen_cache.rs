//! What the API remembers of each citizen between requests, so that the
//! check every signed-in request makes (is this account still allowed in,
//! and in what role?), the app's home page (`GET /api/v1/me/summary`) and
//! the first page of their actions cost no database round trip (issue 9's
//! read path).
//!
//! A remembered value is only worth keeping if it is never older than the
//! database. Three rules make it so:
//!
//! - **Every change is forgotten where it was made, right after its
//!   commit.** The writes that change what is remembered record whose it
//!   was with [`changed`]: the ledger when it moves a citizen's balance,
//!   the roll-ups when an action of theirs is decided or credited. Work
//!   that writes runs inside [`CitizenCache::forgetting`] — every API
//!   request (a layer in `routes`), each group of single partner records
//!   and each batch of a file import — which forgets whom it recorded once
//!   the work is over, its commit included (or abandoned). Standing
//!   (freezing, roles, deleted accounts) is forgotten by the services that
//!   change it ([`CitizenCache::forget`]).
//! - **Every other process hears of it.** On PostgreSQL, triggers on
//!   `users`, `actions`, `user_daily_totals` and `ledger_accounts` send the
//!   ids of the people whose rows changed on [`CHANNEL`], in the writing
//!   transaction — so whoever wrote, and only if it commits — and [`listen`]
//!   forgets them in every server. While that listener is not connected, or
//!   its connection does not answer a probe within [`PROBE_TIMEOUT`],
//!   nothing is served from memory: a notice may have been missed. On
//!   SQLite there is one server process (DESIGN §8 runs several only on
//!   PostgreSQL); a change by another program (`tanpu admin create`, a
//!   test's direct write) is bounded by [`MAX_AGE`].
//! - **A value read before a change is never kept after it.** Each shard
//!   counts what it has forgotten; a [`Ticket`] taken before the database
//!   read carries that count, and a value is stored only if the count has
//!   not moved in between.

use axum::body::Bytes;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use sea_orm::sqlx::postgres::PgListener;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tanpu_core::UserId;
use tanpu_core::account::Role;

/// The PostgreSQL channel the triggers notify: a comma-separated list of
/// the ids of people whose rows changed (the name is also in the triggers
/// of migrations `m20261129_000013` and `m20261129_000014`).
pub const CHANNEL: &str = "tanpu_citizens";

/// The longest a remembered value is served, whatever else happens: the
/// bound on a change no process was told of (another program writing to a
/// SQLite file).
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// How often [`listen`] checks that its connection still answers, and how
/// long it waits: a network that drops packets silently would otherwise
/// leave a listener that hears nothing, and a cache that trusts it.
pub const PROBE_EVERY: Duration = Duration::from_secs(1);
/// See [`PROBE_EVERY`].
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// People remembered at most, across all shards (a summary is about
/// 2.5 KB); beyond it an arbitrary one of the shard is dropped for the
/// newcomer.
const CAPACITY: usize = 100_000;

/// Independent locks, so concurrent requests rarely wait on each other.
const SHARDS: usize = 64;

/// How long [`listen`] waits before reconnecting after a failure.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

/// How long nothing is remembered of the people a piece of work changed
/// when the work was dropped before it ended: its commit may still be on
/// its way to the database (handed to SQLite's worker thread, say), and a
/// read before it lands must not be kept. Beyond the longest a write waits
/// for SQLite's lock (`ledger::write`), which bounds a commit's stay.
const UNSETTLED_FOR: Duration = Duration::from_secs(30);

/// Whether a person may use the API, and as whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Their role now.
    pub role: Role,
    /// Frozen (by an administrator, or a deleted account).
    pub frozen: bool,
}

/// A value and when it was read.
#[derive(Clone, Debug)]
struct Stored<T> {
    value: T,
    at: Instant,
}

impl<T> Stored<T> {
    fn now(value: T) -> Self {
        Self {
            value,
            at: Instant::now(),
        }
    }

    fn fresh(&self) -> Option<&T> {
        (self.at.elapsed() < MAX_AGE).then_some(&self.value)
    }
}

/// What is remembered of one person.
#[derive(Clone, Debug, Default)]
struct Entry {
    standing: Option<Stored<Standing>>,
    /// The summary as JSON, and the city day it was computed for (its
    /// month, chart and streak change with the day).
    summary: Option<Stored<(NaiveDate, Bytes)>>,
    /// The first page of their actions as the app opens it, as JSON.
    first_actions: Option<Stored<Bytes>>,
}

/// A part of the cache under one lock.
#[derive(Debug, Default)]
struct Shard {
    /// How many times this shard has forgotten something (the fill guard).
    forgotten: u64,
    entries: HashMap<UserId, Entry>,
    /// People not to remember again before the instant given
    /// ([`UNSETTLED_FOR`]).
    unsettled: HashMap<UserId, Instant>,
}

/// Taken before reading a person from the database; a value read after it
/// is kept only if nothing of the shard was forgotten in between.
#[derive(Clone, Copy, Debug)]
#[must_use = "a ticket is only useful to keep what was read"]
pub struct Ticket {
    user: UserId,
    forgotten: u64,
}

/// The per-process memory of people; cheap to clone (shared).
#[derive(Clone, Debug)]
pub struct CitizenCache {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    shards: Box<[Mutex<Shard>]>,
    /// Off while changes made elsewhere might go unheard.
    serving: AtomicBool,
}

impl CitizenCache {
    /// An empty cache; `serving` says whether it may answer at once
    /// (SQLite) or only once [`listen`] has connected (PostgreSQL). One
    /// made not serving that no listener is given never serves: every
    /// request then reads the database (the benchmarks' baseline).
    #[must_use]
    pub fn new(serving: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
                serving: AtomicBool::new(serving),
            }),
        }
    }

    /// A cache for `db`'s backend, with the PostgreSQL listener started.
    /// Must be called inside the Tokio runtime.
    #[must_use]
    pub fn for_database(db: &DatabaseConnection) -> Self {
        match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                let cache = Self::new(false);
                tokio::spawn(listen(
                    db.get_postgres_connection_pool().clone(),
                    cache.clone(),
                ));
                cache
            }
            _ => Self::new(true),
        }
    }

    /// `user`'s standing, if remembered, fresh, and the cache is serving.
    #[must_use]
    pub fn standing(&self, user: UserId) -> Option<Standing> {
        self.recall(user, |entry| entry.standing.as_ref()?.fresh().copied())
    }

    /// `user`'s summary for city day `day` as JSON, if remembered, fresh,
    /// and the cache is serving.
    #[must_use]
    pub fn summary(&self, user: UserId, day: NaiveDate) -> Option<Bytes> {
        self.recall(user, |entry| {
            let (of_day, json) = entry.summary.as_ref()?.fresh()?;
            (*of_day == day).then(|| json.clone())
        })
    }

    /// The first page of `user`'s actions as JSON, if remembered, fresh,
    /// and the cache is serving.
    #[must_use]
    pub fn first_actions(&self, user: UserId) -> Option<Bytes> {
        self.recall(user, |entry| entry.first_actions.as_ref()?.fresh().cloned())
    }

    /// What `pick` finds in `user`'s entry, if the cache is serving.
    fn recall<T>(&self, user: UserId, pick: impl FnOnce(&Entry) -> Option<T>) -> Option<T> {
        if !self.serving() {
            return None;
        }
        pick(self.shard(user).entries.get(&user)?)
    }

    /// Call before reading `user` from the database.
    pub fn ticket(&self, user: UserId) -> Ticket {
        Ticket {
            user,
            forgotten: self.shard(user).forgotten,
        }
    }

    /// Remembers `standing`, read after `ticket` was taken.
    pub fn keep_standing(&self, ticket: Ticket, standing: Standing) {
        self.keep(ticket, |entry| entry.standing = Some(Stored::now(standing)));
    }

    /// Remembers the summary for `day` as `json`, read after `ticket`.
    pub fn keep_summary(&self, ticket: Ticket, day: NaiveDate, json: Bytes) {
        self.keep(ticket, |entry| {
            entry.summary = Some(Stored::now((day, json)));
        });
    }

    /// Remembers the first page of actions as `json`, read after `ticket`.
    pub fn keep_first_actions(&self, ticket: Ticket, json: Bytes) {
        self.keep(ticket, |entry| {
            entry.first_actions = Some(Stored::now(json));
        });
    }

    /// Updates `ticket`'s person with `set`, unless something of the shard
    /// was forgotten since the ticket (the read may predate that change) or
    /// the cache is not serving.
    fn keep(&self, ticket: Ticket, set: impl FnOnce(&mut Entry)) {
        if !self.serving() {
            return;
        }
        let mut shard = self.shard(ticket.user);
        if shard.forgotten != ticket.forgotten {
            return;
        }
        if let Some(&until) = shard.unsettled.get(&ticket.user) {
            if Instant::now() < until {
                return;
            }
            shard.unsettled.remove(&ticket.user);
        }
        if shard.entries.len() >= CAPACITY / SHARDS
            && !shard.entries.contains_key(&ticket.user)
            && let Some(&evicted) = shard.entries.keys().next()
        {
            shard.entries.remove(&evicted);
        }
        set(shard.entries.entry(ticket.user).or_default());
    }

    /// Forgets `user`: something of theirs changed (call after the commit).
    pub fn forget(&self, user: UserId) {
        let mut shard = self.shard(user);
        shard.forgotten += 1;
        shard.entries.remove(&user);
    }

    /// Forgets `user` and keeps nothing of theirs for [`UNSETTLED_FOR`]: a
    /// change of theirs may not have landed yet.
    fn unsettle(&self, user: UserId) {
        let mut shard = self.shard(user);
        shard.forgotten += 1;
        shard.entries.remove(&user);
        let now = Instant::now();
        if shard.unsettled.len() >= 1_024 {
            shard.unsettled.retain(|_, until| *until > now);
        }
        shard.unsettled.insert(user, now + UNSETTLED_FOR);
    }

    /// Forgets everyone: changes may have gone unheard.
    pub fn forget_all(&self) {
        for shard in &self.inner.shards {
            let mut shard = lock(shard);
            shard.forgotten += 1;
            shard.entries.clear();
        }
    }

    /// Runs `work` (which may write), recording whom its writes change
    /// ([`changed`]), and forgets them when it is over — finished, failed,
    /// or dropped half-way (a timed-out request may have committed).
    pub async fn forgetting<F: Future>(&self, work: F) -> F::Output {
        let changed = Changed::default();
        let mut forget = ForgetOnDrop {
            cache: self.clone(),
            changed: changed.clone(),
            ended: false,
        };
        let output = CHANGED.scope(changed, work).await;
        forget.ended = true;
        output
    }

    fn serving(&self) -> bool {
        self.inner.serving.load(Ordering::Acquire)
    }

    /// Whether remembered values may be served.
    fn set_serving(&self, serving: bool) {
        self.inner.serving.store(serving, Ordering::Release);
    }

    fn shard(&self, user: UserId) -> MutexGuard<'_, Shard> {
        let index = usize::try_from(user.0.rem_euclid(SHARDS as i64)).unwrap_or(0);
        lock(&self.inner.shards[index])
    }
}

/// Whom the writes of one piece of work changed.
type Changed = Arc<Mutex<Vec<UserId>>>;

tokio::task_local! {
    /// The people the current [`CitizenCache::forgetting`] work changed.
    static CHANGED: Changed;
}

/// Records that the current work changes `user`'s remembered data (call
/// where the write is made, inside its transaction); they are forgotten
/// when the work is over. Outside [`CitizenCache::forgetting`] (the
/// command line, benchmarks) there is nothing to forget and this does
/// nothing.
pub fn changed(user: UserId) {
    let _ = CHANGED.try_with(|changed| {
        changed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(user);
    });
}

/// Forgets the recorded people when the work ends, however it ends; if it
/// was dropped before it ended, keeps nothing of them for a while.
struct ForgetOnDrop {
    cache: CitizenCache,
    changed: Changed,
    /// The work ran to its end (its commit, if any, has landed).
    ended: bool,
}

impl Drop for ForgetOnDrop {
    fn drop(&mut self) {
        let mut users =
            std::mem::take(&mut *self.changed.lock().unwrap_or_else(PoisonError::into_inner));
        users.sort_unstable();
        users.dedup();
        for user in users {
            if self.ended {
                self.cache.forget(user);
            } else {
                self.cache.unsettle(user);
            }
        }
    }
}

/// A shard's lock; a panic while it was held cannot leave a half-written
/// entry (every update is one map operation), so a poisoned lock is used.
fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Keeps `cache` told of changes made by any process, for as long as the
/// server runs: serving while connected, listening on [`CHANNEL`] and
/// answering probes; forgetting everything whenever the connection was lost
/// (what was sent meanwhile is gone); reconnecting after [`RECONNECT_PAUSE`].
pub async fn listen(pool: sea_orm::sqlx::PgPool, cache: CitizenCache) {
    // The pool closes when the server shuts down; nothing is left to serve.
    while !pool.is_closed() {
        let mut listener = match connect(&pool).await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for changes of citizens; serving them from the database");
                tokio::time::sleep(RECONNECT_PAUSE).await;
                continue;
            }
        };
        cache.forget_all();
        cache.set_serving(true);
        let failure = hear(&mut listener, &cache).await;
        cache.set_serving(false);
        cache.forget_all();
        if pool.is_closed() {
            // The server is shutting down: nothing was lost.
            break;
        }
        tracing::warn!(error = %failure, "lost the listener for changes of citizens; serving them from the database");
        tokio::time::sleep(RECONNECT_PAUSE).await;
    }
}

/// Forgets what `listener` is told of until its connection fails or stops
/// answering; why it stopped.
async fn hear(listener: &mut PgListener, cache: &CitizenCache) -> String {
    let mut probe = tokio::time::interval(PROBE_EVERY);
    probe.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        // Dropping an unfinished `try_recv` loses nothing: sqlx buffers what
        // it has read of a message on the connection.
        let probe_due = tokio::select! {
            received = listener.try_recv() => {
                match received {
                    Ok(Some(notification)) => forget_listed(cache, notification.payload()),
                    Ok(None) => return "the connection was lost".to_owned(),
                    Err(e) => return e.to_string(),
                }
                false
            }
            _ = probe.tick() => true,
        };
        if probe_due {
            let answered = tokio::time::timeout(
                PROBE_TIMEOUT,
                sea_orm::sqlx::query("SELECT 1").execute(&mut *listener),
            )
            .await;
            match answered {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return e.to_string(),
                Err(_) => return format!("no answer to a probe within {PROBE_TIMEOUT:?}"),
            }
        }
    }
}

async fn connect(pool: &sea_orm::sqlx::PgPool) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    // A lost connection must end [`hear`], never be replaced behind its
    // back: sqlx would otherwise reconnect inside `try_recv` (or inside the
    // probe, if the tick cancels that) and what was sent in between would
    // be lost without anyone forgetting it.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Forgets each id of a notification; an unreadable one forgets everyone.
fn forget_listed(cache: &CitizenCache, payload: &str) {
    for id in payload.split(',') {
        match id.trim().parse::<i64>() {
            Ok(id) => cache.forget(UserId(id)),
            Err(_) => {
                tracing::warn!(payload, "unreadable notice of changed citizens");
                cache.forget_all();
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CITIZEN: Standing = Standing {
        role: Role::Citizen,
        frozen: false,
    };
    const FROZEN: Standing = Standing {
        role: Role::Citizen,
        frozen: true,
    };

    #[test]
    fn a_kept_standing_is_served_until_forgotten() {
        let cache = CitizenCache::new(true);
        let user = UserId(7);
        assert_eq!(cache.standing(user), None);
        cache.keep_standing(cache.ticket(user), CITIZEN);
        assert_eq!(cache.standing(user), Some(CITIZEN));
        cache.forget(user);
        assert_eq!(cache.standing(user), None);
        cache.keep_standing(cache.ticket(user), FROZEN);
        assert_eq!(cache.standing(user), Some(FROZEN));
    }

    #[test]
    fn a_read_that_began_before_a_change_is_not_kept() {
        let cache = CitizenCache::new(true);
        let user = UserId(7);
        let ticket = cache.ticket(user);
        // The database read happens here, then the change commits and is
        // forgotten before the reader stores what it read.
        cache.forget(user);
        cache.keep_standing(ticket, CITIZEN);
        assert_eq!(cache.standing(user), None);
        // Forgetting everyone counts too.
        let ticket = cache.ticket(user);
        cache.forget_all();
        cache.keep_standing(ticket, CITIZEN);
        assert_eq!(cache.standing(user), None);
    }

    #[test]
    fn a_change_of_another_shard_does_not_block_a_fill() {
        let cache = CitizenCache::new(true);
        let ticket = cache.ticket(UserId(1));
        cache.forget(UserId(2));
        cache.keep_standing(ticket, CITIZEN);
        assert_eq!(cache.standing(UserId(1)), Some(CITIZEN));
    }

    #[test]
    fn nothing_is_served_or_kept_while_not_serving() {
        let cache = CitizenCache::new(true);
        cache.keep_standing(cache.ticket(UserId(1)), CITIZEN);
        cache.set_serving(false);
        assert_eq!(cache.standing(UserId(1)), None);
        cache.keep_standing(cache.ticket(UserId(2)), CITIZEN);
        cache.set_serving(true);
        assert_eq!(cache.standing(UserId(2)), None);
    }

    #[test]
    fn a_full_shard_makes_room() {
        let cache = CitizenCache::new(true);
        let per_shard = CAPACITY / SHARDS;
        // Ids that all land in shard 0.
        let ids: Vec<UserId> = (0..=per_shard as i64)
            .map(|i| UserId(i * SHARDS as i64))
            .collect();
        for &id in &ids {
            cache.keep_standing(cache.ticket(id), CITIZEN);
        }
        let kept = ids
            .iter()
            .filter(|&&id| cache.standing(id).is_some())
            .count();
        assert_eq!(kept, per_shard);
        assert_eq!(cache.standing(*ids.last().unwrap()), Some(CITIZEN));
    }

    #[test]
    fn a_notification_forgets_the_ids_it_lists() {
        let cache = CitizenCache::new(true);
        for id in 1..=3 {
            cache.keep_standing(cache.ticket(UserId(id)), CITIZEN);
        }
        forget_listed(&cache, "1,3");
        assert_eq!(cache.standing(UserId(1)), None);
        assert_eq!(cache.standing(UserId(2)), Some(CITIZEN));
        assert_eq!(cache.standing(UserId(3)), None);
        forget_listed(&cache, "not an id");
        assert_eq!(cache.standing(UserId(2)), None);
    }

    #[test]
    fn a_summary_is_served_for_its_own_day_only() {
        let cache = CitizenCache::new(true);
        let user = UserId(9);
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        cache.keep_summary(cache.ticket(user), day, Bytes::from_static(b"{}"));
        assert_eq!(cache.summary(user, day), Some(Bytes::from_static(b"{}")));
        assert_eq!(cache.summary(user, day.succ_opt().unwrap()), None);
        // Standing, summary and first page are remembered side by side,
        // and forgotten together.
        cache.keep_standing(cache.ticket(user), CITIZEN);
        cache.keep_first_actions(cache.ticket(user), Bytes::from_static(b"[]"));
        assert!(cache.summary(user, day).is_some());
        assert_eq!(cache.first_actions(user), Some(Bytes::from_static(b"[]")));
        cache.forget(user);
        assert_eq!(cache.summary(user, day), None);
        assert_eq!(cache.standing(user), None);
        assert_eq!(cache.first_actions(user), None);
    }

    #[tokio::test]
    async fn work_forgets_whom_it_changed_when_it_ends() {
        let cache = CitizenCache::new(true);
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        for id in 1..=3 {
            cache.keep_summary(cache.ticket(UserId(id)), day, Bytes::new());
        }
        cache
            .forgetting(async {
                changed(UserId(1));
                changed(UserId(1));
                // Not yet: the work (and its commit) is not over.
                assert!(cache.summary(UserId(1), day).is_some());
            })
            .await;
        assert_eq!(cache.summary(UserId(1), day), None);
        assert!(cache.summary(UserId(2), day).is_some());

        // Work dropped half-way (a request that timed out) forgets too.
        let (started, start) = tokio::sync::oneshot::channel::<()>();
        let work = {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache
                    .forgetting(async {
                        changed(UserId(2));
                        let _ = started.send(());
                        std::future::pending::<()>().await;
                    })
                    .await;
            })
        };
        start.await.unwrap();
        work.abort();
        let _ = work.await;
        assert_eq!(cache.summary(UserId(2), day), None);
        // Its commit may still land: nothing of theirs is kept for a while,
        // whoever else is kept meanwhile.
        cache.keep_summary(cache.ticket(UserId(2)), day, Bytes::new());
        assert_eq!(cache.summary(UserId(2), day), None);
        cache.keep_summary(cache.ticket(UserId(1)), day, Bytes::new());
        assert!(cache.summary(UserId(1), day).is_some());

        // Outside any work, recording does nothing (and does not fail).
        changed(UserId(3));
        assert!(cache.summary(UserId(3), day).is_some());
    }
}
