//! The review queue: `/api/v1/review/…`, for reviewers and administrators.

use super::AppState;
use super::auth_user::StaffUser;
use super::extract::{ApiJson, ApiQuery};
use crate::error::AppError;
use crate::services::review;
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use tanpu_core::api::{ActionItem, ReviewDecision, ReviewQueue};

/// Query of `GET /api/v1/review/queue`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    after_id: Option<i64>,
}

/// `GET /api/v1/review/queue?after_id=`: held actions, oldest first.
pub async fn queue(
    State(state): State<AppState>,
    StaffUser(_): StaffUser,
    ApiQuery(query): ApiQuery<QueueQuery>,
) -> Result<Json<ReviewQueue>, AppError> {
    Ok(Json(review::queue(&state.db, query.after_id).await?))
}

/// `POST /api/v1/review/actions/{id}/approve`.
pub async fn approve(
    State(state): State<AppState>,
    StaffUser(reviewer): StaffUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ReviewDecision>,
) -> Result<Json<ActionItem>, AppError> {
    Ok(Json(
        review::approve(&state.db, reviewer.id, id, req.note).await?,
    ))
}

/// `POST /api/v1/review/actions/{id}/reject`: the note is required.
pub async fn reject(
    State(state): State<AppState>,
    StaffUser(reviewer): StaffUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ReviewDecision>,
) -> Result<Json<ActionItem>, AppError> {
    Ok(Json(
        review::reject(&state.db, reviewer.id, id, req.note).await?,
    ))
}
