//! What a page shows while its data loads, and when it could not be loaded.

use crate::api::ApiError;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use tanpu_core::api::ErrorCode;

/// A plain-language failure notice with a retry button.
#[component]
pub fn LoadError(error: ApiError, on_retry: impl Fn() + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let msg = match error.code() {
        _ if error == ApiError::Network => Msg::ErrorNetwork,
        Some(ErrorCode::Forbidden) => Msg::ErrForbidden,
        Some(ErrorCode::AccountFrozen) => Msg::ErrAccountFrozen,
        _ => Msg::ErrorServer,
    };
    view! {
        <div class="notice notice-error" role="alert">
            <p>{i18n.tr(msg)}</p>
            <button type="button" on:click=move |_| on_retry()>
                {i18n.tr(Msg::Retry)}
            </button>
        </div>
    }
}

/// The notice while a page's data is on its way.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" role="status">{i18n.tr(Msg::Loading)}</p> }
}
