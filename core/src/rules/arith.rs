//! The evaluator's integer arithmetic: exact products in `i128`, results
//! rounded down and clamped to `0..=i64::MAX`, so no input can overflow,
//! panic or produce a negative amount.

/// Clamps to `0..=i64::MAX`.
pub(super) fn clamp(value: i128) -> i64 {
    // The clamp makes the conversion lossless.
    i64::try_from(value.clamp(0, i128::from(i64::MAX))).unwrap_or(i64::MAX)
}

/// ⌊a × b / divisor⌋ clamped; `divisor` must be positive (callers pass
/// constants). Products of two `i64` always fit in `i128`.
pub(super) fn mul_div(a: i128, b: i128, divisor: i128) -> i64 {
    match a.checked_mul(b) {
        Some(product) => clamp(product.div_euclid(divisor.max(1))),
        // Only reachable with operands beyond i64; the sign decides.
        None if (a < 0) == (b < 0) => i64::MAX,
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_down_and_never_goes_negative_or_overflows() {
        assert_eq!(mul_div(7_400, 245_100, 1_000_000), 1_813);
        assert_eq!(mul_div(-7_400, 245_100, 1_000_000), 0);
        assert_eq!(
            mul_div(i128::from(i64::MAX), i128::from(i64::MAX), 1),
            i64::MAX
        );
        assert_eq!(mul_div(i128::MAX, 2, 1), i64::MAX);
        assert_eq!(mul_div(i128::MAX, -2, 1), 0);
        assert_eq!(mul_div(5, 5, 0), 25, "a zero divisor is treated as one");
        assert_eq!(clamp(-1), 0);
    }
}
