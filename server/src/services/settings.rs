//! Settings the server generates once and keeps in the database.

use super::{ServiceError, ServiceResult};
use crate::config::{Secret, StoredSecrets};
use crate::entities::settings;
use base64::Engine;
use rand::RngCore;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, Set};

/// The demo mode's keys (JWT signing, binding hash): 32 random bytes each,
/// generated on first use and stored, so sessions and bindings survive a
/// restart.
///
/// # Errors
/// Database failures.
pub async fn demo_secrets(db: &DatabaseConnection) -> ServiceResult<StoredSecrets> {
    Ok(StoredSecrets {
        jwt_secret: Some(generated_once(db, "demo_jwt_secret").await?),
        binding_key: Some(generated_once(db, "demo_binding_key").await?),
        partner_key: Some(generated_once(db, "demo_partner_key").await?),
    })
}

/// The value stored under `key`, generating a random one first if there is
/// none. Two servers starting at once agree: the first insert wins and both
/// read it back.
async fn generated_once(db: &DatabaseConnection, key: &str) -> ServiceResult<Secret> {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let candidate = base64::engine::general_purpose::STANDARD.encode(bytes);
    settings::Entity::insert(settings::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(candidate),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    settings::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .map(|row| Secret::new(row.value))
        .ok_or_else(|| ServiceError::Internal(format!("setting {key} vanished")))
}
