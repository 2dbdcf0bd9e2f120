//! Numbers as people read them, the same in the browser and in exports.

/// Groups digits in threes with commas (both zh-CN and en use this for
/// statistics): `1234567` → `"1,234,567"`.
#[must_use]
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What a mature tree absorbs in a year, in grams of CO2: about 22 kg
/// (European Environment Agency, "Trees help tackle climate change").
pub const TREE_YEAR_G: i64 = 22_000;

/// A reduction in the terms of the tree equivalent, rounded down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeEquivalent {
    /// Less than a tree-year: what one tree absorbs in this many days.
    TreeDays(i64),
    /// At least a tree-year: what this many trees absorb in a year, in
    /// tenths (so 25 reads "2.5 trees").
    TreeYearsTenths(i64),
}

/// Expresses `grams` of CO2e as tree-days or tree-years.
#[must_use]
pub fn tree_equivalent(grams: i64) -> TreeEquivalent {
    let grams = grams.max(0);
    if grams < TREE_YEAR_G {
        TreeEquivalent::TreeDays(grams.saturating_mul(365) / TREE_YEAR_G)
    } else {
        TreeEquivalent::TreeYearsTenths(grams.saturating_mul(10) / TREE_YEAR_G)
    }
}

/// A quantity in thousandths as a decimal without trailing zeros:
/// `7400` → `"7.4"`.
#[must_use]
pub fn thousandths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let (whole, frac) = (abs / 1000, abs % 1000);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let digits = format!("{frac:03}");
        format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_in_threes() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000), "1,000");
        assert_eq!(group_thousands(6_096_000), "6,096,000");
    }

    #[test]
    fn trees_turn_from_days_into_years() {
        assert_eq!(tree_equivalent(1_813), TreeEquivalent::TreeDays(30));
        assert_eq!(tree_equivalent(-5), TreeEquivalent::TreeDays(0));
        assert_eq!(tree_equivalent(22_000), TreeEquivalent::TreeYearsTenths(10));
        assert_eq!(tree_equivalent(55_000), TreeEquivalent::TreeYearsTenths(25));
    }

    #[test]
    fn thousandths_drop_trailing_zeros() {
        assert_eq!(thousandths(7_400), "7.4");
        assert_eq!(thousandths(7_000), "7");
        assert_eq!(thousandths(1), "0.001");
        assert_eq!(thousandths(-1_250), "-1.25");
    }
}
