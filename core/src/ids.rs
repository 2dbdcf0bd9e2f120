//! Typed ids: a `UserId` can never be passed where a rule or partner id is
//! expected, although all of them are 64-bit integers in the database.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares an id newtype over `i64` that serializes as a bare number.
macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                Self(raw)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    };
}

typed_id!(
    /// A person with a login: citizen, reviewer or administrator.
    UserId
);

typed_id!(
    /// A card or plate bound to a citizen.
    BindingId
);

typed_id!(
    /// An account of the ledger (a citizen's, an issuer's, a sink...).
    AccountId
);

typed_id!(
    /// A transfer of the ledger: points moved from one account to another.
    TransferId
);

typed_id!(
    /// A batch of ledger transfers committed together (a single transfer is
    /// a batch of one).
    BatchId
);

typed_id!(
    /// One line of an account's statement: one side of a transfer.
    EntryId
);

typed_id!(
    /// A partner system (bus operator, fuel chain, charging network).
    PartnerId
);

typed_id!(
    /// A credit rule: the stable identity behind its versions.
    RuleId
);

typed_id!(
    /// One immutable, published version of a credit rule.
    RuleVersionId
);

typed_id!(
    /// A reward of the catalogue (a transit pass, a voucher, a donation...).
    RewardId
);

typed_id!(
    /// A voucher: one redemption of a reward by a citizen.
    VoucherId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_bare_numbers() {
        assert_eq!(serde_json::to_string(&UserId(42)).unwrap(), "42");
        assert_eq!(serde_json::from_str::<UserId>("7").unwrap(), UserId(7));
    }
}
