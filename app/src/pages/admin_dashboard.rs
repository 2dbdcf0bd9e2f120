//! `/admin`: the city dashboard. Totals of today, this week, this month and
//! this year (city time), the last 30 days as a chart with its numbers as a
//! table, the same window split by action kind, partner and district, and
//! the ledger's integrity: when it was last proven whole, and a button to
//! prove it again now.

use crate::api::NoBody;
use crate::components::admin_nav::RequireAdmin;
use crate::components::data_table::{
    Cell, Column, DataTable, Facts, TableSection, grams, number, text,
};
use crate::components::form::{FormError, show_api_error};
use crate::components::load_error::{LoadError, Loading};
use crate::display::{now, points, when};
use crate::i18n::{Msg, use_i18n};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::prelude::*;
use tanpu_core::GramsCo2e;
use tanpu_core::api::{
    Dashboard, DashboardDay, DashboardSlice, DashboardWindow, LedgerCheck, LedgerVerification,
};

/// The windows, as the API names them, with their labels.
const WINDOWS: [(&str, Msg); 4] = [
    ("today", Msg::DashToday),
    ("week", Msg::DashWeek),
    ("month", Msg::DashMonth),
    ("year", Msg::DashYear),
];

/// `/admin`
#[component]
pub fn AdminDashboard() -> impl IntoView {
    view! { <RequireAdmin title=Msg::DashTitle><DashboardPage /></RequireAdmin> }
}

#[component]
fn DashboardPage() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let dashboard = LocalResource::new(move || async move {
        auth.call::<NoBody, Dashboard>(Method::GET, "/api/v1/admin/dashboard", None)
            .await
    });
    // Outside the loaded view, so a reload keeps the chosen window.
    let window = RwSignal::new("month");
    view! {
        <h1>{i18n.tr(Msg::DashTitle)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(dashboard) => view! { <DashboardView dashboard window /> }.into_any(),
                    Err(error) => view! { <LoadError error on_retry=move || dashboard.refetch() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardView(dashboard: Dashboard, window: RwSignal<&'static str>) -> impl IntoView {
    let i18n = use_i18n();
    let windows = StoredValue::new(dashboard.windows);
    let current = Memo::new(move |_| {
        let key = window.get();
        windows.with_value(|all| all.iter().find(|w| w.window == key).cloned())
    });
    view! {
        <div class="toggle-group" role="group" aria-label=i18n.tr(Msg::DashPeriod)>
            {WINDOWS.into_iter().map(|(key, label)| view! {
                <button type="button" class="toggle"
                    aria-pressed=move || if window.get() == key { "true" } else { "false" }
                    on:click=move |_| window.set(key)>
                    {i18n.tr(label)}
                </button>
            }).collect_view()}
        </div>
        {move || current.get().map(|w| view! { <WindowView window=w /> })}
        <DayChart days=dashboard.days />
        <LedgerPanel last=dashboard.ledger_check />
    }
}

/// One window: its totals and its three breakdowns.
#[component]
fn WindowView(window: DashboardWindow) -> impl IntoView {
    let i18n = use_i18n();
    let t = window.totals;
    let period = format!("{} – {}", window.from, window.to);
    let count = |n: i64| points(n);
    view! {
        <p class="muted">{i18n.tr(Msg::DashPeriodShown)} " " {period}</p>
        <ul class="stat-list admin-stats" aria-label=i18n.tr(Msg::DashTotals)>
            <li class="stat">
                <span class="stat-label">{i18n.tr(Msg::DashCo2e)}</span>
                <span class="stat-value">{t.co2e_g.to_display_string()}</span>
                <span class="stat-note">{points(t.co2e_g.0)} " " {i18n.tr(Msg::Grams)}</span>
            </li>
            <Stat label=Msg::DashPointsIssued value=count(t.points_issued.0) />
            <Stat label=Msg::DashPointsRedeemed value=count(t.points_redeemed.0) />
            <Stat label=Msg::DashVouchers value=count(t.vouchers) />
            <Stat label=Msg::DashActiveCitizens value=count(t.active_citizens) />
            <Stat label=Msg::StatusAccepted value=count(t.accepted) />
            <Stat label=Msg::StatusRejected value=count(t.rejected) />
            <Stat label=Msg::StatusHeld value=count(t.held) />
        </ul>
        <SliceTable title=Msg::DashByKind id="by-kind-title" rows=window.by_kind
            name=|s| Cell::Kind(s.key) />
        <SliceTable title=Msg::DashByPartner id="by-partner-title" rows=window.by_partner
            name=|s| if s.key == "0" { Cell::Msg(Msg::DashCitizenClaims) } else { Cell::Text(s.label) } />
        <SliceTable title=Msg::DashByDistrict id="by-district-title" rows=window.by_district
            name=|s| if s.key.is_empty() { Cell::Msg(Msg::DashNoDistrict) } else { Cell::Text(s.label) } />
    }
}

#[component]
fn Stat(label: Msg, value: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li class="stat">
            <span class="stat-label">{i18n.tr(label)}</span>
            <span class="stat-value">{value}</span>
        </li>
    }
}

/// The columns of a window's breakdown.
const SLICE_COLUMNS: &[Column] = &[
    text(Msg::RuleNameCol),
    grams(Msg::ColCo2e),
    number(Msg::PointsWord),
    number(Msg::StatusAccepted),
    number(Msg::StatusRejected),
    number(Msg::StatusHeld),
];

/// A window split by kind, partner or district; `name` says what a row is.
#[component]
fn SliceTable(
    title: Msg,
    id: &'static str,
    rows: Vec<DashboardSlice>,
    name: fn(DashboardSlice) -> Cell,
) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|s| {
            let numbers = [s.co2e_g.0, s.points.0, s.accepted, s.rejected, s.held];
            let mut row = vec![name(s)];
            row.extend(numbers.into_iter().map(|n| Cell::Text(points(n))));
            row
        })
        .collect();
    view! { <TableSection title id empty=Msg::DashNothingYet columns=SLICE_COLUMNS rows /> }
}

