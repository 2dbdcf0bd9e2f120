//! What the API remembers of each person between requests, so that the
//! check every signed-in request makes — is this account still allowed in,
//! and in what role — costs no database round trip (issue 9's read path).
//!
//! A remembered value is only worth keeping if it is never older than the
//! database. Three rules make it so:
//!
//! - **Every change is forgotten where it was made, right after its
//!   commit.** The services that change a person's standing (freezing,
//!   roles, deleting an account) are called from handlers, which call
//!   [`CitizenCache::forget`] once the service has committed.
//! - **Every other process hears of it.** On PostgreSQL a trigger on
//!   `users` sends the person's id on [`CHANNEL`] when their role or frozen
//!   flag changes, whoever changed it, and [`listen`] forgets it in every
//!   server. While that listener is not connected, nothing is served from
//!   memory: a notification may have been missed. On SQLite there is one
//!   server process (DESIGN §8 runs several only on PostgreSQL); the one
//!   writer outside it, `tanpu admin create`, is bounded by [`MAX_AGE`].
//! - **A value read before a change is never kept after it.** Each shard
//!   counts what it has forgotten; a [`Ticket`] taken before the database
//!   read carries that count, and [`CitizenCache::keep`] stores the value
//!   only if the count has not moved in between.

use sea_orm::DatabaseConnection;
use sea_orm::sqlx::postgres::PgListener;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tanpu_core::UserId;
use tanpu_core::account::Role;

/// The PostgreSQL channel the trigger notifies: a comma-separated list of
/// user ids whose standing changed (the name is also in the trigger of
/// migration `m20261129_000013_citizen_changes`).
pub const CHANNEL: &str = "tanpu_citizens";

/// The longest a remembered value is served, whatever else happens: the
/// bound on a change no process was told of (SQLite's command line).
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// People remembered at most, across all shards; beyond it an arbitrary one
/// of the shard is dropped for the newcomer.
const CAPACITY: usize = 200_000;

/// Independent locks, so concurrent requests rarely wait on each other.
const SHARDS: usize = 64;

/// How long [`listen`] waits before reconnecting after a failure.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

/// Whether a person may use the API, and as whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Their role now.
    pub role: Role,
    /// Frozen (by an administrator, or a deleted account).
    pub frozen: bool,
}

/// One person's remembered standing.
#[derive(Clone, Copy, Debug)]
struct Entry {
    standing: Standing,
    stored: Instant,
}

/// A part of the cache under one lock.
#[derive(Debug, Default)]
struct Shard {
    /// How many times this shard has forgotten something (the fill guard).
    forgotten: u64,
    entries: HashMap<UserId, Entry>,
}

/// Taken before reading a person from the database; see [`CitizenCache::keep`].
#[derive(Clone, Copy, Debug)]
#[must_use = "a ticket is only useful to keep what was read"]
pub struct Ticket {
    user: UserId,
    forgotten: u64,
}

