//! Accounts: creating people with a login and a password.
//!
//! Passwords are hashed with argon2id at OWASP's minimum parameters or above,
//! on a blocking thread so that hashing (tens of milliseconds by design) never
//! stalls the async runtime.

use super::citizen_cache::{self, CitizenCache};
use super::rate_limit::{self, Limits};
use super::{ServiceError, ServiceResult};
use crate::entities::users;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::Utc;
use sea_orm::prelude::DateTimeUtc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
    SqlErr, TransactionTrait,
};
use std::net::IpAddr;
use tanpu_core::UserId;
use tanpu_core::account::{self, Login, PRIVACY_NOTICE_VERSION, Role};
use tanpu_core::api::{ChangePasswordRequest, RegisterRequest, UserView};

/// The freeze reason that marks an account deleted by its owner: such an
/// account is nobody any more and is not counted as a citizen.
pub const DELETED_REASON: &str = "deleted";

/// argon2id memory cost in KiB: OWASP's minimum, 19 MiB.
const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
/// argon2id passes.
const ARGON2_PASSES: u32 = 2;
/// argon2id lanes.
const ARGON2_LANES: u32 = 1;

/// A person to create, already parsed.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Normalised login.
    pub login: Login,
    /// Checked nickname.
    pub nickname: String,
    /// The password as typed (hashed before it is stored).
    pub password: String,
    /// What they may do.
    pub role: Role,
}

impl NewUser {
    /// Parses a citizen's registration, refusing what `tanpu_core::account`
    /// refuses and a consent to any notice but the current one.
    ///
    /// # Errors
    /// [`ServiceError::Invalid`] naming the first field at fault.
    pub fn from_registration(req: RegisterRequest) -> ServiceResult<Self> {
        let invalid = |field, err: account::FieldError| ServiceError::Invalid {
            field,
            reason: reason_code(err).to_owned(),
        };
        let login = Login::parse(&req.login).map_err(|e| invalid("login", e))?;
        let nickname =
            account::parse_nickname(&req.nickname).map_err(|e| invalid("nickname", e))?;
        account::check_new_password(&req.password).map_err(|e| invalid("password", e))?;
        if !req.consent {
            return Err(ServiceError::Invalid {
                field: "consent",
                reason: "consent_required".to_owned(),
            });
        }
        Ok(Self {
            login,
            nickname,
            password: req.password,
            role: Role::Citizen,
        })
    }
}

/// The stable reason code of a field error.
fn reason_code(err: account::FieldError) -> &'static str {
    use account::FieldError as E;
    match err {
        E::Empty => "required",
        E::NotALogin => "not_a_login",
        E::TooShort => "too_short",
        E::TooLong => "too_long",
        E::TooCommon => "too_common",
        E::BadCharacters => "bad_characters",
    }
}

/// Registers a citizen from the API, within the per-address limit.
///
/// # Errors
/// [`ServiceError::RateLimited`], or as [`NewUser::from_registration`] and
/// [`create_user`].
pub async fn register(
    db: &DatabaseConnection,
    limits: &Limits,
    client: IpAddr,
    req: RegisterRequest,
) -> ServiceResult<UserView> {
    rate_limit::hit(
        db,
        limits.register_per_ip,
        &client.to_string(),
        Utc::now().timestamp(),
    )
    .await?;
    create_user(db, NewUser::from_registration(req)?).await
}

/// Creates a person. The login is unique: a taken one is a conflict, decided
/// by the database's unique index so that two concurrent registrations of the
/// same login cannot both succeed.
///
/// # Errors
/// [`ServiceError::Conflict`] for a taken login; database failures.
pub async fn create_user(db: &DatabaseConnection, new: NewUser) -> ServiceResult<UserView> {
    let password_hash = hash_password(new.password).await?;
    let now = Utc::now();
    let row = users::ActiveModel {
        login: Set(new.login.as_str().to_owned()),
        nickname: Set(new.nickname),
        password_hash: Set(password_hash),
        role: Set(new.role.as_str().to_owned()),
        consent_version: Set(PRIVACY_NOTICE_VERSION.to_owned()),
        consent_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => ServiceError::Conflict {
            field: "login",
            reason: "taken",
            message: "this login is already registered".to_owned(),
        },
        _ => ServiceError::from(e),
    })?;
    view_of(row)
}

/// Finds a person by login.
///
/// # Errors
/// Database failures.
pub async fn find_by_login(
    db: &DatabaseConnection,
    login: &Login,
) -> ServiceResult<Option<UserView>> {
    users::Entity::find()
        .filter(users::Column::Login.eq(login.as_str()))
        .one(db)
        .await?
        .map(view_of)
        .transpose()
}

