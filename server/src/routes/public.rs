//! Routes anyone may call without signing in.

use super::AppState;
use crate::error::AppError;
use crate::services::stats;
use axum::Json;
use axum::extract::State;
use tanpu_core::api::PublicStats;

/// `GET /api/v1/public/stats`: the city's totals.
#[utoipa::path(
    get,
    path = "/public/stats",
    tag = "public",
    responses((status = 200, description = "OK", body = PublicStats))
)]
pub async fn stats(State(state): State<AppState>) -> Result<Json<PublicStats>, AppError> {
    Ok(Json(stats::public_stats(&state.db).await?))
}
