//! `/actions`: every action of the citizen, newest first, filterable by
//! kind, status and month, loaded a page at a time.

use crate::api::NoBody;
use crate::components::action_row::ActionRow;
use crate::components::fetched::{fetch, loaded};
use crate::components::require_sign_in::RequireSignIn;
use crate::components::submission::Submission;
use crate::display::kind_name;
use crate::i18n::{Msg, use_i18n};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::A;
use tanpu_core::api::{ActionItem, ActionPage};
use tanpu_core::rules::ActionKind;

/// `/actions`
#[component]
pub fn Actions() -> impl IntoView {
    view! { <RequireSignIn><ActionList /></RequireSignIn> }
}

#[component]
fn ActionList() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let month = RwSignal::new(String::new());
    // Pages loaded so far for the current filters.
    let items = RwSignal::new(Vec::<ActionItem>::new());
    let next = RwSignal::new(None::<i64>);

    let query = move |before: Option<i64>| {
        let mut params = vec!["limit=20".to_owned()];
        for (name, value) in [
            ("kind", kind.get()),
            ("status", status.get()),
            ("month", month.get()),
        ] {
            if !value.is_empty() {
                params.push(format!("{name}={value}"));
            }
        }
        if let Some(before) = before {
            params.push(format!("before_id={before}"));
        }
        format!("/api/v1/me/actions?{}", params.join("&"))
    };
    // The first page follows the filters.
    let first = fetch(move || query(None));
    let more = Submission::new();
    let load_more = move |_| {
        let path = query(next.get());
        more.call::<_, ActionPage>(Method::GET, path, None::<NoBody>, move |answer| {
            if let Ok(page) = answer {
                items.update(|list| list.extend(page.items));
                next.set(page.next_before_id);
            }
        });
    };

    let filter_select = move |label: Msg,
                              id: &'static str,
                              signal: RwSignal<String>,
                              options: Vec<(String, String)>| {
        view! {
            <div class="field">
                <label for=id>{i18n.tr(label)}</label>
                <select id=id on:change=move |ev| signal.set(event_target_value(&ev)) prop:value=move || signal.get()>
                    <option value="">{i18n.tr(Msg::All)}</option>
                    {options.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    let kinds: Vec<(String, String)> = ActionKind::BUILT_IN
        .iter()
        .map(|k| (k.as_str().to_owned(), kind_name(i18n, k.as_str())))
        .collect();
    let statuses = vec![
        (
            "accepted".to_owned(),
            i18n.t(Msg::StatusAccepted).to_owned(),
        ),
        ("held".to_owned(), i18n.t(Msg::StatusHeld).to_owned()),
        (
            "rejected".to_owned(),
            i18n.t(Msg::StatusRejected).to_owned(),
        ),
    ];

    view! {
        <h1>{i18n.tr(Msg::ActionsTitle)}</h1>
        <p><A href="/actions/claim">{i18n.tr(Msg::ClaimLink)}</A></p>
        <form class="filters" on:submit=|ev| ev.prevent_default()>
            {filter_select(Msg::FilterKind, "filter-kind", kind, kinds)}
            {filter_select(Msg::FilterStatus, "filter-status", status, statuses)}
            <div class="field">
                <label for="filter-month">{i18n.tr(Msg::FilterMonth)}</label>
                <input id="filter-month" type="month" bind:value=month />
            </div>
        </form>
        {loaded(first, move |page: ActionPage| {
            items.set(page.items);
            next.set(page.next_before_id);
            view! {
                <Show when=move || !items.get().is_empty() fallback=move || view! { <p>{i18n.tr(Msg::NoMatches)}</p> }>
                    <ul class="action-list" aria-label=i18n.tr(Msg::ActionsTitle)>
                        <For each=move || items.get() key=|item| item.id let:item>
                            <ActionRow item />
                        </For>
                    </ul>
                </Show>
                <Show when=move || next.get().is_some()>
                    <button type="button" class="secondary" disabled=move || more.pending()
                        on:click=load_more>
                        {i18n.tr(Msg::LoadMore)}
                    </button>
                </Show>
            }
            .into_any()
        })}
    }
}