/// Finds a person by id.
///
/// # Errors
/// Database failures.
pub async fn find_by_id(db: &DatabaseConnection, id: UserId) -> ServiceResult<Option<UserView>> {
    users::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(view_of)
        .transpose()
}

/// A person's role and whether they are frozen: what every authenticated
/// request checks, read alone (two columns, no parsing) because it is paid
/// on every request.
///
/// # Errors
/// Database failures; a stored role this build does not know.
pub async fn standing(db: &DatabaseConnection, id: UserId) -> ServiceResult<Option<(Role, bool)>> {
    let row: Option<(String, Option<DateTimeUtc>)> = users::Entity::find_by_id(id.0)
        .select_only()
        .column(users::Column::Role)
        .column(users::Column::FrozenAt)
        .into_tuple()
        .one(db)
        .await?;
    row.map(|(role, frozen_at)| Ok((stored_role(id.0, &role)?, frozen_at.is_some())))
        .transpose()
}

/// Checks a login and password. Wrong login and wrong password answer the
/// same, and take the same time (an unknown login is checked against a
/// dummy hash), so the answer never tells whether an account exists.
///
/// # Errors
/// [`ServiceError::Unauthenticated`] for a wrong pair;
/// [`ServiceError::AccountFrozen`] for a right pair on a frozen account.
pub async fn authenticate(
    db: &DatabaseConnection,
    login: &str,
    password: String,
) -> ServiceResult<UserView> {
    let row = match Login::parse(login) {
        Ok(login) => {
            users::Entity::find()
                .filter(users::Column::Login.eq(login.as_str()))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    let matches = verify_password(row.as_ref().map(|r| r.password_hash.clone()), password).await?;
    match row {
        Some(row) if matches => {
            let user = view_of(row)?;
            if user.frozen {
                Err(ServiceError::AccountFrozen)
            } else {
                Ok(user)
            }
        }
        _ => Err(ServiceError::Unauthenticated("wrong login or password")),
    }
}

/// Whether `password` is the person's current password.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown id.
pub async fn password_matches(
    db: &DatabaseConnection,
    user: UserId,
    password: String,
) -> ServiceResult<bool> {
    let row = users::Entity::find_by_id(user.0)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    verify_password(Some(row.password_hash), password).await
}

/// Replaces a password after checking the current one.
///
/// # Errors
/// [`ServiceError::Invalid`] for a wrong current password or a weak new one.
pub async fn change_password(
    db: &DatabaseConnection,
    user: UserId,
    req: ChangePasswordRequest,
) -> ServiceResult<()> {
    let row = users::Entity::find_by_id(user.0)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !verify_password(Some(row.password_hash.clone()), req.current_password).await? {
        return Err(ServiceError::Invalid {
            field: "current_password",
            reason: "wrong_password".to_owned(),
        });
    }
    account::check_new_password(&req.new_password).map_err(|e| ServiceError::Invalid {
        field: "new_password",
        reason: reason_code(e).to_owned(),
    })?;
    let hash = hash_password(req.new_password).await?;
    let mut active: users::ActiveModel = row.into();
    active.password_hash = Set(hash);
    active.update(db).await?;
    Ok(())
}

/// Changes a person's nickname.
///
/// # Errors
/// [`ServiceError::Invalid`] for an unacceptable nickname.
pub async fn set_nickname(
    db: &DatabaseConnection,
    user: UserId,
    nickname: &str,
) -> ServiceResult<UserView> {
    let nickname = account::parse_nickname(nickname).map_err(|e| ServiceError::Invalid {
        field: "nickname",
        reason: reason_code(e).to_owned(),
    })?;
    let row = users::Entity::find_by_id(user.0)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut active: users::ActiveModel = row.into();
    active.nickname = Set(nickname);
    view_of(active.update(db).await?)
}

/// Freezes (with a reason) or unfreezes an account. A frozen account cannot
/// sign in, and its existing access tokens stop working at once (it is
/// forgotten by `citizens`).
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown id.
pub async fn set_frozen(
    db: &DatabaseConnection,
    citizens: &CitizenCache,
    user: UserId,
    reason: Option<String>,
) -> ServiceResult<UserView> {
    let row = users::Entity::find_by_id(user.0)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut active: users::ActiveModel = row.into();
    active.frozen_at = Set(reason.as_ref().map(|_| Utc::now()));
    active.frozen_reason = Set(reason);
    citizen_cache::changed(user);
    let updated = active.update(db).await?;
    citizens.forget(user);
    view_of(updated)
}

/// Gives a person a role; audited (`actor` `None` is the operator at the
/// command line).
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown id.
pub async fn set_role(
    db: &DatabaseConnection,
    citizens: &CitizenCache,
    actor: Option<UserId>,
    user: UserId,
    role: Role,
) -> ServiceResult<UserView> {
    // An administrator who demotes themselves may leave the city without
    // one; another administrator (or `tanpu admin create`) must do it.
    if actor == Some(user) {
        return Err(ServiceError::Conflict {
            field: "id",
            reason: "own_account",
            message: "administrators cannot change their own role".into(),
        });
    }
    let txn = db.begin().await?;
    let row = users::Entity::find_by_id(user.0)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let before = serde_json::json!({ "role": row.role });
    let mut active: users::ActiveModel = row.into();
    active.role = Set(role.as_str().to_owned());
    let updated = active.update(&txn).await?;
    citizen_cache::changed(user);
    super::audit::record(
        &txn,
        actor,
        "user.role",
        &super::audit::AuditObject::new("user", user),
        Some(&before),
        Some(&serde_json::json!({ "role": role.as_str() })),
    )
    .await?;
    txn.commit().await?;
    citizens.forget(user);
    view_of(updated)
}

/// User `id`'s stored role.
///
/// # Errors
/// A role this build does not know (a bug).
fn stored_role(id: i64, name: &str) -> ServiceResult<Role> {
    Role::from_name(name)
        .ok_or_else(|| ServiceError::Internal(format!("user {id} has unknown role {name}")))
}

/// A stored person as the API shows them.
///
/// # Errors
/// A stored role or login outside its type (a bug).
pub fn view_of(row: users::Model) -> ServiceResult<UserView> {
    let role = stored_role(row.id, &row.role)?;
    let login = Login::parse(&row.login)
        .map_err(|_| ServiceError::Internal(format!("user {} has a malformed login", row.id)))?;
    Ok(UserView {
        id: UserId(row.id),
        login,
        nickname: row.nickname,
        role,
        frozen: row.frozen_at.is_some(),
    })
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, None)
        .expect("argon2 parameters are constants within the allowed ranges");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A valid argon2id hash of a random password, made once, that unknown
/// logins are checked against so they cost as much as known ones.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"tanpu-dummy-salt").expect("a constant salt encodes");
        argon2()
            .hash_password(b"no account has this password", &salt)
            .map(|hash| hash.to_string())
            .expect("hashing a constant cannot fail")
    })
}

