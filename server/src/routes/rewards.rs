//! Rewards and vouchers: the public catalogue, redemption, a citizen's
//! vouchers, their administration, and the merchants' "mark used".

use super::AppState;
use super::auth_user::{AdminUser, AuthUser};
use super::extract::{ApiJson, ApiPath};
use super::partner::SignedPartner;
use crate::error::AppError;
use crate::services::rate_limit;
use crate::services::rewards::vouchers::{self, UsedBy};
use crate::services::rewards::{catalogue, redeem};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use tanpu_core::api::{
    Redemption, RedemptionList, RedemptionRecord, RewardInput, RewardList, RewardView,
    UseVoucherRequest, VoucherList,
};
use tanpu_core::ids::RewardId;

/// The header that makes a redemption idempotent.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// `GET /api/v1/rewards`: what can be redeemed now, cheapest first.
#[utoipa::path(
    get,
    path = "/rewards",
    tag = "rewards",
    responses((status = 200, description = "OK", body = RewardList))
)]
pub async fn catalogue(State(state): State<AppState>) -> Result<Json<RewardList>, AppError> {
    Ok(Json(catalogue::available(&state.db, Utc::now()).await?))
}

/// `POST /api/v1/rewards/{id}/redeem` with an `Idempotency-Key` header:
/// 201 with the voucher, or 200 with the first voucher when the key was
/// used before for this reward.
#[utoipa::path(
    post,
    path = "/rewards/{id}/redeem",
    tag = "rewards",
    params(("id" = i64, Path), ("Idempotency-Key" = String, Header, description = "A key the app makes per confirmation: a retry with the same key gets the first answer")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Redeemed: the voucher, and the balance after paying", body = Redemption),
        (status = 200, description = "A retry with the same key: the first voucher, with `replayed: true`; nothing was charged again", body = Redemption)
    )
)]
pub async fn redeem(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<Redemption>), AppError> {
    let key = headers
        .get(IDEMPOTENCY_KEY)
        .map(|v| v.to_str().unwrap_or("\u{0}"))
        .unwrap_or_default();
    let now = Utc::now();
    rate_limit::hit(
        &state.db,
        state.config.limits.redeem_per_user,
        &user.id.to_string(),
        now.timestamp(),
    )
    .await?;
    let redemption = redeem::redeem(&state.db, user.id, RewardId(id), key, now).await?;
    let status = if redemption.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(redemption)))
}

/// `GET /api/v1/me/vouchers`.
#[utoipa::path(
    get,
    path = "/me/vouchers",
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = VoucherList))
)]
pub async fn my_vouchers(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<VoucherList>, AppError> {
    Ok(Json(
        vouchers::list_for(&state.db, user.id, Utc::now()).await?,
    ))
}

/// `GET /api/v1/admin/rewards`: the whole catalogue, inactive included.
#[utoipa::path(
    get,
    path = "/admin/rewards",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = RewardList))
)]
pub async fn admin_list(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> Result<Json<RewardList>, AppError> {
    Ok(Json(catalogue::all(&state.db).await?))
}

/// `POST /api/v1/admin/rewards`.
#[utoipa::path(
    post,
    path = "/admin/rewards",
    tag = "admin",
    request_body = RewardInput,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = RewardView))
)]
pub async fn create(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(input): ApiJson<RewardInput>,
) -> Result<(StatusCode, Json<RewardView>), AppError> {
    let view = catalogue::create(&state.db, admin.id, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `PUT /api/v1/admin/rewards/{id}`.
#[utoipa::path(
    put,
    path = "/admin/rewards/{id}",
    tag = "admin",
    params(("id" = i64, Path)),
    request_body = RewardInput,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = RewardView))
)]
pub async fn update(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RewardInput>,
) -> Result<Json<RewardView>, AppError> {
    Ok(Json(
        catalogue::update(&state.db, admin.id, RewardId(id), input).await?,
    ))
}

/// `GET /api/v1/admin/rewards/{id}/redemptions`.
#[utoipa::path(
    get,
    path = "/admin/rewards/{id}/redemptions",
    tag = "admin",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = RedemptionList))
)]
pub async fn redemptions(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<RedemptionList>, AppError> {
    Ok(Json(
        vouchers::redemptions_of(&state.db, RewardId(id), Utc::now()).await?,
    ))
}

/// `POST /api/v1/admin/vouchers/use`: an administrator marks any voucher
/// used (e.g. a certificate handed over at the bureau).
#[utoipa::path(
    post,
    path = "/admin/vouchers/use",
    tag = "admin",
    request_body = UseVoucherRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = RedemptionRecord))
)]
pub async fn admin_use(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(req): ApiJson<UseVoucherRequest>,
) -> Result<Json<RedemptionRecord>, AppError> {
    Ok(Json(
        vouchers::mark_used(&state.db, UsedBy::Admin(admin.id), &req.code, Utc::now()).await?,
    ))
}

/// `POST /api/v1/partner/vouchers/use` (signed): a merchant marks one of
/// its rewards' vouchers used.
#[utoipa::path(
    post,
    path = "/partner/vouchers/use",
    tag = "partner",
    request_body = UseVoucherRequest,
    security(("partner_signature" = [])),
    responses((status = 200, description = "OK", body = RedemptionRecord))
)]
pub async fn partner_use(
    State(state): State<AppState>,
    signed: SignedPartner,
) -> Result<Json<RedemptionRecord>, AppError> {
    let req: UseVoucherRequest = super::extract::parse(&signed.body)?;
    Ok(Json(
        vouchers::mark_used(
            &state.db,
            UsedBy::Partner(signed.partner.id),
            &req.code,
            Utc::now(),
        )
        .await?,
    ))
}
