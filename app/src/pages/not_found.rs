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
            <h1>{move || i18n.t(Msg::NotFoundTitle)}</h1>
            <p>{move || i18n.t(Msg::NotFoundText)}</p>
            <A href="/">{move || i18n.t(Msg::BackHome)}</A>
        </article>
    }
}
