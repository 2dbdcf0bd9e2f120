//! Settings the server generates once and keeps in the database.

use super::ServiceResult;
use crate::config::Secret;
use crate::entities::settings;
use base64::Engine;
use rand::RngCore;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, Set};

const DEMO_JWT_SECRET: &str = "demo_jwt_secret";

/// The demo mode's JWT signing key: 32 random bytes, generated on first use
/// and stored, so tokens survive a restart. Two servers starting at once
/// agree on one key: the first insert wins and both read it back.
///
/// # Errors
/// Database failures.
pub async fn demo_jwt_secret(db: &DatabaseConnection) -> ServiceResult<Secret> {
    let mut key = [0_u8; 32];
    rand::rng().fill_bytes(&mut key);
    let candidate = base64::engine::general_purpose::STANDARD.encode(key);
    settings::Entity::insert(settings::ActiveModel {
        key: Set(DEMO_JWT_SECRET.to_owned()),
        value: Set(candidate),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let stored = settings::Entity::find_by_id(DEMO_JWT_SECRET.to_owned())
        .one(db)
        .await?
        .map(|row| row.value)
        .ok_or_else(|| super::ServiceError::Internal("demo secret vanished".into()))?;
    Ok(Secret::new(stored))
}
