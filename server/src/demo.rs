//! `tanpu demo seed`: a small Liaocheng-like city to try Tanpu with.
//!
//! Everything is created through the same services the API uses, never by
//! writing rows around them, and seeding twice changes nothing the second
//! time.

use crate::progress::Progress;
use crate::services::ServiceResult;
use crate::services::accounts::{self, NewUser};
use sea_orm::DatabaseConnection;
use tanpu_core::account::{Login, Role};

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
}

/// The demo's people: the bureau's administrator, a reviewer, and citizens
/// with the kinds of commute the seed's actions will describe.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        login: "admin@tanpu.demo",
        nickname: "聊城市生态环境局",
        role: Role::Admin,
    },
    DemoAccount {
        login: "reviewer@tanpu.demo",
        nickname: "审核员小王",
        role: Role::Reviewer,
    },
    DemoAccount {
        login: "13800000001",
        nickname: "东昌湖晨跑者",
        role: Role::Citizen,
    },
    DemoAccount {
        login: "13800000002",
        nickname: "K5 路常客",
        role: Role::Citizen,
    },
    DemoAccount {
        login: "13800000003",
        nickname: "夜间加油的张师傅",
        role: Role::Citizen,
    },
    DemoAccount {
        login: "li.hua@tanpu.demo",
        nickname: "Li Hua",
        role: Role::Citizen,
    },
    DemoAccount {
        login: "13800000005",
        nickname: "骑行上班族",
        role: Role::Citizen,
    },
];

/// What a seed run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Accounts created by this run.
    pub accounts_created: u32,
    /// Accounts that were already there.
    pub accounts_existing: u32,
}

/// Seeds the demo city.
///
/// # Errors
/// A service call failed.
pub async fn seed(db: &DatabaseConnection) -> ServiceResult<SeedReport> {
    let mut report = SeedReport::default();
    let mut progress = Progress::new("accounts", DEMO_ACCOUNTS.len() as u64);
    for account in DEMO_ACCOUNTS {
        let login = Login::parse(account.login).map_err(|e| {
            crate::services::ServiceError::Internal(format!("demo login {}: {e}", account.login))
        })?;
        if accounts::find_by_login(db, &login).await?.is_some() {
            report.accounts_existing += 1;
        } else {
            accounts::create_user(
                db,
                NewUser {
                    login,
                    nickname: account.nickname.to_owned(),
                    password: DEMO_PASSWORD.to_owned(),
                    role: account.role,
                },
            )
            .await?;
            report.accounts_created += 1;
        }
        progress.advance(1);
    }
    progress.finish();
    Ok(report)
}
