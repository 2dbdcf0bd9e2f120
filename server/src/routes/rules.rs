//! Credit rules over HTTP: the administrators' rule editor
//! (`/api/v1/admin/rules/…`, drafts, publishing, retiring, history,
//! simulation), the audit log reader (`/api/v1/admin/audit`), and the public
//! "how to earn" page and calculator (`/api/v1/public/rules…`, no sign-in).

use super::AppState;
use super::auth_user::AdminUser;
use super::client::ClientIp;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::error::AppError;
use crate::services::audit::{self, AuditFilter};
use crate::services::rules::{self, RuleError};
use crate::services::simulation;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use tanpu_core::UserId;
use tanpu_core::api::{
    AuditPage, CreateDraftRequest, PreviewRequest, PreviewResult, PublicRules, PublishRuleRequest,
    RetireRuleRequest, RuleHistory, RuleList, RuleVersionView, SimulationReport, SimulationRequest,
};
use tanpu_core::ids::{RuleId, RuleVersionId};
use tanpu_core::rules::RuleVersion;

impl From<RuleError> for AppError {
    fn from(err: RuleError) -> Self {
        match err {
            RuleError::Invalid(problems) => Self::Validation {
                message: problems
                    .iter()
                    .map(|p| format!("{}: {}", p.field, p.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
                details: json!(problems),
            },
            RuleError::Service(err) => err.into(),
        }
    }
}

/// `GET /api/v1/admin/rules`: every rule with its versions and their status.
#[utoipa::path(
    get,
    path = "/admin/rules",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = RuleList))
)]
pub async fn list(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
) -> Result<Json<RuleList>, AppError> {
    Ok(Json(rules::list(&state.db, Utc::now()).await?))
}

/// `POST /api/v1/admin/rules`: a rule for a new (administrator-defined)
/// kind; the body is its first draft's definition.
#[utoipa::path(
    post,
    path = "/admin/rules",
    tag = "admin",
    request_body = RuleVersion,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = RuleVersionView))
)]
pub async fn create_rule(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(definition): ApiJson<RuleVersion>,
) -> Result<(StatusCode, Json<RuleVersionView>), AppError> {
    let view = rules::create_rule(&state.db, admin.id, definition, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/admin/rules/{rule_id}/history`: every version with the
/// fields changed since the one before.
#[utoipa::path(
    get,
    path = "/admin/rules/{rule_id}/history",
    tag = "admin",
    params(("rule_id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = RuleHistory))
)]
pub async fn history(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    ApiPath(rule_id): ApiPath<i64>,
) -> Result<Json<RuleHistory>, AppError> {
    Ok(Json(
        rules::history(&state.db, RuleId(rule_id), Utc::now()).await?,
    ))
}

/// `POST /api/v1/admin/rules/{rule_id}/versions`: a new draft, copied from
/// a version of the rule (the newest by default).
#[utoipa::path(
    post,
    path = "/admin/rules/{rule_id}/versions",
    tag = "admin",
    params(("rule_id" = i64, Path)),
    request_body = CreateDraftRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = RuleVersionView))
)]
pub async fn create_draft(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(rule_id): ApiPath<i64>,
    ApiJson(req): ApiJson<CreateDraftRequest>,
) -> Result<(StatusCode, Json<RuleVersionView>), AppError> {
    let view = rules::create_draft(
        &state.db,
        admin.id,
        RuleId(rule_id),
        req.from_version_id,
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/admin/rules/{rule_id}/versions/{version_id}`.
#[utoipa::path(
    get,
    path = "/admin/rules/{rule_id}/versions/{version_id}",
    tag = "admin",
    params(("rule_id" = i64, Path), ("version_id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = RuleVersionView))
)]
pub async fn version(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    ApiPath((rule_id, version_id)): ApiPath<(i64, i64)>,
) -> Result<Json<RuleVersionView>, AppError> {
    Ok(Json(
        rules::version(
            &state.db,
            RuleId(rule_id),
            RuleVersionId(version_id),
            Utc::now(),
        )
        .await?,
    ))
}

/// `PUT /api/v1/admin/rules/{rule_id}/versions/{version_id}`: replaces a
/// draft's definition; 422 lists every `{field, reason}` to fix.
#[utoipa::path(
    put,
    path = "/admin/rules/{rule_id}/versions/{version_id}",
    tag = "admin",
    params(("rule_id" = i64, Path), ("version_id" = i64, Path)),
    request_body = RuleVersion,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = RuleVersionView))
)]
pub async fn update_draft(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath((rule_id, version_id)): ApiPath<(i64, i64)>,
    ApiJson(definition): ApiJson<RuleVersion>,
) -> Result<Json<RuleVersionView>, AppError> {
    Ok(Json(
        rules::update_draft(
            &state.db,
            admin.id,
            RuleId(rule_id),
            RuleVersionId(version_id),
            definition,
            Utc::now(),
        )
        .await?,
    ))
}

