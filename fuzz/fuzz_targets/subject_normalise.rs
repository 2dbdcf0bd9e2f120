//! Plate and card normalisation (`tanpu_core::binding::Subject::parse`):
//! what citizens type when they bind a card or plate, and what partners send
//! as a record's subject. The input is the typed text (lossily decoded, as
//! any byte string could arrive), parsed as each of the three kinds.
//!
//! Properties:
//! - `parse` never panics, and neither do `masked` nor `Display`;
//! - the normalised form is canonical: parsing it again gives the same
//!   subject (idempotent), and it has only the characters of its form
//!   (cards: 8 to 24 ASCII digits; plates: a province, then 6 or 7
//!   upper-case letters and digits);
//! - the masked form never reveals more than the normalised one: once the
//!   mask characters are taken out, what is left is a prefix plus a suffix of
//!   the normalised value, at most four characters, fewer than the value has,
//!   and the value itself never appears in it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tanpu_core::binding::{Subject, SubjectType};

/// Characters the mask is made of (`•••• 9012`, `鲁P·***45`).
fn is_mask(c: char) -> bool {
    matches!(c, '*' | '•' | '·' | ' ')
}

fn check(kind: SubjectType, raw: &str) {
    let Ok(subject) = Subject::parse(kind, raw) else {
        return;
    };
    assert_eq!(subject.kind(), kind);
    let value = subject.normalized();
    assert_eq!(
        Subject::parse(kind, value).as_ref(),
        Ok(&subject),
        "not idempotent: {raw:?} → {value:?}"
    );
    let chars: Vec<char> = value.chars().collect();
    match kind {
        SubjectType::TransitCard | SubjectType::FuelCard => {
            assert!((8..=24).contains(&chars.len()), "{value:?}");
            assert!(chars.iter().all(char::is_ascii_digit), "{value:?}");
        }
        SubjectType::Plate => {
            assert!(matches!(chars.len(), 7 | 8), "{value:?}");
            assert!(!chars[0].is_ascii(), "{value:?}");
            assert!(
                chars[1..]
                    .iter()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
                "{value:?}"
            );
        }
    }

    let masked = subject.masked();
    assert_eq!(subject.to_string(), masked, "Display is the masked form");
    assert!(!masked.contains(value), "{masked:?} shows {value:?}");
    let shown: Vec<char> = masked.chars().filter(|&c| !is_mask(c)).collect();
    assert!(
        shown.len() <= 4,
        "{masked:?} shows {} characters",
        shown.len()
    );
    assert!(
        shown.len() < chars.len(),
        "{masked:?} shows all of {value:?}"
    );
    let prefix_then_suffix =
        (0..=shown.len()).any(|k| chars.starts_with(&shown[..k]) && chars.ends_with(&shown[k..]));
    assert!(prefix_then_suffix, "{masked:?} shows more than {value:?}");
    // The hidden characters are masked, not dropped: one mask character
    // each (a card's mask is always four, whatever its length).
    let hidden = chars.len() - shown.len();
    let stars = masked.chars().filter(|&c| c == '*' || c == '•').count();
    assert!(
        stars >= hidden.min(4),
        "{masked:?} hides too little of {value:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    for kind in SubjectType::ALL {
        check(kind, &raw);
    }
});
