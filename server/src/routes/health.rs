//! Liveness and readiness for load balancers and orchestrators.

use super::AppState;
use crate::error::AppError;
use axum::Json;
use axum::extract::State;
use tanpu_core::api::Health;

/// `GET /healthz`: the process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses((status = 200, description = "OK", body = Health))
)]
pub async fn live() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
    })
}

/// `GET /readyz`: the process can reach its database.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses((status = 200, description = "OK", body = Health))
)]
pub async fn ready(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    state
        .db
        .ping()
        .await
        .map_err(|e| AppError::Unavailable(format!("database ping failed: {e}")))?;
    Ok(live().await)
}
