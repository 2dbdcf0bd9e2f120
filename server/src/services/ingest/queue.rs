//! Group commit for partner requests (`POST /api/v1/partner/actions` and
//! `…/actions/batch`).
//!
//! Every request is a durable commit, and a commit costs what the disk's
//! flush and the pages it writes cost: committed one by one, 32 senders of
//! single records would queue behind each other's flushes, and concurrent
//! batches would each write the same hot pages (the accounts, the totals,
//! the issuance shards) and wait for each other's locks. So requests wait
//! in a queue per partner, and one worker per partner takes everything
//! waiting — up to [`GROUP_RECORDS`] records — into one transaction
//! ([`super::ingest_requests_unflushed`]): one flush for the group, each
//! request's id remembered in it, every record decided in arrival order as
//! one batch would be, and each sender answered only once the commit is on
//! disk. On SQLite that flush runs while the worker writes the next group
//! ([`crate::services::ledger::write::Flush`]). Nothing waits
//! on purpose: a group is whatever arrived while the previous one was
//! being written, so a lone request goes at once. A sender that gives up
//! waiting (a timeout, a closed connection) does not take its records out
//! of the group: they are written, and sending them again is answered
//! `duplicate` with their decisions.
//!
//! One worker per partner also means a partner's requests are written a
//! bounded number of groups at a time: one on SQLite, whose writes are one
//! at a time anyway; two on PostgreSQL, where a group is a chain of round
//! trips and a second group's chain runs while the first's waits
//! ([`lanes_of`]). Unbounded, concurrent batches of one partner mostly
//! waited for each other's locks on the citizens they shared and on the
//! partner's issuance shards (`bench ingest`, 2026-11-30, 4 senders, 60
//! batches: 6,679 and 7,247/s with batch p99 1.1–1.5 s, a transaction
//! each; 7,661 and 7,711/s with p99 550–581 ms in groups, measured with a
//! cap of 8,000 records that 4 senders never reach, so the same as
//! [`GROUP_RECORDS`]); the two groups in flight pay from disjoint halves of
//! the shards ([`Lane`]). Different partners write side by side.

use super::{Lane, MAX_BATCH, RecordRequest, ingest_requests_unflushed};
use crate::config::Secret;
use crate::services::citizen_cache::CitizenCache;
use crate::services::partners::AuthenticatedPartner;
use crate::services::{ServiceError, ServiceResult};
use chrono::Utc;
use sea_orm::{DatabaseConnection, DbBackend};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tanpu_core::PartnerId;
use tanpu_core::api::RecordResult;
use tokio::sync::{mpsc, oneshot};

/// The most records one group carries: a few full batches. A request
/// that would take a group past it waits for the next one, so a group's
/// transaction stays bounded however many senders queue.
const GROUP_RECORDS: usize = 4 * MAX_BATCH;

/// A request waiting for its group.
struct Waiting {
    partner: AuthenticatedPartner,
    request: RecordRequest,
    reply: Reply,
}

/// Where a waiting request's answer goes.
type Reply = oneshot::Sender<ServiceResult<Vec<RecordResult>>>;

/// The queues of partner requests, one per partner.
#[derive(Clone)]
pub struct IngestQueue {
    db: DatabaseConnection,
    binding_key: Secret,
    citizens: CitizenCache,
    queues: Arc<Mutex<HashMap<PartnerId, mpsc::UnboundedSender<Waiting>>>>,
}

impl IngestQueue {
    /// Queues over `db`; workers start with their partner's first request,
    /// and make `citizens` forget whom each group credited before they
    /// answer.
    #[must_use]
    pub fn new(db: DatabaseConnection, binding_key: Secret, citizens: CitizenCache) -> Self {
        Self {
            db,
            binding_key,
            citizens,
            queues: Arc::default(),
        }
    }

    /// Ingests the one record of a signed request whose id was checked but
    /// not remembered, in the next group of its partner's requests.
    ///
    /// # Errors
    /// As [`super::ingest_batch`].
    pub async fn submit_one(
        &self,
        partner: AuthenticatedPartner,
        record: Value,
        request_id: String,
    ) -> ServiceResult<RecordResult> {
        self.submit(partner, vec![record], request_id)
            .await?
            .pop()
            .ok_or_else(|| ServiceError::Internal("a record gave no answer".into()))
    }

