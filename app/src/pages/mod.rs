//! One module per routed page.

pub mod action_detail;
pub mod actions;
pub mod admin_audit;
pub mod admin_citizens;
pub mod admin_dashboard;
pub mod admin_partners;
pub mod admin_reports;
pub mod admin_rewards;
pub mod admin_rules;
pub mod claim;
#[cfg(feature = "citizen-app")]
pub mod home;
pub mod how_it_works;
pub mod landing;
pub mod leaderboard;
pub mod login;
pub mod not_found;
pub mod privacy;
pub mod profile;
pub mod register;
pub mod review;
pub mod rewards;
pub mod vouchers;
