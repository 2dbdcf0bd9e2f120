//! The reward catalogue: what citizens see, and what administrators change.

use super::invalid;
use crate::entities::{partners, rewards};
use crate::services::audit::{self, AuditObject};
use crate::services::ledger::write;
use crate::services::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use tanpu_core::api::{RewardCategory, RewardInput, RewardList, RewardView};
use tanpu_core::ids::{PartnerId, RewardId};
use tanpu_core::{Points, UserId};

/// The longest name, in characters.
pub const NAME_MAX_CHARS: usize = 80;
/// The longest description, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 1_000;
/// The highest price and the largest stock an administrator may set.
pub const MAX_PRICE_OR_STOCK: i64 = 10_000_000;
/// The longest a voucher may stay valid: ten years.
pub const MAX_VOUCHER_DAYS: u32 = 3_660;
/// The highest per-citizen limit.
pub const MAX_PER_CITIZEN: u32 = 1_000;

/// Rewards a citizen can redeem now (active and within their dates),
/// including sold-out ones, cheapest first.
///
/// # Errors
/// Database failures.
pub async fn available(db: &DatabaseConnection, now: DateTime<Utc>) -> ServiceResult<RewardList> {
    let rows = rewards::Entity::find()
        .filter(rewards::Column::Active.eq(true))
        .filter(
            Condition::any()
                .add(rewards::Column::AvailableFrom.is_null())
                .add(rewards::Column::AvailableFrom.lte(now)),
        )
        .filter(
            Condition::any()
                .add(rewards::Column::AvailableUntil.is_null())
                .add(rewards::Column::AvailableUntil.gt(now)),
        )
        .order_by_asc(rewards::Column::Price)
        .order_by_asc(rewards::Column::Id)
        .all(db)
        .await?;
    list_of(db, rows).await
}

/// Every reward, active or not, newest first (for administrators).
///
/// # Errors
/// Database failures.
pub async fn all(db: &DatabaseConnection) -> ServiceResult<RewardList> {
    let rows = rewards::Entity::find()
        .order_by_desc(rewards::Column::Id)
        .all(db)
        .await?;
    list_of(db, rows).await
}

