//! Form pieces: a labelled field with its error beside it, and the mapping
//! from an API error to the field (or the form) it belongs to.

use crate::api::ApiError;
use crate::i18n::{Msg, reason_msg, use_i18n};
use leptos::prelude::*;
use tanpu_core::api::ErrorCode;

/// A labelled text input whose error is shown right under it and announced
/// to screen readers.
#[component]
pub fn TextField(
    /// The label.
    label: Msg,
    /// `name` and the basis of the id.
    name: &'static str,
    /// The value.
    value: RwSignal<String>,
    /// The error to show, if any.
    error: RwSignal<Option<Msg>>,
    /// `type` of the input.
    #[prop(default = "text")]
    input_type: &'static str,
    /// `autocomplete` hint for browsers and password managers.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// A hint under the label.
    #[prop(optional)]
    hint: Option<Msg>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = if hint.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{i18n.tr(label)}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{i18n.tr(h)}</p> })}
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                bind:value=value
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
            />
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get().map(|m| i18n.t(m))}
            </p>
        </div>
    }
}

/// Puts an API error where the person will see it: next to the field the
/// server blamed, or at the top of the form.
pub fn show_api_error(
    error: &ApiError,
    fields: &[(&str, RwSignal<Option<Msg>>)],
    form: RwSignal<Option<Msg>>,
) {
    if let Some((field, reason)) = error.field_reason() {
        if let Some((_, signal)) = fields.iter().find(|(name, _)| *name == field) {
            signal.set(Some(reason_msg(&reason)));
            return;
        }
        form.set(Some(reason_msg(&reason)));
        return;
    }
    form.set(Some(match error {
        ApiError::Network => Msg::ErrorNetwork,
        e if e.code() == Some(ErrorCode::Unauthorized) => Msg::ErrWrongCredentials,
        e if e.code() == Some(ErrorCode::AccountFrozen) => Msg::ErrAccountFrozen,
        _ => Msg::ErrorServer,
    }));
}

/// The error at the top of a form.
#[component]
pub fn FormError(error: RwSignal<Option<Msg>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error
            .get()
            .map(|m| view! { <p class="notice notice-error" role="alert">{i18n.t(m)}</p> })
    }
}
