//! Administrators' routes for citizens: `/api/v1/admin/citizens/…`.

use super::AppState;
use super::auth_user::AdminUser;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::error::AppError;
use crate::services::admin_citizens;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use tanpu_core::api::{
    AdjustmentRequest, AdjustmentResult, CitizenDetail, CitizenSearch, FreezeRequest, UserView,
};
use tanpu_core::{BindingId, UserId};

/// `GET /api/v1/admin/citizens`'s query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Phone, e-mail, nickname or card/plate (full or masked).
    q: String,
}

/// `GET /api/v1/admin/citizens?q=…`.
#[utoipa::path(
    get,
    path = "/admin/citizens",
    tag = "admin",
    params(SearchQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = CitizenSearch))
)]
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
#[utoipa::path(
    get,
    path = "/admin/citizens/{id}",
    tag = "admin",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = CitizenDetail))
)]
pub async fn detail(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CitizenDetail>, AppError> {
    Ok(Json(
        admin_citizens::detail(&state.db, UserId(id), Utc::now()).await?,
    ))
}

/// `POST /api/v1/admin/citizens/{id}/freeze`.
#[utoipa::path(
    post,
    path = "/admin/citizens/{id}/freeze",
    tag = "admin",
    params(("id" = i64, Path)),
    request_body = FreezeRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = UserView))
)]
pub async fn freeze(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<FreezeRequest>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        admin_citizens::set_frozen(
            &state.db,
            &state.citizens,
            admin.id,
            UserId(id),
            true,
            &req.reason,
        )
        .await?,
    ))
}

/// `POST /api/v1/admin/citizens/{id}/unfreeze`.
#[utoipa::path(
    post,
    path = "/admin/citizens/{id}/unfreeze",
    tag = "admin",
    params(("id" = i64, Path)),
    request_body = FreezeRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = UserView))
)]
pub async fn unfreeze(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<FreezeRequest>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        admin_citizens::set_frozen(
            &state.db,
            &state.citizens,
            admin.id,
            UserId(id),
            false,
            &req.reason,
        )
        .await?,
    ))
}

/// `POST /api/v1/admin/citizens/{id}/adjustments`.
#[utoipa::path(
    post,
    path = "/admin/citizens/{id}/adjustments",
    tag = "admin",
    params(("id" = i64, Path)),
    request_body = AdjustmentRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = AdjustmentResult))
)]
pub async fn adjust(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AdjustmentRequest>,
) -> Result<(StatusCode, Json<AdjustmentResult>), AppError> {
    let result = admin_citizens::adjust(&state.db, admin.id, UserId(id), req).await?;
    Ok((StatusCode::CREATED, Json(result)))
}

/// `POST /api/v1/admin/citizens/{id}/bindings/{binding_id}/remove`.
#[utoipa::path(
    post,
    path = "/admin/citizens/{id}/bindings/{binding_id}/remove",
    tag = "admin",
    params(("id" = i64, Path), ("binding_id" = i64, Path)),
    request_body = FreezeRequest,
    security(("bearer" = [])),
    responses((status = 204, description = "Done"))
)]
pub async fn remove_binding(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath((id, binding)): ApiPath<(i64, i64)>,
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
