//! Domain values as people read them, in the current language.

use crate::i18n::{I18n, Lang, Msg, kind_msg, unit_msg};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Timelike, Utc};
use tanpu_core::format::{TreeEquivalent, group_thousands, thousandths, tree_equivalent};
use tanpu_core::rules::calendar::{CITY_UTC_OFFSET_SECONDS, to_city_time};
use tanpu_core::wire_time::WireTime;

/// An action kind's name; an administrator-defined kind shows its key.
pub fn kind_name(i18n: I18n, kind: &str) -> String {
    kind_msg(kind).map_or_else(|| kind.to_owned(), |m| i18n.t(m).to_owned())
}

/// A quantity with its unit: "7.4 公里", "7.4 km".
pub fn amount(i18n: I18n, quantity_milli: i64, unit: &str) -> String {
    let unit = unit_msg(unit).map_or_else(|| unit.to_owned(), |m| i18n.t(m).to_owned());
    format!("{} {unit}", thousandths(quantity_milli))
}

/// An instant in city time (UTC+8), as on the partner's receipt.
pub fn when(instant: Option<DateTime<Utc>>) -> String {
    instant.map_or_else(String::new, |t| city_minute(t, ' '))
}

/// `t` in city time to the minute, "2026-11-29 08:10" with `between` as
/// the space. Written out rather than with chrono's `format`, whose
/// strftime interpreter would be code of every page that shows a time.
fn city_minute(t: DateTime<Utc>, between: char) -> String {
    let t = to_city_time(t);
    format!(
        "{:04}-{:02}-{:02}{between}{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A reduction as what trees absorb.
pub fn trees(lang: Lang, grams: i64) -> String {
    match (tree_equivalent(grams), lang) {
        (TreeEquivalent::TreeDays(days), Lang::Zh) => {
            format!("相当于一棵树 {days} 天吸收的二氧化碳")
        }
        (TreeEquivalent::TreeDays(days), Lang::En) => {
            format!("what one tree absorbs in {days} days")
        }
        (TreeEquivalent::TreeYearsTenths(t), Lang::Zh) => {
            format!("相当于 {}.{} 棵树一年吸收的二氧化碳", t / 10, t % 10)
        }
        (TreeEquivalent::TreeYearsTenths(t), Lang::En) => {
            format!("what {}.{} trees absorb in a year", t / 10, t % 10)
        }
    }
}

/// The browser's clock (chrono's own clock is not built for wasm here).
pub fn now() -> DateTime<Utc> {
    #[allow(clippy::cast_possible_truncation)] // milliseconds since 1970 fit an i64
    let millis = js_sys::Date::now() as i64;
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

/// Points with grouped digits: "1,234".
pub fn points(value: i64) -> String {
    let digits = group_thousands(value.unsigned_abs());
    if value < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// The question of the redemption step.
pub fn spend_question(lang: Lang, price: i64, reward: &str) -> String {
    match lang {
        Lang::Zh => format!("花费 {} 积分兑换「{reward}」？", points(price)),
        Lang::En => format!("Spend {} points on {reward}?", points(price)),
    }
}

/// What the balance becomes after paying.
pub fn balance_change(lang: Lang, before: i64, after: i64) -> String {
    match lang {
        Lang::Zh => format!("你的积分将从 {} 变为 {}。", points(before), points(after)),
        Lang::En => format!(
            "Your balance will go from {} to {}.",
            points(before),
            points(after)
        ),
    }
}

/// The caller's place on the leaderboard.
pub fn your_rank(lang: Lang, rank: u32, ranked: u64) -> String {
    match lang {
        Lang::Zh => format!("你的名次：第 {rank} 名（共 {ranked} 人）"),
        Lang::En => format!("Your rank: {rank} of {ranked}"),
    }
}

/// An instant as the value of an `<input type="datetime-local">`, in city
/// time.
pub fn datetime_local(instant: Option<DateTime<Utc>>) -> String {
    instant.map_or_else(String::new, |t| city_minute(t, 'T'))
}

/// A `datetime-local` value ("2026-11-29T08:10", seconds optional) read as
/// city time; `None` for anything else. Read by its fixed layout, as the
/// API's times are (`tanpu_core::wire_time`): chrono's `parse_from_str`
/// would bring its format interpreter into the pages with such a field.
pub fn city_instant(local: &str) -> Option<DateTime<FixedOffset>> {
    let local = local.trim();
    let wall = if local.len() == "2026-11-29T08:10".len() {
        NaiveDateTime::read(&format!("{local}:00"))
    } else {
        NaiveDateTime::read(local)
    }?;
    let city = FixedOffset::east_opt(i32::try_from(CITY_UTC_OFFSET_SECONDS).ok()?)?;
    wall.and_local_timezone(city).single()
}

/// The value of an optional `<input type="datetime-local">`, read as city
/// time.
///
/// # Errors
/// The message to show when it is neither empty nor a date and time.
pub fn parse_datetime_local(value: &str) -> Result<Option<DateTime<Utc>>, Msg> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    city_instant(value)
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or(Msg::ErrNotADate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn times_read_in_city_time_to_the_minute() {
        let t = DateTime::parse_from_rfc3339("2026-11-30T16:05:59Z")
            .expect("an instant")
            .with_timezone(&Utc);
        assert_eq!(when(Some(t)), "2026-12-01 00:05");
        assert_eq!(when(None), "");
        assert_eq!(datetime_local(Some(t)), "2026-12-01T00:05");
        let minute = t - TimeDelta::seconds(59);
        assert_eq!(
            parse_datetime_local(&datetime_local(Some(t))),
            Ok(Some(minute))
        );
    }

    #[test]
    fn datetime_local_values_read_in_their_layout_only() {
        let at = |text: &str| city_instant(text).map(|t| t.to_rfc3339());
        assert_eq!(
            at("2026-11-29T08:10").as_deref(),
            Some("2026-11-29T08:10:00+08:00")
        );
        assert_eq!(
            at(" 2026-11-29T08:10:30 ").as_deref(),
            Some("2026-11-29T08:10:30+08:00")
        );
        for loose in [
            "2026-11-29 08:10",
            "2026-11-29T8:10",
            "2026-11-29",
            "2026-02-30T08:10",
            "08:10",
            "",
        ] {
            assert_eq!(at(loose), None, "{loose}");
        }
        assert_eq!(parse_datetime_local("  "), Ok(None));
        assert_eq!(parse_datetime_local("tomorrow"), Err(Msg::ErrNotADate));
    }
}