/// `DELETE /api/v1/admin/rules/{rule_id}/versions/{version_id}`: discards
/// a draft.
#[utoipa::path(
    delete,
    path = "/admin/rules/{rule_id}/versions/{version_id}",
    tag = "admin",
    params(("rule_id" = i64, Path), ("version_id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Done"))
)]
pub async fn delete_draft(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath((rule_id, version_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    rules::delete_draft(
        &state.db,
        admin.id,
        RuleId(rule_id),
        RuleVersionId(version_id),
        Utc::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/admin/rules/{rule_id}/versions/{version_id}/publish`.
#[utoipa::path(
    post,
    path = "/admin/rules/{rule_id}/versions/{version_id}/publish",
    tag = "admin",
    params(("rule_id" = i64, Path), ("version_id" = i64, Path)),
    request_body = PublishRuleRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = RuleVersionView))
)]
pub async fn publish(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath((rule_id, version_id)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<PublishRuleRequest>,
) -> Result<Json<RuleVersionView>, AppError> {
    Ok(Json(
        rules::publish(
            &state.db,
            admin.id,
            RuleId(rule_id),
            RuleVersionId(version_id),
            req.effective_from.map(|t| t.with_timezone(&Utc)),
            req.effective_until.map(|t| t.with_timezone(&Utc)),
            Utc::now(),
        )
        .await?,
    ))
}

/// `POST /api/v1/admin/rules/{rule_id}/versions/{version_id}/retire`.
#[utoipa::path(
    post,
    path = "/admin/rules/{rule_id}/versions/{version_id}/retire",
    tag = "admin",
    params(("rule_id" = i64, Path), ("version_id" = i64, Path)),
    request_body = RetireRuleRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = RuleVersionView))
)]
pub async fn retire(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath((rule_id, version_id)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<RetireRuleRequest>,
) -> Result<Json<RuleVersionView>, AppError> {
    Ok(Json(
        rules::retire(
            &state.db,
            admin.id,
            RuleId(rule_id),
            RuleVersionId(version_id),
            req.at.map(|t| t.with_timezone(&Utc)),
            Utc::now(),
        )
        .await?,
    ))
}

/// `POST /api/v1/admin/rules/{rule_id}/versions/{version_id}/simulate`:
/// the version over the stored actions of a period, against what was
/// credited.
#[utoipa::path(
    post,
    path = "/admin/rules/{rule_id}/versions/{version_id}/simulate",
    tag = "admin",
    params(("rule_id" = i64, Path), ("version_id" = i64, Path)),
    request_body = SimulationRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = SimulationReport))
)]
pub async fn simulate(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    ApiPath((rule_id, version_id)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<SimulationRequest>,
) -> Result<Json<SimulationReport>, AppError> {
    Ok(Json(
        simulation::simulate(
            &state.db,
            RuleId(rule_id),
            RuleVersionId(version_id),
            req.from.with_timezone(&Utc),
            req.to.with_timezone(&Utc),
        )
        .await?,
    ))
}

/// Query of `GET /api/v1/admin/audit`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// An action (`rule.publish`) or a prefix ending in a dot (`rule.`).
    pub action: Option<String>,
    /// An administrator's user id.
    pub actor: Option<i64>,
    /// An object kind (`rule_version`).
    pub object_kind: Option<String>,
    /// An object id.
    pub object_id: Option<String>,
    /// The previous page's `next_before_id`.
    pub before_id: Option<i64>,
    /// Page size (default 50, at most 200).
    pub limit: Option<u64>,
}

/// `GET /api/v1/admin/audit`: the audit log, newest first.
#[utoipa::path(
    get,
    path = "/admin/audit",
    tag = "admin",
    params(AuditQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = AuditPage))
)]
pub async fn audit_log(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    Ok(Json(
        audit::page(
            &state.db,
            AuditFilter {
                action: query.action,
                actor: query.actor.map(UserId),
                object_kind: query.object_kind,
                object_id: query.object_id,
                before_id: query.before_id,
                limit: query.limit,
            },
        )
        .await?,
    ))
}

/// `GET /api/v1/public/rules`: the rules in force now, for "how to earn".
#[utoipa::path(
    get,
    path = "/public/rules",
    tag = "public",
    responses((status = 200, description = "OK", body = PublicRules))
)]
pub async fn public_rules(State(state): State<AppState>) -> Result<Json<PublicRules>, AppError> {
    Ok(Json(rules::public_rules(&state.db, Utc::now()).await?))
}

/// `POST /api/v1/public/rules/preview`: what a hypothetical action would
/// earn under the rule in force at its time. Rate-limited per address.
#[utoipa::path(
    post,
    path = "/public/rules/preview",
    tag = "public",
    request_body = PreviewRequest,
    responses((status = 200, description = "OK", body = PreviewResult))
)]
pub async fn preview(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<PreviewRequest>,
) -> Result<Json<PreviewResult>, AppError> {
    Ok(Json(
        rules::preview(&state.db, &state.config.limits, ip, req, Utc::now()).await?,
    ))
}
