//! Vouchers: their codes and QR codes, a citizen's list, and marking one
//! used at the merchant.

use super::catalogue::partner_names;
use super::conflict;
use crate::entities::{rewards, users, vouchers};
use crate::services::audit::{self, AuditObject};
use crate::services::ledger::write;
use crate::services::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use qrcode::QrCode;
use qrcode::render::svg;
use rand::Rng;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;
use std::collections::HashMap;
use tanpu_core::api::{
    RedemptionList, RedemptionRecord, RewardCategory, VoucherList, VoucherStatus, VoucherView,
};
use tanpu_core::ids::{PartnerId, RewardId, VoucherId};
use tanpu_core::{Points, UserId};

/// The code's letters: no 0/O, 1/I/L, so a code read aloud or typed from
/// paper cannot be mistaken.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Random letters per code: 31^12 ≈ 2^59 codes, unguessable in practice.
const CODE_LETTERS: usize = 12;
/// What every code starts with.
const PREFIX: &str = "TP";
/// The most redemptions one admin page lists.
const MAX_LIST: u64 = 500;

/// Who marks a voucher used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsedBy {
    /// The merchant, through its signed partner API; only for its own
    /// rewards' vouchers.
    Partner(PartnerId),
    /// An administrator, for any voucher.
    Admin(UserId),
}

/// A fresh random code, e.g. `TP-7K3M-Q9XD-2WHN`.
#[must_use]
pub fn new_code() -> String {
    let mut rng = rand::rng();
    let letters: Vec<char> = (0..CODE_LETTERS)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format_code(&letters)
}

fn format_code(letters: &[char]) -> String {
    let groups: Vec<String> = letters
        .chunks(4)
        .map(|group| group.iter().collect())
        .collect();
    format!("{PREFIX}-{}", groups.join("-"))
}

/// The stored form of a code as typed or scanned: case, spaces and dashes
/// do not matter. `None` when it cannot be a code.
#[must_use]
pub fn normalise_code(typed: &str) -> Option<String> {
    let letters: Vec<char> = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let rest = letters.strip_prefix(&['T', 'P'])?;
    let valid = rest.len() == CODE_LETTERS
        && rest
            .iter()
            .all(|c| c.is_ascii() && ALPHABET.contains(&(*c as u8)));
    valid.then(|| format_code(rest))
}

/// The code as an SVG QR code (medium error correction), ready to embed in
/// a page: no XML declaration, sized by its `viewBox`.
#[must_use]
pub fn qr_svg(code: &str) -> String {
    let Ok(qr) = QrCode::with_error_correction_level(code.as_bytes(), qrcode::EcLevel::M) else {
        // A 17-character ASCII code always fits; nothing to draw otherwise.
        return String::new();
    };
    let image = qr
        .render::<svg::Color<'_>>()
        .module_dimensions(4, 4)
        .quiet_zone(true)
        .build();
    match image.find("<svg") {
        Some(start) => image[start..].to_owned(),
        None => image,
    }
}

/// Where a voucher stands at `now`.
#[must_use]
pub fn status_of(row: &vouchers::Model, now: DateTime<Utc>) -> VoucherStatus {
    if row.used_at.is_some() {
        VoucherStatus::Used
    } else if row.valid_until < now {
        VoucherStatus::Expired
    } else {
        VoucherStatus::Issued
    }
}

/// The citizen's vouchers, newest first.
///
/// # Errors
/// Database failures.
pub async fn list_for(
    db: &DatabaseConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> ServiceResult<VoucherList> {
    let rows = vouchers::Entity::find()
        .filter(vouchers::Column::UserId.eq(user.0))
        .order_by_desc(vouchers::Column::Id)
        .all(db)
        .await?;
    let rewards = rewards_of(db, rows.iter().map(|v| v.reward_id)).await?;
    let names = partner_names(db, rewards.values().filter_map(|r| r.partner_id)).await?;
    let vouchers = rows
        .into_iter()
        .map(|row| {
            let reward = rewards.get(&row.reward_id).ok_or_else(|| {
                ServiceError::Internal(format!("voucher {} has no reward", row.id))
            })?;
            view_of(&row, reward, &names, now)
        })
        .collect::<ServiceResult<_>>()?;
    Ok(VoucherList { vouchers })
}

/// One voucher as its citizen sees it.
///
/// # Errors
/// A stored category outside the known set (a bug).
pub fn view_of(
    row: &vouchers::Model,
    reward: &rewards::Model,
    names: &HashMap<i64, String>,
    now: DateTime<Utc>,
) -> ServiceResult<VoucherView> {
    Ok(VoucherView {
        id: VoucherId(row.id),
        reward_id: RewardId(row.reward_id),
        reward_name: reward.name.clone(),
        category: RewardCategory::parse(&reward.category)
            .ok_or_else(|| ServiceError::Internal(format!("reward {}: bad category", reward.id)))?,
        merchant: reward.partner_id.and_then(|p| names.get(&p).cloned()),
        qr_svg: qr_svg(&row.code),
        code: row.code.clone(),
        price: Points(row.price),
        status: status_of(row, now),
        issued_at: row.issued_at,
        valid_until: row.valid_until,
        used_at: row.used_at,
    })
}

/// A reward's redemptions, newest first (at most [`MAX_LIST`]).
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown reward; database failures.
pub async fn redemptions_of(
    db: &DatabaseConnection,
    reward: RewardId,
    now: DateTime<Utc>,
) -> ServiceResult<RedemptionList> {
    let reward = rewards::Entity::find_by_id(reward.0)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rows = vouchers::Entity::find()
        .filter(vouchers::Column::RewardId.eq(reward.id))
        .order_by_desc(vouchers::Column::Id)
        .limit(MAX_LIST)
        .all(db)
        .await?;
    let nicknames: HashMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().map(|v| v.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.nickname))
        .collect();
    let redemptions = rows
        .iter()
        .map(|row| {
            let mut record = record_of(row, &reward, now);
            record.user_id = Some(UserId(row.user_id));
            record.nickname = nicknames.get(&row.user_id).cloned();
            record
        })
        .collect();
    Ok(RedemptionList { redemptions })
}

