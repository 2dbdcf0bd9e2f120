//! Partner systems' routes: `/api/v1/partner/…`, every request signed.

use super::AppState;
use super::extract::ApiPath;
use crate::error::AppError;
use crate::services::ingest;
use crate::services::partners::{self, AuthenticatedPartner};
use crate::services::webhook::SignedHeaders;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use tanpu_core::PartnerId;
use tanpu_core::api::{BatchResult, PartnerBatch, PartnerRecord, RecordResult};

/// The largest body a partner may send (a batch of 1,000 records).
pub const PARTNER_BODY_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// A request whose signature was checked and whose request id was
/// remembered (so a replay is refused), with its raw body (parsed only
/// after the check).
pub struct SignedPartner {
    /// The partner that signed it.
    pub partner: AuthenticatedPartner,
    /// The body exactly as signed.
    pub body: Bytes,
}

/// A request of records whose signature was checked; its request id is
/// remembered by ingestion in the transaction that stores the records, so
/// a request costs one durable commit, and a replay stores nothing.
pub struct SignedRecords {
    /// The partner that signed it.
    pub partner: AuthenticatedPartner,
    /// The `webhook-id`, not yet remembered.
    pub request_id: String,
    /// The body exactly as signed.
    pub body: Bytes,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A partner request's headers and its body, read whole (up to the route's
/// limit).
async fn read(req: Request, state: &AppState) -> Result<(HeaderMap, Bytes), AppError> {
    let headers = req.headers().clone();
    let body = Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge {
                limit_bytes: PARTNER_BODY_LIMIT_BYTES,
            }
        } else if crate::http::is_body_timeout(&rejection) {
            AppError::RequestTimeout
        } else {
            AppError::Validation {
                message: format!("the body could not be read: {rejection}"),
                details: serde_json::Value::Null,
            }
        }
    })?;
    Ok((headers, body))
}

fn signed_headers(headers: &HeaderMap) -> Option<SignedHeaders<'_>> {
    Some(SignedHeaders {
        id: header(headers, "webhook-id")?,
        timestamp: header(headers, "webhook-timestamp")?,
        signature: header(headers, "webhook-signature")?,
    })
}

impl FromRequest<AppState> for SignedPartner {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (headers, body) = read(req, state).await?;
        let partner = partners::authenticate(
            &state.db,
            &state.config.partner_key,
            header(&headers, "tanpu-partner"),
            signed_headers(&headers),
            &body,
            chrono::Utc::now().timestamp(),
        )
        .await?;
        Ok(Self { partner, body })
    }
}

impl FromRequest<AppState> for SignedRecords {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (headers, body) = read(req, state).await?;
        let signed = signed_headers(&headers);
        let partner = partners::verify_signature(
            &state.db,
            &state.config.partner_key,
            header(&headers, "tanpu-partner"),
            signed,
            &body,
            chrono::Utc::now().timestamp(),
        )
        .await?;
        let request_id = signed.map(|h| h.id.to_owned()).unwrap_or_default();
        Ok(Self {
            partner,
            request_id,
            body,
        })
    }
}

impl SignedRecords {
    /// Counts `records` against the partner's ingest limit
    /// ([`crate::services::partner_limit`]), once the handler knows how many
    /// the body holds: after the signature was verified (a stranger cannot
    /// spend a partner's budget) and before anything is stored (a refused
    /// request leaves no trace, not even its id, so it may be sent again).
    fn admit(&self, state: &AppState, records: usize) -> Result<(), AppError> {
        // Every request costs at least one record; more than a batch is
        // refused by ingestion anyway, so it costs a batch.
        let records = records.clamp(1, ingest::MAX_BATCH);
        Ok(state.partner_limiter.admit(self.partner.id, records)?)
    }
}

/// `GET /api/v1/partner/me`'s answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PartnerIdentity {
    partner_id: PartnerId,
    kinds: Vec<String>,
}

/// `GET /api/v1/partner/me`: who the signature says you are — for checking
/// a signing implementation before sending records.
#[utoipa::path(
    get,
    path = "/partner/me",
    tag = "partner",
    security(("partner_signature" = [])),
    responses((status = 200, description = "OK", body = PartnerIdentity))
)]
pub async fn me(signed: SignedPartner) -> Json<PartnerIdentity> {
    Json(PartnerIdentity {
        partner_id: signed.partner.id,
        kinds: signed.partner.kinds,
    })
}

/// Parses a signed body as JSON, telling syntax errors (400) from a body of
/// the wrong shape (422).
fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    super::extract::parse(body)
}

/// `POST /api/v1/partner/actions`: one record, decided at once (committed
/// together with the partner's other records that arrive at the same
/// moment, by `services::ingest::queue`).
#[utoipa::path(
    post,
    path = "/partner/actions",
    tag = "partner",
    request_body = PartnerRecord,
    security(("partner_signature" = [])),
    responses((status = 200, description = "OK", body = RecordResult))
)]
pub async fn submit_one(
    State(state): State<AppState>,
    signed: SignedRecords,
) -> Result<Json<RecordResult>, AppError> {
    let record: serde_json::Value = parse_body(&signed.body)?;
    signed.admit(&state, 1)?;
    let result = state
        .ingest
        .submit_one(signed.partner, record, signed.request_id)
        .await?;
    Ok(Json(result))
}

/// `POST /api/v1/partner/actions/batch`: up to 1,000 records, one result
/// each, in order (committed together with the partner's other requests
/// that arrive at the same moment, by `services::ingest::queue`).
#[utoipa::path(
    post,
    path = "/partner/actions/batch",
    tag = "partner",
    request_body = PartnerBatch,
    security(("partner_signature" = [])),
    responses((status = 200, description = "OK", body = BatchResult))
)]
pub async fn submit_batch(
    State(state): State<AppState>,
    signed: SignedRecords,
) -> Result<Json<BatchResult>, AppError> {
    let batch: PartnerBatch = parse_body(&signed.body)?;
    signed.admit(&state, batch.records.len())?;
    let results = state
        .ingest
        .submit(signed.partner, batch.records, signed.request_id)
        .await?;
    Ok(Json(BatchResult { results }))
}

/// `GET /api/v1/partner/actions/{external_id}`: the decision of one of your
/// records.
#[utoipa::path(
    get,
    path = "/partner/actions/{external_id}",
    tag = "partner",
    params(("external_id" = String, Path)),
    security(("partner_signature" = [])),
    responses((status = 200, description = "OK", body = RecordResult))
)]
pub async fn decision(
    State(state): State<AppState>,
    ApiPath(external_id): ApiPath<String>,
    signed: SignedPartner,
) -> Result<Json<RecordResult>, AppError> {
    Ok(Json(
        ingest::decision_of(&state.db, &signed.partner, &external_id).await?,
    ))
}
