//! The review queue: `/api/v1/review/…`, for reviewers and administrators.

use super::AppState;
use super::auth_user::StaffUser;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::error::AppError;
use crate::services::review;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use tanpu_core::api::{ActionItem, ReviewDecision, ReviewQueue};

/// Query of `GET /api/v1/review/queue`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    after_id: Option<i64>,
}

/// `GET /api/v1/review/queue?after_id=`: held actions, oldest first.
#[utoipa::path(
    get,
    path = "/review/queue",
    tag = "review",
    params(QueueQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = ReviewQueue))
)]
pub async fn queue(
    State(state): State<AppState>,
    StaffUser(_): StaffUser,
    ApiQuery(query): ApiQuery<QueueQuery>,
) -> Result<Json<ReviewQueue>, AppError> {
    Ok(Json(review::queue(&state.db, query.after_id).await?))
}

/// `POST /api/v1/review/actions/{id}/approve`.
#[utoipa::path(
    post,
    path = "/review/actions/{id}/approve",
    tag = "review",
    params(("id" = i64, Path)),
    request_body = ReviewDecision,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = ActionItem))
)]
pub async fn approve(
    State(state): State<AppState>,
    StaffUser(reviewer): StaffUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReviewDecision>,
) -> Result<Json<ActionItem>, AppError> {
    Ok(Json(
        review::approve(&state.db, reviewer.id, id, req.note).await?,
    ))
}

/// `POST /api/v1/review/actions/{id}/reject`: the note is required.
#[utoipa::path(
    post,
    path = "/review/actions/{id}/reject",
    tag = "review",
    params(("id" = i64, Path)),
    request_body = ReviewDecision,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = ActionItem))
)]
pub async fn reject(
    State(state): State<AppState>,
    StaffUser(reviewer): StaffUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReviewDecision>,
) -> Result<Json<ActionItem>, AppError> {
    Ok(Json(
        review::reject(&state.db, reviewer.id, id, req.note).await?,
    ))
}
