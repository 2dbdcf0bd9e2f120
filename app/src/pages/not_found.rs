//! Any client route the router does not know.

use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;

/// The router's fallback.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <article class="prose">
            <h1>{i18n.tr(Msg::NotFoundTitle)}</h1>
            <p>{i18n.tr(Msg::NotFoundText)}</p>
            <A href="/">{i18n.tr(Msg::BackHome)}</A>
        </article>
    }
}
