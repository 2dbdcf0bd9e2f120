//! The city dashboard and reports: `/api/v1/admin/dashboard` and
//! `/api/v1/admin/reports/…`.

use super::AppState;
use super::auth_user::AdminUser;
use super::extract::ApiQuery;
use crate::error::AppError;
use crate::services::{dashboard, reports};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use tanpu_core::api::{CertifiedStatement, Dashboard};
use tanpu_core::rules::calendar::city_date;

/// `GET /api/v1/admin/dashboard`.
#[utoipa::path(
    get,
    path = "/admin/dashboard",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = Dashboard))
)]
pub async fn dashboard(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> Result<Json<Dashboard>, AppError> {
    let today = city_date(Utc::now());
    Ok(Json(dashboard::dashboard(&state.db, today).await?))
}

/// A report's period and format.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// First day (city time), inclusive, like `2026-11-01`.
    #[serde(with = "tanpu_core::wire_time")]
    from: NaiveDate,
    /// Last day, inclusive.
    #[serde(with = "tanpu_core::wire_time")]
    to: NaiveDate,
    /// `json` (default) or `csv`; the actions report is always CSV.
    #[serde(default)]
    #[param(inline)]
    format: Option<ReportFormat>,
}

/// How a report is answered.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// JSON.
    Json,
    /// CSV, as a download.
    Csv,
}

fn csv_download(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/v1/admin/reports/actions.csv?from=…&to=…`.
#[utoipa::path(
    get,
    path = "/admin/reports/actions.csv",
    tag = "admin",
    params(ReportQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The actions of the period as CSV", body = String, content_type = "text/csv"))
)]
pub async fn actions_csv(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, AppError> {
    let body = reports::actions_csv(&state.db, query.from, query.to).await?;
    Ok(csv_download(
        &format!("tanpu-actions-{}-{}.csv", query.from, query.to),
        body,
    ))
}

/// `GET /api/v1/admin/reports/certified?from=…&to=…[&format=csv]`.
#[utoipa::path(
    get,
    path = "/admin/reports/certified",
    tag = "admin",
    params(ReportQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The certified statement (JSON, or CSV with format=csv)", content((CertifiedStatement = "application/json"), (String = "text/csv"))))
)]
pub async fn certified(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, AppError> {
    let statement = reports::certified(&state.db, query.from, query.to, Utc::now()).await?;
    Ok(match query.format.unwrap_or(ReportFormat::Json) {
        ReportFormat::Json => Json(statement).into_response(),
        ReportFormat::Csv => csv_download(
            &format!("tanpu-certified-{}-{}.csv", query.from, query.to),
            reports::certified_csv(&statement)?,
        ),
    })
}
