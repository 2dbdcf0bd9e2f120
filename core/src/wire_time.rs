//! Times on the wire, read exactly as the contract writes them: RFC 3339 with
//! an offset for instants (DESIGN.md §6), `2026-12-01` for days and
//! `2026-12-01T08:10:00` for a wall-clock time in the city.
//!
//! chrono's own `Deserialize` goes through `FromStr`, a lenient reader that
//! also takes `+0800`, `UTC` or a space before the offset, and that brings
//! chrono's whole format interpreter (some 15 KB of wasm) into every page of
//! the app that reads a time. Fields use these helpers instead:
//! `#[serde(with = "crate::wire_time")]`, or
//! `#[serde(default, with = "crate::wire_time::option")]` for an optional
//! one. Writing is chrono's own, unchanged.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::de::{Error, Unexpected, Visitor};
use serde::{Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A time with one strict written form.
pub trait WireTime: Serialize + Sized {
    /// What the form looks like, for error messages.
    const EXPECTED: &'static str;

    /// Reads the form; `None` for anything else.
    fn read(text: &str) -> Option<Self>;
}

/// The one form of an instant, whichever zone it is read into.
const INSTANT: &str = "an RFC 3339 time with offset, like 2026-12-01T08:10:00+08:00";

impl WireTime for DateTime<Utc> {
    const EXPECTED: &'static str = INSTANT;

    fn read(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

impl WireTime for DateTime<FixedOffset> {
    const EXPECTED: &'static str = INSTANT;

    fn read(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text).ok()
    }
}

impl WireTime for NaiveDate {
    const EXPECTED: &'static str = "a date, like 2026-12-01";

    fn read(text: &str) -> Option<Self> {
        let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *text.as_bytes() else {
            return None;
        };
        let year = digits(&[y1, y2, y3, y4])?;
        NaiveDate::from_ymd_opt(
            i32::try_from(year).ok()?,
            digits(&[m1, m2])?,
            digits(&[d1, d2])?,
        )
    }
}

impl WireTime for NaiveDateTime {
    const EXPECTED: &'static str = "a date and time without offset, like 2026-12-01T08:10:00";

    fn read(text: &str) -> Option<Self> {
        let (date, time) = text.split_at_checked(10)?;
        let time = time.strip_prefix('T')?;
        let (hms, fraction) = time.split_once('.').unwrap_or((time, ""));
        let [h1, h2, b':', m1, m2, b':', s1, s2] = *hms.as_bytes() else {
            return None;
        };
        // Up to nanoseconds, as chrono writes them; none of ours are finer.
        if fraction.len() > 9 || (time.contains('.') && fraction.is_empty()) {
            return None;
        }
        let nanos = if fraction.is_empty() {
            0
        } else {
            digits(fraction.as_bytes())? * 10_u32.pow(9 - u32::try_from(fraction.len()).ok()?)
        };
        let time = NaiveTime::from_hms_nano_opt(
            digits(&[h1, h2])?,
            digits(&[m1, m2])?,
            digits(&[s1, s2])?,
            nanos,
        )?;
        Some(NaiveDate::read(date)?.and_time(time))
    }
}

/// The number that ASCII digits spell (at most nine of them).
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0_u32, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// Writes a time as chrono does.
///
/// # Errors
/// The serializer's.
pub fn serialize<T: WireTime, S: Serializer>(time: &T, serializer: S) -> Result<S::Ok, S::Error> {
    time.serialize(serializer)
}

/// Reads a time in its one form.
///
/// # Errors
/// Anything but a string in that form.
pub fn deserialize<'de, T: WireTime, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_str(TimeVisitor(PhantomData))
}

struct TimeVisitor<T>(PhantomData<T>);

impl<T: WireTime> Visitor<'_> for TimeVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(T::EXPECTED)
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<T, E> {
        T::read(text).ok_or_else(|| E::invalid_value(Unexpected::Str(text), &self))
    }
}

/// The same for an optional time (`null` or absent is `None`; absent needs
/// `#[serde(default)]` beside it, as for any field read `with` helpers).
pub mod option {
    use super::{TimeVisitor, WireTime};
    use serde::de::{Deserializer, Visitor};
    use serde::{Serialize, Serializer};
    use std::fmt;
    use std::marker::PhantomData;

    /// Writes the time or `null`.
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<T: WireTime, S: Serializer>(
        time: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        time.serialize(serializer)
    }

    /// Reads `null` or a time in its one form.
    ///
    /// # Errors
    /// Anything else.
    pub fn deserialize<'de, T: WireTime, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }

    struct OptionVisitor<T>(PhantomData<T>);