/// Adds a reward to the catalogue.
///
/// # Errors
/// [`ServiceError::Invalid`] naming the field at fault; database failures.
pub async fn create(
    db: &DatabaseConnection,
    actor: UserId,
    input: RewardInput,
) -> ServiceResult<RewardView> {
    let input = checked(db, input).await?;
    let txn = write::begin_write(db).await?;
    let mut row = rewards::ActiveModel {
        created_at: Set(Utc::now()),
        redeemed: Set(0),
        ..Default::default()
    };
    apply(&mut row, &input);
    let row = row.insert(&txn).await?;
    let view = view_of(&txn, row).await?;
    audit::record(
        &txn,
        Some(actor),
        "reward.create",
        &AuditObject::new("reward", view.id),
        None,
        Some(&snapshot(&view)),
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

/// Changes a reward: every field of `input` replaces the stored one (the
/// stock is the new number left).
///
/// # Errors
/// [`ServiceError::NotFound`]; [`ServiceError::Invalid`]; database failures.
pub async fn update(
    db: &DatabaseConnection,
    actor: UserId,
    id: RewardId,
    input: RewardInput,
) -> ServiceResult<RewardView> {
    let input = checked(db, input).await?;
    let txn = write::begin_write(db).await?;
    let before = rewards::Entity::find_by_id(id.0)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let before_view = view_of(&txn, before.clone()).await?;
    let mut row: rewards::ActiveModel = before.into();
    apply(&mut row, &input);
    let row = row.update(&txn).await?;
    let view = view_of(&txn, row).await?;
    audit::record(
        &txn,
        Some(actor),
        "reward.update",
        &AuditObject::new("reward", id),
        Some(&snapshot(&before_view)),
        Some(&snapshot(&view)),
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

/// One reward as the API shows it.
///
/// # Errors
/// A stored value outside its type (a bug); database failures.
pub async fn view_of<C: ConnectionTrait>(
    conn: &C,
    row: rewards::Model,
) -> ServiceResult<RewardView> {
    let names = partner_names(conn, row.partner_id.into_iter()).await?;
    view_with(&names, row)
}

async fn list_of(db: &DatabaseConnection, rows: Vec<rewards::Model>) -> ServiceResult<RewardList> {
    let names = partner_names(db, rows.iter().filter_map(|r| r.partner_id)).await?;
    let rewards = rows
        .into_iter()
        .map(|row| view_with(&names, row))
        .collect::<ServiceResult<_>>()?;
    Ok(RewardList { rewards })
}

/// The names of the given partners, by id.
pub(super) async fn partner_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl Iterator<Item = i64>,
) -> ServiceResult<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(partners::Entity::find()
        .filter(partners::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

fn view_with(names: &HashMap<i64, String>, row: rewards::Model) -> ServiceResult<RewardView> {
    let broken = |what: &str| ServiceError::Internal(format!("reward {}: bad {what}", row.id));
    Ok(RewardView {
        id: RewardId(row.id),
        category: RewardCategory::parse(&row.category).ok_or_else(|| broken("category"))?,
        merchant: row.partner_id.and_then(|p| names.get(&p).cloned()),
        partner_id: row.partner_id.map(PartnerId),
        price: Points(row.price),
        stock: row.stock,
        redeemed: row.redeemed,
        available_from: row.available_from,
        available_until: row.available_until,
        voucher_days: u32::try_from(row.voucher_days).map_err(|_| broken("voucher_days"))?,
        per_citizen_limit: row
            .per_citizen_limit
            .map(u32::try_from)
            .transpose()
            .map_err(|_| broken("per_citizen_limit"))?,
        active: row.active,
        name: row.name,
        description: row.description,
    })
}

fn snapshot(view: &RewardView) -> serde_json::Value {
    serde_json::to_value(view).unwrap_or(serde_json::Value::Null)
}

/// An input whose every field was checked.
struct Checked(RewardInput);

fn apply(row: &mut rewards::ActiveModel, input: &Checked) {
    let input = &input.0;
    row.category = Set(input.category.as_str().to_owned());
    row.name = Set(input.name.clone());
    row.description = Set(input.description.clone());
    row.partner_id = Set(input.partner_id.map(|p| p.0));
    row.price = Set(input.price.0);
    row.stock = Set(input.stock);
    row.available_from = Set(input.available_from);
    row.available_until = Set(input.available_until);
    // Both bounded by the checks, far below i32::MAX.
    row.voucher_days = Set(i32::try_from(input.voucher_days).unwrap_or(i32::MAX));
    row.per_citizen_limit = Set(input
        .per_citizen_limit
        .map(|l| i32::try_from(l).unwrap_or(i32::MAX)));
    row.active = Set(input.active);
}

/// Checks every field, trimming the texts; the first fault wins.
async fn checked(db: &DatabaseConnection, mut input: RewardInput) -> ServiceResult<Checked> {
    input.name = input.name.trim().to_owned();
    input.description = input.description.trim().to_owned();
    check_text("name", &input.name, NAME_MAX_CHARS, false)?;
    check_text(
        "description",
        &input.description,
        DESCRIPTION_MAX_CHARS,
        true,
    )?;
    if input.price.0 < 1 {
        return Err(invalid("price", "not_positive"));
    }
    if input.price.0 > MAX_PRICE_OR_STOCK {
        return Err(invalid("price", "too_large"));
    }
    if input.stock < 0 {
        return Err(invalid("stock", "negative"));
    }
    if input.stock > MAX_PRICE_OR_STOCK {
        return Err(invalid("stock", "too_large"));
    }
    if !(1..=MAX_VOUCHER_DAYS).contains(&input.voucher_days) {
        return Err(invalid("voucher_days", "out_of_range"));
    }
    if input
        .per_citizen_limit
        .is_some_and(|l| !(1..=MAX_PER_CITIZEN).contains(&l))
    {
        return Err(invalid("per_citizen_limit", "out_of_range"));
    }
    if let (Some(from), Some(until)) = (input.available_from, input.available_until)
        && until <= from
    {
        return Err(invalid("available_until", "not_after_start"));
    }
    if let Some(partner) = input.partner_id {
        let known = partners::Entity::find_by_id(partner.0).one(db).await?;
        if known.is_none() {
            return Err(invalid("partner_id", "unknown_partner"));
        }
    }
    Ok(Checked(input))
}

fn check_text(
    field: &'static str,
    value: &str,
    max_chars: usize,
    multiline: bool,
) -> ServiceResult<()> {
    if value.is_empty() {
        return Err(invalid(field, "required"));
    }
    if value.chars().count() > max_chars {
        return Err(invalid(field, "too_long"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(multiline && c == '\n'))
    {
        return Err(invalid(field, "bad_characters"));
    }
    Ok(())
}
