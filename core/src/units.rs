//! Money-like integer units. Nothing that is stored or summed is a float:
//! credits are whole [`Points`], emission reductions whole [`GramsCo2e`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign};

/// Carbon credits, the currency of the ledger. Whole points only.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Points(pub i64);

/// An emission reduction in whole grams of CO2 equivalent.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct GramsCo2e(pub i64);

macro_rules! additive {
    ($name:ident) => {
        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|v| v.0).sum())
            }
        }
    };
}

additive!(Points);
additive!(GramsCo2e);

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A mass scaled to the unit a person reads most easily.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MassUnit {
    /// grams
    Grams,
    /// kilograms
    Kilograms,
    /// metric tonnes
    Tonnes,
}

impl GramsCo2e {
    /// Splits the amount into a display value with at most one decimal,
    /// rounded down (never overstating a reduction), and its unit:
    /// below 1 kg in grams, below 1 t in kilograms, otherwise in tonnes.
    ///
    /// Returns the value in tenths of the unit, so `(12_345, Kilograms)`
    /// reads "1234.5 kg".
    #[must_use]
    pub fn humanize(self) -> (i64, MassUnit) {
        let g = self.0;
        if g.abs() < 1_000 {
            (g * 10, MassUnit::Grams)
        } else if g.abs() < 1_000_000 {
            (g / 100, MassUnit::Kilograms)
        } else {
            (g / 100_000, MassUnit::Tonnes)
        }
    }

    /// The amount as text with its unit symbol, e.g. `"1.2 t"` or `"350 g"`.
    #[must_use]
    pub fn to_display_string(self) -> String {
        let (tenths, unit) = self.humanize();
        let symbol = match unit {
            MassUnit::Grams => "g",
            MassUnit::Kilograms => "kg",
            MassUnit::Tonnes => "t",
        };
        let whole = tenths / 10;
        let frac = (tenths % 10).abs();
        if frac == 0 || unit == MassUnit::Grams {
            format!("{whole} {symbol}")
        } else {
            format!("{whole}.{frac} {symbol}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_exact_integers() {
        let total: Points = [Points(1), Points(2), Points(3)].into_iter().sum();
        assert_eq!(total, Points(6));
        let mut g = GramsCo2e(10);
        g += GramsCo2e(5);
        assert_eq!(g, GramsCo2e(15));
    }

    #[test]
    fn display_picks_a_readable_unit_and_rounds_down() {
        assert_eq!(GramsCo2e(0).to_display_string(), "0 g");
        assert_eq!(GramsCo2e(999).to_display_string(), "999 g");
        assert_eq!(GramsCo2e(1_000).to_display_string(), "1 kg");
        assert_eq!(GramsCo2e(1_299).to_display_string(), "1.2 kg");
        assert_eq!(GramsCo2e(999_999).to_display_string(), "999.9 kg");
        assert_eq!(GramsCo2e(2_460_000).to_display_string(), "2.4 t");
    }
}
