//! `tanpu demo seed`: a small Liaocheng-like city to try Tanpu with.
//!
//! Everything is created through the same services the API uses, never by
//! writing rows around them, and seeding twice changes nothing the second
//! time.

use crate::config::Secret;
use crate::progress::Progress;
use crate::services::accounts::{self, NewUser};
use crate::services::{ServiceError, ServiceResult, bindings};
use sea_orm::DatabaseConnection;
use tanpu_core::account::{Login, Role};
use tanpu_core::api::BindingRequest;
use tanpu_core::binding::SubjectType;

/// The password of every demo account. Demo data only: never seed a city
/// that real people use.
pub const DEMO_PASSWORD: &str = "tanpu-demo-2026";

/// A demo person: login, nickname, role.
pub struct DemoAccount {
    /// What to type in the login field.
    pub login: &'static str,
    /// Shown in the app.
    pub nickname: &'static str,
    /// What they may do.
    pub role: Role,
    /// Cards and plates bound to them, so partner records for these reach them.
    pub binds: &'static [(SubjectType, &'static str)],
}

/// The demo's people: the bureau's administrator, a reviewer, and citizens
/// with the kinds of commute the seed's actions will describe.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        login: "admin@tanpu.demo",
        nickname: "聊城市生态环境局",
        role: Role::Admin,
        binds: &[],
    },
    DemoAccount {
        login: "reviewer@tanpu.demo",
        nickname: "审核员小王",
        role: Role::Reviewer,
        binds: &[],
    },
    DemoAccount {
        login: "13800000001",
        nickname: "东昌湖晨跑者",
        role: Role::Citizen,
        binds: &[(SubjectType::TransitCard, "3100 0000 0000 0001")],
    },
    DemoAccount {
        login: "13800000002",
        nickname: "K5 路常客",
        role: Role::Citizen,
        binds: &[(SubjectType::TransitCard, "3100 0000 0000 0002")],
    },
    DemoAccount {
        login: "13800000003",
        nickname: "夜间加油的张师傅",
        role: Role::Citizen,
        binds: &[
            (SubjectType::Plate, "鲁P·A8K21"),
            (SubjectType::FuelCard, "9001 0000 0000 0003"),
        ],
    },
    DemoAccount {
        login: "li.hua@tanpu.demo",
        nickname: "Li Hua",
        role: Role::Citizen,
        binds: &[
            (SubjectType::TransitCard, "3100 0000 0000 0004"),
            (SubjectType::Plate, "鲁P·D52013"),
        ],
    },
    DemoAccount {
        login: "13800000005",
        nickname: "骑行上班族",
        role: Role::Citizen,
        binds: &[(SubjectType::TransitCard, "3100 0000 0000 0005")],
    },
];

/// What a seed run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Accounts created by this run.
    pub accounts_created: u32,
    /// Accounts that were already there.
    pub accounts_existing: u32,
    /// Bindings created by this run.
    pub bindings_created: u32,
}

/// Seeds the demo city.
///
/// # Errors
/// A service call failed.
pub async fn seed(db: &DatabaseConnection, binding_key: &Secret) -> ServiceResult<SeedReport> {
    let mut report = SeedReport::default();
    let mut progress = Progress::new("accounts", DEMO_ACCOUNTS.len() as u64);
    for account in DEMO_ACCOUNTS {
        let login = Login::parse(account.login)
            .map_err(|e| ServiceError::Internal(format!("demo login {}: {e}", account.login)))?;
        let user = if let Some(existing) = accounts::find_by_login(db, &login).await? {
            report.accounts_existing += 1;
            existing
        } else {
            report.accounts_created += 1;
            accounts::create_user(
                db,
                NewUser {
                    login,
                    nickname: account.nickname.to_owned(),
                    password: DEMO_PASSWORD.to_owned(),
                    role: account.role,
                },
            )
            .await?
        };
        for &(kind, value) in account.binds {
            let req = BindingRequest {
                kind,
                value: value.to_owned(),
            };
            match bindings::add(db, binding_key, user.id, req).await {
                Ok(_) => report.bindings_created += 1,
                Err(ServiceError::Conflict {
                    reason: "already_bound",
                    ..
                }) => {}
                Err(e) => return Err(e),
            }
        }
        progress.advance(1);
    }
    progress.finish();
    Ok(report)
}
