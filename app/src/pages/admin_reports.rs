//! `/admin/reports`: exports for a period (this month by default): every
//! decided action per day, kind, partner, district and status as CSV, and
//! the certified-reduction statement the city can pool and sell, shown as a
//! page that prints cleanly and downloadable as CSV.

use crate::api::ApiError;
use crate::components::admin_nav::RequireAdmin;
use crate::components::data_table::{Cell, Column, DataTable, Facts, grams, number, text};
use crate::components::form::{FormError, TextField, show_api_error};
use crate::display::{now, points, when};
use crate::files::save_text;
use crate::i18n::{Msg, use_i18n};
use crate::session::use_auth;
use chrono::{Datelike, NaiveDate};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tanpu_core::api::CertifiedStatement;
use tanpu_core::rules::calendar::city_date;
use tanpu_core::wire_time::WireTime;

/// `/admin/reports`
#[component]
pub fn AdminReports() -> impl IntoView {
    view! { <RequireAdmin title=Msg::ReportsTitle><ReportsPage /></RequireAdmin> }
}

#[component]
fn ReportsPage() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let today = city_date(now());
    let first = today.with_day(1).unwrap_or(today);
    let from = RwSignal::new(first.to_string());
    let to = RwSignal::new(today.to_string());
    let from_error = RwSignal::new(None);
    let to_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let statement = RwSignal::new(None::<CertifiedStatement>);

    // The period as typed, or `None` with the reasons shown by the fields.
    let period = move || {
        form_error.set(None);
        let parse = |value: RwSignal<String>, error: RwSignal<Option<Msg>>| {
            let parsed = NaiveDate::read(value.get_untracked().trim());
            error.set(parsed.is_none().then_some(Msg::ReportErrDate));
            parsed
        };
        let (f, t) = (parse(from, from_error), parse(to, to_error));
        let (f, t) = (f?, t?);
        if t < f {
            to_error.set(Some(Msg::ReportErrBeforeFrom));
            return None;
        }
        Some((f, t))
    };
    let failed = move |e: &ApiError| {
        if let Some((field, reason)) = e.field_reason() {
            let target = if field == "from" {
                from_error
            } else {
                to_error
            };
            match reason.as_str() {
                "before_from" => return to_error.set(Some(Msg::ReportErrBeforeFrom)),
                "period_too_long" => return target.set(Some(Msg::ReportErrTooLong)),
                _ => {}
            }
        }
        show_api_error(e, &[("from", from_error), ("to", to_error)], form_error);
    };
    // Fetches a CSV with the token and offers it as a file.
    let download = move |path: String, name: String| {
        busy.set(true);
        spawn_local(async move {
            let result = auth.text(&path).await;
            let _ = busy.try_set(false);
            match result {
                Ok(text) => save_text(&name, "text/csv", &text),
                Err(e) => failed(&e),
            }
        });
    };
    let actions_csv = move |_| {
        if let Some((f, t)) = period() {
            download(
                format!("/api/v1/admin/reports/actions.csv?from={f}&to={t}"),
                format!("tanpu-actions-{f}-{t}.csv"),
            );
        }
    };
    let certified = move |_| {
        let Some((f, t)) = period() else { return };
        busy.set(true);
        spawn_local(async move {
            let path = format!("/api/v1/admin/reports/certified?from={f}&to={t}");
            let result = auth
                .call::<crate::api::NoBody, CertifiedStatement>(Method::GET, &path, None)
                .await;
            let _ = busy.try_set(false);
            match result {
                Ok(s) => {
                    let _ = statement.try_set(Some(s));
                }
                Err(e) => failed(&e),
            }
        });
    };
    view! {
        <h1>{i18n.tr(Msg::ReportsTitle)}</h1>
        <section class="card no-print" aria-labelledby="period-title">
            <h2 id="period-title">{i18n.tr(Msg::ReportPeriod)}</h2>
            <form class="form" novalidate on:submit=|ev| ev.prevent_default()>
                <FormError error=form_error />
                <div class="field-row">
                    <TextField label=Msg::ReportFrom name="report-from" value=from error=from_error input_type="date" />
                    <TextField label=Msg::ReportTo name="report-to" value=to error=to_error input_type="date" />
                </div>
                <div class="actions">
                    <button type="button" class="secondary" disabled=move || busy.get() on:click=actions_csv>
                        {i18n.tr(Msg::ReportActionsCsv)}
                    </button>
                    <button type="button" class="primary" disabled=move || busy.get() on:click=certified>
                        {i18n.tr(Msg::ReportCertified)}
                    </button>
                </div>
            </form>
            <p class="muted small">{i18n.tr(Msg::ReportActionsHelp)}</p>
        </section>
        {move || statement.get().map(|s| {
            let (f, t) = (s.from, s.to);
            view! {
                <Statement s />
                <div class="actions no-print">
                    <button type="button" class="primary" on:click=move |_| print()>{i18n.tr(Msg::ReportPrint)}</button>
                    <button type="button" class="secondary" disabled=move || busy.get()
                        on:click=move |_| download(
                            format!("/api/v1/admin/reports/certified?from={f}&to={t}&format=csv"),
                            format!("tanpu-certified-{f}-{t}.csv"),
                        )>
                        {i18n.tr(Msg::ReportDownloadCsv)}
                    </button>
                </div>
            }
        })}
    }
}

fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

const KIND_COLUMNS: &[Column] = &[
    text(Msg::RuleKindCol),
    grams(Msg::ColCo2e),
    number(Msg::ReportActions),
    text(Msg::ReportMethodologies),
];

/// The certified-reduction statement, laid out to be printed.
#[component]
fn Statement(s: CertifiedStatement) -> impl IntoView {
    let i18n = use_i18n();
    let check = s.ledger_check;
    let rows = s
        .kinds
        .into_iter()
        .map(|k| {
            vec![
                Cell::Kind(k.kind),
                Cell::Text(points(k.co2e_g.0)),
                Cell::Text(points(k.actions)),
                Cell::Text(k.methodologies.join("; ")),
            ]
        })
        .collect();
    view! {
        <article class="card statement" aria-labelledby="statement-title">
            <h2 id="statement-title">{i18n.tr(Msg::ReportStatementTitle)}</h2>
            <Facts items=vec![
                (Msg::ReportPeriod, Cell::Text(format!("{} – {}", s.from, s.to))),
                (Msg::ReportGenerated, Cell::Text(when(Some(s.generated_at)))),
                (Msg::DashCo2e, Cell::View(view! {
                    {s.co2e_g.to_display_string()} " (" {points(s.co2e_g.0)} " " {i18n.tr(Msg::Grams)} ")"
                }.into_any())),
                (Msg::ReportActions, Cell::Text(points(s.actions))),
                (Msg::ReportCitizens, Cell::Text(points(s.citizens))),
                (Msg::LedgerTitle, Cell::View(view! {
                    {i18n.tr(if check.ok { Msg::LedgerIntact } else { Msg::LedgerBroken })}
                    " · " {when(Some(check.at))} " · "
                    {i18n.tr(Msg::LedgerEntries)} " " {points(i64::try_from(check.entries_checked).unwrap_or(i64::MAX))}
                }.into_any())),
            ] />
            <h3 id="statement-kinds">{i18n.tr(Msg::DashByKind)}</h3>
            <DataTable columns=KIND_COLUMNS rows labelled_by="statement-kinds".to_owned() />
        </article>
    }
}
