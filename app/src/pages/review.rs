//! `/review`: the review queue for reviewers and administrators.

use crate::api::NoBody;
use crate::components::load_error::{LoadError, Loading};
use crate::components::require_sign_in::RequireSignIn;
use crate::display::{amount, kind_name, when};
use crate::i18n::{Msg, decision_reason_msg, use_i18n};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::prelude::*;
use tanpu_core::api::{ActionItem, ReviewDecision, ReviewItem, ReviewQueue};

/// `/review`
#[component]
pub fn Review() -> impl IntoView {
    view! { <RequireSignIn><Queue /></RequireSignIn> }
}

#[component]
fn Queue() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let queue = LocalResource::new(move || async move {
        auth.call::<NoBody, ReviewQueue>(Method::GET, "/api/v1/review/queue", None)
            .await
    });
    let decide = Action::new_local(move |(id, approve, note): &(i64, bool, String)| {
        let path = format!(
            "/api/v1/review/actions/{id}/{}",
            if *approve { "approve" } else { "reject" }
        );
        let body = ReviewDecision { note: note.clone() };
        async move {
            auth.call::<_, ActionItem>(Method::POST, &path, Some(&body))
                .await
        }
    });
    Effect::new(move |_| {
        if decide.value().get().is_some() {
            queue.refetch();
        }
    });
    view! {
        <h1>{i18n.tr(Msg::ReviewTitle)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(q) if q.items.is_empty() => view! { <p>{i18n.tr(Msg::ReviewEmpty)}</p> }.into_any(),
                    Ok(q) => view! {
                        <ul class="review-list" aria-label=i18n.tr(Msg::ReviewTitle)>
                            {q.items.into_iter().map(|item| view! { <ReviewCard item decide /> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadError error on_retry=move || queue.refetch() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReviewCard(
    item: ReviewItem,
    decide: Action<(i64, bool, String), Result<ActionItem, crate::api::ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = item.action.id;
    let note = RwSignal::new(String::new());
    let kind = item.action.kind.clone();
    let (quantity, unit) = (item.action.quantity_milli, item.action.unit.clone());
    let reasons = item.action.reasons.clone();
    let who = item.nickname.clone().unwrap_or_default();
    let note_id = format!("review-note-{id}");
    view! {
        <li class="card">
            <h2>{move || kind_name(i18n, &kind)} " · " {who}</h2>
            <p>{when(item.action.started_at)} " · " {move || amount(i18n, quantity, &unit)}</p>
            <p class="muted">{i18n.tr(if item.self_declared { Msg::ReviewClaim } else { Msg::ReviewPartner })}</p>
            {item.note.map(|n| view! { <blockquote>{n}</blockquote> })}
            <ul>{reasons.into_iter().map(|r| view! { <li>{i18n.tr(decision_reason_msg(&r))}</li> }).collect_view()}</ul>
            <p>{i18n.tr(Msg::PointsIfApproved)} ": " {item.points_if_approved.0}</p>
            <div class="field">
                <label for=note_id.clone()>{i18n.tr(Msg::ReviewNoteLabel)}</label>
                <input id=note_id type="text" bind:value=note />
            </div>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| { decide.dispatch((id, true, note.get())); }>
                    {i18n.tr(Msg::Approve)}
                </button>
                <button type="button" class="secondary" on:click=move |_| { decide.dispatch((id, false, note.get())); }>
                    {i18n.tr(Msg::Reject)}
                </button>
            </div>
        </li>
    }
}
