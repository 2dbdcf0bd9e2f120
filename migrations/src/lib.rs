//! Tanpu's database schema, one migration per change, each written once with
//! sea-query so that SQLite and PostgreSQL get the same tables from one source.
//!
//! Migrations run at server start (`tanpu serve`) and by `tanpu migrate`.
//! A migration, once released, is never edited: a change is a new migration.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_foundation;
mod m20261129_000002_ledger;
mod m20261129_000003_auth;
mod m20261129_000004_rate_limits;
mod m20261129_000005_partners;
mod m20261129_000006_actions;
mod m20261129_000007_audit;
mod m20261129_000008_rewards;
mod m20261129_000009_dashboard;
mod m20261129_000010_imports;
mod m20261129_000011_monthly_rollups;
mod m20261129_000012_actions_by_citizen;
mod m20261129_000013_citizen_changes;
mod m20261129_000014_citizen_data_changes;
mod m20261130_000015_partial_action_indexes;
mod m20261130_000016_active_citizens_by_citizen;
mod m20261202_000017_drop_active_citizens;

/// Every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_foundation::Migration),
            Box::new(m20261129_000002_ledger::Migration),
            Box::new(m20261129_000003_auth::Migration),
            Box::new(m20261129_000004_rate_limits::Migration),
            Box::new(m20261129_000005_partners::Migration),
            Box::new(m20261129_000006_actions::Migration),
            Box::new(m20261129_000007_audit::Migration),
            Box::new(m20261129_000008_rewards::Migration),
            Box::new(m20261129_000009_dashboard::Migration),
            Box::new(m20261129_000010_imports::Migration),
            Box::new(m20261129_000011_monthly_rollups::Migration),
            Box::new(m20261129_000012_actions_by_citizen::Migration),
            Box::new(m20261129_000013_citizen_changes::Migration),
            Box::new(m20261129_000014_citizen_data_changes::Migration),
            Box::new(m20261130_000015_partial_action_indexes::Migration),
            Box::new(m20261130_000016_active_citizens_by_citizen::Migration),
            Box::new(m20261202_000017_drop_active_citizens::Migration),
        ]
    }
}
