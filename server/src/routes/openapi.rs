//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers'
//! `#[utoipa::path]` annotations and the DTOs' `ToSchema` derives, and the
//! browsable page that shows it (Swagger UI, its files compiled into the
//! binary, so the page works without a network).
//!
//! The routes are registered through `utoipa_axum::routes!` (see
//! [`super::router`]), which takes each route's path and method from its
//! annotation: a route cannot exist without being documented, nor be
//! documented at a path it does not serve.

use axum::Router;
use axum::http::{HeaderValue, header};
use tanpu_core::api::ErrorBody;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";
/// Where the browsable page is served.
pub const PAGE_PATH: &str = "/api/v1/docs";

/// The parts of the document no handler states: title, the guide, the
/// security schemes and the error answers every operation can give.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tanpu API",
        description = include_str!("openapi.md"),
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "auth", description = "Registration, sign-in and sessions"),
        (name = "me", description = "The signed-in citizen's own account, actions, claims and data"),
        (name = "rewards", description = "The rewards catalogue and redemption"),
        (name = "leaderboard", description = "The opt-in leaderboard"),
        (name = "public", description = "Open data, the rules in force and the calculator: no sign-in"),
        (name = "partner", description = "Signed partner requests: records of green actions, vouchers"),
        (name = "review", description = "The review queue, for reviewers and administrators"),
        (name = "admin", description = "The administrators' console"),
        (name = "health", description = "Liveness and readiness probes"),
    )
)]
pub struct ApiDoc;

/// The whole document: [`ApiDoc`] with the routes' own parts nested under
/// `/api/v1` and the probes at the root.
#[must_use]
pub fn document(api: Document, root: Document) -> Document {
    let mut doc = ApiDoc::openapi().nest("/api/v1", api);
    doc.merge(root);
    // Applied here rather than as the derive's `modifiers`, which would run
    // before the routes' operations are in the document.
    SecuritySchemes.modify(&mut doc);
    ErrorAnswers.modify(&mut doc);
    strip_route_from_summaries(&mut doc);
    doc
}

/// The document as JSON and the page, each with the policy it needs.
pub fn routes<S: Clone + Send + Sync + 'static>(doc: Document) -> Router<S> {
    // Swagger UI renders with inline styles and data: images; its scripts
    // are its own files. Nothing else is allowed, and nothing may frame it.
    Router::from(SwaggerUi::new(PAGE_PATH).url(DOCUMENT_PATH, doc)).layer(
        SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                 img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
                 base-uri 'none'; form-action 'none'",
            ),
        ),
    )
}

/// The handlers' doc comments start with their route for readers of the
/// code (`` `GET /api/v1/me`: … ``); on the page the route is already shown,
/// so the summary keeps only what follows.
fn strip_route_from_summaries(doc: &mut Document) {
    for operation in operations(doc) {
        for text in [&mut operation.summary, &mut operation.description] {
            let Some(current) = text.as_deref() else {
                continue;
            };
            let Some(rest) = current.strip_prefix('`').and_then(|t| t.split_once('`')) else {
                continue;
            };
            let rest = rest
                .1
                .trim_start_matches(':')
                .trim_start_matches('.')
                .trim();
            let mut chars = rest.chars();
            *text = chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect());
        }
    }
}

/// Every operation of the document (the API uses these five methods).
fn operations(doc: &mut Document) -> impl Iterator<Item = &mut Operation> {
    doc.paths.paths.values_mut().flat_map(|item| {
        [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ]
        .into_iter()
        .flatten()
    })
}

/// `bearer` (the access token), `refresh_cookie` and `partner_signature`.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "The `access_token` of `POST /api/v1/auth/login` (15 minutes); \
                         renew it with `POST /api/v1/auth/refresh`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "refresh_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::routes::REFRESH_COOKIE,
                "The HttpOnly refresh cookie set at sign-in, valid once.",
            ))),
        );
        components.add_security_scheme(
            "partner_signature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "webhook-signature",
                "Standard Webhooks signature `v1,<base64 HMAC-SHA256>` of \
                 `<webhook-id>.<webhook-timestamp>.<body>`, sent with the headers \
                 `tanpu-partner`, `webhook-id` and `webhook-timestamp`. See \
                 \"Partner requests\" in the description above for a worked example.",
            ))),
        );
    }
}

/// Every operation can fail in the shared error shape: a `default` answer
/// says so, and the statuses a client must handle on every route are named
/// (401 wherever credentials are needed, 408 wherever a body is sent, 429
/// and 503 everywhere).
struct ErrorAnswers;

impl Modify for ErrorAnswers {
    fn modify(&self, openapi: &mut Document) {
        let error = || {
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    ErrorBody::name(),
                ))))
                .build()
        };
        let answer = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content("application/json", error())
                .build()
        };
        for operation in operations(openapi) {
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let has_body = operation.request_body.is_some();
            let responses = &mut operation.responses.responses;
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| answer(description).into());
            };
            if secured {
                add("401", "No valid credentials");
            }
            if has_body {
                add("408", "The body paused for too long while it was sent");
            }
            add("429", "Too many requests; see `Retry-After`");
            add(
                "503",
                "The service cannot answer now (e.g. the database is unreachable); see `Retry-After`",
            );
            add(
                "default",
                "An error, in the shared shape `{\"error\": {\"code\", \"message\", \"details\"}}`",
            );
        }
    }
}
