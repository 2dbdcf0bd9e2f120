//! `/actions`: every action of the citizen, newest first, filterable by
//! kind, status and month, loaded a page at a time.

use crate::api::ApiError;
use crate::components::action_row::{ActionLine, ActionRow};
use crate::components::fetched::{fetch, loaded};
use crate::components::load_error::LoadError;
use crate::components::require_sign_in::RequireSignIn;
use crate::components::submission::Submission;
use crate::display::kind_name;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use tanpu_core::rules::ActionKind;

/// A page of `GET /api/v1/me/actions` (`tanpu_core::api::ActionPage`), its
/// items read as the rows show them.
#[derive(serde::Deserialize)]
struct ActionLines {
    items: Vec<ActionLine>,
    next_before_id: Option<i64>,
}

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
    let items = RwSignal::new(Vec::<ActionLine>::new());
    let next = RwSignal::new(None::<i64>);
    // Why the last "load more" failed, until it is tried again.
    let more_error = RwSignal::new(None::<ApiError>);

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
    let load_more = move || {
        more_error.set(None);
        // The filters whose list this page continues: if they change while
        // it is on its way, its rows belong to a list no longer shown.
        let continued = untrack(|| query(None));
        let path = untrack(|| query(next.get()));
        more.get::<ActionLines>(path, move |answer| {
            if untrack(|| query(None)) != continued {
                return;
            }
            match answer {
                Ok(page) => {
                    items.update(|list| list.extend(page.items));
                    next.set(page.next_before_id);
                }
                Err(e) => more_error.set(Some(e)),
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
        {loaded(first, move |page: ActionLines| {
            items.set(page.items);
            next.set(page.next_before_id);
            more_error.set(None);
            // The rows drawn again when a page is added: a keyed `<For>`
            // would keep the earlier rows' nodes, but its diffing (the keyed
            // list and its hash maps) was ~10 KB of this page's code before
            // optimisation (docs/PERFORMANCE.md, session 19), for twenty
            // rows added at a time.
            //
            // Closures returning views rather than `<Show>`s: each `<Show>`
            // brought its memo and its two views' switching code into the
            // page's download (docs/PERFORMANCE.md, session 20).
            view! {
                {move || {
                    let rows = items.get();
                    if rows.is_empty() {
                        return view! { <p>{i18n.tr(Msg::NoMatches)}</p> }.into_any();
                    }
                    view! {
                        <ul class="action-list" aria-label=i18n.tr(Msg::ActionsTitle)>
                            {rows.into_iter().map(|item| view! { <ActionRow item /> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
                {move || more_error.get().map(|error| view! { <LoadError error on_retry=load_more /> })}
                {move || (next.get().is_some() && more_error.get().is_none()).then(|| view! {
                    <button type="button" class="secondary" disabled=move || more.pending()
                        on:click=move |_| load_more()>
                        {i18n.tr(Msg::LoadMore)}
                    </button>
                })}
            }
            .into_any()
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::ActionLines;
    use crate::components::action_row::sample_item;
    use tanpu_core::api::ActionPage;

    #[test]
    fn the_list_reads_the_pages_the_server_writes() {
        for next_before_id in [Some(41), None] {
            let written = ActionPage {
                items: vec![sample_item(), sample_item()],
                next_before_id,
            };
            let read: ActionLines =
                serde_json::from_str(&serde_json::to_string(&written).expect("written"))
                    .expect("read");
            assert_eq!(read.items.len(), 2);
            assert_eq!(read.items[0].id, 41);
            assert_eq!(read.next_before_id, next_before_id);
        }
    }
}
