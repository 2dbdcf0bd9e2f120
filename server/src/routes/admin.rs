//! Administrators' routes: `/api/v1/admin/…`, each behind [`AdminUser`].

use super::AppState;
use super::auth_user::AdminUser;
use super::extract::ApiJson;
use crate::error::AppError;
use crate::services::accounts;
use axum::Json;
use axum::extract::{Path, State};
use tanpu_core::UserId;
use tanpu_core::api::{GrantRoleRequest, UserView};

/// `PUT /api/v1/admin/users/{id}/role`.
pub async fn set_role(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<GrantRoleRequest>,
) -> Result<Json<UserView>, AppError> {
    let user = accounts::set_role(&state.db, UserId(id), req.role).await?;
    tracing::info!(admin = %admin.id, user = id, role = req.role.as_str(), "role granted");
    Ok(Json(user))
}
