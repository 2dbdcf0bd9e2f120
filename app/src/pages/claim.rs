//! `/actions/claim`: a citizen claims an action no partner recorded; it is
//! held for review.

use crate::components::form::{FormError, TextField, show_api_error};
use crate::components::require_sign_in::RequireSignIn;
use crate::components::submission::Submission;
use crate::display::{city_instant, kind_name};
use crate::i18n::{Msg, unit_msg, use_i18n};
use gloo_net::http::Method;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use tanpu_core::api::ClaimRequest;
use tanpu_core::rules::{ActionKind, Quantity};

/// The claim as filed, as this page reads the answer (an
/// `ActionItem`): its id, for the page it goes to next.
#[derive(serde::Deserialize)]
struct Filed {
    id: i64,
}

/// `/actions/claim`
#[component]
pub fn Claim() -> impl IntoView {
    view! { <RequireSignIn><ClaimForm /></RequireSignIn> }
}

#[component]
fn ClaimForm() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let kind = RwSignal::new(ActionKind::BUS_RIDE.as_str().to_owned());
    let started = RwSignal::new(String::new());
    let ended = RwSignal::new(String::new());
    let quantity = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let started_error = RwSignal::new(None);
    let ended_error = RwSignal::new(None);
    let quantity_error = RwSignal::new(None);
    let note_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let unit = move || {
        ActionKind::parse(&kind.get())
            .ok()
            .and_then(|k| k.allowed_units().and_then(|u| u.first().copied()))
            .map_or("km", |u| u.as_str())
    };

    let submit = Submission::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let start = city_instant(&started.get());
        let end = if ended.get().is_empty() {
            None
        } else {
            city_instant(&ended.get())
        };
        started_error.set(start.is_none().then_some(Msg::ErrRequired));
        ended_error.set(match (start, end) {
            (_, None) if !ended.get().is_empty() => Some(Msg::ErrRequired),
            (Some(s), Some(e)) if e < s => Some(Msg::ErrEndBeforeStart),
            _ => None,
        });
        let amount: Option<serde_json::Number> = Quantity::parse(quantity.get().trim())
            .ok()
            .and_then(|_| quantity.get().trim().parse::<serde_json::Number>().ok());
        quantity_error.set(amount.is_none().then_some(Msg::ErrNotAQuantity));
        note_error.set(note.get().trim().is_empty().then_some(Msg::ErrRequired));
        if let (Some(start), Some(amount), None, None) =
            (start, amount, ended_error.get(), note_error.get())
        {
            let req = ClaimRequest {
                kind: kind.get(),
                started_at: start,
                ended_at: end,
                quantity: amount,
                unit: unit().to_owned(),
                note: note.get(),
            };
            let navigate = navigate.clone();
            submit.call::<_, Filed>(
                Method::POST,
                "/api/v1/me/claims",
                Some(req),
                move |answer| match answer {
                    Ok(item) => navigate(&format!("/actions/{}", item.id), Default::default()),
                    Err(e) => show_api_error(
                        &e,
                        &[
                            ("started_at", started_error),
                            ("ended_at", ended_error),
                            ("quantity", quantity_error),
                            ("note", note_error),
                        ],
                        form_error,
                    ),
                },
            );
        }
    };
    view! {
        <section class="narrow">
            <h1>{i18n.tr(Msg::ClaimTitle)}</h1>
            <p class="muted">{i18n.tr(Msg::ClaimHelp)}</p>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                <div class="field">
                    <label for="claim-kind">{i18n.tr(Msg::FilterKind)}</label>
                    <select id="claim-kind" on:change=move |ev| kind.set(event_target_value(&ev)) prop:value=move || kind.get()>
                        {ActionKind::BUILT_IN
                            .iter()
                            .map(|k| {
                                let name = k.as_str().to_owned();
                                let label = name.clone();
                                view! { <option value=name>{move || kind_name(i18n, &label)}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <TextField label=Msg::ClaimStart name="claim-start" value=started error=started_error input_type="datetime-local" />
                <TextField label=Msg::ClaimEnd name="claim-end" value=ended error=ended_error input_type="datetime-local" />
                <div class="field-with-unit">
                    <TextField label=Msg::ClaimQuantity name="claim-quantity" value=quantity error=quantity_error input_type="text" />
                    <span class="unit">{move || unit_msg(unit()).map(|m| i18n.t(m))}</span>
                </div>
                <div class="field">
                    <label for="claim-note">{i18n.tr(Msg::ClaimNote)}</label>
                    <textarea id="claim-note" rows="3" maxlength="500" bind:value=note
                        aria-invalid=move || if note_error.get().is_some() { "true" } else { "false" }
                        aria-describedby="claim-note-error"></textarea>
                    <p class="field-error" id="claim-note-error" aria-live="polite">
                        {move || note_error.get().map(|m| i18n.t(m))}
                    </p>
                </div>
                <button type="submit" class="primary" disabled=move || submit.pending()>
                    {i18n.tr(Msg::ClaimSubmit)}
                </button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::Filed;
    use crate::components::action_row::sample_item;

    #[test]
    fn the_form_reads_the_claim_the_server_writes() {
        let filed: Filed =
            serde_json::from_str(&serde_json::to_string(&sample_item()).expect("written"))
                .expect("read");
        assert_eq!(filed.id, 41);
    }
}