/// Checks `password` against `hash`, or against the dummy hash when there is
/// no account (the answer is then always `false`, at the same cost).
async fn verify_password(hash: Option<String>, password: String) -> ServiceResult<bool> {
    tokio::task::spawn_blocking(move || {
        // A deleted account's hash is "!", which no password matches: it is
        // checked against the dummy like an unknown login.
        let stored = hash.as_deref().and_then(|h| PasswordHash::new(h).ok());
        let known = stored.is_some();
        let dummy = dummy_hash();
        let parsed = match stored {
            Some(parsed) => parsed,
            None => PasswordHash::new(dummy)
                .map_err(|e| ServiceError::Internal(format!("dummy hash unreadable: {e}")))?,
        };
        Ok(argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known)
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("verification task failed: {e}")))?
}

async fn hash_password(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt_bytes = [0_u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
        let salt = SaltString::encode_b64(&salt_bytes)
            .map_err(|e| ServiceError::Internal(format!("salt encoding failed: {e}")))?;
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ServiceError::Internal(format!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("hashing task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration() -> RegisterRequest {
        RegisterRequest {
            login: "13800001234".into(),
            password: "东昌湖-bus-2026".into(),
            nickname: "小李".into(),
            consent: true,
        }
    }

    #[test]
    fn registration_without_consent_is_refused() {
        let mut req = registration();
        req.consent = false;
        let err = NewUser::from_registration(req).unwrap_err();
        assert!(matches!(
            err,
            ServiceError::Invalid {
                field: "consent",
                ..
            }
        ));
    }

    #[test]
    fn registration_names_the_field_at_fault() {
        let mut req = registration();
        req.password = "password".into();
        let err = NewUser::from_registration(req).unwrap_err();
        assert!(
            matches!(err, ServiceError::Invalid { field: "password", ref reason } if reason == "too_common")
        );
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters() {
        let hash = hash_password("东昌湖-bus-2026".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }
}