    /// Ingests the records of a signed request whose id was checked but not
    /// remembered, in the next group of its partner's requests; one result
    /// per record, in order.
    ///
    /// # Errors
    /// As [`super::ingest_batch`]: more than [`MAX_BATCH`] records are
    /// refused before anything is queued.
    pub async fn submit(
        &self,
        partner: AuthenticatedPartner,
        records: Vec<Value>,
        request_id: String,
    ) -> ServiceResult<Vec<RecordResult>> {
        super::check_batch_size(&records)?;
        let (reply, answer) = oneshot::channel();
        let waiting = Waiting {
            // Read here, on the sender's task, not in the write turn.
            request: RecordRequest::read(Some(request_id), &records, &self.binding_key),
            partner,
            reply,
        };
        // Only what was read waits in the queue, not the JSON it came from.
        drop(records);
        self.queue_of(waiting.partner.id)
            .send(waiting)
            .map_err(|_| ServiceError::Unavailable("the ingestion queue is closed".into()))?;
        answer
            .await
            .map_err(|_| ServiceError::Unavailable("the ingestion worker stopped".into()))?
    }

    /// The partner's queue, with its worker started on first use.
    fn queue_of(&self, partner: PartnerId) -> mpsc::UnboundedSender<Waiting> {
        let mut queues = self
            .queues
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        queues
            .entry(partner)
            .or_insert_with(|| {
                let (sender, receiver) = mpsc::unbounded_channel();
                tokio::spawn(work(self.db.clone(), self.citizens.clone(), receiver));
                sender
            })
            .clone()
    }
}

/// A partner's worker: one group per transaction, up to one group in
/// flight per lane, for as long as the server runs.
async fn work(
    db: DatabaseConnection,
    citizens: CitizenCache,
    mut queue: mpsc::UnboundedReceiver<Waiting>,
) {
    let (freed, mut free) = mpsc::unbounded_channel();
    for lane in Lane::each(lanes_of(&db)) {
        let _ = freed.send(lane);
    }
    // The request that did not fit in the last group heads the next.
    let mut next_first: Option<Waiting> = None;
    loop {
        let first = match next_first.take() {
            Some(first) => first,
            None => match queue.recv().await {
                Some(first) => first,
                None => break,
            },
        };
        // What arrives while every lane is busy joins this group.
        let Some(lane) = free.recv().await else {
            break;
        };
        let lane = HeldLane {
            lane,
            freed: freed.clone(),
        };
        let (group, rest) = take_group(first, &mut queue, |w| w.request.records.len());
        next_first = rest;
        tokio::spawn(write_group(db.clone(), citizens.clone(), group, lane));
    }
}

/// How many of a partner's groups are written at a time on `db`.
///
/// SQLite writes one transaction at a time, so one. On PostgreSQL a group
/// is a chain of round trips, one statement at a time, so a second group
/// in flight can run its chain meanwhile. It pays from the other half of
/// the issuance shards ([`Lane`]), so the two never meet there; citizens
/// both name it locks and waits for, so caps and overlaps still see every
/// earlier credit. That wait is most of what a second group does with
/// large batches, which nearly always share a citizen: `bench ingest`
/// gained about 8 % in batches and nothing in single webhooks
/// (`docs/PERFORMANCE.md`, session 28).
fn lanes_of(db: &DatabaseConnection) -> u32 {
    match db.get_database_backend() {
        DbBackend::Postgres => POSTGRES_LANES,
        _ => 1,
    }
}

/// Groups of one partner written at a time on PostgreSQL ([`lanes_of`]).
const POSTGRES_LANES: u32 = 2;

/// A lane a group is being written in; it is free again once the group
/// has committed, or failed, or its task ended any other way.
struct HeldLane {
    lane: Lane,
    freed: mpsc::UnboundedSender<Lane>,
}

impl Drop for HeldLane {
    fn drop(&mut self) {
        // The worker is gone only when the server stops.
        let _ = self.freed.send(self.lane);
    }
}

