//! File imports of a partner's records: the upload form, the progress of a
//! running import (polled until it ends), its per-line errors, and the
//! history of imports.
//!
//! The file goes to the server as the request body, straight from the
//! `File` the administrator picked: the browser streams it, the wasm side
//! never holds a copy.

use crate::api::{NoBody, Payload};
use crate::components::data_table::{Cell, Column, DataTable, Facts, Head, number, text};
use crate::components::form::{FormError, show_api_error};
use crate::components::load_error::{LoadError, Loading};
use crate::display::{points, when};
use crate::files::{parse_csv, save_text};
use crate::i18n::{Msg, use_i18n};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use tanpu_core::api::{ErrorCode, ImportList, ImportView, PartnerView};

/// How often a running import is asked how far it got.
const POLL: Duration = Duration::from_millis(500);
/// Error lines shown on the page; the download has them all.
const SHOWN_ERRORS: usize = 100;

/// The format a file's name suggests.
fn format_of(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        Some("jsonl")
    } else if lower.ends_with(".csv") {
        Some("csv")
    } else {
        None
    }
}

/// Picks a file and a format and starts importing it as `partner`.
#[component]
pub fn ImportForm(
    partner: PartnerView,
    on_started: impl Fn(ImportView) + Copy + 'static,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let format = RwSignal::new("csv");
    let file_error = RwSignal::new(None::<Msg>);
    let form_error = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let partner_id = partner.id;
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let picked = move || {
        file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
    };
    let on_change = move |_| {
        file_error.set(None);
        if let Some(f) = picked().and_then(|file| format_of(&file.name())) {
            format.set(f);
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let Some(file) = picked() else {
            file_error.set(Some(Msg::ImportErrNoFile));
            return;
        };
        file_error.set(None);
        let fmt = format.get_untracked();
        let path = format!(
            "/api/v1/admin/partners/{partner_id}/imports?format={fmt}&name={}",
            String::from(js_sys::encode_uri_component(&file.name()))
        );
        let body = Payload {
            content: file.into(),
            content_type: if fmt == "csv" {
                "text/csv"
            } else {
                "application/x-ndjson"
            },
        };
        pending.set(true);
        spawn_local(async move {
            let result = auth.upload::<ImportView>(&path, body).await;
            if pending.try_set(false).is_some() {
                return; // the form was closed meanwhile
            }
            match result {
                Ok(view) => on_started(view),
                Err(e) if e.code() == Some(ErrorCode::PayloadTooLarge) => {
                    file_error.set(Some(Msg::ImportErrTooLarge));
                }
                Err(e)
                    if e.field_reason()
                        .is_some_and(|(f, r)| f == "file" && r == "empty") =>
                {
                    file_error.set(Some(Msg::ImportErrEmpty));
                }
                Err(e) => show_api_error(&e, &[("file", file_error)], form_error),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="import-form-title">
            <h2 id="import-form-title" tabindex="-1" node_ref=heading>
                {i18n.tr(Msg::ImportFormTitle)} " · " {partner.name}
            </h2>
            <p class="muted">{i18n.tr(Msg::ImportHelp)}</p>
            <pre class="csv-example"><code>"external_id,kind,subject_type,subject_value,started_at,ended_at,quantity,unit,route,district"</code></pre>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                <div class="field">
                    <label for="import-file">{i18n.tr(Msg::ImportFile)}</label>
                    <input id="import-file" type="file" node_ref=file_input
                        accept=".csv,.jsonl,.ndjson,.txt,text/csv,application/json"
                        aria-describedby="import-file-error"
                        aria-invalid=move || if file_error.get().is_some() { "true" } else { "false" }
                        on:change=on_change />
                    <p class="field-error" id="import-file-error" aria-live="polite">
                        {move || file_error.get().map(|m| i18n.t(m))}
                    </p>
                </div>
                <div class="field">
                    <label for="import-format">{i18n.tr(Msg::ImportFormat)}</label>
                    <select id="import-format" prop:value=move || format.get()
                        on:change=move |ev| format.set(if event_target_value(&ev) == "jsonl" { "jsonl" } else { "csv" })>
                        <option value="csv">"CSV"</option>
                        <option value="jsonl">"JSON Lines"</option>
                    </select>
                </div>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {move || i18n.t(if pending.get() { Msg::ImportUploading } else { Msg::ImportStart })}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| on_close()>
                        {i18n.tr(Msg::Cancel)}
                    </button>
                </div>
            </form>
        </section>
    }
}

fn status_msg(status: &str) -> Msg {
    match status {
        "running" => Msg::ImportRunning,
        "done" => Msg::ImportDone,
        "interrupted" => Msg::ImportInterrupted,
        _ => Msg::ImportFailed,
    }
}

/// One import: a progress bar while it runs, then its counts and the lines
/// that were not credited. `on_finished` runs when a running import ends.
#[component]
pub fn ImportProgress(
    import: ImportView,
    on_finished: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let id = import.id;
    let current = RwSignal::new(import);
    // Bumped to ask again after a failed poll.
    let retry = RwSignal::new(0_u32);
    Effect::new(move |was_running: Option<bool>| {
        retry.track();
        let running = current.with(|v| v.status == "running");
        if running {
            set_timeout(
                move || {
                    spawn_local(async move {
                        let path = format!("/api/v1/admin/imports/{id}");
                        match auth
                            .call::<NoBody, ImportView>(Method::GET, &path, None)
                            .await
                        {
                            Ok(view) => {
                                let _ = current.try_set(view);
                            }
                            Err(_) => {
                                let _ = retry.try_update(|n| *n += 1);
                            }
                        }
                    });
                },
                POLL,
            );
        } else if was_running == Some(true) {
            on_finished();
        }
        running
    });
    let title_id = format!("import-{id}-title");
    let title_ref = title_id.clone();
    let bar_id = format!("import-{id}-progress");
    let v = move || current.get();
    let total = move || current.with(|v| v.total_bytes.max(1));
    let done = move || current.with(|v| v.bytes_done.clamp(0, v.total_bytes.max(1)));
    let percent = move || done() * 100 / total();
    let finished = Memo::new(move |_| current.with(|v| v.status != "running"));
    let errors = Memo::new(move |_| current.with(|v| v.rejected + v.invalid));
    let file = current.with_untracked(|v| v.file_name.clone());
    let partner = current.with_untracked(|v| v.partner.clone());
    view! {
        <section class="card import-progress" aria-labelledby=title_ref>
            <h2 id=title_id>{i18n.tr(Msg::ImportTitle)} {format!(" #{id} · {file}")}</h2>
            <p class="muted">{partner} " · " {move || when(Some(v().created_at))}</p>
            <p class="import-status" role="status">
                <strong>{move || i18n.t(status_msg(&v().status))}</strong>
                {move || v().error.map(|e| format!(" {e}"))}
            </p>
            <div class="field">
                <label for=bar_id.clone()>{i18n.tr(Msg::ImportProgressLabel)}</label>
                <progress id=bar_id max=move || total().to_string() value=move || done().to_string()>
                    {move || format!("{}%", percent())}
                </progress>
                <span class="small muted">{move || format!("{}% · {} / {} B", percent(), points(done()), points(total()))}</span>
            </div>
            {move || {
                let v = v();
                let counts = [
                    (Msg::ImportLines, v.lines),
                    (Msg::StatusAccepted, v.accepted),
                    (Msg::StatusRejected, v.rejected),
                    (Msg::StatusHeld, v.held),
                    (Msg::ImportDuplicate, v.duplicate),
                    (Msg::ImportInvalid, v.invalid),
                ];
                let items = counts.into_iter().map(|(m, n)| (m, Cell::Text(points(n)))).collect();
                view! { <Facts class="import-counts" items /> }
            }}
            {move || finished.get().then(|| {
                if errors.get() == 0 {
                    view! { <p>{i18n.tr(Msg::ImportNoErrors)}</p> }.into_any()
                } else {
                    view! { <ErrorLines id /> }.into_any()
                }
            })}
        </section>
    }
}

const ERROR_COLUMNS: &[Column] = &[
    number(Msg::ImportLine),
    text(Msg::ImportExternalId),
    text(Msg::WhyNot),
    text(Msg::ImportDetail),
];

/// The lines of an import that were not credited, with a download of all
/// of them as CSV.
#[component]
fn ErrorLines(id: i64) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let csv = LocalResource::new(move || async move {
        auth.text(&format!("/api/v1/admin/imports/{id}/errors.csv"))
            .await
    });
    let title_id = format!("import-{id}-errors");
    view! {
        <h3 id=title_id.clone()>{i18n.tr(Msg::ImportErrorsTitle)}</h3>
        <Suspense fallback=Loading>
            {move || {
                let title_id = title_id.clone();
                Suspend::new(async move {
                    match csv.await {
                        Ok(text) => {
                            let rows = parse_csv(&text)
                                .into_iter()
                                .skip(1)
                                .take(SHOWN_ERRORS)
                                .map(|row| {
                                    let mut row = row.into_iter();
                                    let mut next = move || row.next().unwrap_or_default();
                                    let (line, external_id, reasons, detail) = (next(), next(), next(), next());
                                    let codes = reasons.split(';').filter(|c| !c.is_empty()).map(str::to_owned).collect();
                                    vec![Cell::Text(line), Cell::Text(external_id), Cell::Reasons(codes), Cell::Text(detail)]
                                })
                                .collect();
                            let download = move |_| save_text(&format!("tanpu-import-{id}-errors.csv"), "text/csv", &text);
                            view! {
                                <button type="button" class="secondary" on:click=download>
                                    {i18n.tr(Msg::ImportDownloadErrors)}
                                </button>
                                <DataTable columns=ERROR_COLUMNS rows labelled_by=title_id />
                            }.into_any()
                        }
                        Err(error) => view! { <LoadError error on_retry=move || csv.refetch() /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

const HISTORY_COLUMNS: &[Column] = &[
    Column {
        head: Head::Literal("#"),
        numeric: true,
    },
    text(Msg::PartnerName),
    text(Msg::ImportFile),
    text(Msg::ColActive),
    number(Msg::ImportLines),
    number(Msg::StatusAccepted),
    number(Msg::StatusRejected),
    number(Msg::StatusHeld),
    number(Msg::ImportDuplicate),
    number(Msg::ImportInvalid),
    text(Msg::ImportStarted),
    Column {
        head: Head::Hidden(Msg::ImportShow),
        numeric: false,
    },
];

/// The latest imports, newest first; `refresh` reloads the list and
/// `on_show` opens one.
#[component]
pub fn ImportHistory(
    refresh: RwSignal<u32>,
    on_show: impl Fn(ImportView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let list = LocalResource::new(move || {
        refresh.track();
        async move {
            auth.call::<NoBody, ImportList>(Method::GET, "/api/v1/admin/imports", None)
                .await
        }
    });
    let row = move |imp: ImportView| {
        let label = format!("#{} {}", imp.id, imp.file_name);
        let counts = [
            imp.lines,
            imp.accepted,
            imp.rejected,
            imp.held,
            imp.duplicate,
            imp.invalid,
        ];
        let mut row = vec![
            Cell::Text(imp.id.to_string()),
            Cell::Text(imp.partner.clone()),
            Cell::Text(imp.file_name.clone()),
            Cell::Msg(status_msg(&imp.status)),
        ];
        row.extend(counts.into_iter().map(|n| Cell::Text(points(n))));
        row.push(Cell::Text(when(Some(imp.created_at))));
        row.push(Cell::View(
            view! {
                <button type="button" class="link"
                    aria-label=move || format!("{} {label}", i18n.t(Msg::ImportShow))
                    on:click=move |_| on_show(imp.clone())>
                    {i18n.tr(Msg::ImportShow)}
                </button>
            }
            .into_any(),
        ));
        row
    };
    view! {
        <section class="card" aria-labelledby="imports-title">
            <h2 id="imports-title">{i18n.tr(Msg::ImportHistoryTitle)}</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(l) if l.imports.is_empty() => view! { <p class="muted">{i18n.tr(Msg::ImportNone)}</p> }.into_any(),
                        Ok(l) => {
                            let rows = l.imports.into_iter().map(row).collect();
                            view! { <DataTable columns=HISTORY_COLUMNS rows labelled_by="imports-title".to_owned() wide=true /> }.into_any()
                        }
                        Err(error) => view! { <LoadError error on_retry=move || list.refetch() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
