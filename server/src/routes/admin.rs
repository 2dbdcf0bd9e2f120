//! Administrators' routes: `/api/v1/admin/…`, each behind [`AdminUser`].

use super::AppState;
use super::auth_user::AdminUser;
use super::extract::{ApiJson, ApiPath};
use crate::error::AppError;
use crate::services::{accounts, partners};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tanpu_core::api::{
    CreatePartnerRequest, GrantRoleRequest, PartnerList, PartnerSecret, PartnerView, UserView,
};
use tanpu_core::{PartnerId, UserId};

/// `PUT /api/v1/admin/users/{id}/role`.
#[utoipa::path(
    put,
    path = "/admin/users/{id}/role",
    tag = "admin",
    params(("id" = i64, Path)),
    request_body = GrantRoleRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = UserView))
)]
pub async fn set_role(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<GrantRoleRequest>,
) -> Result<Json<UserView>, AppError> {
    let user = accounts::set_role(
        &state.db,
        &state.citizens,
        Some(admin.id),
        UserId(id),
        req.role,
    )
    .await?;
    tracing::info!(admin = %admin.id, user = id, role = req.role.as_str(), "role granted");
    Ok(Json(user))
}

/// `GET /api/v1/admin/partners`.
#[utoipa::path(
    get,
    path = "/admin/partners",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = PartnerList))
)]
pub async fn list_partners(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
) -> Result<Json<PartnerList>, AppError> {
    Ok(Json(PartnerList {
        partners: partners::list(&state.db).await?,
    }))
}

/// `POST /api/v1/admin/partners`: the answer holds the secret, once.
#[utoipa::path(
    post,
    path = "/admin/partners",
    tag = "admin",
    request_body = CreatePartnerRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = PartnerSecret))
)]
pub async fn create_partner(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(req): ApiJson<CreatePartnerRequest>,
) -> Result<(StatusCode, Json<PartnerSecret>), AppError> {
    let (partner, secret) =
        partners::create(&state.db, &state.config.partner_key, Some(admin.id), req).await?;
    tracing::info!(admin = %admin.id, partner = %partner.id, name = %partner.name, "partner created");
    Ok((StatusCode::CREATED, Json(secret)))
}

/// `POST /api/v1/admin/partners/{id}/rotate`: a new secret; the old one
/// stays valid until retired.
#[utoipa::path(
    post,
    path = "/admin/partners/{id}/rotate",
    tag = "admin",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = PartnerSecret))
)]
pub async fn rotate_partner_secret(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PartnerSecret>, AppError> {
    let secret = partners::rotate(
        &state.db,
        &state.config.partner_key,
        Some(admin.id),
        PartnerId(id),
    )
    .await?;
    tracing::info!(admin = %admin.id, partner = id, "partner secret rotated");
    Ok(Json(secret))
}

/// `POST /api/v1/admin/partners/{id}/retire-old-secrets`.
#[utoipa::path(
    post,
    path = "/admin/partners/{id}/retire-old-secrets",
    tag = "admin",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = PartnerView))
)]
pub async fn retire_old_partner_secrets(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PartnerView>, AppError> {
    let view = partners::retire_old_secrets(&state.db, Some(admin.id), PartnerId(id)).await?;
    tracing::info!(admin = %admin.id, partner = id, "old partner secrets retired");
    Ok(Json(view))
}

/// `POST /api/v1/admin/partners/{id}/disable`.
#[utoipa::path(
    post,
    path = "/admin/partners/{id}/disable",
    tag = "admin",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = PartnerView))
)]
pub async fn disable_partner(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PartnerView>, AppError> {
    let view = partners::disable(&state.db, Some(admin.id), PartnerId(id)).await?;
    tracing::info!(admin = %admin.id, partner = id, "partner disabled");
    Ok(Json(view))
}

/// `GET /api/v1/admin/ledger/verify`: runs the ledger proof (chains,
/// balances, transfers, conservation) and reports it.
#[utoipa::path(
    get,
    path = "/admin/ledger/verify",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = tanpu_core::api::LedgerVerification))
)]
pub async fn verify_ledger(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
) -> Result<Json<tanpu_core::api::LedgerVerification>, AppError> {
    let report = crate::services::ledger::verify::verify(&state.db)
        .await
        .map_err(crate::services::ServiceError::from)?;
    tracing::info!(admin = %admin.id, ok = report.is_ok(), problems = report.problem_count, "ledger verified");
    crate::services::dashboard::record_ledger_check(&state.db, &report, chrono::Utc::now()).await?;
    Ok(Json(tanpu_core::api::LedgerVerification {
        ok: report.is_ok(),
        accounts_checked: report.accounts_checked,
        entries_checked: report.entries_checked,
        transfers_checked: report.transfers_checked,
        total_balance: report.total_balance.to_string(),
        problem_count: report.problem_count,
        problems: report
            .problems
            .iter()
            .map(|p| tanpu_core::api::LedgerProblem {
                kind: p.kind.as_str().to_owned(),
                account: p.account.map(|a| a.0),
                entry: p.entry.map(|e| e.0),
                transfer: p.transfer.map(|t| t.0),
                detail: p.detail.clone(),
            })
            .collect(),
    }))
}
