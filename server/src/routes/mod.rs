//! The HTTP surface: `/api/v1` (JSON), `/healthz`, `/readyz`, and the web app.
//!
//! Handlers parse, call one service, and map the answer to a DTO; they hold
//! no SQL. Every error leaves through [`AppError`](crate::error::AppError), so
//! all of them share one JSON shape.

mod admin;
mod admin_citizens;
mod auth;
mod auth_user;
mod client;
mod dashboard;
mod extract;
mod health;
mod imports;
mod leaderboard;
mod me;
mod partner;
mod public;
mod review;
mod rewards;
mod rules;
mod static_files;

use crate::config::Config;
use crate::error::AppError;
use crate::services::ServiceResult;
use crate::services::ingest::singles::Singles;
use crate::services::partner_limit::PartnerLimiter;
use crate::services::tokens::AccessTokens;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use sea_orm::DatabaseConnection;
use std::any::Any;
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use auth::REFRESH_COOKIE;
pub use auth_user::{AdminUser, AuthUser};
pub use extract::API_BODY_LIMIT_BYTES;
pub use static_files::StaticFiles;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// The resolved configuration.
    pub config: Arc<Config>,
    /// The web app's files.
    pub static_files: StaticFiles,
    /// Signs and checks access tokens.
    pub tokens: AccessTokens,
    /// Single partner records, committed in groups.
    pub singles: Singles,
    /// Each partner's ingest budget (records per second, in memory).
    pub partner_limiter: PartnerLimiter,
}

