//! The opt-in leaderboard.

use super::AppState;
use super::auth_user::AuthUser;
use super::extract::{ApiJson, ApiQuery};
use crate::error::AppError;
use crate::services::leaderboard;
use axum::Json;
use axum::extract::State;
use chrono::Utc;
use serde::Deserialize;
use tanpu_core::api::{Leaderboard, LeaderboardChoice, LeaderboardPeriod};
use tanpu_core::rules::calendar::city_date;

/// `GET /api/v1/leaderboard`'s query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BoardQuery {
    /// `week` (default) or `month`.
    #[serde(default)]
    period: LeaderboardPeriod,
}

/// `GET /api/v1/leaderboard?period=week|month`.
#[utoipa::path(
    get,
    path = "/leaderboard",
    tag = "leaderboard",
    params(BoardQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = Leaderboard))
)]
pub async fn board(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<BoardQuery>,
) -> Result<Json<Leaderboard>, AppError> {
    let today = city_date(Utc::now());
    Ok(Json(
        leaderboard::board(&state.db, user.id, query.period, today).await?,
    ))
}

/// `PUT /api/v1/me/leaderboard`: take part, or leave.
#[utoipa::path(
    put,
    path = "/me/leaderboard",
    tag = "me",
    request_body = LeaderboardChoice,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = Leaderboard))
)]
pub async fn choose(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(choice): ApiJson<LeaderboardChoice>,
) -> Result<Json<Leaderboard>, AppError> {
    let today = city_date(Utc::now());
    Ok(Json(
        leaderboard::choose(&state.db, user.id, choice.opt_in, today).await?,
    ))
}
