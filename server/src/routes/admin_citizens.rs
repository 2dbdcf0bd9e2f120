//! Administrators' routes for citizens: `/api/v1/admin/citizens/…`.

use super::AppState;
use super::auth_user::AdminUser;
use super::extract::{ApiJson, ApiQuery};
use crate::error::AppError;
use crate::services::admin_citizens;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use tanpu_core::api::{
    AdjustmentRequest, AdjustmentResult, CitizenDetail, CitizenSearch, FreezeRequest, UserView,
};
use tanpu_core::{BindingId, UserId};

/// `GET /api/v1/admin/citizens`'s query.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Phone, e-mail, nickname or card/plate (full or masked).
    q: String,
}

/// `GET /api/v1/admin/citizens?q=…`.
pub async fn search(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<CitizenSearch>, AppError> {
    Ok(Json(
        admin_citizens::search(&state.db, &state.config.binding_key, &query.q).await?,
    ))
}

/// `GET /api/v1/admin/citizens/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<i64>,
) -> Result<Json<CitizenDetail>, AppError> {
    Ok(Json(
        admin_citizens::detail(&state.db, UserId(id), Utc::now()).await?,
    ))
}

/// `POST /api/v1/admin/citizens/{id}/freeze`.
pub async fn freeze(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<FreezeRequest>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        admin_citizens::set_frozen(&state.db, admin.id, UserId(id), true, &req.reason).await?,
    ))
}

/// `POST /api/v1/admin/citizens/{id}/unfreeze`.
pub async fn unfreeze(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<FreezeRequest>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        admin_citizens::set_frozen(&state.db, admin.id, UserId(id), false, &req.reason).await?,
    ))
}

/// `POST /api/v1/admin/citizens/{id}/adjustments`.
pub async fn adjust(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<AdjustmentRequest>,
) -> Result<(StatusCode, Json<AdjustmentResult>), AppError> {
    let result = admin_citizens::adjust(&state.db, admin.id, UserId(id), req).await?;
    Ok((StatusCode::CREATED, Json(result)))
}

/// `POST /api/v1/admin/citizens/{id}/bindings/{binding_id}/remove`.
pub async fn remove_binding(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path((id, binding)): Path<(i64, i64)>,
    ApiJson(req): ApiJson<FreezeRequest>,
) -> Result<StatusCode, AppError> {
    admin_citizens::remove_binding(
        &state.db,
        admin.id,
        UserId(id),
        BindingId(binding),
        &req.reason,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
