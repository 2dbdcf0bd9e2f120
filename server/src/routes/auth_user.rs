//! Who is calling: the `AuthUser` extractor and role guards.
//!
//! Every protected handler takes an [`AuthUser`] (any signed-in person) or a
//! guard built on it ([`AdminUser`]); a handler without one is public.

use super::AppState;
use crate::error::AppError;
use crate::services::citizen_cache::Standing;
use crate::services::{ServiceError, accounts};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use tanpu_core::UserId;
use tanpu_core::account::Role;

/// A signed-in, unfrozen person, as the database knows them now (or as
/// [`crate::services::citizen_cache`] remembers them, which is the same).
#[derive(Clone, Copy, Debug)]
pub struct AuthUser {
    /// Who.
    pub id: UserId,
    /// Their role at this moment (not when the token was issued).
    pub role: Role,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(AppError::Unauthorized(
                "sign in first: no bearer token was sent",
            ))?;
        let id = state.tokens.verify(token.trim())?;
        let Standing { role, frozen } = match state.citizens.standing(id) {
            Some(standing) => standing,
            None => {
                let ticket = state.citizens.ticket(id);
                let (role, frozen) = accounts::standing(&state.db, id).await?.ok_or(
                    ServiceError::Unauthenticated("the access token is invalid or expired"),
                )?;
                let standing = Standing { role, frozen };
                state.citizens.keep_standing(ticket, standing);
                standing
            }
        };
        if frozen {
            return Err(AppError::AccountFrozen);
        }
        Ok(Self { id, role })
    }
}

/// An administrator.
#[derive(Clone, Copy, Debug)]
pub struct AdminUser(pub AuthUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if user.role == Role::Admin {
            Ok(Self(user))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// A reviewer or an administrator: who may work the review queue.
#[derive(Clone, Copy, Debug)]
pub struct StaffUser(pub AuthUser);

impl FromRequestParts<AppState> for StaffUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if matches!(user.role, Role::Admin | Role::Reviewer) {
            Ok(Self(user))
        } else {
            Err(AppError::Forbidden)
        }
    }
}