/// The citizen's vouchers without their QR codes, newest first (for the
/// data export).
///
/// # Errors
/// Database failures.
pub async fn records_for(
    db: &DatabaseConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<RedemptionRecord>> {
    let rows = vouchers::Entity::find()
        .filter(vouchers::Column::UserId.eq(user.0))
        .order_by_desc(vouchers::Column::Id)
        .all(db)
        .await?;
    let rewards = rewards_of(db, rows.iter().map(|v| v.reward_id)).await?;
    rows.iter()
        .map(|row| {
            let reward = rewards.get(&row.reward_id).ok_or_else(|| {
                ServiceError::Internal(format!("voucher {} has no reward", row.id))
            })?;
            Ok(record_of(row, reward, now))
        })
        .collect()
}

/// Marks the voucher with `code` used. A merchant may only use vouchers of
/// its own rewards; any other code is "not found" to it.
///
/// # Errors
/// [`ServiceError::NotFound`]; a conflict `already_used` or `expired`;
/// database failures.
pub async fn mark_used(
    db: &DatabaseConnection,
    by: UsedBy,
    code: &str,
    now: DateTime<Utc>,
) -> ServiceResult<RedemptionRecord> {
    let code = normalise_code(code).ok_or(ServiceError::NotFound)?;
    let txn = write::begin_write(db).await?;
    let row = vouchers::Entity::find()
        .filter(vouchers::Column::Code.eq(&code))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let reward = rewards::Entity::find_by_id(row.reward_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if let UsedBy::Partner(partner) = by
        && reward.partner_id != Some(partner.0)
    {
        return Err(ServiceError::NotFound);
    }
    match status_of(&row, now) {
        VoucherStatus::Used => {
            return Err(conflict(
                "code",
                "already_used",
                "this voucher has already been used",
            ));
        }
        VoucherStatus::Expired => {
            return Err(conflict("code", "expired", "this voucher has expired"));
        }
        VoucherStatus::Issued => {}
    }
    // Conditional on still being unused: of two merchants scanning the same
    // code at once, one wins.
    let (partner, admin) = match by {
        UsedBy::Partner(p) => (Some(p.0), None),
        UsedBy::Admin(u) => (None, Some(u.0)),
    };
    let updated = vouchers::Entity::update_many()
        .col_expr(vouchers::Column::UsedAt, now.into())
        .col_expr(vouchers::Column::UsedByPartnerId, partner.into())
        .col_expr(vouchers::Column::UsedByUserId, admin.into())
        .filter(vouchers::Column::Id.eq(row.id))
        .filter(vouchers::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(conflict(
            "code",
            "already_used",
            "this voucher has already been used",
        ));
    }
    audit::record(
        &txn,
        admin.map(UserId),
        "voucher.use",
        &AuditObject::new("voucher", row.id),
        Some(&json!({ "status": "issued" })),
        Some(&json!({ "status": "used", "partner_id": partner, "code": code })),
    )
    .await?;
    txn.commit().await?;
    let used = vouchers::Model {
        used_at: Some(now),
        used_by_partner_id: partner,
        used_by_user_id: admin,
        ..row
    };
    Ok(record_of(&used, &reward, now))
}

fn record_of(
    row: &vouchers::Model,
    reward: &rewards::Model,
    now: DateTime<Utc>,
) -> RedemptionRecord {
    RedemptionRecord {
        id: VoucherId(row.id),
        reward_id: RewardId(row.reward_id),
        reward_name: reward.name.clone(),
        user_id: None,
        nickname: None,
        code: row.code.clone(),
        price: Points(row.price),
        status: status_of(row, now),
        issued_at: row.issued_at,
        valid_until: row.valid_until,
        used_at: row.used_at,
    }
}

async fn rewards_of<C: ConnectionTrait>(
    conn: &C,
    ids: impl Iterator<Item = i64>,
) -> ServiceResult<HashMap<i64, rewards::Model>> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(rewards::Entity::find()
        .filter(rewards::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_well_formed_and_read_back_however_typed() {
        let code = new_code();
        assert_eq!(code.len(), "TP-XXXX-XXXX-XXXX".len());
        assert_eq!(normalise_code(&code).as_deref(), Some(code.as_str()));
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(normalise_code(&typed).as_deref(), Some(code.as_str()));
        assert_ne!(new_code(), code);
    }

    #[test]
    fn codes_with_ambiguous_or_missing_letters_are_refused() {
        assert_eq!(normalise_code("TP-AAAA-BBBB-CCC0"), None);
        assert_eq!(normalise_code("TP-AAAA-BBBB-CCC"), None);
        assert_eq!(normalise_code("XX-AAAA-BBBB-CCCC"), None);
        assert_eq!(normalise_code(""), None);
        assert_eq!(normalise_code("TP-ÄAAA-BBBB-CCCC"), None);
    }

    #[test]
    fn the_qr_code_is_an_embeddable_svg() {
        let svg = qr_svg("TP-7K3M-Q9XD-2WHN");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("viewBox"));
        assert!(!svg.contains("<?xml"));
    }
}
