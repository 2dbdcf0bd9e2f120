//! Season and time-window arithmetic in the city's wall time.
//!
//! Windows ("refuelling 20:00–06:00") and seasons ("heating season 15 Nov –
//! 15 Mar") are policy written in local time and may wrap: a window across
//! midnight, a season across the new year. Both are compared on plain
//! numbers (minute of the day, month and day), exact to the minute, with no
//! year involved, so a season is the same every year and 29 February needs no
//! special case.
//!
//! The city's zone is Asia/Shanghai. China has observed no daylight saving
//! time since 1991, so for every instant Tanpu handles the zone *is* the fixed
//! offset UTC+08:00. Using the fixed offset keeps this crate free of a time
//! zone database, which would add hundreds of kilobytes to the browser bundle.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Asia/Shanghai's offset from UTC, in seconds (no DST; see module docs).
pub const CITY_UTC_OFFSET_SECONDS: i64 = 8 * 3600;

/// The city's wall time at an instant. Saturates at the end of chrono's
/// range instead of panicking (only absurd inputs get there).
#[must_use]
pub fn to_city_time(instant: DateTime<Utc>) -> NaiveDateTime {
    instant
        .naive_utc()
        .checked_add_signed(TimeDelta::seconds(CITY_UTC_OFFSET_SECONDS))
        .unwrap_or(NaiveDateTime::MAX)
}

/// The city's calendar day at an instant: what "today" means for caps.
#[must_use]
pub fn city_date(instant: DateTime<Utc>) -> NaiveDate {
    to_city_time(instant).date()
}

/// A time of day to the minute, `"HH:MM"` on the wire (`00:00`–`23:59`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeOfDay(pub(crate) u16);

impl TimeOfDay {
    /// Midnight.
    pub const MIDNIGHT: Self = Self(0);

    /// `hour:minute`, if a real time of day.
    #[must_use]
    pub const fn from_hm(hour: u8, minute: u8) -> Option<Self> {
        if hour < 24 && minute < 60 {
            Some(Self(hour as u16 * 60 + minute as u16))
        } else {
            None
        }
    }

    /// Minutes since midnight.
    #[must_use]
    pub const fn minutes(self) -> u16 {
        self.0
    }

    /// The minute of a wall time (seconds are ignored: 05:59:59 is 05:59).
    #[must_use]
    pub fn of(time: NaiveDateTime) -> Self {
        // hour() < 24 and minute() < 60, so this fits u16.
        Self((time.hour() * 60 + time.minute()) as u16)
    }
}

/// Why a calendar value did not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CalendarParseError(&'static str);

impl TryFrom<String> for TimeOfDay {
    type Error = CalendarParseError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        const ERR: CalendarParseError =
            CalendarParseError("a time of day is HH:MM, 00:00 to 23:59");
        let (h, m) = text.split_once(':').ok_or(ERR)?;
        let two_digits = |s: &str| {
            (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u8>().ok())
                .flatten()
        };
        let (Some(h), Some(m)) = (two_digits(h), two_digits(m)) else {
            return Err(ERR);
        };
        Self::from_hm(h, m).ok_or(ERR)
    }
}

impl From<TimeOfDay> for String {
    fn from(t: TimeOfDay) -> Self {
        t.to_string()
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A day of the year without a year, `"MM-DD"` on the wire. `02-29` is
/// allowed; in other years it simply never occurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MonthDay {
    pub(crate) month: u8,
    pub(crate) day: u8,
}

impl MonthDay {
    /// `month`-`day`, if that day exists in some year.
    #[must_use]
    pub const fn new(month: u8, day: u8) -> Option<Self> {
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 => 29,
            _ => return None,
        };
        if day >= 1 && day <= days_in_month {
            Some(Self { month, day })
        } else {
            None
        }
    }

    /// The month, 1–12.
    #[must_use]
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    #[must_use]
    pub const fn day(self) -> u8 {
        self.day
    }

    /// The month and day of a date.
    #[must_use]
    pub fn of(date: NaiveDate) -> Self {
        // month() is 1–12 and day() 1–31.
        Self {
            month: date.month() as u8,
            day: date.day() as u8,
        }
    }
}

impl TryFrom<String> for MonthDay {
    type Error = CalendarParseError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        const ERR: CalendarParseError =
            CalendarParseError("a day of the year is MM-DD, e.g. 11-15");
        let (m, d) = text.split_once('-').ok_or(ERR)?;
        let two_digits = |s: &str| {
            (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u8>().ok())
                .flatten()
        };
        let (Some(m), Some(d)) = (two_digits(m), two_digits(d)) else {
            return Err(ERR);
        };
        Self::new(m, d).ok_or(ERR)
    }
}