/// The per-process memory of people's standing; cheap to clone (shared).
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
    /// (SQLite) or only once [`listen`] has connected (PostgreSQL).
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
        if !self.inner.serving.load(Ordering::Acquire) {
            return None;
        }
        let shard = self.shard(user);
        let entry = shard.entries.get(&user)?;
        (entry.stored.elapsed() < MAX_AGE).then_some(entry.standing)
    }

    /// Call before reading `user` from the database.
    pub fn ticket(&self, user: UserId) -> Ticket {
        Ticket {
            user,
            forgotten: self.shard(user).forgotten,
        }
    }

    /// Remembers `standing`, read from the database after `ticket` was
    /// taken, unless something of its shard was forgotten in between (the
    /// read may predate that change) or the cache is not serving.
    pub fn keep(&self, ticket: Ticket, standing: Standing) {
        if !self.inner.serving.load(Ordering::Acquire) {
            return;
        }
        let mut shard = self.shard(ticket.user);
        if shard.forgotten != ticket.forgotten {
            return;
        }
        if shard.entries.len() >= CAPACITY / SHARDS
            && !shard.entries.contains_key(&ticket.user)
            && let Some(&evicted) = shard.entries.keys().next()
        {
            shard.entries.remove(&evicted);
        }
        shard.entries.insert(
            ticket.user,
            Entry {
                standing,
                stored: Instant::now(),
            },
        );
    }

    /// Forgets `user`: their standing changed (call after the commit).
    pub fn forget(&self, user: UserId) {
        let mut shard = self.shard(user);
        shard.forgotten += 1;
        shard.entries.remove(&user);
    }

    /// Forgets everyone: changes may have gone unheard.
    pub fn forget_all(&self) {
        for shard in &self.inner.shards {
            let mut shard = lock(shard);
            shard.forgotten += 1;
            shard.entries.clear();
        }
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

/// A shard's lock; a panic while it was held cannot leave a half-written
/// entry (every update is one map operation), so a poisoned lock is used.
fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Keeps `cache` told of changes made by any process, for as long as the
/// server runs: serving while connected and listening on [`CHANNEL`],
/// forgetting everything whenever the connection was lost (what was sent
/// meanwhile is gone), and reconnecting after [`RECONNECT_PAUSE`].
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
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => forget_listed(&cache, notification.payload()),
                // Lost and already reconnected (and listening again): what
                // was sent in between is unknown.
                Ok(None) => cache.forget_all(),
                Err(e) => {
                    cache.set_serving(false);
                    cache.forget_all();
                    tracing::warn!(error = %e, "lost the listener for changes of citizens; serving them from the database");
                    tokio::time::sleep(RECONNECT_PAUSE).await;
                    break;
                }
            }
        }
    }
}

async fn connect(pool: &sea_orm::sqlx::PgPool) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Forgets each id of a notification; an unreadable one forgets everyone.
fn forget_listed(cache: &CitizenCache, payload: &str) {
    for id in payload.split(',') {
        match id.trim().parse::<i64>() {
            Ok(id) => cache.forget(UserId(id)),
            Err(_) => {
                tracing::warn!(payload, "unreadable notification of changed citizens");
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
        cache.keep(cache.ticket(user), CITIZEN);
        assert_eq!(cache.standing(user), Some(CITIZEN));
        cache.forget(user);
        assert_eq!(cache.standing(user), None);
        cache.keep(cache.ticket(user), FROZEN);
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
        cache.keep(ticket, CITIZEN);
        assert_eq!(cache.standing(user), None);
        // Forgetting everyone counts too.
        let ticket = cache.ticket(user);
        cache.forget_all();
        cache.keep(ticket, CITIZEN);
        assert_eq!(cache.standing(user), None);
    }

    #[test]
    fn a_change_of_another_shard_does_not_block_a_fill() {
        let cache = CitizenCache::new(true);
        let ticket = cache.ticket(UserId(1));
        cache.forget(UserId(2));
        cache.keep(ticket, CITIZEN);
        assert_eq!(cache.standing(UserId(1)), Some(CITIZEN));
    }

    #[test]
    fn nothing_is_served_or_kept_while_not_serving() {
        let cache = CitizenCache::new(true);
        cache.keep(cache.ticket(UserId(1)), CITIZEN);
        cache.set_serving(false);
        assert_eq!(cache.standing(UserId(1)), None);
        cache.keep(cache.ticket(UserId(2)), CITIZEN);
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
            cache.keep(cache.ticket(id), CITIZEN);
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
            cache.keep(cache.ticket(UserId(id)), CITIZEN);
        }
        forget_listed(&cache, "1,3");
        assert_eq!(cache.standing(UserId(1)), None);
        assert_eq!(cache.standing(UserId(2)), Some(CITIZEN));
        assert_eq!(cache.standing(UserId(3)), None);
        forget_listed(&cache, "not an id");
        assert_eq!(cache.standing(UserId(2)), None);
    }
}
