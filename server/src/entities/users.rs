//! `users`: everyone with a login.

use sea_orm::entity::prelude::*;

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Normalised mobile number or e-mail address; unique.
    #[sea_orm(unique)]
    pub login: String,
    /// Shown to others.
    pub nickname: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// `citizen`, `reviewer` or `admin`.
    pub role: String,
    /// Privacy notice version accepted at registration.
    pub consent_version: String,
    /// When it was accepted.
    pub consent_at: DateTimeUtc,
    /// When an administrator froze the account; `None` when active.
    pub frozen_at: Option<DateTimeUtc>,
    /// Why it was frozen.
    pub frozen_reason: Option<String>,
    /// When the account was created.
    pub created_at: DateTimeUtc,
    /// Whether the nickname appears on the leaderboard.
    pub leaderboard_opt_in: bool,
}

/// No relations yet.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