const CHART_WIDTH: f64 = 600.0;
const CHART_HEIGHT: f64 = 160.0;

/// The columns of the chart's table.
const DAY_COLUMNS: &[Column] = &[
    text(Msg::DashDay),
    grams(Msg::ColCo2e),
    number(Msg::PointsWord),
    number(Msg::StatusAccepted),
];

/// The last 30 days' CO2e as bars, with the numbers as a table.
#[component]
fn DayChart(days: Vec<DashboardDay>) -> impl IntoView {
    let i18n = use_i18n();
    let max = days.iter().map(|d| d.co2e_g.0).max().unwrap_or(0).max(1);
    let slot = CHART_WIDTH / days.len().max(1) as f64;
    let bar = (slot * 0.75).max(1.0);
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let h = d.co2e_g.0.max(0) as f64 / max as f64 * CHART_HEIGHT;
            let x = i as f64 * slot + (slot - bar) / 2.0;
            view! {
                <rect x=format!("{x:.1}") y=format!("{:.1}", CHART_HEIGHT - h)
                    width=format!("{bar:.1}") height=format!("{h:.1}") fill="#2e7d32" rx="1" />
            }
        })
        .collect_view();
    let first = days.first().map(|d| d.day.to_string()).unwrap_or_default();
    let last = days.last().map(|d| d.day.to_string()).unwrap_or_default();
    let peak = GramsCo2e(max).to_display_string();
    let rows = days
        .iter()
        .rev()
        .map(|d| {
            vec![
                Cell::Text(d.day.to_string()),
                Cell::Text(points(d.co2e_g.0)),
                Cell::Text(points(d.points.0)),
                Cell::Text(points(d.accepted)),
            ]
        })
        .collect();
    view! {
        <figure class="chart day-chart">
            <figcaption id="days-title">{i18n.tr(Msg::DashChartTitle)}</figcaption>
            <p class="chart-peak small" aria-hidden="true">{peak}</p>
            <svg viewBox=format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}") role="img"
                aria-labelledby="days-title" preserveAspectRatio="none">
                {bars}
            </svg>
            <p class="chart-axis small" aria-hidden="true"><span>{first}</span><span>{last}</span></p>
            <details>
                <summary>{i18n.tr(Msg::ChartData)}</summary>
                <DataTable columns=DAY_COLUMNS rows labelled_by="days-title".to_owned() />
            </details>
        </figure>
    }
}

