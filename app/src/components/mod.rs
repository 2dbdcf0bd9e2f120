//! Pieces shared by several pages.

pub mod action_row;
pub mod admin_nav;
pub mod data_table;
pub mod fetched;
pub mod footer;
pub mod form;
pub mod header;
pub mod imports;
pub mod load_error;
pub mod require_sign_in;
pub mod submission;
pub mod voucher_card;
pub mod week_chart;
