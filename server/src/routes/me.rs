//! The signed-in person's own data: `/api/v1/me/…`. Every route acts on the
//! caller's id from the token, never on an id from the request, except where
//! it names one of the caller's own things (a binding), which is checked.

use super::AppState;
use super::auth::{clear_session_cookies, with_refresh_cookie};
use super::auth_user::AuthUser;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::error::AppError;
use crate::services::citizen::{self, ActionFilter};
use crate::services::{accounts, bindings, privacy, review, sessions};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use tanpu_core::BindingId;
use tanpu_core::api::{
    ActionDetail, ActionItem, ActionPage, BindingList, BindingRequest, BindingView,
    ChangePasswordRequest, ClaimRequest, DataExport, DeleteAccountRequest, MeSummary, SessionView,
    UpdateProfileRequest, UserView,
};
use tanpu_core::rules::calendar::city_date;

/// `GET /api/v1/me`.
#[utoipa::path(
    get,
    path = "/me",
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = UserView))
)]
pub async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<UserView>, AppError> {
    accounts::find_by_id(&state.db, user.id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound)
}

/// `PATCH /api/v1/me`.
#[utoipa::path(
    patch,
    path = "/me",
    tag = "me",
    request_body = UpdateProfileRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = UserView))
)]
pub async fn update(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<UpdateProfileRequest>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        accounts::set_nickname(&state.db, user.id, &req.nickname).await?,
    ))
}

