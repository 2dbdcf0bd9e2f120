//! sea-orm entities: one module per table, shaped exactly like the
//! migrations. They carry no behaviour (that lives in `services`) and never
//! cross the wire (the API speaks `tanpu_core::api` types).

pub mod action_rollups;
pub mod action_rollups_monthly;
pub mod actions;
pub mod active_counts;
pub mod audit_log;
pub mod bindings;
pub mod daily_totals;
pub mod import_errors;
pub mod imports;
pub mod ledger_accounts;
pub mod ledger_batches;
pub mod ledger_entries;
pub mod ledger_transfers;
pub mod partner_keys;
pub mod partner_webhook_ids;
pub mod partners;
pub mod redemption_daily;
pub mod refresh_tokens;
pub mod rewards;
pub mod rule_versions;
pub mod rules;
pub mod settings;
pub mod user_daily_totals;
pub mod users;
pub mod vouchers;
