//! The opt-in leaderboard: `/api/v1/leaderboard` and `/api/v1/me/leaderboard`.

use crate::units::GramsCo2e;
use serde::{Deserialize, Serialize};

/// Which totals the leaderboard ranks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaderboardPeriod {
    /// The last 7 days, today included (city time).
    #[default]
    Week,
    /// The calendar month so far (city time).
    Month,
}

/// One place on the leaderboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaderboardEntry {
    /// 1 for the most CO2e saved; equal totals share a rank.
    pub rank: u32,
    /// The nickname: the only thing the leaderboard shows of anyone.
    pub nickname: String,
    /// CO2e saved in the period.
    pub co2e_g: GramsCo2e,
    /// Whether this is the caller.
    pub is_me: bool,
}

/// `GET /api/v1/leaderboard?period=week|month`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leaderboard {
    /// The period ranked.
    pub period: LeaderboardPeriod,
    /// Whether the caller takes part.
    pub opted_in: bool,
    /// The top of the board.
    pub entries: Vec<LeaderboardEntry>,
    /// The caller's own place, when they take part and saved something.
    pub me: Option<LeaderboardEntry>,
    /// How many citizens are ranked.
    pub ranked: u64,
}

/// `PUT /api/v1/me/leaderboard`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeaderboardChoice {
    /// Take part (true) or leave (false).
    pub opt_in: bool,
}