impl AppState {
    /// Bundles the pool and the configuration.
    ///
    /// # Errors
    /// The JWT key is unusable.
    pub fn new(db: DatabaseConnection, config: Config) -> ServiceResult<Self> {
        let static_files = StaticFiles::new(&config.dist);
        let tokens = AccessTokens::new(&config.jwt_secret)?;
        let singles = Singles::new(db.clone(), config.binding_key.clone());
        Ok(Self {
            partner_limiter: PartnerLimiter::new(config.partner_limit),
            singles,
            db,
            config: Arc::new(config),
            static_files,
            tokens,
        })
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/public/stats", get(public::stats))
        .route("/auth/register", post(auth::register))
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(me::me).patch(me::update).delete(me::delete))
        .route("/me/export", get(me::export))
        .route("/me/password", post(me::change_password))
        .route("/me/summary", get(me::summary))
        .route("/me/actions", get(me::actions))
        .route("/me/actions/{id}", get(me::action))
        .route("/me/claims", post(me::claim))
        .route("/review/queue", get(review::queue))
        .route("/review/actions/{id}/approve", post(review::approve))
        .route("/review/actions/{id}/reject", post(review::reject))
        .route("/me/bindings", get(me::list_bindings).post(me::add_binding))
        .route("/me/bindings/{id}", delete(me::remove_binding))
        .route("/admin/users/{id}/role", put(admin::set_role))
        .route(
            "/admin/partners",
            get(admin::list_partners).post(admin::create_partner),
        )
        .route(
            "/admin/partners/{id}/rotate",
            post(admin::rotate_partner_secret),
        )
        .route(
            "/admin/partners/{id}/retire-old-secrets",
            post(admin::retire_old_partner_secrets),
        )
        .route("/admin/partners/{id}/disable", post(admin::disable_partner))
        .route("/admin/ledger/verify", get(admin::verify_ledger))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT_BYTES));
    // Partners send batches: a larger limit, on their routes only.
    let partner_api = Router::new()
        .route("/partner/me", get(partner::me))
        .route("/partner/actions", post(partner::submit_one))
        .route("/partner/actions/batch", post(partner::submit_batch))
        .route("/partner/actions/{external_id}", get(partner::decision))
        .route("/partner/vouchers/use", post(rewards::partner_use))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(partner::PARTNER_BODY_LIMIT_BYTES));
    let api = api.merge(partner_api);
    // Credit rules: the administrators' editor and simulation, the audit
    // log, and the public "how to earn" page and calculator.
    let rules_api = Router::new()
        .route("/public/rules", get(rules::public_rules))
        .route("/public/rules/preview", post(rules::preview))
        .route("/admin/audit", get(rules::audit_log))
        .route("/admin/rules", get(rules::list).post(rules::create_rule))
        .route("/admin/rules/{rule_id}/history", get(rules::history))
        .route("/admin/rules/{rule_id}/versions", post(rules::create_draft))
        .route(
            "/admin/rules/{rule_id}/versions/{version_id}",
            get(rules::version)
                .put(rules::update_draft)
                .delete(rules::delete_draft),
        )
        .route(
            "/admin/rules/{rule_id}/versions/{version_id}/publish",
            post(rules::publish),
        )
        .route(
            "/admin/rules/{rule_id}/versions/{version_id}/retire",
            post(rules::retire),
        )
        .route(
            "/admin/rules/{rule_id}/versions/{version_id}/simulate",
            post(rules::simulate),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT_BYTES));
    let api = api.merge(rules_api);
    // Rewards, vouchers and the leaderboard.
    let rewards_api = Router::new()
        .route("/rewards", get(rewards::catalogue))
        .route("/rewards/{id}/redeem", post(rewards::redeem))
        .route("/me/vouchers", get(rewards::my_vouchers))
        .route("/leaderboard", get(leaderboard::board))
        .route("/me/leaderboard", put(leaderboard::choose))
        .route(
            "/admin/rewards",
            get(rewards::admin_list).post(rewards::create),
        )
        .route("/admin/rewards/{id}", put(rewards::update))
        .route("/admin/rewards/{id}/redemptions", get(rewards::redemptions))
        .route("/admin/vouchers/use", post(rewards::admin_use))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT_BYTES));
    let api = api.merge(rewards_api);
    // Citizens, for administrators.
    let citizens_api = Router::new()
        .route("/admin/citizens", get(admin_citizens::search))
        .route("/admin/citizens/{id}", get(admin_citizens::detail))
        .route("/admin/citizens/{id}/freeze", post(admin_citizens::freeze))
        .route(
            "/admin/citizens/{id}/unfreeze",
            post(admin_citizens::unfreeze),
        )
        .route(
            "/admin/citizens/{id}/adjustments",
            post(admin_citizens::adjust),
        )
        .route(
            "/admin/citizens/{id}/bindings/{binding_id}/remove",
            post(admin_citizens::remove_binding),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT_BYTES));
    let api = api.merge(citizens_api);
    // The city dashboard and reports.
    let dashboard_api = Router::new()
        .route("/admin/dashboard", get(dashboard::dashboard))
        .route("/admin/reports/actions.csv", get(dashboard::actions_csv))
        .route("/admin/reports/certified", get(dashboard::certified))
        .method_not_allowed_fallback(method_not_allowed);
    let api = api.merge(dashboard_api);
    // File imports: the upload streams to disk, up to its own limit.
    let imports_api = Router::new()
        .route("/admin/partners/{id}/imports", post(imports::upload))
        .route("/admin/imports", get(imports::list))
        .route("/admin/imports/{id}", get(imports::view))
        .route("/admin/imports/{id}/errors.csv", get(imports::errors))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::disable());
    let api = api.merge(imports_api);

    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .fallback(static_files::serve)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                        let id = req
                            .headers()
                            .get(&REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
                    })
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(CompressionLayer::new())
                // Hardening for every answer. The app's page sets its own
                // Content-Security-Policy (static_files::app_policy); the rest
                // (JSON, files) may load nothing. No CORS headers are ever
                // sent: other origins cannot read the API from a browser.
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
                    ),
                )),
        )
        .with_state(state)
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// A panic in a handler is a bug: log it, answer 500 in our shape, keep serving.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let cause = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".to_owned());
    AppError::Internal(format!("handler panicked: {cause}")).into_response()
}
