//! `vouchers`: one row per redemption.

use sea_orm::entity::prelude::*;

/// A row of `vouchers`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vouchers")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The reward redeemed.
    pub reward_id: i64,
    /// The citizen who redeemed it.
    pub user_id: i64,
    /// The code shown at the merchant; unique.
    #[sea_orm(unique)]
    pub code: String,
    /// The key of the request that created it; unique per citizen.
    pub idempotency_key: String,
    /// Points paid.
    pub price: i64,
    /// The ledger transfer that paid for it.
    pub transfer_id: Option<i64>,
    /// When it was issued.
    pub issued_at: DateTimeUtc,
    /// Last moment it can be used.
    pub valid_until: DateTimeUtc,
    /// When it was used.
    pub used_at: Option<DateTimeUtc>,
    /// The merchant that marked it used.
    pub used_by_partner_id: Option<i64>,
    /// The administrator who marked it used.
    pub used_by_user_id: Option<i64>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
