//! Registration (sign-in and sessions come with the accounts work).

use super::AppState;
use super::extract::ApiJson;
use crate::error::AppError;
use crate::services::accounts::{self, NewUser};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tanpu_core::api::{RegisterRequest, UserView};

/// `POST /api/v1/auth/register`: a citizen creates an account.
pub async fn register(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<UserView>), AppError> {
    let new = NewUser::from_registration(req)?;
    let user = accounts::create_user(&state.db, new).await?;
    Ok((StatusCode::CREATED, Json(user)))
}
