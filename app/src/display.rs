//! Domain values as people read them, in the current language.

use crate::i18n::{I18n, Lang, kind_msg, unit_msg};
use chrono::{DateTime, Utc};
use tanpu_core::format::{TreeEquivalent, thousandths, tree_equivalent};
use tanpu_core::rules::calendar::to_city_time;

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
    instant.map_or_else(String::new, |t| {
        to_city_time(t).format("%Y-%m-%d %H:%M").to_string()
    })
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
