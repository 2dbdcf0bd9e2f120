//! The partner ingest limit: records per second per partner, counted in this
//! process.
//!
//! Why not the database, like the sign-in limits ([`super::rate_limit`])?
//! Ingest is the hot path with throughput budgets (DESIGN §7); a counter
//! row upserted per request would add a write, and on SQLite a lock, to
//! every request. This limit is a guard against a runaway or compromised
//! partner system, not a contract, so it may live in memory: a restart
//! forgets it, and behind a load balancer each server allows the rate on
//! its own (n servers allow n times as much — set the rate per server).
//!
//! Why records rather than requests? What a request costs is its records:
//! each is verified, decided and credited, so a batch of 1,000 costs about
//! what 1,000 single requests cost (less their commits). Counting requests
//! would let a partner send 1,000 times more work by batching; counting
//! records makes one budget hold whether a partner batches or not.
//!
//! The algorithm is GCRA (the "generic cell rate algorithm", a token bucket
//! kept as one instant per partner): the partner's *theoretical arrival
//! time* moves forward by one interval per record; a request is refused
//! when that time would run further ahead of now than the burst allows.
//! Integer nanoseconds throughout; entries exist only for partners whose
//! signature was verified, so the map is as small as the partner list.

use super::{ServiceError, ServiceResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tanpu_core::PartnerId;

/// The configured limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartnerIngestLimit {
    /// Records per second each partner may send; 0 means unlimited.
    pub records_per_second: u32,
    /// Records a partner may send at once after a pause (at least one
    /// batch is sensible; a request larger than the burst is still
    /// admitted when the budget is full, and the partner then waits for
    /// it).
    pub burst_records: u32,
}

impl PartnerIngestLimit {
    /// No limit at all (benchmarks, the demo traffic generator).
    pub const UNLIMITED: Self = Self {
        records_per_second: 0,
        burst_records: 0,
    };
}

/// Admits or refuses partner records; cheap to clone (one shared map).
#[derive(Clone, Debug)]
pub struct PartnerLimiter {
    inner: Option<Arc<Inner>>,
}

#[derive(Debug)]
struct Inner {
    /// Time one record uses up.
    per_record: Duration,
    /// How far ahead of now a partner's arrival time may run.
    tolerance: Duration,
    /// The burst, in records.
    burst: u32,
    /// Each partner's theoretical arrival time.
    arrivals: Mutex<HashMap<PartnerId, Instant>>,
}

impl PartnerLimiter {
    /// A limiter for `limit` (none when its rate is 0).
    #[must_use]
    pub fn new(limit: PartnerIngestLimit) -> Self {
        if limit.records_per_second == 0 {
            return Self { inner: None };
        }
        let per_record = Duration::from_secs(1) / limit.records_per_second;
        let burst = limit.burst_records.max(1);
        Self {
            inner: Some(Arc::new(Inner {
                per_record,
                tolerance: per_record * burst,
                burst,
                arrivals: Mutex::default(),
            })),
        }
    }

    /// Counts `records` of `partner` now.
    ///
    /// # Errors
    /// [`ServiceError::RateLimited`] with the whole seconds (at least one)
    /// after which the same request would be admitted; nothing is counted
    /// then.
    pub fn admit(&self, partner: PartnerId, records: usize) -> ServiceResult<()> {
        self.admit_at(partner, records, Instant::now())
            .map_err(|wait| ServiceError::RateLimited {
                retry_after_secs: whole_seconds(wait),
            })
    }

    /// [`Self::admit`] at `now`; the wait on refusal.
    fn admit_at(&self, partner: PartnerId, records: usize, now: Instant) -> Result<(), Duration> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        let records = u32::try_from(records).unwrap_or(u32::MAX);
        let mut arrivals = inner
            .arrivals
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let arrival = arrivals.get(&partner).copied().unwrap_or(now).max(now);
        // A request larger than the burst could never fit: it is checked
        // as a full burst (admitted only when the budget is full) and then
        // charged in full, so the partner's long-run rate still holds.
        let checked = arrival + inner.per_record.saturating_mul(records.min(inner.burst));
        let ahead = checked - now;
        if ahead > inner.tolerance {
            return Err(ahead - inner.tolerance);
        }
        arrivals.insert(partner, arrival + inner.per_record.saturating_mul(records));
        Ok(())
    }
}

/// `wait` rounded up to whole seconds, at least one (for `Retry-After`).
fn whole_seconds(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACME: PartnerId = PartnerId(1);
    const BETA: PartnerId = PartnerId(2);

    fn limiter(records_per_second: u32, burst_records: u32) -> PartnerLimiter {
        PartnerLimiter::new(PartnerIngestLimit {
            records_per_second,
            burst_records,
        })
    }

    #[test]
    fn a_full_burst_passes_and_the_next_record_waits_one_interval() {
        let limiter = limiter(10, 20);
        let now = Instant::now();
        assert_eq!(limiter.admit_at(ACME, 20, now), Ok(()));
        assert_eq!(
            limiter.admit_at(ACME, 1, now),
            Err(Duration::from_millis(100))
        );
        assert_eq!(
            limiter.admit_at(ACME, 1, now + Duration::from_millis(100)),
            Ok(())
        );
    }

    #[test]
    fn the_budget_refills_at_the_rate() {
        let limiter = limiter(1_000, 1_000);
        let now = Instant::now();
        assert_eq!(limiter.admit_at(ACME, 1_000, now), Ok(()));
        assert!(limiter.admit_at(ACME, 500, now).is_err());
        let later = now + Duration::from_millis(500);
        assert_eq!(limiter.admit_at(ACME, 500, later), Ok(()));
        assert!(limiter.admit_at(ACME, 1, later).is_err());
    }

    #[test]
    fn a_refused_request_is_not_counted() {
        let limiter = limiter(10, 10);
        let now = Instant::now();
        assert_eq!(limiter.admit_at(ACME, 10, now), Ok(()));
        for _ in 0..100 {
            assert!(limiter.admit_at(ACME, 5, now).is_err());
        }
        assert_eq!(
            limiter.admit_at(ACME, 5, now + Duration::from_millis(500)),
            Ok(())
        );
    }

    #[test]
    fn a_request_larger_than_the_burst_passes_when_full_and_is_paid_for() {
        let limiter = limiter(100, 10);
        let now = Instant::now();
        assert_eq!(limiter.admit_at(ACME, 1_000, now), Ok(()));
        // 1,000 records at 100/s: ten seconds of budget were spent ahead.
        let wait = limiter.admit_at(ACME, 1, now).unwrap_err();
        assert_eq!(wait, Duration::from_millis(9_910));
        assert_eq!(whole_seconds(wait), 10);
    }

    #[test]
    fn partners_have_budgets_of_their_own() {
        let limiter = limiter(1, 1);
        let now = Instant::now();
        assert_eq!(limiter.admit_at(ACME, 1, now), Ok(()));
        assert!(limiter.admit_at(ACME, 1, now).is_err());
        assert_eq!(limiter.admit_at(BETA, 1, now), Ok(()));
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = PartnerLimiter::new(PartnerIngestLimit::UNLIMITED);
        let now = Instant::now();
        for _ in 0..1_000 {
            assert_eq!(limiter.admit_at(ACME, 1_000, now), Ok(()));
        }
    }

    #[test]
    fn retry_after_is_whole_seconds_rounded_up() {
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(2_000)), 2);
        assert_eq!(whole_seconds(Duration::from_millis(2_001)), 3);
    }
}
