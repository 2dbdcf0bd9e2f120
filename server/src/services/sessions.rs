//! Sessions: login, silent refresh, logout.
//!
//! A login starts a *family* of refresh tokens. Each refresh exchanges the
//! presented token for a new one in the same family and marks the old one
//! rotated. Presenting a rotated (or revoked) token again can only mean it
//! was copied: the whole family is revoked, so the thief and the victim are
//! both signed out and the victim signs in again. Tokens are stored as
//! SHA-256 hashes; the plain token exists only in the browser's httpOnly
//! cookie.

use super::accounts;
use super::rate_limit::{self, Limits};
use super::tokens::AccessTokens;
use super::{ServiceError, ServiceResult};
use crate::entities::refresh_tokens;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use tanpu_core::UserId;
use tanpu_core::account::Login;
use tanpu_core::api::{LoginRequest, SessionView, UserView};

/// How long a refresh token stays usable when not exchanged.
pub const REFRESH_TOKEN_DAYS: i64 = 30;

/// A new session: what the body carries, and the refresh token for the cookie.
pub struct IssuedSession {
    /// The JSON answer.
    pub view: SessionView,
    /// The refresh token, for the httpOnly cookie only.
    pub refresh_token: String,
}

const SIGNED_OUT: &str = "the session has ended; sign in again";

/// Signs in with login and password.
///
/// # Errors
/// [`ServiceError::RateLimited`] past the login limits;
/// [`ServiceError::Unauthenticated`] for a wrong pair (never saying which
/// part); [`ServiceError::AccountFrozen`].
pub async fn login(
    db: &DatabaseConnection,
    tokens: &AccessTokens,
    limits: &Limits,
    client: IpAddr,
    req: LoginRequest,
) -> ServiceResult<IssuedSession> {
    // Both limits count every attempt: per address against spraying many
    // accounts, per account against many addresses guessing one password.
    let now = Utc::now().timestamp();
    rate_limit::hit(db, limits.login_per_ip, &client.to_string(), now).await?;
    let account_key =
        Login::parse(&req.login).map_or_else(|_| req.login.trim().to_owned(), |l| l.to_string());
    rate_limit::hit(db, limits.login_per_account, &account_key, now).await?;
    let user = accounts::authenticate(db, &req.login, req.password).await?;
    let family = uuid::Uuid::new_v4().simple().to_string();
    start_session(db, tokens, user, family, Utc::now()).await
}

/// Starts a new session (family) for a user already authenticated another
/// way, e.g. right after a password change.
///
/// # Errors
/// Database failures.
pub async fn new_session_for(
    db: &DatabaseConnection,
    tokens: &AccessTokens,
    user: UserView,
) -> ServiceResult<IssuedSession> {
    let family = uuid::Uuid::new_v4().simple().to_string();
    start_session(db, tokens, user, family, Utc::now()).await
}

/// Exchanges a refresh token for a new access token and a new refresh token.
///
/// # Errors
/// [`ServiceError::Unauthenticated`] for an unknown, expired, rotated or
/// revoked token (the last two also revoke the family);
/// [`ServiceError::AccountFrozen`].
pub async fn refresh(
    db: &DatabaseConnection,
    tokens: &AccessTokens,
    presented: &str,
) -> ServiceResult<IssuedSession> {
    let now = Utc::now();
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash_token(presented)))
        .one(db)
        .await?
        .ok_or(ServiceError::Unauthenticated(SIGNED_OUT))?;
    if row.rotated_at.is_some() || row.revoked_at.is_some() {
        tracing::warn!(user = row.user_id, family = %row.family_id, "refresh token reused: revoking its family");
        revoke_family(db, &row.family_id, now).await?;
        return Err(ServiceError::Unauthenticated(SIGNED_OUT));
    }
    if row.expires_at <= now {
        return Err(ServiceError::Unauthenticated(SIGNED_OUT));
    }
    let user = accounts::find_by_id(db, UserId(row.user_id))
        .await?
        .ok_or(ServiceError::Unauthenticated(SIGNED_OUT))?;
    if user.frozen {
        revoke_family(db, &row.family_id, now).await?;
        return Err(ServiceError::AccountFrozen);
    }
    // Rotation is a conditional update that must win exactly once: of two
    // concurrent refreshes with one token, the loser is treated as reuse.
    let txn = db.begin().await?;
    let rotated = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RotatedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(row.id))
        .filter(refresh_tokens::Column::RotatedAt.is_null())
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if rotated.rows_affected != 1 {
        txn.rollback().await?;
        revoke_family(db, &row.family_id, now).await?;
        return Err(ServiceError::Unauthenticated(SIGNED_OUT));
    }
    let session = start_session(&txn, tokens, user, row.family_id, now).await?;
    txn.commit().await?;
    Ok(session)
}

/// Ends the session the refresh token belongs to. Unknown tokens are
/// ignored: logging out twice is not an error.
///
/// # Errors
/// Database failures.
pub async fn logout(db: &DatabaseConnection, presented: &str) -> ServiceResult<()> {
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash_token(presented)))
        .one(db)
        .await?;
    if let Some(row) = row {
        revoke_family(db, &row.family_id, Utc::now()).await?;
    }
    Ok(())
}

/// Revokes every session of a user (after a password change or a freeze).
///
/// # Errors
/// Database failures.
pub async fn revoke_all(db: &impl ConnectionTrait, user: UserId) -> ServiceResult<()> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_tokens::Column::UserId.eq(user.0))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn revoke_family(
    db: &impl ConnectionTrait,
    family: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
        .filter(refresh_tokens::Column::FamilyId.eq(family))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn start_session(
    conn: &impl ConnectionTrait,
    tokens: &AccessTokens,
    user: UserView,
    family: String,
    now: DateTime<Utc>,
) -> ServiceResult<IssuedSession> {
    let mut raw = [0_u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let refresh_token = URL_SAFE_NO_PAD.encode(raw);
    refresh_tokens::ActiveModel {
        user_id: Set(user.id.0),
        family_id: Set(family),
        token_hash: Set(hash_token(&refresh_token)),
        issued_at: Set(now),
        expires_at: Set(now + Duration::days(REFRESH_TOKEN_DAYS)),
        rotated_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let (access_token, expires_in) = tokens.issue(user.id, now)?;
    Ok(IssuedSession {
        view: SessionView {
            access_token,
            expires_in,
            user,
        },
        refresh_token,
    })
}

/// Refresh tokens are 256 random bits, so a plain SHA-256 (no salt, no
/// stretching) is enough to make a stolen table useless.
fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
