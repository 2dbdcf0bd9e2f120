//! Rewards, redemptions and vouchers: `/api/v1/rewards`, `/api/v1/me/vouchers`
//! and their administration under `/api/v1/admin/rewards`.

use crate::ids::{PartnerId, RewardId, UserId, VoucherId};
use crate::units::Points;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a reward is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RewardCategory {
    /// Bus or metro rides or passes.
    TransitPass,
    /// A voucher from a local merchant.
    MerchantVoucher,
    /// A donation to a tree-planting or city-greening fund.
    Donation,
    /// A certificate of the citizen's contribution.
    Certificate,
}

impl RewardCategory {
    /// Every category, in display order.
    pub const ALL: [Self; 4] = [
        Self::TransitPass,
        Self::MerchantVoucher,
        Self::Donation,
        Self::Certificate,
    ];

    /// The stored and wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TransitPass => "transit_pass",
            Self::MerchantVoucher => "merchant_voucher",
            Self::Donation => "donation",
            Self::Certificate => "certificate",
        }
    }

    /// Parses a stored name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for RewardCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reward of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RewardView {
    /// The id.
    pub id: RewardId,
    /// What it is.
    pub category: RewardCategory,
    /// Its name, as the city wrote it.
    pub name: String,
    /// What the citizen gets and how to use it.
    pub description: String,
    /// The merchant (a partner) that honours its vouchers, if any.
    pub merchant: Option<String>,
    /// The partner that may mark its vouchers used.
    pub partner_id: Option<PartnerId>,
    /// What one costs.
    pub price: Points,
    /// How many are left.
    pub stock: i64,
    /// How many have been redeemed.
    pub redeemed: i64,
    /// Redeemable from (none: already).
    #[serde(default, with = "crate::wire_time::option")]
    pub available_from: Option<DateTime<Utc>>,
    /// Redeemable until (none: while stock lasts).
    #[serde(default, with = "crate::wire_time::option")]
    pub available_until: Option<DateTime<Utc>>,
    /// How many days a voucher stays valid after it is issued.
    pub voucher_days: u32,
    /// The most one citizen may redeem (none: no limit).
    pub per_citizen_limit: Option<u32>,
    /// Whether citizens see it.
    pub active: bool,
}

/// `GET /api/v1/rewards` and `GET /api/v1/admin/rewards`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RewardList {
    /// Cheapest first.
    pub rewards: Vec<RewardView>,
}

/// `POST /api/v1/admin/rewards` and `PUT /api/v1/admin/rewards/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RewardInput {
    /// What it is.
    pub category: RewardCategory,
    /// Its name (1–80 characters).
    pub name: String,
    /// What the citizen gets (up to 1,000 characters).
    pub description: String,
    /// The partner that honours its vouchers and may mark them used.
    #[serde(default)]
    pub partner_id: Option<PartnerId>,
    /// What one costs (at least 1).
    pub price: Points,
    /// How many are left (0 or more).
    pub stock: i64,
    /// Redeemable from.
    #[serde(default, with = "crate::wire_time::option")]
    pub available_from: Option<DateTime<Utc>>,
    /// Redeemable until.
    #[serde(default, with = "crate::wire_time::option")]
    pub available_until: Option<DateTime<Utc>>,
    /// How many days a voucher stays valid (1–3,660).
    pub voucher_days: u32,
    /// The most one citizen may redeem.
    #[serde(default)]
    pub per_citizen_limit: Option<u32>,
    /// Whether citizens see it.
    pub active: bool,
}

/// Where a voucher stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VoucherStatus {
    /// Issued and still valid.
    Issued,
    /// Used at the merchant.
    Used,
    /// Past its validity, unused.
    Expired,
}

impl VoucherStatus {
    /// The wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Used => "used",
            Self::Expired => "expired",
        }
    }
}

/// A voucher, as its citizen sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoucherView {
    /// The id.
    pub id: VoucherId,
    /// The reward it is for.
    pub reward_id: RewardId,
    /// The reward's name.
    pub reward_name: String,
    /// The reward's category.
    pub category: RewardCategory,
    /// The merchant that honours it.
    pub merchant: Option<String>,
    /// The code to show or read out, e.g. `TP-7K3M-Q9XD-2WHN`.
    pub code: String,
    /// The code as a QR code, an SVG document made by the server.
    pub qr_svg: String,
    /// Points paid.
    pub price: Points,
    /// Where it stands.
    pub status: VoucherStatus,
    /// When it was issued.
    #[serde(with = "crate::wire_time")]
    pub issued_at: DateTime<Utc>,
    /// The last moment it can be used.
    #[serde(with = "crate::wire_time")]
    pub valid_until: DateTime<Utc>,
    /// When it was used.
    #[serde(default, with = "crate::wire_time::option")]
    pub used_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/me/vouchers`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoucherList {
    /// Newest first.
    pub vouchers: Vec<VoucherView>,
}

/// `POST /api/v1/rewards/{id}/redeem` (with an `Idempotency-Key` header).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Redemption {
    /// The voucher issued.
    pub voucher: VoucherView,
    /// The citizen's balance after paying.
    pub balance: Points,
    /// Whether this answer repeats an earlier request with the same key
    /// (nothing was charged this time).
    pub replayed: bool,
}

/// A redemption as administrators and merchants see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedemptionRecord {
    /// The voucher.
    pub id: VoucherId,
    /// The reward.
    pub reward_id: RewardId,
    /// The reward's name.
    pub reward_name: String,
    /// The citizen (none for a merchant's view).
    pub user_id: Option<UserId>,
    /// The citizen's nickname (none for a merchant's view).
    pub nickname: Option<String>,
    /// The voucher's code.
    pub code: String,
    /// Points paid.
    pub price: Points,
    /// Where it stands.
    pub status: VoucherStatus,
    /// When it was issued.
    #[serde(with = "crate::wire_time")]
    pub issued_at: DateTime<Utc>,
    /// The last moment it can be used.
    #[serde(with = "crate::wire_time")]
    pub valid_until: DateTime<Utc>,
    /// When it was used.
    #[serde(default, with = "crate::wire_time::option")]
    pub used_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/admin/rewards/{id}/redemptions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedemptionList {
    /// Newest first.
    pub redemptions: Vec<RedemptionRecord>,
}

/// `POST /api/v1/admin/vouchers/use` and `POST /api/v1/partner/vouchers/use`:
/// a merchant (or an administrator) marks a voucher used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UseVoucherRequest {
    /// The code as shown or scanned; case, spaces and dashes are ignored.
    pub code: String,
}
