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
pub mod openapi;
mod partner;
mod public;
mod review;
mod rewards;
mod rules;
mod static_files;

use crate::config::Config;
use crate::error::AppError;
use crate::services::ServiceResult;
use crate::services::citizen_cache::CitizenCache;
use crate::services::ingest::queue::IngestQueue;
use crate::services::partner_limit::PartnerLimiter;
use crate::services::tokens::AccessTokens;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
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
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
    /// Partner requests, committed in groups per partner.
    pub ingest: IngestQueue,
    /// Each partner's ingest budget (records per second, in memory).
    pub partner_limiter: PartnerLimiter,
    /// What this server remembers of each citizen between requests
    /// (standing, summary, first page of actions: [`CitizenCache`]).
    pub citizens: CitizenCache,
}

impl AppState {
    /// Bundles the pool and the configuration. Call inside the Tokio
    /// runtime: on PostgreSQL it starts the listener that keeps
    /// [`AppState::citizens`] told of other processes' changes.
    ///
    /// # Errors
    /// The JWT key is unusable.
    pub fn new(db: DatabaseConnection, config: Config) -> ServiceResult<Self> {
        let citizens = CitizenCache::for_database(&db);
        Self::with_citizens(db, config, citizens)
    }

    /// [`AppState::new`] with a citizen cache of the caller's (the
    /// benchmarks' baseline server: one that never serves).
    ///
    /// # Errors
    /// The JWT key is unusable.
    pub fn with_citizens(
        db: DatabaseConnection,
        config: Config,
        citizens: CitizenCache,
    ) -> ServiceResult<Self> {
        let static_files = StaticFiles::new(&config.dist);
        let tokens = AccessTokens::new(&config.jwt_secret)?;
        let ingest = IngestQueue::new(db.clone(), config.binding_key.clone(), citizens.clone());
        Ok(Self {
            partner_limiter: PartnerLimiter::new(config.partner_limit),
            citizens,
            ingest,
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
    let mut api_doc = utoipa::openapi::OpenApi::default();
    let mut part = |routes: OpenApiRouter<AppState>| {
        let (routes, doc) = routes.split_for_parts();
        api_doc.merge(doc);
        routes.method_not_allowed_fallback(method_not_allowed)
    };
    let api_limit = || DefaultBodyLimit::max(API_BODY_LIMIT_BYTES);
    // Accounts, the citizen's own data, the review queue and partners.
    let api = part(
        OpenApiRouter::new()
            .routes(routes!(public::stats))
            .routes(routes!(auth::register))
            .routes(routes!(auth::login))
            .routes(routes!(auth::refresh))
            .routes(routes!(auth::logout))
            .routes(routes!(me::me, me::update, me::delete))
            .routes(routes!(me::export))
            .routes(routes!(me::change_password))
            .routes(routes!(me::summary))
            .routes(routes!(me::actions))
            .routes(routes!(me::action))
            .routes(routes!(me::claim))
            .routes(routes!(review::queue))
            .routes(routes!(review::approve))
            .routes(routes!(review::reject))
            .routes(routes!(me::list_bindings, me::add_binding))
            .routes(routes!(me::remove_binding))
            .routes(routes!(admin::set_role))
            .routes(routes!(admin::list_partners, admin::create_partner))
            .routes(routes!(admin::rotate_partner_secret))
            .routes(routes!(admin::retire_old_partner_secrets))
            .routes(routes!(admin::disable_partner))
            .routes(routes!(admin::verify_ledger))
            .layer(api_limit()),
    );
    // Partners send batches: a larger limit, on their routes only.
    let api = api.merge(part(
        OpenApiRouter::new()
            .routes(routes!(partner::me))
            .routes(routes!(partner::submit_one))
            .routes(routes!(partner::submit_batch))
            .routes(routes!(partner::decision))
            .routes(routes!(rewards::partner_use))
            .layer(DefaultBodyLimit::max(partner::PARTNER_BODY_LIMIT_BYTES)),
    ));
    // Credit rules: the administrators' editor and simulation, the audit
    // log, and the public "how to earn" page and calculator.
    let api = api.merge(part(
        OpenApiRouter::new()
            .routes(routes!(rules::public_rules))
            .routes(routes!(rules::preview))
            .routes(routes!(rules::audit_log))
            .routes(routes!(rules::list, rules::create_rule))
            .routes(routes!(rules::history))
            .routes(routes!(rules::create_draft))
            .routes(routes!(
                rules::version,
                rules::update_draft,
                rules::delete_draft
            ))
            .routes(routes!(rules::publish))
            .routes(routes!(rules::retire))
            .routes(routes!(rules::simulate))
            .layer(api_limit()),
    ));
    // Rewards, vouchers and the leaderboard.
    let api = api.merge(part(
        OpenApiRouter::new()
            .routes(routes!(rewards::catalogue))
            .routes(routes!(rewards::redeem))
            .routes(routes!(rewards::my_vouchers))
            .routes(routes!(leaderboard::board))
            .routes(routes!(leaderboard::choose))
            .routes(routes!(rewards::admin_list, rewards::create))
            .routes(routes!(rewards::update))
            .routes(routes!(rewards::redemptions))
            .routes(routes!(rewards::admin_use))
            .layer(api_limit()),
    ));
    // Citizens, for administrators.
    let api = api.merge(part(
        OpenApiRouter::new()
            .routes(routes!(admin_citizens::search))
            .routes(routes!(admin_citizens::detail))
            .routes(routes!(admin_citizens::freeze))
            .routes(routes!(admin_citizens::unfreeze))
            .routes(routes!(admin_citizens::adjust))
            .routes(routes!(admin_citizens::remove_binding))
            .layer(api_limit()),
    ));
    // The city dashboard and reports.
    let api = api.merge(part(
        OpenApiRouter::new()
            .routes(routes!(dashboard::dashboard))
            .routes(routes!(dashboard::actions_csv))
            .routes(routes!(dashboard::certified))
            .layer(api_limit()),
    ));
    // File imports: the upload streams to disk, up to its own limit.
    let api = api.merge(part(
        OpenApiRouter::new()
            .routes(routes!(imports::upload))
            .routes(routes!(imports::list))
            .routes(routes!(imports::view))
            .routes(routes!(imports::errors))
            .layer(DefaultBodyLimit::disable()),
    ));
    let (probes, probes_doc) = OpenApiRouter::new()
        .routes(routes!(health::live))
        .routes(routes!(health::ready))
        .split_for_parts();
    let doc = openapi::document(api_doc, probes_doc);

    // Every API request is one piece of work for the citizen cache: whoever
    // its writes changed is forgotten before the answer leaves.
    let api = api.layer(middleware::from_fn_with_state(
        state.citizens.clone(),
        forgetting_changes,
    ));
    let app = Router::new()
        .nest("/api/v1", api)
        .merge(probes)
        .merge(openapi::routes(doc))
        .fallback(static_files::serve);
    // The timeouts sit inside the hardening below, so an answer they cut
    // short still carries the security headers and the request id, and is
    // traced like any other.
    crate::http::with_timeouts(app, state.config.timeouts)
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

/// Runs a request inside [`CitizenCache::forgetting`].
async fn forgetting_changes(
    State(citizens): State<CitizenCache>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    citizens.forgetting(next.run(request)).await
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