    impl<'de, T: WireTime> Visitor<'de> for OptionVisitor<T> {
        type Value = Option<T>;

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            write!(formatter, "null or {}", T::EXPECTED)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer
                .deserialize_str(TimeVisitor(PhantomData))
                .map(Some)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};
    use proptest::prelude::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Times {
        #[serde(with = "crate::wire_time")]
        at: DateTime<Utc>,
        #[serde(with = "crate::wire_time")]
        local: DateTime<FixedOffset>,
        #[serde(with = "crate::wire_time")]
        day: NaiveDate,
        #[serde(with = "crate::wire_time")]
        wall: NaiveDateTime,
        #[serde(default, with = "crate::wire_time::option")]
        until: Option<DateTime<Utc>>,
    }

    fn times(at: &str, local: &str, day: &str, wall: &str) -> serde_json::Result<Times> {
        serde_json::from_value(serde_json::json!({
            "at": at, "local": local, "day": day, "wall": wall,
        }))
    }

    #[test]
    fn reads_the_contracts_forms_and_writes_what_chrono_writes() {
        let read = times(
            "2026-12-01T08:10:00+08:00",
            "2026-12-01T08:10:00.5+08:00",
            "2026-12-01",
            "2026-12-01T08:10:00.250",
        )
        .unwrap();
        assert_eq!(
            read.at,
            Utc.with_ymd_and_hms(2026, 12, 1, 0, 10, 0).unwrap()
        );
        assert_eq!(read.local.offset().local_minus_utc(), 8 * 3600);
        assert_eq!(read.local.nanosecond(), 500_000_000);
        assert_eq!(read.day, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(read.wall.nanosecond(), 250_000_000);
        assert_eq!(read.until, None);
        let written = serde_json::to_value(&read).unwrap();
        assert_eq!(written["at"], "2026-12-01T00:10:00Z");
        assert_eq!(written["local"], "2026-12-01T08:10:00.500+08:00");
        assert_eq!(written["day"], "2026-12-01");
        assert_eq!(written["wall"], "2026-12-01T08:10:00.250");
        assert_eq!(written["until"], serde_json::Value::Null);
        assert_eq!(serde_json::from_value::<Times>(written).unwrap(), read);
    }

    #[test]
    fn refuses_what_the_contract_does_not_say() {
        let good = (
            "2026-12-01T08:10:00Z",
            "2026-12-01T08:10:00+08:00",
            "2026-12-01",
            "2026-12-01T08:10:00",
        );
        for bad in [
            "2026-12-01T08:10:00",
            "2026-12-01T08:10:00+0800",
            "2026-12-01T08:10:00 UTC",
            "2026-12-01 08:10",
            "2026-13-01T08:10:00Z",
            "1764576600",
            "",
        ] {
            let error = times(bad, good.1, good.2, good.3).unwrap_err().to_string();
            assert!(error.contains("RFC 3339"), "{bad}: {error}");
            assert!(times(good.0, bad, good.2, good.3).is_err(), "{bad}");
        }
        for bad in [
            "2026-12-1",
            "2026-02-30",
            "+026-12-01",
            "2026/12/01",
            "2026-12-01T00:00:00",
        ] {
            let error = times(good.0, good.1, bad, good.3).unwrap_err().to_string();
            assert!(error.contains("a date, like"), "{bad}: {error}");
        }
        for bad in [
            "2026-12-01 08:10:00",
            "2026-12-01T08:10",
            "2026-12-01T08:10:00.",
            "2026-12-01T08:10:00.1234567890",
            "2026-12-01T24:00:00",
            "2026-12-01T08:10:00Z",
        ] {
            assert!(times(good.0, good.1, good.2, bad).is_err(), "{bad}");
        }
        let number = serde_json::json!({
            "at": 5, "local": good.1, "day": good.2, "wall": good.3,
        });
        assert!(serde_json::from_value::<Times>(number).is_err());
    }

    proptest! {
        /// Whatever chrono writes, we read back to the same time, and we agree
        /// with chrono's own strict reader.
        #[test]
        fn reads_back_what_chrono_writes(
            seconds in -62_000_000_000_i64..250_000_000_000,
            nanos in 0_u32..1_000_000_000,
            offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59),
        ) {
            let utc = DateTime::from_timestamp(seconds, nanos).unwrap();
            let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let local = utc.with_timezone(&offset);
            let text = serde_json::to_value(local).unwrap();
            let text = text.as_str().unwrap();
            prop_assert_eq!(<DateTime<FixedOffset>>::read(text), Some(local));
            prop_assert_eq!(<DateTime<Utc>>::read(text), Some(utc));
            let wall = local.naive_local();
            let wall_text = serde_json::to_value(wall).unwrap();
            prop_assert_eq!(NaiveDateTime::read(wall_text.as_str().unwrap()), Some(wall));
            if (0..=9999).contains(&chrono::Datelike::year(&wall.date())) {
                let day_text = serde_json::to_value(wall.date()).unwrap();
                prop_assert_eq!(NaiveDate::read(day_text.as_str().unwrap()), Some(wall.date()));
            }
        }
    }
}