impl From<MonthDay> for String {
    fn from(md: MonthDay) -> Self {
        md.to_string()
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// A day of the week, lower-case English on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// 星期一
    Monday,
    /// 星期二
    Tuesday,
    /// 星期三
    Wednesday,
    /// 星期四
    Thursday,
    /// 星期五
    Friday,
    /// 星期六
    Saturday,
    /// 星期日
    Sunday,
}

impl Weekday {
    /// The day of the week of a date.
    #[must_use]
    pub fn of(date: NaiveDate) -> Self {
        match date.weekday() {
            chrono::Weekday::Mon => Self::Monday,
            chrono::Weekday::Tue => Self::Tuesday,
            chrono::Weekday::Wed => Self::Wednesday,
            chrono::Weekday::Thu => Self::Thursday,
            chrono::Weekday::Fri => Self::Friday,
            chrono::Weekday::Sat => Self::Saturday,
            chrono::Weekday::Sun => Self::Sunday,
        }
    }
}

/// A daily window of wall time, `[start, end)` to the minute. When `end`
/// is before `start` the window crosses midnight: 20:00–06:00 holds 20:00 up
/// to 05:59. `start == end` is the whole day (validation refuses it as
/// meaningless, but the evaluator must still give an answer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    /// First minute inside.
    pub start: TimeOfDay,
    /// First minute outside.
    pub end: TimeOfDay,
}

impl TimeWindow {
    /// Whether the minute is inside the window.
    #[must_use]
    pub fn contains(&self, minute: TimeOfDay) -> bool {
        match self.start.cmp(&self.end) {
            std::cmp::Ordering::Less => self.start <= minute && minute < self.end,
            std::cmp::Ordering::Greater => minute >= self.start || minute < self.end,
            std::cmp::Ordering::Equal => true,
        }
    }
}

/// A yearly season, `start` to `end` with **both days inclusive**, the way
/// people say it: the heating season "15 Nov – 15 Mar" includes all of
/// 15 March (up to 23:59) and starts at 00:00 on 15 November. When `end` is
/// before `start` the season crosses the new year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Season {
    /// First day inside.
    pub start: MonthDay,
    /// Last day inside.
    pub end: MonthDay,
}

impl Season {
    /// Whether the day is inside the season.
    #[must_use]
    pub fn contains(&self, day: MonthDay) -> bool {
        if self.start <= self.end {
            self.start <= day && day <= self.end
        } else {
            day >= self.start || day <= self.end
        }
    }
}

/// When something applies: in one of the seasons, in one of the time windows
/// and on one of the days of the week. An empty list does not restrict, so
/// the default schedule is "always".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Schedule {
    /// Seasons of the year (any one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seasons: Vec<Season>,
    /// Windows of the day (any one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub time_windows: Vec<TimeWindow>,
    /// Days of the week (any one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub days_of_week: Vec<Weekday>,
}

impl Schedule {
    /// Whether the wall time falls in one of the seasons.
    #[must_use]
    pub fn in_season(&self, local: NaiveDateTime) -> bool {
        let day = MonthDay::of(local.date());
        self.seasons.is_empty() || self.seasons.iter().any(|s| s.contains(day))
    }

    /// Whether the wall time falls in one of the windows, on one of the days.
    /// A window that crosses midnight belongs to the day it *starts*: with
    /// "Fridays 20:00–06:00", Saturday 02:00 is inside and Friday 02:00 is
    /// not.
    #[must_use]
    pub fn in_time_window(&self, local: NaiveDateTime) -> bool {
        let minute = TimeOfDay::of(local);
        let today = Weekday::of(local.date());
        let yesterday = local.date().pred_opt().map(Weekday::of);
        let day_ok = |day: Option<Weekday>| {
            self.days_of_week.is_empty() || day.is_some_and(|d| self.days_of_week.contains(&d))
        };
        if self.time_windows.is_empty() {
            return day_ok(Some(today));
        }
        self.time_windows.iter().any(|w| {
            if !w.contains(minute) {
                return false;
            }
            // After midnight in a window that started the evening before.
            let started_yesterday = w.start > w.end && minute < w.end;
            day_ok(if started_yesterday {
                yesterday
            } else {
                Some(today)
            })
        })
    }

