//! Group commit for single records (`POST /api/v1/partner/actions`).
//!
//! Each single record is a durable commit, and a commit costs what the
//! disk's flush costs (about 4 ms on our test machine): committed one by
//! one, 32 partners' senders would queue behind each other's flushes. So
//! singles wait in a queue per partner, and one worker per partner takes
//! everything waiting — up to a batch — into one transaction
//! ([`super::ingest_requests`]): one flush for the group, each request's id
//! remembered in it, every record decided in arrival order as a batch
//! would be, and each sender answered only after the commit. Nothing waits
//! on purpose: a group is whatever arrived while the previous one was
//! being written, so a lone record goes at once.

use super::{MAX_BATCH, RecordRequest, ingest_requests};
use crate::config::Secret;
use crate::services::citizen_cache::CitizenCache;
use crate::services::partners::AuthenticatedPartner;
use crate::services::{ServiceError, ServiceResult};
use chrono::Utc;
use sea_orm::DatabaseConnection;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tanpu_core::PartnerId;
use tanpu_core::api::RecordResult;
use tokio::sync::{mpsc, oneshot};

/// A single record waiting for its group.
struct Waiting {
    partner: AuthenticatedPartner,
    request: RecordRequest,
    reply: oneshot::Sender<ServiceResult<Vec<RecordResult>>>,
}

/// The queues of single records, one per partner.
#[derive(Clone)]
pub struct Singles {
    db: DatabaseConnection,
    binding_key: Secret,
    citizens: CitizenCache,
    queues: Arc<Mutex<HashMap<PartnerId, mpsc::UnboundedSender<Waiting>>>>,
}

impl Singles {
    /// Queues over `db`; workers start with their partner's first record,
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

    /// Ingests one record of a signed request whose id was checked but not
    /// remembered, in the next group of its partner's records.
    ///
    /// # Errors
    /// As [`super::ingest_batch`].
    pub async fn submit(
        &self,
        partner: AuthenticatedPartner,
        record: Value,
        request_id: String,
    ) -> ServiceResult<RecordResult> {
        let (reply, answer) = oneshot::channel();
        let waiting = Waiting {
            request: RecordRequest {
                request_id: Some(request_id),
                records: vec![record],
            },
            partner,
            reply,
        };
        self.queue_of(waiting.partner.id)
            .send(waiting)
            .map_err(|_| ServiceError::Unavailable("the ingestion queue is closed".into()))?;
        answer
            .await
            .map_err(|_| ServiceError::Unavailable("the ingestion worker stopped".into()))??
            .pop()
            .ok_or_else(|| ServiceError::Internal("a record gave no answer".into()))
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
                tokio::spawn(work(
                    self.db.clone(),
                    self.binding_key.clone(),
                    self.citizens.clone(),
                    receiver,
                ));
                sender
            })
            .clone()
    }
}

/// A partner's worker: one group per transaction, for as long as the
/// server runs.
async fn work(
    db: DatabaseConnection,
    binding_key: Secret,
    citizens: CitizenCache,
    mut queue: mpsc::UnboundedReceiver<Waiting>,
) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        // The partner as its latest request found it (kinds may change).
        let Some(partner) = group.last().map(|w| w.partner.clone()) else {
            continue;
        };
        let requests = group.iter().map(|w| w.request.clone()).collect();
        let started = std::time::Instant::now();
        let outcome = citizens
            .forgetting(ingest_requests(
                &db,
                &binding_key,
                &partner,
                requests,
                Utc::now(),
            ))
            .await;
        tracing::debug!(
            partner = %partner.id,
            records = group.len(),
            elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            "group of single records written"
        );
        match outcome {
            Ok(answers) => {
                for (waiting, answer) in group.into_iter().zip(answers) {
                    // A sender that gave up is no reason to stop.
                    let _ = waiting.reply.send(answer);
                }
            }
            Err(err) => {
                for waiting in group {
                    let _ = waiting.reply.send(Err(copy_of(&err)));
                }
            }
        }
    }
}

/// The same failure for every sender of a group that failed as a whole.
fn copy_of(err: &ServiceError) -> ServiceError {
    match err {
        ServiceError::Unavailable(message) => ServiceError::Unavailable(message.clone()),
        other => ServiceError::Internal(other.to_string()),
    }
}
