//! The city dashboard and the reports: `/api/v1/admin/dashboard` and
//! `/api/v1/admin/reports/…`.

use crate::units::{GramsCo2e, Points};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Totals of one window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardTotals {
    /// CO2e saved by accepted actions.
    pub co2e_g: GramsCo2e,
    /// Points credited for accepted actions.
    pub points_issued: Points,
    /// Points spent on rewards.
    pub points_redeemed: Points,
    /// Vouchers issued.
    pub vouchers: i64,
    /// Citizens credited at least once.
    pub active_citizens: i64,
    /// Actions accepted.
    pub accepted: i64,
    /// Actions rejected.
    pub rejected: i64,
    /// Actions held for review (as they stand now).
    pub held: i64,
}

/// One slice of a window: a kind, a partner or a district.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardSlice {
    /// The kind (`bus_ride`), the partner's id (`0` for citizens' claims) or
    /// the district (empty when records named none).
    pub key: String,
    /// For people: the partner's name; otherwise the key.
    pub label: String,
    /// CO2e saved (accepted).
    pub co2e_g: GramsCo2e,
    /// Points issued (accepted).
    pub points: Points,
    /// Actions accepted.
    pub accepted: i64,
    /// Actions rejected.
    pub rejected: i64,
    /// Actions held.
    pub held: i64,
}

/// One window of the dashboard: today, this week, this month, this year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardWindow {
    /// `today`, `week`, `month` or `year`.
    pub window: String,
    /// Its first day (city time).
    #[serde(with = "crate::wire_time")]
    pub from: NaiveDate,
    /// Its last day: today.
    #[serde(with = "crate::wire_time")]
    pub to: NaiveDate,
    /// The totals.
    pub totals: DashboardTotals,
    /// By action kind, most CO2e first.
    pub by_kind: Vec<DashboardSlice>,
    /// By partner, most CO2e first.
    pub by_partner: Vec<DashboardSlice>,
    /// By district, most CO2e first.
    pub by_district: Vec<DashboardSlice>,
}

/// One day of the chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardDay {
    /// The day.
    #[serde(with = "crate::wire_time")]
    pub day: NaiveDate,
    /// CO2e saved.
    pub co2e_g: GramsCo2e,
    /// Points issued.
    pub points: Points,
    /// Actions accepted.
    pub accepted: i64,
}

/// The last `ledger verify`, as the dashboard shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerCheck {
    /// When it ran.
    #[serde(with = "crate::wire_time")]
    pub at: DateTime<Utc>,
    /// Whether the ledger was whole.
    pub ok: bool,
    /// Entries whose hash was recomputed.
    pub entries_checked: u64,
    /// Problems found.
    pub problem_count: u64,
}

/// `GET /api/v1/admin/dashboard`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// Today, city time.
    #[serde(with = "crate::wire_time")]
    pub today: NaiveDate,
    /// Today, this week (from Monday), this month, this year.
    pub windows: Vec<DashboardWindow>,
    /// The last 30 days, oldest first, for the chart.
    pub days: Vec<DashboardDay>,
    /// The last ledger verification, if one ran.
    pub ledger_check: Option<LedgerCheck>,
}

/// One kind of the certified-reduction statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertifiedKind {
    /// The action kind.
    pub kind: String,
    /// CO2e reduced by accepted actions of this kind.
    pub co2e_g: GramsCo2e,
    /// Accepted actions.
    pub actions: i64,
    /// The methodology versions that produced them: `rule name vN (#id)`.
    pub methodologies: Vec<String>,
}

/// `GET /api/v1/admin/reports/certified?from=…&to=…`: the basis for
/// pooling and selling the city's reductions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertifiedStatement {
    /// First day (city time), inclusive.
    #[serde(with = "crate::wire_time")]
    pub from: NaiveDate,
    /// Last day, inclusive.
    #[serde(with = "crate::wire_time")]
    pub to: NaiveDate,
    /// By kind.
    pub kinds: Vec<CertifiedKind>,
    /// Total CO2e reduced.
    pub co2e_g: GramsCo2e,
    /// Accepted actions.
    pub actions: i64,
    /// Distinct citizens credited.
    pub citizens: i64,
    /// The ledger verification it relies on (run when the statement was made).
    pub ledger_check: LedgerCheck,
    /// When the statement was made.
    #[serde(with = "crate::wire_time")]
    pub generated_at: DateTime<Utc>,
}
