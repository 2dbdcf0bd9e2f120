//! Abuse limits: fixed-window counters in the database.
//!
//! Each hit is one atomic upsert that returns the window's new count, so
//! concurrent requests, in one process or in several behind a load balancer,
//! can never both slip under the limit. Old windows are purged periodically.

use super::{ServiceError, ServiceResult};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// One limit: at most `max` hits per key in each window of `window_secs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Names the bucket, e.g. `login_ip`.
    pub name: &'static str,
    /// Hits allowed per window.
    pub max: u32,
    /// Window length in seconds.
    pub window_secs: u32,
}

/// The limits the server enforces, from configuration.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Login attempts per client address.
    pub login_per_ip: Limit,
    /// Login attempts per account (whatever the address).
    pub login_per_account: Limit,
    /// Registrations per client address.
    pub register_per_ip: Limit,
    /// Public rule previews per client address.
    pub preview_per_ip: Limit,
    /// Redemptions per citizen (a runaway script or a stuck button).
    pub redeem_per_user: Limit,
}

impl Limits {
    /// Limits from per-window maxima: login per address per minute, login
    /// per account per 15 minutes, registration per address per hour.
    #[must_use]
    pub fn new(
        login_per_ip_minute: u32,
        login_per_account_15min: u32,
        register_per_ip_hour: u32,
    ) -> Self {
        Self {
            login_per_ip: Limit {
                name: "login_ip",
                max: login_per_ip_minute,
                window_secs: 60,
            },
            login_per_account: Limit {
                name: "login_account",
                max: login_per_account_15min,
                window_secs: 15 * 60,
            },
            register_per_ip: Limit {
                name: "register_ip",
                max: register_per_ip_hour,
                window_secs: 60 * 60,
            },
            preview_per_ip: Limit {
                name: "preview_ip",
                max: 60,
                window_secs: 60,
            },
            redeem_per_user: Limit {
                name: "redeem_user",
                max: 20,
                window_secs: 60,
            },
        }
    }

    /// The same limits with `per_minute` public rule previews per address
    /// (60 unless set).
    #[must_use]
    pub fn with_preview_per_minute(mut self, per_minute: u32) -> Self {
        self.preview_per_ip.max = per_minute;
        self
    }
}

/// Counts one hit of `key` against `limit` at `now` (unix seconds).
///
/// # Errors
/// [`ServiceError::RateLimited`] with the seconds until the window ends when
/// the limit is exceeded; database failures.
pub async fn hit(
    conn: &impl ConnectionTrait,
    limit: Limit,
    key: &str,
    now: i64,
) -> ServiceResult<()> {
    let window = i64::from(limit.window_secs);
    let window_start = now - now.rem_euclid(window);
    let table = Alias::new("rate_limit_hits");
    let hits = Alias::new("hits");
    let insert = Query::insert()
        .into_table(table.clone())
        .columns([
            Alias::new("bucket"),
            Alias::new("window_start"),
            hits.clone(),
        ])
        .values_panic([
            format!("{}:{key}", limit.name).into(),
            window_start.into(),
            1_i64.into(),
        ])
        .on_conflict(
            OnConflict::columns([Alias::new("bucket"), Alias::new("window_start")])
                .value(hits.clone(), Expr::col((table, hits.clone())).add(1))
                .to_owned(),
        )
        .returning_col(hits)
        .to_owned();
    let row = conn
        .query_one_raw(conn.get_database_backend().build(&insert))
        .await?
        .ok_or_else(|| ServiceError::Internal("the rate-limit upsert returned no row".into()))?;
    let count: i64 = row.try_get("", "hits")?;
    if count > i64::from(limit.max) {
        Err(ServiceError::RateLimited {
            retry_after_secs: Ord::max(u64::try_from(window_start + window - now).unwrap_or(1), 1),
        })
    } else {
        Ok(())
    }
}

/// Deletes windows that ended more than a day ago.
///
/// # Errors
/// Database failures.
pub async fn purge_expired(db: &DatabaseConnection, now: i64) -> ServiceResult<u64> {
    let delete = Query::delete()
        .from_table(Alias::new("rate_limit_hits"))
        .and_where(Expr::col(Alias::new("window_start")).lt(now - 24 * 60 * 60))
        .to_owned();
    let result = db
        .execute_raw(db.get_database_backend().build(&delete))
        .await?;
    Ok(result.rows_affected())
}
