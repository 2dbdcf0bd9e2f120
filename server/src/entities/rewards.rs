//! `rewards`: the catalogue citizens spend points on.

use sea_orm::entity::prelude::*;

/// A row of `rewards`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rewards")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `transit_pass`, `merchant_voucher`, `donation` or `certificate`.
    pub category: String,
    /// Display name.
    pub name: String,
    /// What the citizen gets.
    pub description: String,
    /// The merchant (partner) that honours the vouchers.
    pub partner_id: Option<i64>,
    /// Points per voucher; positive.
    pub price: i64,
    /// Vouchers left; never negative.
    pub stock: i64,
    /// Vouchers issued so far.
    pub redeemed: i64,
    /// Redeemable from.
    pub available_from: Option<DateTimeUtc>,
    /// Redeemable until.
    pub available_until: Option<DateTimeUtc>,
    /// Days a voucher stays valid.
    pub voucher_days: i32,
    /// Most vouchers per citizen.
    pub per_citizen_limit: Option<i32>,
    /// Whether citizens see it.
    pub active: bool,
    /// When it was created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
