//! Measured quantities: what a partner reports ("7.4 km", "42.5 L") as an
//! exact integer number of thousandths, and the units they are measured in.
//!
//! Partners send decimals. A float would turn 7.4 into 7.399999…, and the
//! methodologies round down, so a ride would lose a gram now and then
//! depending on how the number happened to be stored. [`Quantity::parse`]
//! reads the decimal text itself, digit by digit, into thousandths; nothing
//! is ever rounded. More than three significant decimals are refused rather
//! than truncated, so a partner learns that its data is finer than we credit.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The unit a quantity is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Unit {
    /// Kilometres travelled (bus, metro, bike).
    #[serde(rename = "km")]
    Km,
    /// Whole trips, for a flat reduction per ride.
    #[serde(rename = "trip")]
    Trip,
    /// Litres of fuel.
    #[serde(rename = "L")]
    Litre,
    /// Kilowatt-hours of electricity.
    #[serde(rename = "kWh")]
    KilowattHour,
    /// Steps walked.
    #[serde(rename = "step")]
    Step,
}

impl Unit {
    /// Every unit, in display order.
    pub const ALL: [Self; 5] = [
        Self::Km,
        Self::Trip,
        Self::Litre,
        Self::KilowattHour,
        Self::Step,
    ];

    /// The wire name: `km`, `trip`, `L`, `kWh` or `step`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Km => "km",
            Self::Trip => "trip",
            Self::Litre => "L",
            Self::KilowattHour => "kWh",
            Self::Step => "step",
        }
    }

    /// The inverse of [`Unit::as_str`] (exact spelling: `"l"` is not litres).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == name)
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a quantity was refused. Stable: partners read the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// The text is empty.
    #[error("the quantity is empty")]
    Empty,
    /// A minus sign: quantities are amounts measured, never negative.
    #[error("the quantity must not be negative")]
    Negative,
    /// Exponent notation such as `1e3`; write the digits out.
    #[error("write the quantity as plain digits, without an exponent (1000, not 1e3)")]
    Exponent,
    /// Not a plain decimal number (`NaN`, `inf`, `+1`, `1,5`, `.5`, `7.`, spaces…).
    #[error("the quantity is not a plain decimal number such as 7.4")]
    NotANumber,
    /// More than three significant decimals (`7.4001`).
    #[error("the quantity has more than three decimals")]
    TooManyDecimals,
    /// Above [`Quantity::MAX`].
    #[error("the quantity is too large")]
    TooLarge,
}

/// A non-negative measured amount in exact thousandths of its unit:
/// `7.4` km is `Quantity(7400)`.
///
/// At most [`Quantity::MAX`] thousandths: fifteen significant digits, which
/// is also what a JSON number (an IEEE double) carries exactly, so a quantity
/// serializes as a plain JSON number and reads back unchanged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(i64);

impl Quantity {
    /// Thousandths per whole unit.
    pub const SCALE: i64 = 1_000;
    /// Nothing.
    pub const ZERO: Self = Self(0);
    /// The largest quantity: 999 999 999 999.999 of any unit.
    pub const MAX: Self = Self(999_999_999_999_999);

    /// A quantity of `thousandths / 1000` units, if within `0..=MAX`.
    #[must_use]
    pub const fn from_thousandths(thousandths: i64) -> Option<Self> {
        if thousandths >= 0 && thousandths <= Self::MAX.0 {
            Some(Self(thousandths))
        } else {
            None
        }
    }

    /// A whole number of units (`Quantity::whole(7)` is 7.000).
    #[must_use]
    pub const fn whole(units: u32) -> Self {
        // u32::MAX * 1000 < MAX, so this is always in range.
        Self(units as i64 * Self::SCALE)
    }

    /// The amount in thousandths of the unit.
    #[must_use]
    pub const fn thousandths(self) -> i64 {
        self.0
    }

