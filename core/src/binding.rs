//! Identity bindings: the transit cards, vehicle plates and fuel cards through
//! which partner records find their citizen.
//!
//! A partner never names a citizen; it names a subject (`{"type": "plate",
//! "value": "鲁P·12345"}`). Both the citizen binding a subject and the partner
//! reporting one go through [`Subject::parse`], so "鲁p 12345" and "鲁P·12345"
//! are the same plate everywhere.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of subject a partner record can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubjectType {
    /// A city transit (bus/metro) card number.
    TransitCard,
    /// A vehicle licence plate.
    Plate,
    /// A fuel station chain's card number.
    FuelCard,
}

impl SubjectType {
    /// Every type, in display order.
    pub const ALL: [Self; 3] = [Self::TransitCard, Self::Plate, Self::FuelCard];

    /// The wire and storage name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TransitCard => "transit_card",
            Self::Plate => "plate",
            Self::FuelCard => "fuel_card",
        }
    }

    /// The inverse of [`SubjectType::as_str`].
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// How many active bindings of this type one citizen may hold.
    #[must_use]
    pub fn limit_per_citizen(self) -> usize {
        match self {
            Self::TransitCard | Self::FuelCard => 3,
            Self::Plate => 2,
        }
    }
}

/// Why a subject value was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubjectError {
    /// Nothing was entered.
    #[error("this field is required")]
    Empty,
    /// A card number must be 8 to 24 digits.
    #[error("a card number has 8 to 24 digits")]
    NotACardNumber,
    /// Not a mainland plate: province, letter, then 5 characters (6 for new-energy).
    #[error("enter a plate such as 鲁P·12345 or 鲁P·D12345")]
    NotAPlate,
}

/// A subject in its one normalised form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Subject {
    kind: SubjectType,
    value: String,
}

/// The 31 provincial abbreviations that start a mainland plate.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// The shortest and longest card numbers we accept.
const CARD_DIGITS: std::ops::RangeInclusive<usize> = 8..=24;

impl Subject {
    /// Normalises what a person or partner typed: spaces, dashes and dots
    /// dropped, full-width characters made half-width, letters upper-cased.
    ///
    /// # Errors
    /// [`SubjectError`] when the value is not of its type's form.
    pub fn parse(kind: SubjectType, raw: &str) -> Result<Self, SubjectError> {
        let cleaned: String = raw
            .chars()
            .map(half_width)
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '·' | '•' | '.' | '・'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if cleaned.is_empty() {
            return Err(SubjectError::Empty);
        }
        let valid = match kind {
            SubjectType::TransitCard | SubjectType::FuelCard => {
                CARD_DIGITS.contains(&cleaned.len()) && cleaned.bytes().all(|b| b.is_ascii_digit())
            }
            SubjectType::Plate => is_plate(&cleaned),
        };
        if !valid {
            return Err(match kind {
                SubjectType::Plate => SubjectError::NotAPlate,
                _ => SubjectError::NotACardNumber,
            });
        }
        Ok(Self {
            kind,
            value: cleaned,
        })
    }

    /// The type.
    #[must_use]
    pub fn kind(&self) -> SubjectType {
        self.kind
    }

    /// The normalised value: digits for cards, `鲁P12345` for plates.
    #[must_use]
    pub fn normalized(&self) -> &str {
        &self.value
    }

    /// What may be shown: the last four digits of a card (`•••• 9012`); a
    /// plate's province and city letter and its last two characters
    /// (`鲁P·***45`).
    #[must_use]
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.value.chars().collect();
        match self.kind {
            SubjectType::Plate => {
                let hidden = chars.len().saturating_sub(4);
                let tail: String = chars[chars.len() - 2..].iter().collect();
                format!("{}{}·{}{tail}", chars[0], chars[1], "*".repeat(hidden))
            }
            SubjectType::TransitCard | SubjectType::FuelCard => {
                let tail: String = chars[chars.len() - 4..].iter().collect();
                format!("•••• {tail}")
            }
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Full-width ASCII (as typed by Chinese input methods) to half-width.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Serial characters: digits and letters except I and O (never issued, to
/// avoid confusion with 1 and 0).
fn is_serial_char(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

/// `鲁P12345` (regular, 7 characters) or `鲁PD12345` / `鲁P12345D`
/// (new-energy, 8 characters: D for battery-electric, F for others, first for
/// small vehicles, last for large ones).
fn is_plate(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let (Some(&province), Some(&city)) = (chars.first(), chars.get(1)) else {
        return false;
    };
    if !PROVINCES.contains(province) || !city.is_ascii_uppercase() {
        return false;
    }
    let serial = &chars[2..];
    if !serial.iter().all(|&c| is_serial_char(c)) {
        return false;
    }
    match serial.len() {
        5 => true,
        6 => {
            let nev = |c: char| c == 'D' || c == 'F';
            nev(serial[0]) || nev(serial[5])
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_are_normalised_from_what_people_type() {
        for raw in [
            "鲁P·12345",
            "鲁p 12345",
            "鲁P-12345",
            "鲁Ｐ１２３４５",
            " 鲁P12345 ",
        ] {
            let plate = Subject::parse(SubjectType::Plate, raw).unwrap();
            assert_eq!(plate.normalized(), "鲁P12345", "{raw}");
        }
    }

    #[test]
    fn new_energy_plates_have_eight_characters() {
        assert_eq!(
            Subject::parse(SubjectType::Plate, "鲁P·D12345")
                .unwrap()
                .normalized(),
            "鲁PD12345"
        );
        assert!(Subject::parse(SubjectType::Plate, "鲁P12345F").is_ok());
        assert_eq!(
            Subject::parse(SubjectType::Plate, "鲁P·A12345"),
            Err(SubjectError::NotAPlate),
            "six serial characters without D or F"
        );
    }

    #[test]
    fn malformed_plates_are_refused() {
        for raw in [
            "P12345",
            "鲁112345",
            "鲁P1234",
            "鲁PI2345",
            "XXP12345",
            "鲁P1234567",
        ] {
            assert_eq!(
                Subject::parse(SubjectType::Plate, raw),
                Err(SubjectError::NotAPlate),
                "{raw}"
            );
        }
        assert_eq!(
            Subject::parse(SubjectType::Plate, " · "),
            Err(SubjectError::Empty)
        );
    }

    #[test]
    fn cards_keep_only_their_digits() {
        let card = Subject::parse(SubjectType::TransitCard, "3100 1234 5678 9012").unwrap();
        assert_eq!(card.normalized(), "3100123456789012");
        assert_eq!(card.masked(), "•••• 9012");
        assert_eq!(
            Subject::parse(SubjectType::FuelCard, "1234-567"),
            Err(SubjectError::NotACardNumber)
        );
        assert_eq!(
            Subject::parse(SubjectType::FuelCard, "1234abcd5678"),
            Err(SubjectError::NotACardNumber)
        );
    }

    #[test]
    fn plates_are_masked_to_province_city_and_last_two() {
        let plate = Subject::parse(SubjectType::Plate, "鲁P·12345").unwrap();
        assert_eq!(plate.masked(), "鲁P·***45");
        let nev = Subject::parse(SubjectType::Plate, "鲁PD12345").unwrap();
        assert_eq!(nev.masked(), "鲁P·****45");
    }

    #[test]
    fn subject_types_round_trip_their_names() {
        for t in SubjectType::ALL {
            assert_eq!(SubjectType::from_name(t.as_str()), Some(t));
        }
    }
}
