//! The action being evaluated: what kind of green action, how much of it,
//! when, and the partner's details about it.

use super::context::TimeSpan;
use super::quantity::{Quantity, Unit};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// The kind of a green action: one of the built-in kinds (constants below)
/// or one an administrator defines.
///
/// Not a closed enum, because administrators add kinds without a release.
/// A kind is 2 to 32 characters of `a-z`, `0-9` and `_`, starting with a
/// letter, so it is safe in URLs, file names and log lines.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ActionKind(Cow<'static, str>);

/// Why a kind name was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KindError {
    /// Shorter than 2 or longer than 32 characters.
    #[error("a kind has 2 to 32 characters")]
    Length,
    /// Characters other than `a-z`, `0-9`, `_`, or not starting with a letter.
    #[error("a kind is lower-case letters, digits and underscores, starting with a letter")]
    Characters,
}

impl ActionKind {
    /// A bus ride, in km or per trip.
    pub const BUS_RIDE: Self = Self(Cow::Borrowed("bus_ride"));
    /// A metro ride, in km.
    pub const METRO_RIDE: Self = Self(Cow::Borrowed("metro_ride"));
    /// A bike trip (own or shared bike), in km.
    pub const BIKE_TRIP: Self = Self(Cow::Borrowed("bike_trip"));
    /// Walking, in steps.
    pub const WALK: Self = Self(Cow::Borrowed("walk"));
    /// Refuelling at night at a partner station, in litres.
    pub const REFUEL_OFFPEAK: Self = Self(Cow::Borrowed("refuel_offpeak"));
    /// Charging an electric vehicle, in kWh.
    pub const EV_CHARGE: Self = Self(Cow::Borrowed("ev_charge"));

    /// The built-in kinds, in display order.
    pub const BUILT_IN: [Self; 6] = [
        Self::BUS_RIDE,
        Self::METRO_RIDE,
        Self::BIKE_TRIP,
        Self::WALK,
        Self::REFUEL_OFFPEAK,
        Self::EV_CHARGE,
    ];

    /// Checks a kind name (built-in or administrator-defined).
    ///
    /// # Errors
    /// [`KindError`] when the name is too short, too long or has other
    /// characters than `a-z`, `0-9`, `_`.
    pub fn parse(name: &str) -> Result<Self, KindError> {
        if !(2..=32).contains(&name.len()) {
            return Err(KindError::Length);
        }
        let mut bytes = name.bytes();
        let starts_with_letter = bytes.next().is_some_and(|b| b.is_ascii_lowercase());
        if !starts_with_letter
            || !bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(KindError::Characters);
        }
        Ok(Self::BUILT_IN
            .into_iter()
            .find(|k| k.as_str() == name)
            .unwrap_or_else(|| Self(Cow::Owned(name.to_owned()))))
    }

    /// The wire name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is one of [`ActionKind::BUILT_IN`].
    #[must_use]
    pub fn is_built_in(&self) -> bool {
        Self::BUILT_IN.contains(self)
    }

    /// The units a built-in kind may be measured in; `None` for
    /// administrator-defined kinds, which may use any unit.
    #[must_use]
    pub fn allowed_units(&self) -> Option<&'static [Unit]> {
        Some(match self.as_str() {
            "bus_ride" => &[Unit::Km, Unit::Trip],
            "metro_ride" | "bike_trip" => &[Unit::Km],
            "walk" => &[Unit::Step],
            "refuel_offpeak" => &[Unit::Litre],
            "ev_charge" => &[Unit::KilowattHour],
            _ => return None,
        })
    }
}

impl TryFrom<String> for ActionKind {
    type Error = KindError;

    fn try_from(name: String) -> Result<Self, KindError> {
        Self::parse(&name)
    }
}

impl From<ActionKind> for String {
    fn from(kind: ActionKind) -> Self {
        kind.0.into_owned()
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One green action as the evaluator sees it: the partner record of
/// DESIGN.md §4 without its `external_id` and `subject` (the server has
/// already resolved the citizen), or a hypothetical action to preview.
///
/// Times are instants (RFC 3339 with any offset on the wire, UTC inside);
/// seasons and time windows read them in city time, see
/// [`super::calendar::to_city_time`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// What was done.
    pub kind: ActionKind,
    /// How much, exactly, in the unit below.
    pub quantity: Quantity,
    /// The unit of `quantity`; must be the rule's unit.
    pub unit: Unit,
    /// When it started (or happened, for an instant action such as a refuel).
    #[serde(with = "crate::wire_time")]
    pub started_at: DateTime<Utc>,
    /// When it ended; absent for instant actions.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire_time::option"
    )]
    pub ended_at: Option<DateTime<Utc>>,
    /// The partner's details (route, stops, station, vehicle type), shown to
    /// people; the evaluator does not read them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// A citizen's own claim (a note or photo) rather than a partner's
    /// record: held for review and credited at a discount.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub self_declared: bool,
}

impl Action {
    /// A partner-reported action without end time, attributes or
    /// self-declaration; set the other fields directly.
    #[must_use]
    pub fn new(
        kind: ActionKind,
        quantity: Quantity,
        unit: Unit,
        started_at: DateTime<Utc>,
    ) -> Self {
        Self {
            kind,
            quantity,
            unit,
            started_at,
            ended_at: None,
            attributes: BTreeMap::new(),
            self_declared: false,
        }
    }

    /// The time this action occupies, for overlap checks.
    #[must_use]
    pub fn span(&self) -> TimeSpan {
        TimeSpan {
            started_at: self.started_at,
            ended_at: self.ended_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_kinds_parse_to_their_constants() {
        for kind in ActionKind::BUILT_IN {
            assert_eq!(ActionKind::parse(kind.as_str()), Ok(kind.clone()));
            assert!(kind.is_built_in());
            assert!(kind.allowed_units().is_some());
        }
    }

    #[test]
    fn administrator_kinds_are_checked_names() {
        let kind = ActionKind::parse("ferry_ride").unwrap();
        assert!(!kind.is_built_in());
        assert_eq!(kind.allowed_units(), None);
        assert_eq!(ActionKind::parse("x"), Err(KindError::Length));
        assert_eq!(ActionKind::parse(&"a".repeat(33)), Err(KindError::Length));
        for bad in ["Bus_ride", "1bus", "_bus", "bus-ride", "bus ride", "公交车"] {
            assert!(ActionKind::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn actions_read_the_partner_record_shape() {
        let json = r#"{"kind":"bus_ride","quantity":7.4,"unit":"km",
            "started_at":"2026-11-29T08:10:00+08:00","ended_at":"2026-11-29T08:32:00+08:00",
            "attributes":{"route":"K5"}}"#;
        let action: Action = serde_json::from_str(json).unwrap();
        assert_eq!(action.kind, ActionKind::BUS_RIDE);
        assert_eq!(action.quantity.thousandths(), 7_400);
        assert_eq!(action.started_at.to_rfc3339(), "2026-11-29T00:10:00+00:00");
        assert!(!action.self_declared);
        let back: Action = serde_json::from_str(&serde_json::to_string(&action).unwrap()).unwrap();
        assert_eq!(back, action);
        let unknown = json.replace("\"unit\"", "\"colour\":1,\"unit\"");
        assert!(serde_json::from_str::<Action>(&unknown).is_err());
        let bad_kind = json.replace("bus_ride", "Bus Ride");
        assert!(serde_json::from_str::<Action>(&bad_kind).is_err());
    }
}