/// `POST /api/v1/me/password`: every other session ends; this one gets a
/// fresh session so the person stays signed in.
#[utoipa::path(
    post,
    path = "/me/password",
    tag = "me",
    request_body = ChangePasswordRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = SessionView))
)]
pub async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
    jar: CookieJar,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> Result<(CookieJar, Json<SessionView>), AppError> {
    accounts::change_password(&state.db, user.id, req).await?;
    sessions::revoke_all(&state.db, user.id).await?;
    let view = accounts::find_by_id(&state.db, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let session = sessions::new_session_for(&state.db, &state.tokens, view).await?;
    Ok(with_refresh_cookie(jar, &headers, session))
}

/// `GET /api/v1/me/bindings`.
#[utoipa::path(
    get,
    path = "/me/bindings",
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = BindingList))
)]
pub async fn list_bindings(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<BindingList>, AppError> {
    let bindings = bindings::list(&state.db, user.id).await?;
    Ok(Json(BindingList { bindings }))
}

/// `POST /api/v1/me/bindings`.
#[utoipa::path(
    post,
    path = "/me/bindings",
    tag = "me",
    request_body = BindingRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = BindingView))
)]
pub async fn add_binding(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<BindingRequest>,
) -> Result<(StatusCode, Json<BindingView>), AppError> {
    let view = bindings::add(&state.db, &state.config.binding_key, user.id, req).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `DELETE /api/v1/me/bindings/{id}`.
#[utoipa::path(
    delete,
    path = "/me/bindings/{id}",
    tag = "me",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Done"))
)]
pub async fn remove_binding(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    bindings::remove(&state.db, user.id, BindingId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/me/summary`.
#[utoipa::path(
    get,
    path = "/me/summary",
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = MeSummary))
)]
pub async fn summary(State(state): State<AppState>, user: AuthUser) -> Result<Response, AppError> {
    let now = chrono::Utc::now();
    let today = city_date(now);
    let json = match state.citizens.summary(user.id, today) {
        Some(json) => json,
        None => {
            let ticket = state.citizens.ticket(user.id);
            let json = json_of(&citizen::summary(&state.db, user.id, now).await?)?;
            state.citizens.keep_summary(ticket, today, json.clone());
            json
        }
    };
    Ok(json_response(json))
}

/// Query of `GET /api/v1/me/actions`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActionsQuery {
    kind: Option<String>,
    status: Option<String>,
    /// `YYYY-MM`.
    month: Option<String>,
    before_id: Option<i64>,
    limit: Option<u64>,
}

/// `GET /api/v1/me/actions?kind=&status=&month=YYYY-MM&before_id=&limit=`.
#[utoipa::path(
    get,
    path = "/me/actions",
    tag = "me",
    params(ActionsQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = ActionPage))
)]
pub async fn actions(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<ActionsQuery>,
) -> Result<Response, AppError> {
    let month = query
        .month
        .as_deref()
        .map(|m| {
            m.split_once('-')
                .and_then(|(y, mo)| Some((y.parse().ok()?, mo.parse().ok()?)))
                .ok_or(AppError::Validation {
                    message: "month: use YYYY-MM".to_owned(),
                    details: serde_json::json!({"field": "month", "reason": "not_a_month"}),
                })
        })
        .transpose()?;
    let filter = ActionFilter {
        kind: query.kind,
        status: query.status,
        month,
        before_id: query.before_id,
        limit: query.limit,
    };
    // The page the app opens with is remembered like the summary; a
    // filtered or later page is read each time.
    if !filter.is_first_page() {
        let page = citizen::actions_page(&state.db, user.id, filter).await?;
        return Ok(Json(page).into_response());
    }
    let json = match state.citizens.first_actions(user.id) {
        Some(json) => json,
        None => {
            let ticket = state.citizens.ticket(user.id);
            let json = json_of(&citizen::actions_page(&state.db, user.id, filter).await?)?;
            state.citizens.keep_first_actions(ticket, json.clone());
            json
        }
    };
    Ok(json_response(json))
}

/// A value as a JSON body, to remember and to send.
fn json_of(value: &impl serde::Serialize) -> Result<Bytes, AppError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| AppError::Internal(format!("response unwritable: {e}")))
}

/// A JSON body already written.
fn json_response(json: Bytes) -> Response {
    (
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        json,
    )
        .into_response()
}

/// `GET /api/v1/me/actions/{id}`.
#[utoipa::path(
    get,
    path = "/me/actions/{id}",
    tag = "me",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = ActionDetail))
)]
pub async fn action(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ActionDetail>, AppError> {
    Ok(Json(citizen::action_detail(&state.db, user.id, id).await?))
}

/// `POST /api/v1/me/claims`: a claim for an action no partner reported;
/// held for review.
#[utoipa::path(
    post,
    path = "/me/claims",
    tag = "me",
    request_body = ClaimRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = ActionItem))
)]
pub async fn claim(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<ClaimRequest>,
) -> Result<(StatusCode, Json<ActionItem>), AppError> {
    let item = review::submit_claim(&state.db, user.id, req, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// `GET /api/v1/me/export`: everything held about me, as a JSON file.
#[utoipa::path(
    get,
    path = "/me/export",
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "Everything held about the caller, as an attachment", body = DataExport))
)]
pub async fn export(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<impl axum::response::IntoResponse, AppError> {
    let data = privacy::export(&state.db, user.id, chrono::Utc::now()).await?;
    let disposition = format!("attachment; filename=\"tanpu-export-{}.json\"", user.id);
    Ok((
        [(axum::http::header::CONTENT_DISPOSITION, disposition)],
        Json(data),
    ))
}

/// `DELETE /api/v1/me`: deletes the account (password required); the
/// ledger keeps its history under the anonymous id.
#[utoipa::path(
    delete,
    path = "/me",
    tag = "me",
    request_body = DeleteAccountRequest,
    security(("bearer" = [])),
    responses((status = 204, description = "Done"))
)]
pub async fn delete(
    State(state): State<AppState>,
    user: AuthUser,
    jar: CookieJar,
    ApiJson(req): ApiJson<DeleteAccountRequest>,
) -> Result<(CookieJar, StatusCode), AppError> {
    privacy::delete_account(&state.db, &state.citizens, user.id, req.password).await?;
    Ok((clear_session_cookies(jar), StatusCode::NO_CONTENT))
}
