//! Registration and sessions: `/api/v1/auth/…`.
//!
//! The refresh token lives in an httpOnly, SameSite=Strict cookie scoped to
//! `/api/v1/auth`, so page scripts cannot read it and other routes never
//! receive it; it is `Secure` whenever the request came over HTTPS. Beside
//! it, a cookie the page can read says only that a session exists
//! ([`SESSION_HINT_COOKIE`]), so a visitor's page need not ask.

use super::AppState;
use super::client::ClientIp;
use super::extract::ApiJson;
use crate::error::AppError;
use crate::services::accounts;
use crate::services::sessions::{self, IssuedSession, REFRESH_TOKEN_DAYS};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use tanpu_core::api::{LoginRequest, RegisterRequest, SessionView, UserView};
use tanpu_core::web::SESSION_HINT_COOKIE;

/// The refresh cookie's name.
pub const REFRESH_COOKIE: &str = "tanpu_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

/// `POST /api/v1/auth/register`: a citizen creates an account.
#[utoipa::path(
    post,
    path = "/auth/register",
    tag = "auth",
    request_body = RegisterRequest,
    responses((status = 201, description = "Created", body = UserView))
)]
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<UserView>), AppError> {
    let user = accounts::register(&state.db, &state.config.limits, ip, req).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// `POST /api/v1/auth/login`.
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses((status = 200, description = "OK", body = SessionView))
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<(CookieJar, Json<SessionView>), AppError> {
    let session = sessions::login(&state.db, &state.tokens, &state.config.limits, ip, req).await?;
    Ok(with_refresh_cookie(jar, &headers, session))
}

/// `POST /api/v1/auth/refresh`: the refresh cookie for a new access token
/// (and a new refresh cookie).
#[utoipa::path(
    post,
    path = "/auth/refresh",
    tag = "auth",
    security(("refresh_cookie" = [])),
    responses((status = 200, description = "OK", body = SessionView))
)]
pub async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<(CookieJar, Json<SessionView>), (CookieJar, AppError)> {
    let Some(presented) = jar.get(REFRESH_COOKIE).map(|c| c.value().to_owned()) else {
        return Err(refused(jar, AppError::Unauthorized("not signed in")));
    };
    match sessions::refresh(&state.db, &state.tokens, &presented).await {
        Ok(session) => Ok(with_refresh_cookie(jar, &headers, session)),
        Err(e) => Err(refused(jar, e.into())),
    }
}

/// A refresh that failed: a refused one (401) clears both cookies, since a
/// session that has ended must not keep telling the page it exists; any
/// other failure (the database away) leaves them for the next try.
fn refused(jar: CookieJar, error: AppError) -> (CookieJar, AppError) {
    if matches!(error, AppError::Unauthorized(_)) {
        (clear_session_cookies(jar), error)
    } else {
        (jar, error)
    }
}

/// `POST /api/v1/auth/logout`: ends the session and clears the cookie.
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    responses((status = 204, description = "Done"))
)]
pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<(CookieJar, StatusCode), AppError> {
    if let Some(cookie) = jar.get(REFRESH_COOKIE) {
        sessions::logout(&state.db, cookie.value()).await?;
    }
    Ok((clear_session_cookies(jar), StatusCode::NO_CONTENT))
}

/// Puts the session's refresh token in the cookie, sets the session hint,
/// and returns the body.
pub fn with_refresh_cookie(
    jar: CookieJar,
    headers: &HeaderMap,
    session: IssuedSession,
) -> (CookieJar, Json<SessionView>) {
    let max_age = cookie::time::Duration::days(REFRESH_TOKEN_DAYS);
    let secure = came_over_https(headers);
    let refresh = Cookie::build((REFRESH_COOKIE, session.refresh_token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path(REFRESH_COOKIE_PATH)
        .max_age(max_age)
        .secure(secure)
        .build();
    // Readable by the page, on every path, and nothing but a flag.
    let hint = Cookie::build((SESSION_HINT_COOKIE, "1"))
        .same_site(SameSite::Strict)
        .path("/")
        .max_age(max_age)
        .secure(secure)
        .build();
    (jar.add(refresh).add(hint), Json(session.view))
}

/// Removes the refresh cookie and the session hint (sign-out, a refused
/// refresh, a deleted account), whether or not the request carried them:
/// `CookieJar::remove` would only remove a cookie the request sent.
pub fn clear_session_cookies(jar: CookieJar) -> CookieJar {
    jar.add(removal(REFRESH_COOKIE, REFRESH_COOKIE_PATH))
        .add(removal(SESSION_HINT_COOKIE, "/"))
}

/// A `Set-Cookie` that removes the cookie `name` set on `path`.
fn removal(name: &'static str, path: &'static str) -> Cookie<'static> {
    let mut cookie = Cookie::build((name, "")).path(path).build();
    cookie.make_removal();
    cookie
}

/// Behind a TLS-terminating proxy the scheme arrives as `X-Forwarded-Proto`.
fn came_over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}
