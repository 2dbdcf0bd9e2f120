//! `/admin/audit`: the audit log, newest first — who changed what, when,
//! and the object before and after, as readable JSON. Filtered by action
//! (an exact name such as `citizen.freeze`, or a prefix ending in a dot such
//! as `citizen.`) and by object, and read page by page.

use crate::api::{ApiError, NoBody};
use crate::components::admin_nav::RequireAdmin;
use crate::components::form::{FormError, TextField, show_api_error};
use crate::display::when;
use crate::i18n::{Msg, use_i18n};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use tanpu_core::api::{AuditEntry, AuditPage};

/// Entries per page.
const PAGE: u32 = 50;

/// The filter as sent: empty fields are left out.
#[derive(Clone, Debug, Default, PartialEq)]
struct Filter {
    action: String,
    object_kind: String,
    object_id: String,
}

impl Filter {
    fn query(&self, before_id: Option<i64>) -> String {
        let mut query = format!("limit={PAGE}");
        for (name, value) in [
            ("action", &self.action),
            ("object_kind", &self.object_kind),
            ("object_id", &self.object_id),
        ] {
            if !value.is_empty() {
                query.push_str(&format!(
                    "&{name}={}",
                    String::from(js_sys::encode_uri_component(value))
                ));
            }
        }
        if let Some(id) = before_id {
            query.push_str(&format!("&before_id={id}"));
        }
        query
    }
}

/// `/admin/audit`
#[component]
pub fn AdminAudit() -> impl IntoView {
    view! { <RequireAdmin title=Msg::AuditTitle><AuditLog /></RequireAdmin> }
}

#[component]
fn AuditLog() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let action = RwSignal::new(String::new());
    let object_kind = RwSignal::new(String::new());
    let object_id = RwSignal::new(String::new());
    let action_error = RwSignal::new(None);
    let kind_error = RwSignal::new(None);
    let id_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<i64>);
    let loaded = RwSignal::new(false);
    // (filter, older than): a fresh list when `None`, the next page otherwise.
    let load = Action::new_local(move |(filter, before): &(Filter, Option<i64>)| {
        let path = format!("/api/v1/admin/audit?{}", filter.query(*before));
        let more = before.is_some();
        async move {
            let page = auth
                .call::<NoBody, AuditPage>(Method::GET, &path, None)
                .await?;
            Ok::<_, ApiError>((more, page))
        }
    });
    let applied = RwSignal::new(Filter::default());
    load.dispatch((Filter::default(), None));
    Effect::new(move |_| match load.value().get() {
        Some(Ok((more, page))) => {
            if more {
                entries.update(|e| e.extend(page.items));
            } else {
                entries.set(page.items);
            }
            next.set(page.next_before_id);
            loaded.set(true);
        }
        Some(Err(e)) => show_api_error(
            &e,
            &[
                ("action", action_error),
                ("object_kind", kind_error),
                ("object_id", id_error),
            ],
            form_error,
        ),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        for e in [action_error, kind_error, id_error] {
            e.set(None);
        }
        let filter = Filter {
            action: action.get_untracked().trim().to_owned(),
            object_kind: object_kind.get_untracked().trim().to_owned(),
            object_id: object_id.get_untracked().trim().to_owned(),
        };
        applied.set(filter.clone());
        load.dispatch((filter, None));
    };
    let older = move |_| {
        if let Some(before) = next.get_untracked() {
            load.dispatch((applied.get_untracked(), Some(before)));
        }
    };
    view! {
        <h1>{i18n.tr(Msg::AuditTitle)}</h1>
        <form class="form card" role="search" aria-label=i18n.tr(Msg::AuditFilter) on:submit=on_submit novalidate>
            <FormError error=form_error />
            <div class="field-row">
                <TextField label=Msg::AuditAction name="audit-action" value=action error=action_error
                    hint=Msg::AuditActionHint />
                <TextField label=Msg::AuditObjectKind name="audit-kind" value=object_kind error=kind_error
                    hint=Msg::AuditObjectKindHint />
                <TextField label=Msg::AuditObjectId name="audit-id" value=object_id error=id_error />
            </div>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || load.pending().get()>
                    {i18n.tr(Msg::AuditApply)}
                </button>
            </div>
        </form>
        <Show when=move || loaded.get() && entries.with(Vec::is_empty)>
            <p>{i18n.tr(Msg::NoMatches)}</p>
        </Show>
        <ol class="audit-list" aria-label=i18n.tr(Msg::AuditTitle)>
            <For each=move || entries.get() key=|e| e.id let:entry>
                <AuditItem entry />
            </For>
        </ol>
        <Show when=move || next.get().is_some()>
            <button type="button" class="secondary" disabled=move || load.pending().get() on:click=older>
                {i18n.tr(Msg::AuditOlder)}
            </button>
        </Show>
    }
}

/// JSON laid out for people, or a dash when there is none.
fn pretty(value: Option<&serde_json::Value>) -> String {
    value
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .unwrap_or_else(|| "—".to_owned())
}

#[component]
fn AuditItem(entry: AuditEntry) -> impl IntoView {
    let i18n = use_i18n();
    let actor = entry.actor_id;
    view! {
        <li class="card audit-entry">
            <p class="audit-head">
                <code class="audit-action">{entry.action.clone()}</code>
                " · " {entry.object_kind.clone()} " #" {entry.object_id.clone()}
            </p>
            <p class="muted small">
                {when(Some(entry.at))} " · "
                {move || match actor {
                    Some(id) => format!("{} #{id}", i18n.t(Msg::AuditActor)),
                    None => i18n.t(Msg::AuditOperator).to_owned(),
                }}
            </p>
            <div class="audit-diff">
                <div>
                    <p class="audit-label">{i18n.tr(Msg::AuditBefore)}</p>
                    <pre>{pretty(entry.before.as_ref())}</pre>
                </div>
                <div>
                    <p class="audit-label">{i18n.tr(Msg::AuditAfter)}</p>
                    <pre>{pretty(entry.after.as_ref())}</pre>
                </div>
            </div>
        </li>
    }
}