    /// Both of the above.
    #[must_use]
    pub fn matches(&self, local: NaiveDateTime) -> bool {
        self.in_season(local) && self.in_time_window(local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    fn hm(h: u8, m: u8) -> TimeOfDay {
        TimeOfDay::from_hm(h, m).unwrap()
    }

    fn md(m: u8, d: u8) -> MonthDay {
        MonthDay::new(m, d).unwrap()
    }

    #[test]
    fn city_time_is_utc_plus_eight() {
        let instant = Utc.with_ymd_and_hms(2026, 11, 28, 16, 0, 0).unwrap();
        assert_eq!(to_city_time(instant), local(2026, 11, 29, 0, 0, 0));
        assert_eq!(
            city_date(instant),
            NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
        );
        assert_eq!(to_city_time(DateTime::<Utc>::MAX_UTC), NaiveDateTime::MAX);
    }

    #[test]
    fn a_window_across_midnight_is_exact_to_the_minute() {
        let night = TimeWindow {
            start: hm(20, 0),
            end: hm(6, 0),
        };
        let schedule = Schedule {
            time_windows: vec![night],
            ..Schedule::default()
        };
        for (h, m, s, inside) in [
            (19, 59, 59, false),
            (20, 0, 0, true),
            (23, 59, 59, true),
            (0, 0, 0, true),
            (5, 59, 0, true),
            (5, 59, 59, true),
            (6, 0, 0, false),
            (12, 0, 0, false),
        ] {
            assert_eq!(
                schedule.in_time_window(local(2026, 11, 29, h, m, s)),
                inside,
                "{h:02}:{m:02}:{s:02}"
            );
        }
    }

    #[test]
    fn a_window_within_the_day_is_half_open() {
        let w = TimeWindow {
            start: hm(7, 0),
            end: hm(9, 30),
        };
        assert!(!w.contains(hm(6, 59)));
        assert!(w.contains(hm(7, 0)));
        assert!(w.contains(hm(9, 29)));
        assert!(!w.contains(hm(9, 30)));
        let all_day = TimeWindow {
            start: hm(6, 0),
            end: hm(6, 0),
        };
        assert!(all_day.contains(hm(5, 59)) && all_day.contains(hm(6, 0)));
    }

    #[test]
    fn the_heating_season_crosses_the_new_year_and_includes_its_last_day() {
        let heating = Schedule {
            seasons: vec![Season {
                start: md(11, 15),
                end: md(3, 15),
            }],
            ..Schedule::default()
        };
        for (y, mo, d, h, mi, inside) in [
            (2026, 11, 14, 23, 59, false),
            (2026, 11, 15, 0, 0, true),
            (2026, 12, 31, 23, 59, true),
            (2027, 1, 1, 0, 0, true),
            (2028, 2, 29, 12, 0, true),
            (2027, 3, 15, 23, 59, true),
            (2027, 3, 16, 0, 0, false),
            (2027, 7, 1, 12, 0, false),
        ] {
            assert_eq!(
                heating.in_season(local(y, mo, d, h, mi, 0)),
                inside,
                "{y}-{mo:02}-{d:02} {h:02}:{mi:02}"
            );
        }
    }

    #[test]
    fn a_season_within_the_year_is_inclusive() {
        let summer = Season {
            start: md(6, 1),
            end: md(8, 31),
        };
        assert!(!summer.contains(md(5, 31)));
        assert!(summer.contains(md(6, 1)));
        assert!(summer.contains(md(8, 31)));
        assert!(!summer.contains(md(9, 1)));
        let one_day = Season {
            start: md(2, 29),
            end: md(2, 29),
        };
        assert!(one_day.contains(md(2, 29)) && !one_day.contains(md(3, 1)));
    }

    #[test]
    fn a_night_window_belongs_to_the_day_it_starts() {
        // 2026-11-27 is a Friday.
        let friday_nights = Schedule {
            time_windows: vec![TimeWindow {
                start: hm(20, 0),
                end: hm(6, 0),
            }],
            days_of_week: vec![Weekday::Friday],
            ..Schedule::default()
        };
        assert!(friday_nights.in_time_window(local(2026, 11, 27, 21, 0, 0)));
        assert!(friday_nights.in_time_window(local(2026, 11, 28, 2, 0, 0)));
        assert!(!friday_nights.in_time_window(local(2026, 11, 27, 2, 0, 0)));
        assert!(!friday_nights.in_time_window(local(2026, 11, 28, 21, 0, 0)));
        let weekends = Schedule {
            days_of_week: vec![Weekday::Saturday, Weekday::Sunday],
            ..Schedule::default()
        };
        assert!(weekends.in_time_window(local(2026, 11, 29, 0, 0, 0)));
        assert!(!weekends.in_time_window(local(2026, 11, 27, 23, 59, 0)));
    }

    #[test]
    fn calendar_values_use_their_wire_forms() {
        assert_eq!(serde_json::to_string(&hm(6, 5)).unwrap(), "\"06:05\"");
        assert_eq!(serde_json::to_string(&md(3, 15)).unwrap(), "\"03-15\"");
        assert_eq!(
            serde_json::from_str::<TimeOfDay>("\"20:00\"").unwrap(),
            hm(20, 0)
        );
        assert_eq!(
            serde_json::to_string(&Weekday::Sunday).unwrap(),
            "\"sunday\""
        );
        for bad in [
            "\"24:00\"",
            "\"7:00\"",
            "\"07:60\"",
            "\"0700\"",
            "\"+7:00\"",
        ] {
            assert!(serde_json::from_str::<TimeOfDay>(bad).is_err(), "{bad}");
        }
        for bad in [
            "\"02-30\"",
            "\"13-01\"",
            "\"00-10\"",
            "\"1-15\"",
            "\"11/15\"",
        ] {
            assert!(serde_json::from_str::<MonthDay>(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<MonthDay>("\"02-29\"").is_ok());
    }
}
