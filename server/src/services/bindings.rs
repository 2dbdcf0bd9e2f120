//! Bindings: the cards and plates through which partner records reach a
//! citizen.
//!
//! A subject is stored as HMAC-SHA256 under the server's binding key, of its
//! normalised form, so the same card typed two ways is one binding, a stolen
//! database does not list card numbers, and a partner's record can still be
//! matched by computing the same hash. One subject has at most one active
//! binding in the whole city; removing a binding keeps its row.

use super::bulk::{self, StatementSize};
use super::{ServiceError, ServiceResult};
use crate::config::Secret;
use crate::entities::bindings;
use chrono::Utc;
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use sha2::Sha256;
use std::collections::HashMap;
use tanpu_core::api::{BindingRequest, BindingView};
use tanpu_core::binding::{Subject, SubjectError, SubjectType};
use tanpu_core::{BindingId, UserId};

/// The keyed hash a subject is stored and looked up under, hex.
#[must_use]
pub fn subject_hash(key: &Secret, subject: &Subject) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(subject.kind().as_str().as_bytes());
    mac.update(b":");
    mac.update(subject.normalized().as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Binds a subject to a citizen.
///
/// # Errors
/// [`ServiceError::Invalid`] for a malformed value; [`ServiceError::Conflict`]
/// when the citizen is at the limit for the type, already has it, or another
/// citizen has it.
pub async fn add(
    db: &DatabaseConnection,
    key: &Secret,
    user: UserId,
    req: BindingRequest,
) -> ServiceResult<BindingView> {
    let subject = Subject::parse(req.kind, &req.value).map_err(|e| ServiceError::Invalid {
        field: "value",
        reason: match e {
            SubjectError::Empty => "required",
            SubjectError::NotACardNumber => "not_a_card_number",
            SubjectError::NotAPlate => "not_a_plate",
        }
        .to_owned(),
    })?;
    let hash = subject_hash(key, &subject);

    if let Some(holder) = active_holder(db, req.kind, &hash).await? {
        return Err(if holder == user.0 {
            ServiceError::Conflict {
                field: "value",
                reason: "already_bound",
                message: "you have already bound this".to_owned(),
            }
        } else {
            bound_elsewhere()
        });
    }
    let held = bindings::Entity::find()
        .filter(bindings::Column::UserId.eq(user.0))
        .filter(bindings::Column::Kind.eq(req.kind.as_str()))
        .filter(bindings::Column::RemovedAt.is_null())
        .count(db)
        .await?;
    let limit = req.kind.limit_per_citizen();
    if held >= limit as u64 {
        return Err(ServiceError::Conflict {
            field: "type",
            reason: "limit_reached",
            message: format!("at most {limit} of this kind can be bound; remove one first"),
        });
    }

    let row = bindings::ActiveModel {
        user_id: Set(user.0),
        kind: Set(req.kind.as_str().to_owned()),
        value_hash: Set(hash),
        masked: Set(subject.masked()),
        created_at: Set(Utc::now()),
        removed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    // The partial unique index decides races between two citizens.
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => bound_elsewhere(),
        _ => ServiceError::from(e),
    })?;
    // Records that arrived before the binding are credited now.
    let credited =
        super::ingest::credit_newly_bound(db, user, &row.kind, &row.value_hash, Utc::now()).await?;
    if credited > 0 {
        tracing::info!(user = %user, credited, "records waiting for this binding credited");
    }
    to_view(row)
}

fn bound_elsewhere() -> ServiceError {
    ServiceError::Conflict {
        field: "value",
        reason: "bound_to_another_citizen",
        message:
            "this is already bound to another account; if it is yours, contact the service desk"
                .to_owned(),
    }
}

/// A citizen's active bindings, oldest first.
///
/// # Errors
/// Database failures.
pub async fn list(db: &DatabaseConnection, user: UserId) -> ServiceResult<Vec<BindingView>> {
    bindings::Entity::find()
        .filter(bindings::Column::UserId.eq(user.0))
        .filter(bindings::Column::RemovedAt.is_null())
        .order_by_asc(bindings::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_view)
        .collect()
}

