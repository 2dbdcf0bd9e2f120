//! What a page shows when its data could not be loaded.

use crate::api::ApiError;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;

/// A plain-language failure notice with a retry button.
#[component]
pub fn LoadError(error: ApiError, on_retry: impl Fn() + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let msg = match error {
        ApiError::Network => Msg::ErrorNetwork,
        ApiError::Server { .. } | ApiError::Unexpected(_) => Msg::ErrorServer,
    };
    view! {
        <div class="notice notice-error" role="alert">
            <p>{move || i18n.t(msg)}</p>
            <button type="button" on:click=move |_| on_retry()>
                {move || i18n.t(Msg::Retry)}
            </button>
        </div>
    }
}
