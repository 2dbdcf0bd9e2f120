//! The 12-week chart: stacked bars of CO2e by action kind, drawn as SVG so
//! it stays sharp on any screen, with the numbers as a table for screen
//! readers and anyone who prefers them.

use crate::display::kind_name;
use crate::i18n::{Msg, use_i18n};
use chrono::Datelike;
use leptos::prelude::*;
use tanpu_core::api::WeekTotals;
use tanpu_core::format::group_thousands;

/// Colours per kind, in a fixed order so a kind keeps its colour.
const PALETTE: [(&str, &str); 6] = [
    ("bus_ride", "#2e7d32"),
    ("metro_ride", "#1565c0"),
    ("bike_trip", "#f9a825"),
    ("walk", "#6a1b9a"),
    ("ev_charge", "#00838f"),
    ("refuel_offpeak", "#ef6c00"),
];
const OTHER: &str = "#757575";

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 140.0;
const GAP: f64 = 6.0;

fn colour(kind: &str) -> &'static str {
    PALETTE
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(OTHER, |(_, c)| c)
}

fn week_total(week: &WeekTotals) -> i64 {
    week.co2e_g_by_kind.values().map(|g| g.0.max(0)).sum()
}

/// Bars for the weeks, oldest on the left.
#[component]
pub fn WeekChart(weeks: Vec<WeekTotals>) -> impl IntoView {
    let i18n = use_i18n();
    let max = weeks.iter().map(week_total).max().unwrap_or(0).max(1);
    let count = weeks.len().max(1) as f64;
    let bar_width = (WIDTH - GAP * (count - 1.0)) / count;
    let mut kinds: Vec<String> = weeks
        .iter()
        .flat_map(|w| w.co2e_g_by_kind.keys().cloned())
        .collect();
    kinds.sort();
    kinds.dedup();

    let bars = weeks
        .iter()
        .enumerate()
        .flat_map(|(i, week)| {
            let x = i as f64 * (bar_width + GAP);
            let mut y = HEIGHT;
            week.co2e_g_by_kind
                .iter()
                .map(|(kind, grams)| {
                    let h = grams.0.max(0) as f64 / max as f64 * HEIGHT;
                    y -= h;
                    view! {
                        <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{bar_width:.1}")
                            height=format!("{h:.1}") fill=colour(kind) rx="2" />
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect_view();

    let legend = kinds
        .iter()
        .map(|kind| {
            let kind = kind.clone();
            let name = kind.clone();
            view! {
                <li><span class="swatch" style=format!("background:{}", colour(&kind))></span>
                    {move || kind_name(i18n, &name)}</li>
            }
        })
        .collect_view();

    let rows = weeks
        .iter()
        .map(|week| {
            let start = format!(
                "{:02}-{:02}",
                week.week_start.month(),
                week.week_start.day()
            );
            let total = group_thousands(u64::try_from(week_total(week)).unwrap_or(0));
            view! { <tr><td>{start}</td><td>{total}</td></tr> }
        })
        .collect_view();

    view! {
        <figure class="chart">
            <figcaption id="chart-title">{i18n.tr(Msg::ChartTitle)}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="chart-title"
                preserveAspectRatio="none">
                {bars}
            </svg>
            <ul class="legend">{legend}</ul>
            <details>
                <summary>{i18n.tr(Msg::ChartData)}</summary>
                <table>
                    <thead><tr>
                        <th scope="col">{i18n.tr(Msg::ChartWeek)}</th>
                        <th scope="col">{move || format!("{} ({})", i18n.t(Msg::ChartTotal), i18n.t(Msg::Grams))}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}