/// Removes one of the citizen's own active bindings (the row stays, marked
/// removed).
///
/// # Errors
/// [`ServiceError::NotFound`] when it is not an active binding of this
/// citizen — another citizen's binding looks exactly like a missing one.
pub async fn remove(db: &DatabaseConnection, user: UserId, id: BindingId) -> ServiceResult<()> {
    let removed = bindings::Entity::update_many()
        .col_expr(bindings::Column::RemovedAt, Expr::value(Utc::now()))
        .filter(bindings::Column::Id.eq(id.0))
        .filter(bindings::Column::UserId.eq(user.0))
        .filter(bindings::Column::RemovedAt.is_null())
        .exec(db)
        .await?;
    if removed.rows_affected == 1 {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The citizen a subject is bound to now, if any. Partner ingestion resolves
/// records through this; a partner never names a user.
///
/// # Errors
/// Database failures.
pub async fn resolve(
    conn: &impl ConnectionTrait,
    key: &Secret,
    subject: &Subject,
) -> ServiceResult<Option<UserId>> {
    Ok(
        active_holder(conn, subject.kind(), &subject_hash(key, subject))
            .await?
            .map(UserId),
    )
}

/// The citizens `subjects` are bound to now, by subject kind and keyed
/// hash ([`subject_hash`]); subjects bound to nobody are absent. One query
/// per subject kind (and per few hundred subjects), through the index of
/// active bindings: the set-based form of [`resolve`] for partner batches.
///
/// # Errors
/// Database failures.
pub async fn resolve_many(
    conn: &impl ConnectionTrait,
    subjects: &[(SubjectType, String)],
) -> ServiceResult<HashMap<(SubjectType, String), UserId>> {
    let mut by_kind: HashMap<SubjectType, Vec<&str>> = HashMap::new();
    for (kind, hash) in subjects {
        by_kind.entry(*kind).or_default().push(hash);
    }
    let backend = conn.get_database_backend();
    let per_statement = StatementSize::of(backend).rows_of_values(1, 48);
    let mut holders = HashMap::with_capacity(subjects.len());
    for (kind, hashes) in by_kind {
        for chunk in hashes.chunks(per_statement) {
            let rows: Vec<(String, i64)> = bindings::Entity::find()
                .select_only()
                .column(bindings::Column::ValueHash)
                .column(bindings::Column::UserId)
                .filter(bindings::Column::Kind.eq(kind.as_str()))
                .filter(bulk::one_of(
                    backend,
                    bindings::Column::ValueHash,
                    chunk.iter().map(|hash| (*hash).to_owned()),
                ))
                .filter(bindings::Column::RemovedAt.is_null())
                .into_tuple()
                .all(conn)
                .await?;
            for (hash, user) in rows {
                holders.insert((kind, hash), UserId(user));
            }
        }
    }
    Ok(holders)
}

async fn active_holder(
    conn: &impl ConnectionTrait,
    kind: SubjectType,
    hash: &str,
) -> ServiceResult<Option<i64>> {
    Ok(bindings::Entity::find()
        .filter(bindings::Column::Kind.eq(kind.as_str()))
        .filter(bindings::Column::ValueHash.eq(hash))
        .filter(bindings::Column::RemovedAt.is_null())
        .one(conn)
        .await?
        .map(|row| row.user_id))
}

fn to_view(row: bindings::Model) -> ServiceResult<BindingView> {
    let kind = SubjectType::from_name(&row.kind).ok_or_else(|| {
        ServiceError::Internal(format!("binding {} has kind {}", row.id, row.kind))
    })?;
    Ok(BindingView {
        id: BindingId(row.id),
        kind,
        masked: row.masked,
        created_at: row.created_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_subject_typed_two_ways_hashes_the_same() {
        let key = Secret::new("b".repeat(32));
        let a = Subject::parse(SubjectType::Plate, "鲁P·12345").unwrap();
        let b = Subject::parse(SubjectType::Plate, "鲁p 12345").unwrap();
        assert_eq!(subject_hash(&key, &a), subject_hash(&key, &b));
        let other_key = Secret::new("c".repeat(32));
        assert_ne!(subject_hash(&key, &a), subject_hash(&other_key, &a));
    }

    #[test]
    fn a_card_number_is_not_the_same_subject_as_a_fuel_card_with_its_digits() {
        let key = Secret::new("b".repeat(32));
        let transit = Subject::parse(SubjectType::TransitCard, "31001234").unwrap();
        let fuel = Subject::parse(SubjectType::FuelCard, "31001234").unwrap();
        assert_ne!(subject_hash(&key, &transit), subject_hash(&key, &fuel));
    }
}