/// Writes one group of a partner's requests in `lane`, frees the lane at
/// its commit, and answers the senders once the commit is on disk.
async fn write_group(
    db: DatabaseConnection,
    citizens: CitizenCache,
    group: Vec<Waiting>,
    lane: HeldLane,
) {
    // The partner as its latest request found it (kinds may change).
    let Some(partner) = group.last().map(|w| w.partner.clone()) else {
        return;
    };
    let (requests, replies): (Vec<RecordRequest>, Vec<_>) =
        group.into_iter().map(|w| (w.request, w.reply)).unzip();
    let records: usize = requests.iter().map(|r| r.records.len()).sum();
    let started = std::time::Instant::now();
    let outcome = citizens
        .forgetting(ingest_requests_unflushed(
            &db,
            &partner,
            requests,
            lane.lane,
            Utc::now(),
        ))
        .await;
    drop(lane);
    tracing::debug!(
        partner = %partner.id,
        requests = replies.len(),
        records,
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "group of partner requests written"
    );
    match outcome {
        // The next group is written while this one's commit reaches the
        // disk; its senders are answered once it has.
        Ok((answers, flush)) => match flush.wait().await {
            Ok(()) => answer(replies, answers),
            Err(err) => fail(replies, &err.into()),
        },
        Err(err) => fail(replies, &err),
    }
}

/// Sends each sender its answer.
fn answer(replies: Vec<Reply>, answers: Vec<ServiceResult<Vec<RecordResult>>>) {
    for (reply, answer) in replies.into_iter().zip(answers) {
        // A sender that gave up is no reason to stop.
        let _ = reply.send(answer);
    }
}

/// `first` and whatever else is waiting in `queue`, in order, as long as
/// their sizes add up to at most [`GROUP_RECORDS`]; and the waiting item
/// that would have gone past it (it heads the next group). Never waits.
fn take_group<T>(
    first: T,
    queue: &mut mpsc::UnboundedReceiver<T>,
    size: impl Fn(&T) -> usize,
) -> (Vec<T>, Option<T>) {
    let mut records = size(&first);
    let mut group = vec![first];
    while let Ok(next) = queue.try_recv() {
        records += size(&next);
        if records > GROUP_RECORDS {
            return (group, Some(next));
        }
        group.push(next);
    }
    (group, None)
}

/// Answers every sender of a group that failed as a whole.
fn fail(replies: Vec<Reply>, err: &ServiceError) {
    for reply in replies {
        let _ = reply.send(Err(copy_of(err)));
    }
}

/// The same failure for every sender of a group that failed as a whole.
fn copy_of(err: &ServiceError) -> ServiceError {
    match err {
        ServiceError::Unavailable(message) => ServiceError::Unavailable(message.clone()),
        other => ServiceError::Internal(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::{GROUP_RECORDS, HeldLane, Lane, take_group};
    use tokio::sync::mpsc;

    #[tokio::test]
    async fn a_lane_is_free_again_even_when_its_group_panics() {
        let (freed, mut free) = mpsc::unbounded_channel();
        let lanes = Lane::each(2);
        let held = HeldLane {
            lane: lanes[1],
            freed,
        };
        let group = tokio::spawn(async move {
            let _held = held;
            panic!("a group that fails in an unforeseen way");
        });
        assert!(group.await.is_err());
        assert_eq!(free.try_recv(), Ok(lanes[1]));
        // Handed back once, not twice.
        assert!(free.try_recv().is_err());
    }

    #[test]
    fn a_group_takes_what_waits_up_to_its_size_and_keeps_the_rest_in_order() {
        let (sender, mut queue) = mpsc::unbounded_channel();
        for size in [1_000, 1_000, 1_000, 1, 1, 5] {
            sender.send(size).unwrap();
        }
        let (group, rest) = take_group(1_000, &mut queue, |n| *n);
        assert_eq!(group, [1_000; 4]);
        assert_eq!(group.iter().sum::<usize>(), GROUP_RECORDS);
        // The first that did not fit heads the next group; nothing is lost.
        assert_eq!(rest, Some(1));
        let (group, rest) = take_group(rest.unwrap(), &mut queue, |n| *n);
        assert_eq!((group, rest), (vec![1, 1, 5], None));
        // A lone request goes at once.
        let (group, rest) = take_group(7, &mut queue, |n| *n);
        assert_eq!((group, rest), (vec![7], None));
    }
}