    /// Parses a plain decimal: ASCII digits, optionally a point and more
    /// digits (`"7"`, `"7.4"`, `"0.001"`). Trailing zeros after the third
    /// decimal are accepted because they lose nothing (`"7.4000"` is 7.400,
    /// as fixed-format exports write it); a fourth *significant* decimal is
    /// refused. Leading zeros are accepted (`"07.4"`), signs, exponents,
    /// spaces and separators are not.
    ///
    /// # Errors
    /// [`QuantityError`] saying what is wrong with the text.
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        if text.is_empty() {
            return Err(QuantityError::Empty);
        }
        if text.starts_with('-') {
            return Err(QuantityError::Negative);
        }
        let (int_part, frac_part) = match text.split_once('.') {
            Some((int_part, frac_part)) => (int_part, Some(frac_part)),
            None => (text, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || !frac_part.is_none_or(all_digits) {
            let has_exponent = text.bytes().any(|b| b == b'e' || b == b'E')
                && text.bytes().any(|b| b.is_ascii_digit());
            return Err(if has_exponent {
                QuantityError::Exponent
            } else {
                QuantityError::NotANumber
            });
        }
        let frac = frac_part.unwrap_or("").trim_end_matches('0');
        if frac.len() > 3 {
            return Err(QuantityError::TooManyDecimals);
        }
        let mut units: i64 = 0;
        for digit in int_part.bytes() {
            units = units
                .checked_mul(10)
                .and_then(|u| u.checked_add(i64::from(digit - b'0')))
                .ok_or(QuantityError::TooLarge)?;
        }
        let mut thousandths: i64 = 0;
        for (i, scale) in [100, 10, 1].into_iter().enumerate() {
            if let Some(&digit) = frac.as_bytes().get(i) {
                thousandths += i64::from(digit - b'0') * scale;
            }
        }
        units
            .checked_mul(Self::SCALE)
            .and_then(|u| u.checked_add(thousandths))
            .and_then(Self::from_thousandths)
            .ok_or(QuantityError::TooLarge)
    }

    /// Reads a JSON number that arrived as a double. Exact: it is accepted
    /// only when some decimal with at most three decimals is the one double
    /// that the partner's text denotes (`7.4` → 7.400; `7.4001` refused).
    ///
    /// # Errors
    /// [`QuantityError::NotANumber`] for NaN and infinities,
    /// [`QuantityError::Negative`], [`QuantityError::TooLarge`] and
    /// [`QuantityError::TooManyDecimals`].
    pub fn from_f64(value: f64) -> Result<Self, QuantityError> {
        if !value.is_finite() {
            return Err(QuantityError::NotANumber);
        }
        if value < 0.0 {
            return Err(QuantityError::Negative);
        }
        let scaled = value * Self::SCALE as f64;
        if scaled > Self::MAX.0 as f64 {
            return Err(QuantityError::TooLarge);
        }
        // In range, so the cast is exact for the rounded value.
        let thousandths = scaled.round() as i64;
        // Division is correctly rounded: equality means `value` is the
        // double nearest to thousandths / 1000, i.e. the partner's decimal.
        let exact = thousandths as f64 / Self::SCALE as f64 == value;
        if !exact {
            return Err(QuantityError::TooManyDecimals);
        }
        Self::from_thousandths(thousandths).ok_or(QuantityError::TooLarge)
    }

    /// The value as a double, for serialization (exact within `MAX`).
    fn to_f64(self) -> f64 {
        self.0 as f64 / Self::SCALE as f64
    }
}

impl std::str::FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Quantity {
    /// The shortest exact decimal: `7.4`, `0.001`, `12`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = self.0 / Self::SCALE;
        let frac = self.0 % Self::SCALE;
        if frac == 0 {
            return write!(f, "{units}");
        }
        let digits = format!("{frac:03}");
        write!(f, "{units}.{}", digits.trim_end_matches('0'))
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % Self::SCALE == 0 {
            serializer.serialize_i64(self.0 / Self::SCALE)
        } else {
            serializer.serialize_f64(self.to_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    /// Accepts a JSON number or a string holding a decimal. A JSON number
    /// reaches us as a double (serde_json keeps no text without its
    /// `arbitrary_precision` feature, which would change number handling for
    /// the whole workspace), so `1e3` written as a number is the same as
    /// `1000` and accepted; as a string it is refused.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor)
    }
}

/// Reads numbers and decimal strings into a [`Quantity`].
struct QuantityVisitor;

impl Visitor<'_> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative decimal number with at most three decimals")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
        Quantity::parse(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
        i64::try_from(v)
            .ok()
            .and_then(|v| v.checked_mul(Quantity::SCALE))
            .and_then(Quantity::from_thousandths)
            .ok_or_else(|| E::custom(QuantityError::TooLarge))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
        if v < 0 {
            return Err(E::custom(QuantityError::Negative));
        }
        self.visit_u64(v.unsigned_abs())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
        Quantity::from_f64(v).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Result<i64, QuantityError> {
        Quantity::parse(text).map(Quantity::thousandths)
    }

    #[test]
    fn decimals_parse_exactly_into_thousandths() {
        assert_eq!(q("7.4"), Ok(7_400));
        assert_eq!(q("0.001"), Ok(1));
        assert_eq!(q("12.345"), Ok(12_345));
        assert_eq!(q("12"), Ok(12_000));
        assert_eq!(q("0"), Ok(0));
        assert_eq!(q("07.40"), Ok(7_400));
        assert_eq!(q("999999999999.999"), Ok(Quantity::MAX.thousandths()));
    }

    #[test]
    fn trailing_zeros_beyond_three_decimals_lose_nothing_and_are_accepted() {
        assert_eq!(q("7.4000"), Ok(7_400));
        assert_eq!(q("1.000000000"), Ok(1_000));
        assert_eq!(q("7.4001"), Err(QuantityError::TooManyDecimals));
        assert_eq!(q("0.0005"), Err(QuantityError::TooManyDecimals));
    }

    #[test]
    fn signs_exponents_and_non_numbers_are_refused_with_a_reason() {
        assert_eq!(q(""), Err(QuantityError::Empty));
        assert_eq!(q("-1"), Err(QuantityError::Negative));
        assert_eq!(q("-0"), Err(QuantityError::Negative));
        assert_eq!(q("1e3"), Err(QuantityError::Exponent));
        assert_eq!(q("1E-3"), Err(QuantityError::Exponent));
        assert_eq!(q("7.4e0"), Err(QuantityError::Exponent));
        for text in [
            "NaN", "nan", "inf", "Infinity", "+1", " 7", "7 ", "1,5", ".5", "7.", "7..4", "0x10",
            "七", "e", "1.2.3",
        ] {
            assert_eq!(q(text), Err(QuantityError::NotANumber), "{text:?}");
        }
    }

    #[test]
    fn too_large_quantities_are_refused_without_overflow() {
        assert_eq!(q("1000000000000"), Err(QuantityError::TooLarge));
        assert_eq!(
            q("99999999999999999999999999999"),
            Err(QuantityError::TooLarge)
        );
    }

    #[test]
    fn doubles_are_accepted_only_when_they_denote_three_decimals() {
        assert_eq!(
            Quantity::from_f64(7.4).map(Quantity::thousandths),
            Ok(7_400)
        );
        assert_eq!(Quantity::from_f64(0.001).map(Quantity::thousandths), Ok(1));
        assert_eq!(Quantity::from_f64(-0.0).map(Quantity::thousandths), Ok(0));
        assert_eq!(
            Quantity::from_f64(7.4001),
            Err(QuantityError::TooManyDecimals)
        );
        assert_eq!(Quantity::from_f64(-1.0), Err(QuantityError::Negative));
        assert_eq!(Quantity::from_f64(f64::NAN), Err(QuantityError::NotANumber));
        assert_eq!(
            Quantity::from_f64(f64::INFINITY),
            Err(QuantityError::NotANumber)
        );
        assert_eq!(Quantity::from_f64(1e300), Err(QuantityError::TooLarge));
    }

    #[test]
    fn json_numbers_and_strings_read_the_same_and_round_trip() {
        for (json, thousandths) in [
            ("7.4", 7_400),
            ("\"7.4\"", 7_400),
            ("3", 3_000),
            ("0.125", 125),
        ] {
            let parsed: Quantity = serde_json::from_str(json).unwrap();
            assert_eq!(parsed.thousandths(), thousandths, "{json}");
            let back: Quantity =
                serde_json::from_str(&serde_json::to_string(&parsed).unwrap()).unwrap();
            assert_eq!(back, parsed);
        }
        // A JSON *number* in exponent form reaches us as the same double as
        // its digits (serde_json keeps no text without `arbitrary_precision`),
        // so it is accepted when exact; the string form is refused.
        assert_eq!(
            serde_json::from_str::<Quantity>("1e3")
                .unwrap()
                .thousandths(),
            1_000_000
        );
        assert_eq!(serde_json::to_string(&Quantity(7_400)).unwrap(), "7.4");
        assert_eq!(serde_json::to_string(&Quantity(3_000)).unwrap(), "3");
        for bad in ["-1", "\"1e3\"", "7.4001", "null", "\"\"", "\"-1\""] {
            assert!(serde_json::from_str::<Quantity>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_is_the_shortest_exact_decimal() {
        assert_eq!(Quantity(7_400).to_string(), "7.4");
        assert_eq!(Quantity(1).to_string(), "0.001");
        assert_eq!(Quantity(12_000).to_string(), "12");
        assert_eq!(Quantity(12_050).to_string(), "12.05");
    }

    #[test]
    fn units_use_their_wire_names() {
        for unit in Unit::ALL {
            let json = serde_json::to_string(&unit).unwrap();
            assert_eq!(json, format!("\"{}\"", unit.as_str()));
            assert_eq!(Unit::from_name(unit.as_str()), Some(unit));
        }
        assert_eq!(Unit::from_name("l"), None);
    }
}
