//! `tanpu demo seed`: a small Liaocheng-like city to try Tanpu with.
//!
//! Everything is created through the same services the API uses, never by
//! writing rows around them, and seeding twice changes nothing the second
//! time.

use crate::config::Secret;
use crate::progress::Progress;
use crate::services::accounts::{self, NewUser};
use crate::services::rewards::catalogue;
use crate::services::{ServiceError, ServiceResult, bindings};
use sea_orm::DatabaseConnection;
use tanpu_core::Points;
use tanpu_core::account::{Login, Role};
use tanpu_core::api::{BindingRequest, RewardCategory, RewardInput};
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
    /// Rewards added to the catalogue by this run.
    pub rewards_created: u32,
}

/// A reward of the demo catalogue.
struct DemoReward {
    category: RewardCategory,
    name: &'static str,
    description: &'static str,
    price: i64,
    stock: i64,
    voucher_days: u32,
    per_citizen_limit: Option<u32>,
}

/// The demo catalogue: one of each kind the bureau offers.
const DEMO_REWARDS: &[DemoReward] = &[
    DemoReward {
        category: RewardCategory::TransitPass,
        name: "公交一日票 · Bus day pass",
        description: "聊城公交全线路当日不限次乘坐。Unlimited rides on every Liaocheng bus line for one day.",
        price: 300,
        stock: 500,
        voucher_days: 30,
        per_citizen_limit: Some(5),
    },
    DemoReward {
        category: RewardCategory::MerchantVoucher,
        name: "东昌湖书店 10 元代金券 · Bookshop voucher",
        description: "满 50 元可用。10 yuan off a purchase of 50 yuan or more at the Dongchang Lake bookshop.",
        price: 800,
        stock: 200,
        voucher_days: 60,
        per_citizen_limit: Some(2),
    },
    DemoReward {
        category: RewardCategory::Donation,
        name: "捐种一棵树 · Plant a tree",
        description: "捐给聊城市城市绿化基金，在徒骇河畔种下一棵树。A tree planted by the city-greening fund on the Tuhai river.",
        price: 1_000,
        stock: 10_000,
        voucher_days: 3_660,
        per_citizen_limit: None,
    },
    DemoReward {
        category: RewardCategory::Certificate,
        name: "低碳市民证书 · Low-carbon citizen certificate",
        description: "市生态环境局颁发的年度低碳市民电子证书。The bureau's yearly certificate of your contribution.",
        price: 2_000,
        stock: 1_000,
        voucher_days: 365,
        per_citizen_limit: Some(1),
    },
];

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
    report.rewards_created = seed_rewards(db).await?;
    Ok(report)
}

/// Adds the demo catalogue's rewards that are not there yet (by name), as
/// the demo administrator.
async fn seed_rewards(db: &DatabaseConnection) -> ServiceResult<u32> {
    let admin_login = Login::parse(DEMO_ACCOUNTS[0].login)
        .map_err(|e| ServiceError::Internal(format!("demo admin login: {e}")))?;
    let admin = accounts::find_by_login(db, &admin_login)
        .await?
        .ok_or_else(|| ServiceError::Internal("the demo administrator is missing".into()))?;
    let existing = catalogue::all(db).await?.rewards;
    let mut created = 0;
    for reward in DEMO_REWARDS {
        if existing.iter().any(|r| r.name == reward.name) {
            continue;
        }
        let input = RewardInput {
            category: reward.category,
            name: reward.name.to_owned(),
            description: reward.description.to_owned(),
            partner_id: None,
            price: Points(reward.price),
            stock: reward.stock,
            available_from: None,
            available_until: None,
            voucher_days: reward.voucher_days,
            per_citizen_limit: reward.per_citizen_limit,
            active: true,
        };
        catalogue::create(db, admin.id, input).await?;
        created += 1;
    }
    Ok(created)
}
