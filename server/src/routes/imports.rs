//! File imports of partner records: `/api/v1/admin/…/imports`.

use super::AppState;
use super::auth_user::AdminUser;
use super::extract::{ApiPath, ApiQuery};
use crate::error::AppError;
use crate::services::imports::{self, UploadError};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tanpu_core::PartnerId;
use tanpu_core::api::{ImportList, ImportView};

/// `POST …/imports`'s query: the file's format and name.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// `csv` or `jsonl`.
    format: String,
    /// The file's name, for the list.
    #[serde(default)]
    name: String,
}

/// `POST /api/v1/admin/partners/{id}/imports?format=csv&name=…` with the
/// file as the body: 202 and the import, which runs in the background.
#[utoipa::path(
    post,
    path = "/admin/partners/{id}/imports",
    tag = "admin",
    params(("id" = i64, Path), UploadQuery),
    request_body(
        description = "The file itself, up to 100 MB: CSV with a header row, or JSON Lines (one partner record per line)",
        content((String = "text/csv"), (String = "application/x-ndjson"))
    ),
    security(("bearer" = [])),
    responses((status = 202, description = "Accepted: the import runs in the background", body = ImportView))
)]
pub async fn upload(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(partner): ApiPath<i64>,
    ApiQuery(query): ApiQuery<UploadQuery>,
    body: Body,
) -> Result<(StatusCode, Json<ImportView>), AppError> {
    let writer = imports::Writer {
        db: &state.db,
        binding_key: &state.config.binding_key,
        citizens: &state.citizens,
    };
    let view = imports::start(
        writer,
        admin.id,
        PartnerId(partner),
        &query.format,
        &query.name,
        body,
    )
    .await
    .map_err(|e| match e {
        UploadError::TooLarge => AppError::PayloadTooLarge {
            limit_bytes: imports::MAX_FILE_BYTES,
        },
        UploadError::Stalled => AppError::RequestTimeout,
        UploadError::Service(e) => AppError::from(e),
    })?;
    tracing::info!(admin = %admin.id, partner, import = view.id, bytes = view.total_bytes, "import started");
    Ok((StatusCode::ACCEPTED, Json(view)))
}

/// `GET /api/v1/admin/imports`.
#[utoipa::path(
    get,
    path = "/admin/imports",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = ImportList))
)]
pub async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> Result<Json<ImportList>, AppError> {
    Ok(Json(imports::list(&state.db).await?))
}

/// `GET /api/v1/admin/imports/{id}`: progress and counts.
#[utoipa::path(
    get,
    path = "/admin/imports/{id}",
    tag = "admin",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = ImportView))
)]
pub async fn view(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ImportView>, AppError> {
    Ok(Json(imports::view(&state.db, id).await?))
}

/// `GET /api/v1/admin/imports/{id}/errors.csv`.
#[utoipa::path(
    get,
    path = "/admin/imports/{id}/errors.csv",
    tag = "admin",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "The refused lines as CSV", body = String, content_type = "text/csv"))
)]
pub async fn errors(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, AppError> {
    let body = imports::errors_csv(&state.db, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"tanpu-import-{id}-errors.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}
