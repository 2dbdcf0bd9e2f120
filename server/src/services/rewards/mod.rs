//! Rewards: the catalogue, redemption and vouchers.
//!
//! - [`catalogue`]: what citizens can spend points on, managed by
//!   administrators (every change audited).
//! - [`redeem`]: one redemption — a ledger transfer from the citizen to the
//!   redemption sink, a stock decrement and a voucher, in one transaction,
//!   idempotent by the app's `Idempotency-Key`.
//! - [`vouchers`]: codes, QR codes, a citizen's vouchers, and marking one
//!   used by its merchant or an administrator.

pub mod catalogue;
pub mod redeem;
pub mod vouchers;

use super::ServiceError;

/// A conflict with a stable reason code.
fn conflict(field: &'static str, reason: &'static str, message: &str) -> ServiceError {
    ServiceError::Conflict {
        field,
        reason,
        message: message.to_owned(),
    }
}

/// A refused value with a stable reason code.
fn invalid(field: &'static str, reason: &str) -> ServiceError {
    ServiceError::Invalid {
        field,
        reason: reason.to_owned(),
    }
}
