//! Tanpu's pure domain: the types every other crate agrees on.
//!
//! This crate does no I/O and compiles for the server (native) and for the
//! browser (`wasm32-unknown-unknown`), so that request and response types, ids
//! and units are one set of structs on both sides of the wire.

pub mod account;
pub mod api;
pub mod binding;
pub mod format;
pub mod ids;
pub mod ledger;
#[cfg(feature = "openapi")]
mod openapi;
pub mod rules;
pub mod units;
pub mod web;
pub mod wire_time;

pub use ids::{BindingId, PartnerId, RewardId, UserId, VoucherId};
pub use units::{GramsCo2e, Points};