/// A count as people read it.
fn count(n: u64) -> String {
    points(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The last proof that the ledger is whole, and a button to run it now.
#[component]
fn LedgerPanel(last: Option<LedgerCheck>) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let last = RwSignal::new(last);
    let result = RwSignal::new(None::<LedgerVerification>);
    let error = RwSignal::new(None);
    let verify = Action::new_local(move |(): &()| async move {
        auth.call::<NoBody, LedgerVerification>(Method::GET, "/api/v1/admin/ledger/verify", None)
            .await
    });
    let pending = verify.pending();
    Effect::new(move |_| match verify.value().get() {
        Some(Ok(v)) => {
            last.set(Some(LedgerCheck {
                at: now(),
                ok: v.ok,
                entries_checked: v.entries_checked,
                problem_count: v.problem_count,
            }));
            result.set(Some(v));
        }
        Some(Err(e)) => show_api_error(&e, &[], error),
        None => {}
    });
    view! {
        <section class="card" aria-labelledby="ledger-title">
            <h2 id="ledger-title">{i18n.tr(Msg::LedgerTitle)}</h2>
            <p class="muted">{i18n.tr(Msg::LedgerExplain)}</p>
            {move || match last.get() {
                None => view! { <p>{i18n.tr(Msg::LedgerNeverChecked)}</p> }.into_any(),
                Some(check) => view! {
                    <Facts items=vec![
                        (Msg::LedgerLastChecked, Cell::Text(when(Some(check.at)))),
                        (Msg::LedgerResult, Cell::Msg(if check.ok { Msg::LedgerIntact } else { Msg::LedgerBroken })),
                        (Msg::LedgerEntries, Cell::Text(count(check.entries_checked))),
                        (Msg::LedgerProblems, Cell::Text(count(check.problem_count))),
                    ] />
                }.into_any(),
            }}
            <FormError error />
            <button type="button" class="primary" disabled=move || pending.get()
                on:click=move |_| {
                    error.set(None);
                    result.set(None);
                    verify.dispatch(());
                }>
                {move || i18n.t(if pending.get() { Msg::LedgerVerifying } else { Msg::LedgerVerifyNow })}
            </button>
            <div aria-live="polite">
                {move || result.get().map(|v| view! { <VerificationResult v /> })}
            </div>
        </section>
    }
}

#[component]
fn VerificationResult(v: LedgerVerification) -> impl IntoView {
    let i18n = use_i18n();
    let class = if v.ok {
        "notice notice-ok"
    } else {
        "notice notice-error"
    };
    view! {
        <div class=class>
            <p><strong>{i18n.tr(if v.ok { Msg::LedgerIntact } else { Msg::LedgerBroken })}</strong></p>
            <Facts items=vec![
                (Msg::LedgerAccounts, Cell::Text(count(v.accounts_checked))),
                (Msg::LedgerEntries, Cell::Text(count(v.entries_checked))),
                (Msg::LedgerTransfers, Cell::Text(count(v.transfers_checked))),
                (Msg::LedgerSum, Cell::Text(v.total_balance)),
                (Msg::LedgerProblems, Cell::Text(count(v.problem_count))),
            ] />
            {(!v.problems.is_empty()).then(|| view! {
                <ul>
                    {v.problems.into_iter().map(|p| view! {
                        <li><code>{p.kind}</code> " " {p.detail}</li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}
